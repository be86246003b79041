/**
 * Object ids as the dashboard and the CLI name objects: `kind/namespace/name`
 * (lower-case kind; `kind/name` for cluster-scoped kinds), and the lookup of
 * an id in a ClusterState.
 */
import type { KubeObject } from "../api/types.js";
import type { ClusterState } from "../cluster/state.js";

/** The state's object lists, keyed by lower-case kind. */
export function objectsByKind(state: ClusterState): [string, readonly KubeObject[]][] {
  return [
    ["namespace", state.namespaces],
    ["node", state.nodes],
    ["pod", state.pods],
    ["service", state.services],
    ["endpointslice", state.endpointSlices],
    ["endpoints", state.endpoints],
    ["deployment", state.deployments],
    ["replicaset", state.replicaSets],
    ["statefulset", state.statefulSets],
    ["daemonset", state.daemonSets],
    ["ingress", state.ingresses],
    ["ingressclass", state.ingressClasses],
    ["networkpolicy", state.networkPolicies],
    ["secret", state.secrets],
    ["configmap", state.configMaps],
  ];
}

export function objectId(obj: KubeObject, kind = (obj.kind ?? "object").toLowerCase()): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? "";
  return ns ? `${kind}/${ns}/${name}` : `${kind}/${name}`;
}

const ALIASES: Record<string, string> = {
  po: "pod",
  pods: "pod",
  svc: "service",
  services: "service",
  deploy: "deployment",
  deployments: "deployment",
  sts: "statefulset",
  statefulsets: "statefulset",
  ds: "daemonset",
  daemonsets: "daemonset",
  rs: "replicaset",
  replicasets: "replicaset",
  ing: "ingress",
  ingresses: "ingress",
  netpol: "networkpolicy",
  networkpolicies: "networkpolicy",
  ns: "namespace",
  namespaces: "namespace",
  no: "node",
  nodes: "node",
  secrets: "secret",
  configmaps: "configmap",
  cm: "configmap",
  endpointslices: "endpointslice",
  ingressclasses: "ingressclass",
};

export function normalizeKind(kind: string): string {
  const k = kind.toLowerCase();
  return ALIASES[k] ?? k;
}

/** Finds an object by id; a bare `namespace/name` is taken as a pod. */
export function findObject(state: ClusterState, id: string): { kind: string; obj: KubeObject } | undefined {
  const parts = id.split("/");
  let kind: string;
  let ns: string | undefined;
  let name: string;
  if (parts.length === 3) [kind, ns, name] = parts as [string, string, string];
  else if (parts.length === 2) {
    const k = normalizeKind(parts[0] ?? "");
    if (k === "namespace" || k === "node" || k === "ingressclass") [kind, name] = [k, parts[1] ?? ""];
    else [kind, ns, name] = ["pod", parts[0], parts[1] ?? ""];
  } else return undefined;
  kind = normalizeKind(kind);
  const list = objectsByKind(state).find(([k]) => k === kind)?.[1];
  const obj = list?.find(
    (o) => o.metadata?.name === name && (ns === undefined || o.metadata?.namespace === ns),
  );
  return obj ? { kind, obj } : undefined;
}
