/**
 * The field types michi checks, per kind, as the API server decodes them
 * (Go structs: string, int32, bool, IntOrString, maps, lists), and for small
 * stable structs their complete field list, so strict decoding can report an
 * unknown field. Read by types.ts.
 */
import { GATEWAY_KIND_INFOS } from "./gateway/kinds.js";

export type Schema =
  | "string"
  | "int"
  | "bool"
  | "intOrString"
  | { map: Schema }
  | { list: Schema }
  | {
      obj: Readonly<Record<string, Schema>>;
      /** When set, the struct's complete field list: any other field is unknown. These names are known but not type-checked. */
      closed?: readonly string[];
    };

const S = "string" as const;
const I = "int" as const;
const B = "bool" as const;
const IOS = "intOrString" as const;
const list = (s: Schema): Schema => ({ list: s });
const map = (s: Schema): Schema => ({ map: s });
const obj = (o: Record<string, Schema>): Schema => ({ obj: o });
/** A struct whose every field is listed (typed ones in `o`, the rest in `more`). */
const closed = (o: Record<string, Schema>, ...more: string[]): Schema => ({ obj: o, closed: more });

// Complete field lists are kept to small, stable structs where typos are common
// (`targetport`, `serviceName` in a v1 Ingress backend); big, growing ones (PodSpec) stay open.
const META = closed(
  { name: S, generateName: S, namespace: S, labels: map(S), annotations: map(S) },
  "selfLink",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "ownerReferences",
  "finalizers",
  "managedFields",
);
const SELECTOR = closed({
  matchLabels: map(S),
  matchExpressions: list(closed({ key: S, operator: S, values: list(S) })),
});
const PROBE = closed(
  {
    httpGet: closed({ path: S, port: IOS, host: S, scheme: S }, "httpHeaders"),
    tcpSocket: closed({ port: IOS, host: S }),
    initialDelaySeconds: I,
    periodSeconds: I,
    timeoutSeconds: I,
    successThreshold: I,
    failureThreshold: I,
  },
  "exec",
  "grpc",
  "terminationGracePeriodSeconds",
);
const CONTAINER = closed(
  {
    name: S,
    image: S,
    command: list(S),
    args: list(S),
    workingDir: S,
    imagePullPolicy: S,
    restartPolicy: S,
    ports: list(closed({ name: S, containerPort: I, protocol: S, hostPort: I, hostIP: S })),
    env: list(closed({ name: S, value: S }, "valueFrom")),
    readinessProbe: PROBE,
    livenessProbe: PROBE,
    startupProbe: PROBE,
  },
  "envFrom",
  "resources",
  "resizePolicy",
  "restartPolicyRules",
  "volumeMounts",
  "volumeDevices",
  "lifecycle",
  "terminationMessagePath",
  "terminationMessagePolicy",
  "securityContext",
  "stdin",
  "stdinOnce",
  "tty",
);
const POD_SPEC = obj({
  containers: list(CONTAINER),
  initContainers: list(CONTAINER),
  nodeName: S,
  nodeSelector: map(S),
  hostname: S,
  subdomain: S,
  hostNetwork: B,
  dnsPolicy: S,
  dnsConfig: closed({
    nameservers: list(S),
    searches: list(S),
    options: list(closed({ name: S, value: S })),
  }),
  setHostnameAsFQDN: B,
  enableServiceLinks: B,
  restartPolicy: S,
  serviceAccountName: S,
  terminationGracePeriodSeconds: I,
  hostAliases: list(closed({ ip: S, hostnames: list(S) })),
});
const TEMPLATE = closed({ metadata: META, spec: POD_SPEC });
const TOP = ["apiVersion", "kind", "status"];
const workload = (spec: Record<string, Schema>, ...more: string[]): Schema =>
  closed(
    {
      metadata: META,
      spec: closed(
        { selector: SELECTOR, template: TEMPLATE, minReadySeconds: I, ...spec },
        "revisionHistoryLimit",
        ...more,
      ),
    },
    ...TOP,
  );
const ENDPOINT_PORT = closed({ name: S, port: I, protocol: S, appProtocol: S });
const ENDPOINT_ADDRESS = closed({ ip: S, hostname: S, nodeName: S }, "targetRef");
const BACKEND = closed({
  service: closed({ name: S, port: closed({ name: S, number: I }) }),
  resource: closed({ apiGroup: S, kind: S, name: S }),
});
const PEER = closed({
  podSelector: SELECTOR,
  namespaceSelector: SELECTOR,
  ipBlock: closed({ cidr: S, except: list(S) }),
});
const NP_PORT = closed({ protocol: S, port: IOS, endPort: I });

