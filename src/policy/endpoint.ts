/**
 * What a connection end is, as the policy engine sees it: a pod (with its
 * namespace labels, labels, IP and containerPorts), a node (node IPs and
 * hostNetwork pods: NetworkPolicy does not select them; they are only
 * matched by ipBlocks, and a pod's own node may always reach it), or an
 * address outside the cluster.
 */
import type { ContainerPort, Labels, Pod } from "../api/types.js";
import type { ClusterState } from "../cluster/state.js";
import { podContainerPorts } from "./ports.js";

export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export interface PodView {
  readonly pod: Pod;
  /** `namespace/name`. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly namespaceLabels: Labels;
  readonly ip: string | undefined;
  readonly nodeName: string | undefined;
  readonly hostNetwork: boolean;
  readonly ports: readonly ContainerPort[];
}

export type Endpoint =
  | { readonly kind: "pod"; readonly view: PodView; readonly ip: string | undefined }
  | {
      readonly kind: "node";
      readonly ip: string;
      readonly nodeName: string | undefined;
      readonly via?: PodView;
    }
  | { readonly kind: "external"; readonly ip: string };

/** The namespace's labels as the API server stores them (the metadata.name label is always set). */
export function namespaceLabelsOf(state: ClusterState, ns: string): Labels {
  const labels = state.index.namespace(ns)?.metadata?.labels ?? {};
  return labels[NAMESPACE_NAME_LABEL] === ns ? labels : { ...labels, [NAMESPACE_NAME_LABEL]: ns };
}

export function makePodView(state: ClusterState, pod: Pod, nsLabels?: Labels): PodView {
  const namespace = pod.metadata?.namespace ?? "default";
  const name = pod.metadata?.name ?? "";
  return {
    pod,
    key: `${namespace}/${name}`,
    namespace,
    name,
    labels: pod.metadata?.labels ?? {},
    namespaceLabels: nsLabels ?? namespaceLabelsOf(state, namespace),
    ip: pod.status?.podIP,
    nodeName: pod.spec?.nodeName,
    hostNetwork: pod.spec?.hostNetwork === true,
    ports: podContainerPorts(pod.spec),
  };
}

export function describeEndpoint(e: Endpoint): string {
  switch (e.kind) {
    case "pod":
      return `pod ${e.view.key}`;
    case "node":
      return e.via
        ? `hostNetwork pod ${e.via.key} (node ${e.nodeName ?? e.ip})`
        : `node ${e.nodeName ?? "?"} (${e.ip})`;
    case "external":
      return `${e.ip} (outside the cluster)`;
  }
}
