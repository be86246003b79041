/**
 * Kubernetes object shapes michi reads and writes.
 *
 * These mirror the upstream JSON (core/v1, apps/v1, networking.k8s.io/v1,
 * discovery.k8s.io/v1) for the fields michi uses. Objects stay plain JSON so
 * `michi get -o json` prints them as a cluster would; every field is optional
 * because manifests are partial until validation and controllers fill them in.
 */

export type Labels = Record<string, string>;

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Labels;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Any object with apiVersion/kind/metadata: the loader's unit. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: LabelSelectorRequirement[];
}

export type Protocol = "TCP" | "UDP" | "SCTP";

// ---------------------------------------------------------------- core/v1

export interface Namespace extends KubeObject {
  kind?: "Namespace";
  spec?: { finalizers?: string[] };
  status?: { phase?: string };
}

export interface NodeAddress {
  type: "InternalIP" | "ExternalIP" | "Hostname" | "InternalDNS" | "ExternalDNS";
  address: string;
}

export interface Node extends KubeObject {
  kind?: "Node";
  spec?: { podCIDR?: string; podCIDRs?: string[]; unschedulable?: boolean; taints?: unknown[] };
  status?: {
    addresses?: NodeAddress[];
    conditions?: { type: string; status: string }[];
  };
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: Protocol;
  hostPort?: number;
  hostIP?: string;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

export interface Probe {
  httpGet?: { path?: string; port: number | string; scheme?: string };
  tcpSocket?: { port: number | string };
  exec?: { command?: string[] };
  grpc?: { port: number };
  [field: string]: unknown;
}

export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  ports?: ContainerPort[];
  env?: EnvVar[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  restartPolicy?: string;
  [field: string]: unknown;
}

export interface PodDNSConfig {
  nameservers?: string[];
  searches?: string[];
  options?: { name: string; value?: string }[];
}

export type DNSPolicy = "ClusterFirst" | "ClusterFirstWithHostNet" | "Default" | "None";

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  nodeName?: string;
  nodeSelector?: Labels;
  hostname?: string;
  subdomain?: string;
  hostNetwork?: boolean;
  dnsPolicy?: DNSPolicy;
  dnsConfig?: PodDNSConfig;
  setHostnameAsFQDN?: boolean;
  enableServiceLinks?: boolean;
  restartPolicy?: "Always" | "OnFailure" | "Never";
  serviceAccountName?: string;
  hostAliases?: { ip: string; hostnames?: string[] }[];
  [field: string]: unknown;
}

export interface PodCondition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
}

export interface PodStatus {
  phase?: string;
  conditions?: PodCondition[];
  hostIP?: string;
  hostIPs?: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
}

export interface Pod extends KubeObject {
  kind?: "Pod";
  spec?: PodSpec;
  status?: PodStatus;
}

export interface PodTemplateSpec {
  metadata?: ObjectMeta;
  spec?: PodSpec;
}

export interface ServicePort {
  name?: string;
  protocol?: Protocol;
  appProtocol?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
}

export type ServiceType = "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName";

export interface ServiceSpec {
  type?: ServiceType;
  selector?: Labels;
  ports?: ServicePort[];
  clusterIP?: string;
  clusterIPs?: string[];
  ipFamilies?: ("IPv4" | "IPv6")[];
  ipFamilyPolicy?: "SingleStack" | "PreferDualStack" | "RequireDualStack";
  externalName?: string;
  externalIPs?: string[];
  loadBalancerIP?: string;
  loadBalancerSourceRanges?: string[];
  loadBalancerClass?: string;
  allocateLoadBalancerNodePorts?: boolean;
  externalTrafficPolicy?: "Cluster" | "Local";
  internalTrafficPolicy?: "Cluster" | "Local";
  healthCheckNodePort?: number;
  sessionAffinity?: "None" | "ClientIP";
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
  publishNotReadyAddresses?: boolean;
  trafficDistribution?: string;
}

