/**
 * Connections that become allowed or denied between two versions of the
 * manifests, computed from the two class-level matrices (policy/matrix.ts),
 * never by enumerating pod pairs. Pods present in both versions are grouped
 * into joint classes (same workload, same class on each side): every member
 * of a joint class gets the same verdicts on both sides. Only pairs with an
 * end whose verdicts can differ are compared: a joint class whose labels,
 * namespace labels, ports or ipBlock matches changed, or that a changed
 * policy selects (for egress as a source, for ingress as a destination).
 * Each change is grouped by workload pair and port, with the rule (or the
 * isolation) that decided it on each side.
 */
import type { FieldPath } from "../api/diagnostics.js";
import type { Pod, Protocol } from "../api/types.js";
import type { PolicyEngine } from "../policy/engine.js";
import { formatRuleRef } from "../policy/explain.js";
import { computeMatrix, type PolicyMatrix, type PortProtocol } from "../policy/matrix.js";
import { declaredPorts } from "../policy/matrix-report.js";
import type { SideVerdict } from "../policy/verdict.js";
import type { Locator, SourceLocation } from "./locate.js";
import type { WorkloadNamer } from "./workloads.js";

export interface ConnectionSide {
  engine: PolicyEngine;
  locate: Locator;
  workloadOf: WorkloadNamer;
}

/** One end's verdict on one side, reduced to what decided it. */
export interface SideCause {
  allowed: boolean;
  /** not-isolated, rule (admitted), no-rule-matched (isolated and denied), node, self, not-a-pod. */
  reason: SideVerdict["reason"];
  /** Policies isolating the pod for this direction. */
  policies: string[];
  /** The admitting rule, `ns/name ingress[0].from[1] (...), ports[0] (TCP/80)`. */
  rule?: string;
  /** Where the admitting rule (or the first isolating policy) is. */
  location?: SourceLocation;
}

export interface VerdictCause {
  allowed: boolean;
  egress: SideCause;
  ingress: SideCause;
}

export interface ConnectionChange {
  /** Source and destination workloads, `KIND/NS/NAME`. */
  from: string;
  to: string;
  port: number;
  protocol: Protocol;
  /** The verdict in the new version (true: newly allowed). */
  allowed: boolean;
  /** Pod pairs that changed (distinct pods). */
  pairs: number;
  /** Up to POD_SAMPLE of those pairs, `ns/pod`. */
  pods: { from: string; to: string }[];
  base: VerdictCause;
  head: VerdictCause;
  /** The direction(s) whose verdict changed. */
  changed: ("egress" | "ingress")[];
  /** One line: the policy and rule that made the difference. */
  cause: string;
  /** Where that policy or rule is (the new version's when it has one). */
  location?: SourceLocation;
  /** The NetworkPolicy responsible, `ns/name`. */
  policy?: string;
}

export interface ConnectionDiff {
  added: ConnectionChange[];
  removed: ConnectionChange[];
  ports: PortProtocol[];
  /** Workloads whose pods exist on one side only (their connections are not compared). */
  workloads: { added: string[]; removed: string[] };
  stats: { jointClasses: number; affected: number; comparisons: number };
}

export interface ConnectionDiffOptions {
  ports?: readonly PortProtocol[];
}

const POD_SAMPLE = 10;

