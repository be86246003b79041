/**
 * Where pods run. The default scheduler filters nodes (nodeSelector, taints,
 * unschedulable, Ready) and then spreads a workload's replicas across the
 * survivors (default PodTopologySpread on kubernetes.io/hostname plus
 * least-allocated scoring). michi keeps the filter and replaces scoring with
 * a deterministic round-robin per workload whose starting node is a hash of
 * the workload's identity, so adding one workload never moves another's pods.
 */
import type { Diagnostic } from "../api/diagnostics.js";
import type { Node, PodSpec } from "../api/types.js";
import { fnv32a } from "./hash.js";
import { nodeReady } from "./nodes.js";
import { withNodeName } from "./pod-defaults.js";
import type { PodDraft } from "./pod-draft.js";

interface Taint {
  key: string;
  value?: string;
  effect: string;
}

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

function tolerates(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === "Exists") return t.key === undefined || t.key === "" || t.key === taint.key;
    return t.key === taint.key && (t.value ?? "") === (taint.value ?? "");
  });
}

/** Nodes this pod spec may be scheduled on (nodeSelector, NoSchedule/NoExecute taints, unschedulable). */
export function eligibleNodes(nodes: readonly Node[], spec: PodSpec): Node[] {
  const tolerations = (spec.tolerations as Toleration[] | undefined) ?? [];
  return nodes.filter((n) => {
    if (n.spec?.unschedulable || !nodeReady(n)) return false;
    for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) {
      if (n.metadata?.labels?.[k] !== v) return false;
    }
    for (const taint of (n.spec?.taints as Taint[] | undefined) ?? []) {
      if ((taint.effect === "NoSchedule" || taint.effect === "NoExecute") && !tolerates(tolerations, taint))
        return false;
    }
    return true;
  });
}

/**
 * Sets spec.nodeName on every draft that has none. `previousNode` (ns/name →
 * node) keeps a pod on the node a previous build put it on while that node is
 * still eligible. Drafts that fit no node keep no nodeName (pod-ipam.ts reports them).
 */
export function schedule(
  drafts: readonly PodDraft[],
  nodes: readonly Node[],
  previousNode: ReadonlyMap<string, string>,
  diagnostics: Diagnostic[],
): void {
  const byName = new Map(nodes.map((n) => [n.metadata?.name ?? "", n]));
  const cache = new Map<string, Node[]>();
  // Pods of one template share their nodeSelector and tolerations objects: look those up by identity
  // first, so the JSON key is built once per template rather than once per pod.
  const byIdentity = new Map<unknown, Map<unknown, Node[]>>();
  const starts = new Map<string, number>();
  for (const d of drafts) {
    const spec = d.pod.spec;
    const meta = d.pod.metadata ?? {};
    if (!spec) continue;
    if (spec.nodeName) {
      if (!byName.has(spec.nodeName)) {
        diagnostics.push({
          severity: "warning",
          code: "NodeNotFound",
          kind: "Pod",
          namespace: meta.namespace ?? "default",
          name: meta.name ?? "",
          field: "spec.nodeName",
          message: `node "${spec.nodeName}" does not exist: no kubelet will run this pod (it stays Pending)`,
        });
      }
      continue;
    }
    let byTolerations = byIdentity.get(spec.nodeSelector);
    if (!byTolerations) {
      byTolerations = new Map();
      byIdentity.set(spec.nodeSelector, byTolerations);
    }
    let eligible = byTolerations.get(spec.tolerations);
    if (!eligible) {
      const key = JSON.stringify([spec.nodeSelector ?? {}, spec.tolerations ?? []]);
      eligible = cache.get(key);
      if (!eligible) {
        eligible = eligibleNodes(nodes, spec);
        cache.set(key, eligible);
      }
      byTolerations.set(spec.tolerations, eligible);
    }
    // No key string per pod when there is no previous build (every cold load).
    const prev = previousNode.size > 0 ? previousNode.get(`${meta.namespace}/${meta.name}`) : undefined;
    if (prev !== undefined && eligible.some((n) => n.metadata?.name === prev)) {
      bind(d, prev);
      continue;
    }
    if (eligible.length === 0) continue;
    let h = starts.get(d.spreadKey);
    if (h === undefined) {
      h = fnv32a(d.spreadKey);
      starts.set(d.spreadKey, h);
    }
    const start = h % eligible.length;
    bind(d, eligible[(start + d.spreadIndex) % eligible.length]?.metadata?.name ?? "");
  }
}

/** The binding: spec.nodeName (a replica's spec shared with its siblings is copied first). */
function bind(d: PodDraft, nodeName: string): void {
  const spec = d.pod.spec;
  if (!spec) return;
  if (d.sharedSpec) d.pod.spec = withNodeName(spec, nodeName);
  else spec.nodeName = nodeName;
}
