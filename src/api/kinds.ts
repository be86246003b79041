/**
 * The kinds michi models, with the apiVersions the API server serves for them
 * and whether they are namespaced. Anything else (PVC, HPA, CRDs…) is skipped
 * with one warning per kind so a real application's folder still loads.
 */
import { GATEWAY_KIND_INFOS } from "./validation/gateway/kinds.js";

export interface KindInfo {
  kind: string;
  apiVersions: readonly string[];
  namespaced: boolean;
  /** Plural resource name as kubectl prints it (`deployment.apps`). */
  resource: string;
}

const table: KindInfo[] = [
  { kind: "Namespace", apiVersions: ["v1"], namespaced: false, resource: "namespaces" },
  { kind: "Node", apiVersions: ["v1"], namespaced: false, resource: "nodes" },
  { kind: "Pod", apiVersions: ["v1"], namespaced: true, resource: "pods" },
  { kind: "Service", apiVersions: ["v1"], namespaced: true, resource: "services" },
  { kind: "Endpoints", apiVersions: ["v1"], namespaced: true, resource: "endpoints" },
  { kind: "Secret", apiVersions: ["v1"], namespaced: true, resource: "secrets" },
  { kind: "ConfigMap", apiVersions: ["v1"], namespaced: true, resource: "configmaps" },
  { kind: "Deployment", apiVersions: ["apps/v1"], namespaced: true, resource: "deployments.apps" },
  { kind: "ReplicaSet", apiVersions: ["apps/v1"], namespaced: true, resource: "replicasets.apps" },
  { kind: "StatefulSet", apiVersions: ["apps/v1"], namespaced: true, resource: "statefulsets.apps" },
  { kind: "DaemonSet", apiVersions: ["apps/v1"], namespaced: true, resource: "daemonsets.apps" },
  {
    kind: "EndpointSlice",
    apiVersions: ["discovery.k8s.io/v1"],
    namespaced: true,
    resource: "endpointslices.discovery.k8s.io",
  },
  {
    kind: "Ingress",
    apiVersions: ["networking.k8s.io/v1"],
    namespaced: true,
    resource: "ingresses.networking.k8s.io",
  },
  {
    kind: "IngressClass",
    apiVersions: ["networking.k8s.io/v1"],
    namespaced: false,
    resource: "ingressclasses.networking.k8s.io",
  },
  {
    kind: "NetworkPolicy",
    apiVersions: ["networking.k8s.io/v1"],
    namespaced: true,
    resource: "networkpolicies.networking.k8s.io",
  },
  {
    kind: "ClusterNetworkPolicy",
    apiVersions: ["policy.networking.k8s.io/v1alpha2"],
    namespaced: false,
    resource: "clusternetworkpolicies.policy.networking.k8s.io",
  },
  {
    kind: "AdminNetworkPolicy",
    apiVersions: ["policy.networking.k8s.io/v1alpha1"],
    namespaced: false,
    resource: "adminnetworkpolicies.policy.networking.k8s.io",
  },
  {
    kind: "BaselineAdminNetworkPolicy",
    apiVersions: ["policy.networking.k8s.io/v1alpha1"],
    namespaced: false,
    resource: "baselineadminnetworkpolicies.policy.networking.k8s.io",
  },
  ...GATEWAY_KIND_INFOS,
];

export const KINDS: ReadonlyMap<string, KindInfo> = new Map(table.map((k) => [k.kind, k]));

export function kindInfo(kind: string | undefined): KindInfo | undefined {
  return kind === undefined ? undefined : KINDS.get(kind);
}

/**
 * The identity of an object as the API server keys it: `Kind/namespace/name`
 * (cluster-scoped kinds have an empty namespace; a namespaced object without
 * one is in `default`, as kubectl sends it; a generateName stands in for a
 * name not yet assigned).
 */
export function objectKey(o: {
  kind?: string;
  metadata?: { name?: string; namespace?: string; generateName?: string };
}): string {
  const info = kindInfo(o.kind);
  const ns = info && !info.namespaced ? "" : (o.metadata?.namespace ?? "default");
  return `${o.kind ?? ""}/${ns}/${o.metadata?.name ?? o.metadata?.generateName ?? ""}`;
}
