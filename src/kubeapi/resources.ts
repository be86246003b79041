/**
 * The API resources michi serves: group, version, plural and singular names,
 * short names and categories as kube-apiserver reports them, whether they are
 * namespaced, and where the objects of each kind live in the ClusterState.
 * Discovery, routing, OpenAPI and tables all read this one table.
 */
import type { KubeObject } from "../api/types.js";
import type { ClusterState } from "../cluster/state.js";

export interface ApiResource {
  group: string;
  version: string;
  kind: string;
  /** Plural resource name (`services`). */
  plural: string;
  singular: string;
  shortNames: readonly string[];
  categories: readonly string[];
  namespaced: boolean;
  /** Computed on demand by the controllers (expensive): diffed only when read or watched. */
  lazy?: boolean;
  /** Not in the state: the API records these itself (Events). */
  recorded?: boolean;
  /** The objects of this kind in a built state. */
  list(state: ClusterState): readonly KubeObject[];
}

export const VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

function r(
  group: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  list: (s: ClusterState) => readonly KubeObject[],
  shortNames: string[] = [],
  categories: string[] = [],
): ApiResource {
  return {
    group,
    version: "v1",
    kind,
    plural,
    singular: kind.toLowerCase(),
    shortNames,
    categories,
    namespaced,
    list,
  };
}

const none = (): readonly KubeObject[] => [];

export const RESOURCES: readonly ApiResource[] = [
  r("", "Namespace", "namespaces", false, (s) => s.namespaces, ["ns"]),
  r("", "Node", "nodes", false, (s) => s.nodes, ["no"]),
  r("", "Pod", "pods", true, (s) => s.pods, ["po"], ["all"]),
  r("", "Service", "services", true, (s) => s.services, ["svc"], ["all"]),
  { ...r("", "Endpoints", "endpoints", true, (s) => s.endpoints, ["ep"]), lazy: true },
  r("", "Secret", "secrets", true, (s) => s.secrets),
  r("", "ConfigMap", "configmaps", true, (s) => s.configMaps, ["cm"]),
  { ...r("", "Event", "events", true, none, ["ev"]), recorded: true },
  r("apps", "Deployment", "deployments", true, (s) => s.deployments, ["deploy"], ["all"]),
  r("apps", "ReplicaSet", "replicasets", true, (s) => s.replicaSets, ["rs"], ["all"]),
  r("apps", "StatefulSet", "statefulsets", true, (s) => s.statefulSets, ["sts"], ["all"]),
  r("apps", "DaemonSet", "daemonsets", true, (s) => s.daemonSets, ["ds"], ["all"]),
  r("discovery.k8s.io", "EndpointSlice", "endpointslices", true, (s) => s.endpointSlices),
  r("networking.k8s.io", "Ingress", "ingresses", true, (s) => s.ingresses, ["ing"]),
  r("networking.k8s.io", "IngressClass", "ingressclasses", false, (s) => s.ingressClasses),
  r("networking.k8s.io", "NetworkPolicy", "networkpolicies", true, (s) => s.networkPolicies, ["netpol"]),
];

export function groupVersion(res: { group: string; version: string }): string {
  return res.group === "" ? res.version : `${res.group}/${res.version}`;
}

/** The resource at `/api/v1/…` or `/apis/GROUP/VERSION/…` with this plural name. */
export function resourceFor(group: string, version: string, plural: string): ApiResource | undefined {
  return RESOURCES.find((x) => x.group === group && x.version === version && x.plural === plural);
}

export function resourceForKind(
  apiVersion: string | undefined,
  kind: string | undefined,
): ApiResource | undefined {
  return RESOURCES.find(
    (x) => x.kind === kind && (apiVersion === undefined || groupVersion(x) === apiVersion),
  );
}

/** The group/versions served, in discovery order (core first). */
export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const x of RESOURCES) seen.set(groupVersion(x), { group: x.group, version: x.version });
  return [...seen.values()];
}
