/**
 * The kinds a real API server serves, per built-in API group (and the
 * networking CRD groups michi implements), with the group's preferred
 * version. It decides what an object of a kind michi does not model is:
 * - a real kind of its group (PersistentVolumeClaim v1, HorizontalPodAutoscaler
 *   autoscaling/v2): kept with a warning, as before;
 * - an unknown kind of a known group (`kind: Servce` in v1, `deployment` in
 *   apps/v1): the API server's `no matches for kind "Servce" in version "v1"`,
 *   an error, with a did-you-mean;
 * - a kind of a group michi does not know (a CRD's): kept with a warning.
 * Kind lists as `kubectl api-resources` prints them for Kubernetes 1.34,
 * Gateway API 1.4 and network-policy-api (kinds only: no subresources).
 */
import { KINDS } from "./kinds.js";

interface Group {
  preferred: string;
  kinds: readonly string[];
}

const GROUPS: Readonly<Record<string, Group>> = {
  "": {
    preferred: "v1",
    kinds: [
      "Binding",
      "ComponentStatus",
      "ConfigMap",
      "Endpoints",
      "Event",
      "LimitRange",
      "Namespace",
      "Node",
      "PersistentVolume",
      "PersistentVolumeClaim",
      "Pod",
      "PodTemplate",
      "ReplicationController",
      "ResourceQuota",
      "Secret",
      "Service",
      "ServiceAccount",
    ],
  },
  "admissionregistration.k8s.io": {
    preferred: "v1",
    kinds: [
      "MutatingAdmissionPolicy",
      "MutatingAdmissionPolicyBinding",
      "MutatingWebhookConfiguration",
      "ValidatingAdmissionPolicy",
      "ValidatingAdmissionPolicyBinding",
      "ValidatingWebhookConfiguration",
    ],
  },
  "apiextensions.k8s.io": { preferred: "v1", kinds: ["CustomResourceDefinition"] },
  "apiregistration.k8s.io": { preferred: "v1", kinds: ["APIService"] },
  apps: {
    preferred: "v1",
    kinds: ["ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"],
  },
  "authentication.k8s.io": { preferred: "v1", kinds: ["SelfSubjectReview", "TokenReview"] },
  "authorization.k8s.io": {
    preferred: "v1",
    kinds: [
      "LocalSubjectAccessReview",
      "SelfSubjectAccessReview",
      "SelfSubjectRulesReview",
      "SubjectAccessReview",
    ],
  },
  autoscaling: { preferred: "v2", kinds: ["HorizontalPodAutoscaler"] },
  batch: { preferred: "v1", kinds: ["CronJob", "Job"] },
  "certificates.k8s.io": { preferred: "v1", kinds: ["CertificateSigningRequest", "ClusterTrustBundle"] },
  "coordination.k8s.io": { preferred: "v1", kinds: ["Lease", "LeaseCandidate"] },
  "discovery.k8s.io": { preferred: "v1", kinds: ["EndpointSlice"] },
  "events.k8s.io": { preferred: "v1", kinds: ["Event"] },
  "flowcontrol.apiserver.k8s.io": { preferred: "v1", kinds: ["FlowSchema", "PriorityLevelConfiguration"] },
  "networking.k8s.io": {
    preferred: "v1",
    kinds: ["IPAddress", "Ingress", "IngressClass", "NetworkPolicy", "ServiceCIDR"],
  },
  "node.k8s.io": { preferred: "v1", kinds: ["RuntimeClass"] },
  policy: { preferred: "v1", kinds: ["PodDisruptionBudget"] },
  "rbac.authorization.k8s.io": {
    preferred: "v1",
    kinds: ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
  },
  "resource.k8s.io": {
    preferred: "v1",
    kinds: ["DeviceClass", "DeviceTaintRule", "ResourceClaim", "ResourceClaimTemplate", "ResourceSlice"],
  },
  "scheduling.k8s.io": { preferred: "v1", kinds: ["PriorityClass"] },
  "storage.k8s.io": {
    preferred: "v1",
    kinds: [
      "CSIDriver",
      "CSINode",
      "CSIStorageCapacity",
      "StorageClass",
      "VolumeAttachment",
      "VolumeAttributesClass",
    ],
  },
  "storagemigration.k8s.io": { preferred: "v1alpha1", kinds: ["StorageVersionMigration"] },
  "gateway.networking.k8s.io": {
    preferred: "v1",
    kinds: [
      "BackendTLSPolicy",
      "GRPCRoute",
      "Gateway",
      "GatewayClass",
      "HTTPRoute",
      "ListenerSet",
      "ReferenceGrant",
      "TCPRoute",
      "TLSRoute",
      "UDPRoute",
    ],
  },
  "policy.networking.k8s.io": {
    preferred: "v1alpha2",
    kinds: ["AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy"],
  },
};

/** The group of an apiVersion (`v1` → "", `apps/v1` → "apps"). */
export function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf("/");
  return i < 0 ? "" : apiVersion.slice(0, i);
}

export type KindMatch =
  /** The kind is real in its group (modelled or not). */
  | { match: "served" }
  /** The group is not one the API server knows without a CRD. */
  | { match: "foreign-group" }
  /** A known group without that kind: the API server's "no matches for kind". */
  | { match: "none"; message: string; suggestion?: string };

function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_v, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++)
      cur[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (cur[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1),
      );
    prev = cur;
  }
  return prev[y.length] ?? 0;
}

function apiVersionFor(group: string): string {
  const g = GROUPS[group];
  const v = g?.preferred ?? "v1";
  return group === "" ? v : `${group}/${v}`;
}

/** The closest real kind: same group by case, the exact kind of another group, then a typo. */
function suggest(kind: string, group: string): string | undefined {
  const own = GROUPS[group]?.kinds ?? [];
  const lower = kind.toLowerCase();
  const same = own.find((k) => k.toLowerCase() === lower);
  if (same) return `did you mean kind: ${same}?`;
  for (const [g, info] of Object.entries(GROUPS)) {
    if (g !== group && info.kinds.includes(kind))
      return `${kind} is served in ${apiVersionFor(g)}: use apiVersion: ${apiVersionFor(g)}`;
  }
  // A typo: one edit for short names, two for longer ones.
  const near = (k: string) => distance(k, kind) <= (kind.length >= 6 ? 2 : 1);
  const typo = own.find(near);
  if (typo) return `did you mean kind: ${typo}?`;
  for (const [g, info] of Object.entries(GROUPS)) {
    const k = info.kinds.find((x) => x.toLowerCase() === lower || near(x));
    if (k) return `did you mean kind: ${k} (apiVersion: ${apiVersionFor(g)})?`;
  }
  return undefined;
}

/** What the API server says about this apiVersion and kind (the version itself is checked elsewhere). */
export function matchKind(apiVersion: string, kind: string): KindMatch {
  const group = groupOf(apiVersion);
  const g = GROUPS[group];
  if (!g) return { match: "foreign-group" };
  if (g.kinds.includes(kind)) return { match: "served" };
  // A modelled kind named with another group's version is reported by validate (NoKindMatch + apiVersion).
  if (KINDS.has(kind)) return { match: "served" };
  const message = `no matches for kind ${JSON.stringify(kind)} in version ${JSON.stringify(apiVersion)}`;
  const suggestion = suggest(kind, group);
  return suggestion ? { match: "none", message, suggestion } : { match: "none", message };
}