/** Per kind: the fields michi reads, with the types the API server decodes them into. */
export const SCHEMAS: Readonly<Record<string, Schema>> = {
  Namespace: closed({ metadata: META, spec: closed({ finalizers: list(S) }) }, ...TOP),
  Node: closed({ metadata: META, spec: obj({ podCIDR: S, podCIDRs: list(S), unschedulable: B }) }, ...TOP),
  Pod: closed(
    {
      metadata: META,
      spec: POD_SPEC,
      status: obj({ conditions: list(obj({ type: S, status: S })), podIP: S }),
    },
    "apiVersion",
    "kind",
  ),
  Deployment: workload({ replicas: I, paused: B }, "strategy", "progressDeadlineSeconds"),
  ReplicaSet: workload({ replicas: I }),
  StatefulSet: workload(
    { replicas: I, serviceName: S, podManagementPolicy: S },
    "volumeClaimTemplates",
    "updateStrategy",
    "persistentVolumeClaimRetentionPolicy",
    "ordinals",
  ),
  DaemonSet: workload({}, "updateStrategy"),
  Service: closed(
    {
      metadata: META,
      spec: closed({
        type: S,
        selector: map(S),
        ports: list(closed({ name: S, protocol: S, appProtocol: S, port: I, targetPort: IOS, nodePort: I })),
        clusterIP: S,
        clusterIPs: list(S),
        ipFamilies: list(S),
        ipFamilyPolicy: S,
        externalName: S,
        externalIPs: list(S),
        loadBalancerIP: S,
        loadBalancerSourceRanges: list(S),
        loadBalancerClass: S,
        allocateLoadBalancerNodePorts: B,
        externalTrafficPolicy: S,
        internalTrafficPolicy: S,
        healthCheckNodePort: I,
        sessionAffinity: S,
        sessionAffinityConfig: closed({ clientIP: closed({ timeoutSeconds: I }) }),
        publishNotReadyAddresses: B,
        trafficDistribution: S,
      }),
    },
    ...TOP,
  ),
  Endpoints: closed(
    {
      metadata: META,
      subsets: list(
        closed({
          addresses: list(ENDPOINT_ADDRESS),
          notReadyAddresses: list(ENDPOINT_ADDRESS),
          ports: list(ENDPOINT_PORT),
        }),
      ),
    },
    "apiVersion",
    "kind",
  ),
  EndpointSlice: closed(
    {
      metadata: META,
      addressType: S,
      endpoints: list(
        closed(
          {
            addresses: list(S),
            conditions: closed({ ready: B, serving: B, terminating: B }),
            hostname: S,
            nodeName: S,
            zone: S,
          },
          "targetRef",
          "hints",
          "deprecatedTopology",
        ),
      ),
      ports: list(ENDPOINT_PORT),
    },
    "apiVersion",
    "kind",
  ),
  Ingress: closed(
    {
      metadata: META,
      spec: closed({
        ingressClassName: S,
        defaultBackend: BACKEND,
        tls: list(closed({ hosts: list(S), secretName: S })),
        rules: list(
          closed({
            host: S,
            http: closed({ paths: list(closed({ path: S, pathType: S, backend: BACKEND })) }),
          }),
        ),
      }),
    },
    ...TOP,
  ),
  IngressClass: closed(
    {
      metadata: META,
      spec: closed({
        controller: S,
        parameters: closed({ apiGroup: S, kind: S, name: S, namespace: S, scope: S }),
      }),
    },
    "apiVersion",
    "kind",
  ),
  NetworkPolicy: closed(
    {
      metadata: META,
      spec: closed({
        podSelector: SELECTOR,
        policyTypes: list(S),
        ingress: list(closed({ from: list(PEER), ports: list(NP_PORT) })),
        egress: list(closed({ to: list(PEER), ports: list(NP_PORT) })),
      }),
    },
    // status was removed from NetworkPolicy in 1.27, but old manifests (kubectl create --dry-run) carry `status: {}`.
    ...TOP,
  ),
  Secret: closed(
    { metadata: META, type: S, data: map(S), stringData: map(S), immutable: B },
    "apiVersion",
    "kind",
  ),
  ConfigMap: closed({ metadata: META, data: map(S), binaryData: map(S), immutable: B }, "apiVersion", "kind"),
  // Custom resources: metadata decodes as everywhere; spec is checked against the CRD (crd-schema.ts).
  ClusterNetworkPolicy: obj({ metadata: META }),
  AdminNetworkPolicy: obj({ metadata: META }),
  BaselineAdminNetworkPolicy: obj({ metadata: META }),
  // Gateway API kinds: the envelope only; spec is checked against the CRD schema (gateway/schema.ts).
  ...Object.fromEntries(GATEWAY_KIND_INFOS.map((k) => [k.kind, closed({ metadata: META }, "spec", ...TOP)])),
};
