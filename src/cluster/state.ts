/**
 * ClusterState: what a real control plane would show after admission and
 * controllers ran on the manifests. Produced by `buildCluster` (controllers.ts),
 * read by every plane (policy, dns, ingress, service) and by the CLI.
 *
 * Every object is a plain Kubernetes JSON object; derived objects (pods from
 * workloads, EndpointSlices, system objects) look exactly as `kubectl get -o json`
 * would print them. The state is treated as immutable once built.
 */
import type { Diagnostic } from "../api/diagnostics.js";
import type {
  AnyClusterNetworkPolicy,
  ConfigMap,
  DaemonSet,
  Deployment,
  EndpointSlice,
  Endpoints,
  Ingress,
  IngressClass,
  KubeObject,
  Labels,
  Namespace,
  NetworkPolicy,
  Node,
  Pod,
  ReplicaSet,
  Secret,
  Service,
  StatefulSet,
} from "../api/types.js";
import type { GatewayApiState } from "../gateway/status.js";
import type { ClusterConfig } from "./config.js";

export interface ClusterState {
  readonly config: ClusterConfig;
  readonly namespaces: readonly Namespace[];
  readonly nodes: readonly Node[];
  readonly pods: readonly Pod[];
  readonly services: readonly Service[];
  readonly endpoints: readonly Endpoints[];
  readonly endpointSlices: readonly EndpointSlice[];
  readonly deployments: readonly Deployment[];
  readonly replicaSets: readonly ReplicaSet[];
  readonly statefulSets: readonly StatefulSet[];
  readonly daemonSets: readonly DaemonSet[];
  readonly ingresses: readonly Ingress[];
  readonly ingressClasses: readonly IngressClass[];
  readonly networkPolicies: readonly NetworkPolicy[];
  /** ClusterNetworkPolicy (v1alpha2), AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1); absent means none. */
  readonly clusterNetworkPolicies?: readonly AnyClusterNetworkPolicy[];
  readonly secrets: readonly Secret[];
  readonly configMaps: readonly ConfigMap[];
  /** Gateway API objects with the status michi's Gateway controller writes (src/gateway/status.ts). */
  readonly gatewayApi?: GatewayApiState;
  /** Objects of kinds michi does not model (kept for `get`, skipped otherwise). */
  readonly others: readonly KubeObject[];
  /** Load, validation and controller diagnostics, in a stable order. */
  readonly diagnostics: readonly Diagnostic[];
  /** Lookups by `namespace/name` (cluster-scoped: `name`). */
  readonly index: ClusterIndex;
}

export interface ClusterIndex {
  namespace(name: string): Namespace | undefined;
  node(name: string): Node | undefined;
  pod(ns: string, name: string): Pod | undefined;
  podByIP(ip: string): Pod | undefined;
  podsInNamespace(ns: string): readonly Pod[];
  /** Pods in `ns` carrying every label of a Service-style map selector (label-indexed, not a scan). */
  selectPods(ns: string, selector: Labels): readonly Pod[];
  service(ns: string, name: string): Service | undefined;
  serviceByClusterIP(ip: string): Service | undefined;
  /** EndpointSlices whose `kubernetes.io/service-name` label names this service. */
  slicesForService(ns: string, name: string): readonly EndpointSlice[];
  secret(ns: string, name: string): Secret | undefined;
  /** Node by any of its addresses. */
  nodeByIP(ip: string): Node | undefined;
}