interface Joint {
  id: number;
  base: number;
  head: number;
  workload: string;
  basePods: Pod[];
  headPods: Pod[];
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

const podKey = (p: Pod) => `${p.metadata?.namespace ?? "default"}/${p.metadata?.name ?? ""}`;

function policyFingerprints(engine: PolicyEngine): Map<string, string> {
  return new Map(engine.policies.map((p) => [p.key, JSON.stringify(p.source.spec ?? {})]));
}

/** Keys of the policies added, removed or edited between two engines. */
export function changedPolicies(a: PolicyEngine, b: PolicyEngine): Set<string> {
  const fa = policyFingerprints(a);
  const fb = policyFingerprints(b);
  const out = new Set<string>();
  for (const [k, v] of fa) if (fb.get(k) !== v) out.add(k);
  for (const k of fb.keys()) if (!fa.has(k)) out.add(k);
  return out;
}

function signature(m: PolicyMatrix, cls: number): string {
  const c = m.classIndex.classes[cls]!;
  const labels = (l: Record<string, string>) =>
    Object.keys(l)
      .sort()
      .map((k) => `${k}=${l[k]}`)
      .join(",");
  const ports = c.rep.ports
    .map((p) => `${p.name ?? ""}:${p.containerPort}/${p.protocol ?? "TCP"}`)
    .sort()
    .join(",");
  const blocks = c.ipBlocks.map((i) => m.classIndex.ipBlocks[i]!.text).sort();
  return `${c.namespace}|${labels(c.labels)}|${labels(c.namespaceLabels)}|${ports}|${blocks.join(",")}`;
}

function ruleField(dir: "ingress" | "egress", rule: number, peer: number | undefined): FieldPath {
  const path: (string | number)[] = ["spec", dir, rule];
  if (peer !== undefined) path.push(dir === "ingress" ? "from" : "to", peer);
  return path;
}

const locations = new WeakMap<ConnectionSide, Map<string, SourceLocation | undefined>>();

/** Cached per side: one policy rule decides many workload pairs. */
function policyLocation(side: ConnectionSide, key: string, path: FieldPath): SourceLocation | undefined {
  let cache = locations.get(side);
  if (!cache) {
    cache = new Map();
    locations.set(side, cache);
  }
  const k = `${key} ${path.join(".")}`;
  if (cache.has(k)) return cache.get(k);
  const slash = key.indexOf("/");
  const loc = side.locate("NetworkPolicy", key.slice(0, slash), key.slice(slash + 1), path);
  cache.set(k, loc);
  return loc;
}

function sideCause(side: ConnectionSide, dir: "ingress" | "egress", v: SideVerdict): SideCause {
  const c: SideCause = { allowed: v.allowed, reason: v.reason, policies: v.policies };
  if (v.admittedBy) {
    c.rule = formatRuleRef(side.engine, v.admittedBy);
    const loc = policyLocation(
      side,
      v.admittedBy.policy,
      ruleField(dir, v.admittedBy.rule, v.admittedBy.peer),
    );
    if (loc) c.location = loc;
  } else if (v.policies.length > 0) {
    const loc = policyLocation(side, v.policies[0]!, ["spec", "podSelector"]);
    if (loc) c.location = loc;
  }
  return c;
}

function verdictCause(side: ConnectionSide, src: Pod, dst: Pod, pp: PortProtocol): VerdictCause {
  const v = side.engine.decide({
    src: { kind: "pod", pod: src },
    dst: { kind: "pod", pod: dst },
    port: pp.port,
    protocol: pp.protocol,
  });
  return {
    allowed: v.allowed,
    egress: sideCause(side, "egress", v.egress),
    ingress: sideCause(side, "ingress", v.ingress),
  };
}

/** What made the difference on one direction, in words, with the policy responsible. */
function explainChange(
  dir: "ingress" | "egress",
  base: SideCause,
  head: SideCause,
): { text: string; policy?: string; location?: SourceLocation } {
  const who = dir === "ingress" ? "destination" : "source";
  if (head.allowed) {
    if (head.rule) {
      const policy = head.rule.split(" ")[0];
      return {
        text: `${dir}: now admitted by ${head.rule}`,
        ...(policy ? { policy } : {}),
        ...(head.location ? { location: head.location } : {}),
      };
    }
    const was = base.policies.join(", ");
    return {
      text: `${dir}: the ${who} is no longer isolated for ${dir} (was isolated by ${was})`,
      ...(base.policies[0] ? { policy: base.policies[0] } : {}),
      ...(base.location ? { location: base.location } : {}),
    };
  }
  const by = head.policies.join(", ");
  const text = base.rule
    ? `${dir}: no longer admitted (was ${base.rule}); isolated by ${by} and no rule matches`
    : `${dir}: now isolated by ${by} and no rule matches`;
  return {
    text,
    ...(head.policies[0] ? { policy: head.policies[0] } : {}),
    ...(head.location ? { location: head.location } : {}),
  };
}

export function diffConnections(
  base: ConnectionSide,
  head: ConnectionSide,
  opts: ConnectionDiffOptions = {},
): ConnectionDiff {
  const basePods = base.engine.state.pods.filter((p) => p.spec?.hostNetwork !== true);
  const headPods = head.engine.state.pods.filter((p) => p.spec?.hostNetwork !== true);
  const ports = opts.ports
    ? [...opts.ports]
    : declaredPorts([...basePods, ...headPods]).filter(
        (p, i, all) => all.findIndex((q) => q.port === p.port && q.protocol === p.protocol) === i,
      );
  const mB = computeMatrix(base.engine, { pods: basePods, ports });
  const mH = computeMatrix(head.engine, { pods: headPods, ports });

  // Pods present on both sides: by name, then (a changed pod template renames
  // a workload's pods) the remaining pods of each workload in order.
  const headByKey = new Map<string, Pod>();
  for (const p of headPods) headByKey.set(podKey(p), p);
  const matched: [Pod, Pod][] = [];
  const usedHead = new Set<Pod>();
  const leftBase = new Map<string, Pod[]>();
  for (const pb of basePods) {
    const ph = headByKey.get(podKey(pb));
    if (ph && base.workloadOf(pb) === head.workloadOf(ph)) {
      matched.push([pb, ph]);
      usedHead.add(ph);
    } else push(leftBase, base.workloadOf(pb), pb);
  }
  const leftHead = new Map<string, Pod[]>();
  for (const ph of headPods) if (!usedHead.has(ph)) push(leftHead, head.workloadOf(ph), ph);
  const addedW = new Set<string>();
  const removedW = new Set<string>();
  for (const [w, bs] of leftBase) {
    const hs = leftHead.get(w) ?? [];
    bs.forEach((pb, i) => {
      const ph = hs[i];
      if (ph) matched.push([pb, ph]);
    });
    if (hs.length === 0) removedW.add(w);
  }
  for (const w of leftHead.keys()) if (!leftBase.has(w)) addedW.add(w);

  const joints: Joint[] = [];
  const jointByKey = new Map<string, Joint>();
  for (const [pb, ph] of matched) {
    const cb = mB.classIndex.classOf.get(pb) ?? -1;
    const ch = mH.classIndex.classOf.get(ph) ?? -1;
    if (cb < 0 || ch < 0) continue;
    const workload = head.workloadOf(ph);
    const jk = `${cb}|${ch}|${workload}`;
    let j = jointByKey.get(jk);
    if (!j) {
      j = { id: joints.length, base: cb, head: ch, workload, basePods: [], headPods: [] };
      joints.push(j);
      jointByKey.set(jk, j);
    }
    j.basePods.push(pb);
    j.headPods.push(ph);
  }

  // Which joint classes can change verdicts, as a source and as a destination.
  const changed = changedPolicies(base.engine, head.engine);
  const touches = (pols: readonly { key: string }[]) => pols.some((p) => changed.has(p.key));
  const asSource = new Uint8Array(joints.length);
  const asDest = new Uint8Array(joints.length);
  for (const j of joints) {
    const relabelled = signature(mB, j.base) !== signature(mH, j.head);
    const pb = j.basePods[0]!;
    const ph = j.headPods[0]!;
    if (
      relabelled ||
      touches(base.engine.selecting(pb, "egress")) ||
      touches(head.engine.selecting(ph, "egress"))
    )
      asSource[j.id] = 1;
    if (
      relabelled ||
      touches(base.engine.selecting(pb, "ingress")) ||
      touches(head.engine.selecting(ph, "ingress"))
    )
      asDest[j.id] = 1;
  }

  interface Group {
    change: Omit<ConnectionChange, "base" | "head" | "changed" | "cause">;
    rep: { s: Joint; d: Joint; pi: number };
  }
  const groups = new Map<string, Group>();
  let comparisons = 0;
  const compare = (s: Joint, d: Joint, pi: number) => {
    comparisons++;
    const pairs = s.basePods.length * d.basePods.length - (s === d ? s.basePods.length : 0);
    if (pairs === 0) return;
    const vB = mB.classAllowed(s.base, d.base, pi);
    const vH = mH.classAllowed(s.head, d.head, pi);
    if (vB === vH) return;
    const pp = ports[pi]!;
    const gk = `${s.workload}\u0000${d.workload}\u0000${pi}\u0000${vH}`;
    let g = groups.get(gk);
    if (!g) {
      g = {
        change: {
          from: s.workload,
          to: d.workload,
          port: pp.port,
          protocol: pp.protocol,
          allowed: vH,
          pairs: 0,
          pods: [],
        },
        rep: { s, d, pi },
      };
      groups.set(gk, g);
    }
    g.change.pairs += pairs;
    for (const a of s.headPods) {
      if (g.change.pods.length >= POD_SAMPLE) break;
      for (const b of d.headPods) {
        if (g.change.pods.length >= POD_SAMPLE) break;
        if (a !== b) g.change.pods.push({ from: podKey(a), to: podKey(b) });
      }
    }
  };
  let affected = 0;
  for (const j of joints) if (asSource[j.id] || asDest[j.id]) affected++;
  const dests = joints.filter((j) => asDest[j.id]);
  for (let pi = 0; pi < ports.length; pi++) {
    for (const s of joints) {
      if (asSource[s.id]) for (const d of joints) compare(s, d, pi);
      else for (const d of dests) compare(s, d, pi);
    }
  }

  const added: ConnectionChange[] = [];
  const removed: ConnectionChange[] = [];
  for (const g of groups.values()) {
    const { s, d, pi } = g.rep;
    const srcB = s.basePods[0]!;
    const dstB = d.basePods.find((p) => p !== srcB) ?? d.basePods[0]!;
    const srcH = s.headPods[s.basePods.indexOf(srcB)]!;
    const dstH = d.headPods[d.basePods.indexOf(dstB)]!;
    const vb = verdictCause(base, srcB, dstB, ports[pi]!);
    const vh = verdictCause(head, srcH, dstH, ports[pi]!);
    const dirs = (["egress", "ingress"] as const).filter((dir) => vb[dir].allowed !== vh[dir].allowed);
    const parts = dirs.map((dir) => explainChange(dir, vb[dir], vh[dir]));
    const primary = parts.find((p) => p.location) ?? parts[0];
    const change: ConnectionChange = {
      ...g.change,
      base: vb,
      head: vh,
      changed: [...dirs],
      cause: parts.map((p) => p.text).join("; "),
      ...(primary?.location ? { location: primary.location } : {}),
      ...(primary?.policy ? { policy: primary.policy } : {}),
    };
    (change.allowed ? added : removed).push(change);
  }
  const order = (a: ConnectionChange, b: ConnectionChange) =>
    a.from.localeCompare(b.from) ||
    a.to.localeCompare(b.to) ||
    a.protocol.localeCompare(b.protocol) ||
    a.port - b.port;
  added.sort(order);
  removed.sort(order);
  return {
    added,
    removed,
    ports,
    workloads: { added: [...addedW].sort(), removed: [...removedW].sort() },
    stats: { jointClasses: joints.length, affected, comparisons },
  };
}
