/**
 * Equivalence classes of pods: pods with the same namespace, labels,
 * containerPorts and the same answers to every ipBlock (and
 * ClusterNetworkPolicy `networks` CIDR) in the policies are
 * indistinguishable to the policy engine, so the matrix is computed per
 * class. With `labelKeys: "selectors"` only the label keys some selector
 * of some policy (NetworkPolicy or cluster tier) mentions tell pods apart —
 * coarser classes, the same verdicts. hostNetwork pods are kept apart:
 * their traffic is node traffic, judged by node (a pod's own node is always
 * allowed), so they are not class-uniform; `byNode` also splits classes by
 * node so that pod-to-hostNetwork verdicts are class-uniform too.
 */
import type { LabelSelector, Labels, Pod } from "../api/types.js";
import type { PodView } from "./endpoint.js";
import type { PolicyEngine } from "./engine.js";
import { type CompiledIPBlock, ipv4Number } from "./ip-block.js";

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

function labelKey(l: Labels, only: ReadonlySet<string> | undefined): string {
  const keys = Object.keys(l).sort();
  let s = "";
  for (const k of keys) if (!only || only.has(k)) s += `${k}=${l[k]}\u0001`;
  return s;
}

export interface ClassOptions {
  /** `all` (default): every label; `selectors`: only keys a policy selector mentions. */
  labelKeys?: "all" | "selectors";
  /** Split classes by node (for verdicts against hostNetwork pods). */
  byNode?: boolean;
}

/** Label keys any pod or namespace selector of any policy mentions: only these can tell pods apart. */
export function selectorLabelKeys(engine: PolicyEngine): Set<string> {
  const keys = new Set<string>();
  const add = (sel: LabelSelector | undefined) => {
    for (const k of Object.keys(sel?.matchLabels ?? {})) keys.add(k);
    for (const e of sel?.matchExpressions ?? []) keys.add(e.key);
  };
  for (const p of engine.policies) {
    const spec = p.source.spec;
    add(spec?.podSelector);
    for (const r of [...(spec?.ingress ?? []).map((x) => x.from), ...(spec?.egress ?? []).map((x) => x.to)]) {
      for (const peer of r ?? []) {
        add(peer.podSelector);
        add(peer.namespaceSelector);
      }
    }
  }
  for (const p of engine.clusterPolicies) {
    const spec = p.source.spec;
    add(spec?.subject?.namespaces);
    add(spec?.subject?.pods?.namespaceSelector);
    add(spec?.subject?.pods?.podSelector);
    for (const r of [...(spec?.ingress ?? []).map((x) => x.from), ...(spec?.egress ?? []).map((x) => x.to)]) {
      for (const peer of r ?? []) {
        add(peer.namespaces);
        add(peer.pods?.namespaceSelector);
        add(peer.pods?.podSelector);
      }
    }
  }
  return keys;
}

/** Every distinct CIDR matcher of every policy (NetworkPolicy ipBlocks, cluster `networks`), by text. */
function policyBlocks(engine: PolicyEngine): CompiledIPBlock[] {
  const blocks = new Map<string, CompiledIPBlock>();
  for (const p of engine.policies) {
    for (const rules of [p.ingress, p.egress]) {
      for (const r of rules ?? [])
        for (const peer of r.peers ?? []) if (peer.ipBlock) blocks.set(peer.ipBlock.text, peer.ipBlock);
    }
  }
  for (const p of engine.clusterPolicies)
    for (const r of p.egress)
      for (const peer of r.peers) for (const n of peer.networks) blocks.set(n.text, n);
  return [...blocks.values()];
}

function portKey(v: PodView): string {
  return v.ports
    .map((p) => `${p.name ?? ""}:${p.containerPort}/${p.protocol ?? "TCP"}`)
    .sort()
    .join(",");
}

export function buildClasses(
  engine: PolicyEngine,
  pods: readonly Pod[] = engine.state.pods,
  options: ClassOptions = {},
): ClassIndex {
  const ipBlocks = policyBlocks(engine);
  const only = options.labelKeys === "selectors" ? selectorLabelKeys(engine) : undefined;
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
    if (v.ip !== undefined) {
      const n = ipv4Number(v.ip);
      for (let i = 0; i < ipBlocks.length; i++) {
        const b = ipBlocks[i]!;
        if (n !== undefined && b.matches4 ? b.matches4(n) : b.matches(v.ip)) matched.push(i);
      }
    }
    const node = options.byNode ? (v.nodeName ?? "") : "";
    const key = `${v.namespace}\u0000${labelKey(v.labels, only)}\u0000${portKey(v)}\u0000${matched.join(",")}\u0000${node}`;
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
