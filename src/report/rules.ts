/**
 * The rule ids the CI formats report, with one-line descriptions for SARIF's
 * rule descriptors. A rule id is the diagnostic's stable `code` (validation:
 * `Field*` as the API server's field errors; lint: one per check) or, for
 * diff changes, `diff/…`. docs/ci.md lists them; an id not listed here still
 * gets a generic description, so a new check never breaks the output.
 */

const RULES: Record<string, string> = {
  // Loading and validation (as kube-apiserver's field errors).
  YAMLSyntax: "The file is not valid YAML",
  YAMLKey: "A mapping key YAML 1.1 reads differently",
  DuplicateKey: "A mapping key appears twice",
  UnknownKind: "The document's apiVersion/kind is not a kind michi models",
  FileUnreadable: "A path given with -f cannot be read",
  NoManifests: "A path given with -f holds no manifests",
  FieldValueRequired: "A required field is missing",
  FieldValueInvalid: "A field's value is invalid",
  FieldTypeInvalid: "A field has the wrong type",
  FieldValueNotSupported: "A field's value is not one of the supported values",
  FieldValueDuplicate: "A value that must be unique appears twice",
  FieldValueForbidden: "A field may not be set here",
  FieldValueTooLong: "A field's value is too long",
  FieldValueTooMany: "A list has too many items",
  DuplicateObject: "Two manifests define the same object",
  NamespaceNotFound: "The object's namespace is not defined",
  // NetworkPolicy lint.
  PolicySelectsNoPods: "A NetworkPolicy's podSelector selects no pod",
  SelectorMatchesNothing: "A policy peer's selector matches nothing",
  NamespaceSelectorOnNameLabel: "A namespaceSelector relies on the hand-set `name` label",
  NamedPortNotDeclared: "A policy names a port no destination pod declares",
  RulesIgnoredByPolicyTypes: "Rules the policy's policyTypes make the API server ignore",
  NoDNSEgress: "Pods isolated for egress cannot resolve names",
  NoDNSEgressTCP: "DNS egress allows UDP 53 but not TCP 53",
  // Exposure (policy/lint-exposure.ts).
  ExposedToAllNamespaces: "A workload accepts connections from every namespace",
  ExposedOutsideCluster: "A workload accepts connections from outside the cluster",
  NotSelectedByAnyPolicy: "A workload no NetworkPolicy selects accepts every connection",
  EgressToInternet: "A workload may connect to the whole internet",
  // Services and Ingress lint.
  ServiceSelectsNoPods: "A Service's selector matches no pod",
  TargetPortNotFound: "A Service's named targetPort is declared by no backend pod",
  TargetPortNotExposed: "A Service's targetPort is not a containerPort of its pods",
  IngressBackendNotFound: "An Ingress backend names a Service that does not exist",
  IngressBackendPortNotFound: "An Ingress backend names a port the Service does not have",
  TLSSecretNotFound: "An Ingress TLS section names a Secret that does not exist",
  TLSSecretWrongType: "An Ingress TLS Secret is not of type kubernetes.io/tls",
  TLSSecretProblem: "An Ingress TLS Secret cannot be used",
  InvalidAnnotation: "An ingress-nginx annotation has an invalid value",
  UnsupportedAnnotation: "An ingress-nginx annotation michi does not implement",
  UnsupportedAnnotationValue: "An annotation value michi does not implement",
  SnippetNotExecuted: "A snippet annotation (never executed)",
  AnnotationsIgnored: "Annotations the controller ignores",
  CloudOnlyAnnotation: "An annotation only a cloud controller acts on",
  RegexModeQuirk: "ingress-nginx's regex mode changes how this host's paths match",
  RewriteDropsPath: "rewrite-target drops the request path",
  PathConflict: "Two Ingress rules claim the same host and path",
  CanaryConflict: "Two canaries for the same location",
  CanaryWithoutMain: "A canary Ingress with no main Ingress for its host and path",
  CanaryWeightAboveTotal: "canary-weight exceeds canary-weight-total",
  DefaultBackendConflict: "Two Ingresses set a default backend",
  InvalidPathRegex: "An Ingress path is not a valid regular expression",
  RegexBacktracking: "An Ingress path regex can backtrack catastrophically",
  UnsupportedBackend: "An Ingress backend kind michi does not serve",
  // Controllers.
  EndpointsOverwritten: "A hand-written Endpoints object for a Service with a selector",
  ReservedObject: "An object michi creates itself",
  PodIPExhausted: "The pod CIDR has no free address",
  NodeIPExhausted: "The node CIDR has no free address",
  Unschedulable: "A pod fits no node",
  LoadBalancerIPUnavailable: "No LoadBalancer IP can be assigned",
  // diff.
  "diff/connection-allowed": "A connection the change newly allows",
  "diff/connection-denied": "A connection the change newly denies",
  "diff/workload-added": "A workload the change adds",
  "diff/workload-removed": "A workload the change removes",
  "diff/service-backends": "A Service whose backends the change alters",
  "diff/route": "Requests the ingress controller answers differently after the change",
  "diff/dns-added": "A cluster DNS name the change adds",
  "diff/dns-removed": "A cluster DNS name the change removes",
  "diff/dns-changed": "A cluster DNS name whose records the change alters",
};

export function ruleDescription(id: string): string {
  return RULES[id] ?? `michi check ${id}`;
}

export function knownRules(): readonly string[] {
  return Object.keys(RULES);
}

/** Where the rules are documented (SARIF `help`). */
export const RULES_HELP = 'Rule ids and what they mean: docs/ci.md, section "Rule ids".';
