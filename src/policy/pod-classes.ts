/**
 * Equivalence classes of pods: pods with the same namespace, labels,
 * containerPorts and the same answers to every ipBlock in the policies are
 * indistinguishable to NetworkPolicy, so the matrix is computed per class.
 * hostNetwork pods are kept apart: their traffic is node traffic, judged by
 * node (a pod's own node is always allowed), so they are not class-uniform.
 */
import type { Labels, Pod } from "../api/types.js";
import type { PodView } from "./endpoint.js";
import type { PolicyEngine } from "./engine.js";
import type { CompiledIPBlock } from "./ip-block.js";

export interface PodClass {
  readonly id: number;
  readonly namespace: string;
  readonly namespaceLabels: Labels;
  readonly labels: Labels;
  /** A representative pod (the first). */
  readonly rep: PodView;
  readonly pods: PodView[];
  /** Ids of the distinct ipBlocks (ClassIndex.ipBlocks) that match the class's pod IPs. */
  readonly ipBlocks: readonly number[];
}

export interface ClassIndex {
  readonly classes: readonly PodClass[];
  /** Class id per pod (hostNetwork pods: -1). */
  readonly classOf: Map<Pod, number>;
  readonly hostNetworkPods: readonly PodView[];
  /** Distinct ipBlocks used by any policy, by text. */
  readonly ipBlocks: readonly CompiledIPBlock[];
  readonly classesByNamespace: Map<string, number[]>;
  /** `key=value` → class ids with that label. */
  readonly byLabel: Map<string, number[]>;
  readonly namespaces: Map<string, Labels>;
}

function labelKey(l: Labels): string {
  const keys = Object.keys(l).sort();
  let s = "";
  for (const k of keys) s += `${k}=${l[k]}\u0001`;
  return s;
}

function portKey(v: PodView): string {
  return v.ports
    .map((p) => `${p.name ?? ""}:${p.containerPort}/${p.protocol ?? "TCP"}`)
    .sort()
    .join(",");
}

export function buildClasses(engine: PolicyEngine, pods: readonly Pod[] = engine.state.pods): ClassIndex {
  const blocks = new Map<string, CompiledIPBlock>();
  for (const p of engine.policies) {
    for (const rules of [p.ingress, p.egress]) {
      for (const r of rules ?? [])
        for (const peer of r.peers ?? []) if (peer.ipBlock) blocks.set(peer.ipBlock.text, peer.ipBlock);
    }
  }
  const ipBlocks = [...blocks.values()];
  const byKey = new Map<string, PodClass>();
  const classes: PodClass[] = [];
  const classOf = new Map<Pod, number>();
  const hostNetworkPods: PodView[] = [];
  const namespaces = new Map<string, Labels>();
  for (const pod of pods) {
    const v = engine.view(pod);
    namespaces.set(v.namespace, v.namespaceLabels);
    if (v.hostNetwork) {
      hostNetworkPods.push(v);
      classOf.set(pod, -1);
      continue;
    }
    const matched: number[] = [];
    if (v.ip !== undefined)
      for (let i = 0; i < ipBlocks.length; i++) if (ipBlocks[i]!.matches(v.ip)) matched.push(i);
    const key = `${v.namespace}\u0000${labelKey(v.labels)}\u0000${portKey(v)}\u0000${matched.join(",")}`;
    let c = byKey.get(key);
    if (!c) {
      c = {
        id: classes.length,
        namespace: v.namespace,
        namespaceLabels: v.namespaceLabels,
        labels: v.labels,
        rep: v,
        pods: [],
        ipBlocks: matched,
      };
      byKey.set(key, c);
      classes.push(c);
    }
    c.pods.push(v);
    classOf.set(pod, c.id);
  }
  const classesByNamespace = new Map<string, number[]>();
  const byLabel = new Map<string, number[]>();
  for (const c of classes) {
    let list = classesByNamespace.get(c.namespace);
    if (!list) {
      list = [];
      classesByNamespace.set(c.namespace, list);
    }
    list.push(c.id);
    for (const [k, val] of Object.entries(c.labels)) {
      const lk = `${k}=${val}`;
      let l = byLabel.get(lk);
      if (!l) {
        l = [];
        byLabel.set(lk, l);
      }
      l.push(c.id);
    }
  }
  return { classes, classOf, hostNetworkPods, ipBlocks, classesByNamespace, byLabel, namespaces };
}