export interface Service extends KubeObject {
  kind?: "Service";
  spec?: ServiceSpec;
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string; ipMode?: string }[] } };
}

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: ObjectReference;
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol?: Protocol;
  appProtocol?: string;
}

export interface Endpoints extends KubeObject {
  kind?: "Endpoints";
  subsets?: {
    addresses?: EndpointAddress[];
    notReadyAddresses?: EndpointAddress[];
    ports?: EndpointPort[];
  }[];
}

export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
}

export interface Secret extends KubeObject {
  kind?: "Secret";
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  immutable?: boolean;
}

export interface ConfigMap extends KubeObject {
  kind?: "ConfigMap";
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

// ---------------------------------------------------------------- apps/v1

export interface Deployment extends KubeObject {
  kind?: "Deployment";
  spec?: {
    replicas?: number;
    selector?: LabelSelector;
    template?: PodTemplateSpec;
    strategy?: unknown;
    minReadySeconds?: number;
    paused?: boolean;
    revisionHistoryLimit?: number;
    progressDeadlineSeconds?: number;
  };
  status?: Record<string, unknown>;
}

export interface ReplicaSet extends KubeObject {
  kind?: "ReplicaSet";
  spec?: {
    replicas?: number;
    selector?: LabelSelector;
    template?: PodTemplateSpec;
    minReadySeconds?: number;
  };
  status?: Record<string, unknown>;
}

export interface StatefulSet extends KubeObject {
  kind?: "StatefulSet";
  spec?: {
    replicas?: number;
    selector?: LabelSelector;
    template?: PodTemplateSpec;
    serviceName?: string;
    podManagementPolicy?: string;
    ordinals?: { start?: number };
    volumeClaimTemplates?: unknown[];
  };
  status?: Record<string, unknown>;
}

export interface DaemonSet extends KubeObject {
  kind?: "DaemonSet";
  spec?: { selector?: LabelSelector; template?: PodTemplateSpec };
  status?: Record<string, unknown>;
}

// ---------------------------------------------------- discovery.k8s.io/v1

export interface EndpointConditions {
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export interface Endpoint {
  addresses: string[];
  conditions?: EndpointConditions;
  hostname?: string;
  targetRef?: ObjectReference;
  nodeName?: string;
  zone?: string;
}

export interface EndpointSlice extends KubeObject {
  kind?: "EndpointSlice";
  addressType: "IPv4" | "IPv6" | "FQDN";
  endpoints?: Endpoint[];
  ports?: EndpointPort[];
}

// --------------------------------------------------- networking.k8s.io/v1

export interface ServiceBackendPort {
  name?: string;
  number?: number;
}

export interface IngressBackend {
  service?: { name: string; port?: ServiceBackendPort };
  resource?: { apiGroup?: string; kind: string; name: string };
}

export type PathType = "Exact" | "Prefix" | "ImplementationSpecific";

export interface HTTPIngressPath {
  path?: string;
  pathType?: PathType;
  backend: IngressBackend;
}

export interface IngressRule {
  host?: string;
  http?: { paths: HTTPIngressPath[] };
}

export interface IngressTLS {
  hosts?: string[];
  secretName?: string;
}

export interface Ingress extends KubeObject {
  kind?: "Ingress";
  spec?: {
    ingressClassName?: string;
    defaultBackend?: IngressBackend;
    tls?: IngressTLS[];
    rules?: IngressRule[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

export interface IngressClass extends KubeObject {
  kind?: "IngressClass";
  spec?: { controller?: string; parameters?: unknown };
}

export interface IPBlock {
  cidr: string;
  except?: string[];
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: IPBlock;
}

export interface NetworkPolicyPort {
  protocol?: Protocol;
  port?: number | string;
  endPort?: number;
}

export interface NetworkPolicyIngressRule {
  from?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

export interface NetworkPolicyEgressRule {
  to?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

export interface NetworkPolicy extends KubeObject {
  kind?: "NetworkPolicy";
  spec?: {
    podSelector?: LabelSelector;
    policyTypes?: ("Ingress" | "Egress")[];
    ingress?: NetworkPolicyIngressRule[];
    egress?: NetworkPolicyEgressRule[];
  };
}

// ------------------------------------------------ policy.networking.k8s.io

/** `subject` and `namespaces`/`pods` peers of ClusterNetworkPolicy and its v1alpha1 predecessors. */
export interface NamespacedPodSelector {
  namespaceSelector?: LabelSelector;
  podSelector?: LabelSelector;
}

export interface ClusterNetworkPolicySubject {
  namespaces?: LabelSelector;
  pods?: NamespacedPodSelector;
}

export interface ClusterNetworkPolicyPeer {
  namespaces?: LabelSelector;
  pods?: NamespacedPodSelector;
  /** Egress only. */
  nodes?: LabelSelector;
  /** Egress only. */
  networks?: string[];
  /** Egress only (experimental channel). */
  domainNames?: string[];
  [field: string]: unknown;
}

export interface ClusterNetworkPolicyDestinationPort {
  number?: number;
  range?: { start: number; end: number };
}

export interface ClusterNetworkPolicyProtocol {
  tcp?: { destinationPort?: ClusterNetworkPolicyDestinationPort };
  udp?: { destinationPort?: ClusterNetworkPolicyDestinationPort };
  sctp?: { destinationPort?: ClusterNetworkPolicyDestinationPort };
  destinationNamedPort?: string;
  [field: string]: unknown;
}

export interface ClusterNetworkPolicyRule {
  name?: string;
  action?: "Accept" | "Deny" | "Pass";
  from?: ClusterNetworkPolicyPeer[];
  to?: ClusterNetworkPolicyPeer[];
  protocols?: ClusterNetworkPolicyProtocol[];
}

/** policy.networking.k8s.io/v1alpha2: the Admin and Baseline tiers around NetworkPolicy. */
export interface ClusterNetworkPolicy extends KubeObject {
  kind?: "ClusterNetworkPolicy";
  spec?: {
    tier?: "Admin" | "Baseline";
    priority?: number;
    subject?: ClusterNetworkPolicySubject;
    ingress?: ClusterNetworkPolicyRule[];
    egress?: ClusterNetworkPolicyRule[];
  };
}

/** v1alpha1 ports: one of portNumber, namedPort, portRange. */
export interface AdminNetworkPolicyPort {
  portNumber?: { protocol?: Protocol; port: number };
  namedPort?: string;
  portRange?: { protocol?: Protocol; start: number; end: number };
  [field: string]: unknown;
}

export interface AdminNetworkPolicyRule {
  name?: string;
  action?: "Allow" | "Deny" | "Pass";
  from?: ClusterNetworkPolicyPeer[];
  to?: ClusterNetworkPolicyPeer[];
  ports?: AdminNetworkPolicyPort[];
}

/** policy.networking.k8s.io/v1alpha1 AdminNetworkPolicy: the Admin tier, actions Allow/Deny/Pass. */
export interface AdminNetworkPolicy extends KubeObject {
  kind?: "AdminNetworkPolicy";
  spec?: {
    priority?: number;
    subject?: ClusterNetworkPolicySubject;
    ingress?: AdminNetworkPolicyRule[];
    egress?: AdminNetworkPolicyRule[];
  };
}

/** policy.networking.k8s.io/v1alpha1 BaselineAdminNetworkPolicy: the Baseline tier (one, named `default`). */
export interface BaselineAdminNetworkPolicy extends KubeObject {
  kind?: "BaselineAdminNetworkPolicy";
  spec?: {
    subject?: ClusterNetworkPolicySubject;
    ingress?: AdminNetworkPolicyRule[];
    egress?: AdminNetworkPolicyRule[];
  };
}

/** Any of the three cluster-scoped policy kinds the tiered engine reads. */
export type AnyClusterNetworkPolicy = ClusterNetworkPolicy | AdminNetworkPolicy | BaselineAdminNetworkPolicy;

export type * from "./gateway-types.js";
