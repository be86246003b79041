/**
 * Lint for the Admin and Baseline tiers, judged on the cluster's own pods
 * (per pod class): subjects that select no pod; rules shadowed by
 * higher-precedence rules of their tier (every connection they match is
 * decided first); Pass rules with nothing below them (the default allow
 * decides, so Pass reads like Accept); policies of one tier with the same
 * priority whose rules overlap with different actions (the API leaves that
 * order to the implementation); Baseline rules no traffic reaches (every
 * selected pod is isolated by a NetworkPolicy, or the Admin tier decides
 * all of it). Coverage is checked conservatively: a finding means the rule
 * really is dead; some dead rules go unreported.
 */
import type { Diagnostic } from "../api/diagnostics.js";
import { cidrWithin, parseCIDR } from "../api/net.js";
import { type Bits, newBits, orInto } from "./bitset.js";
import type { CompiledClusterPeer, CompiledClusterPolicy, CompiledClusterRule } from "./cluster-policy.js";
import type { Direction } from "./compiled-policy.js";
import type { PolicyEngine } from "./engine.js";
import { finding } from "./lint-finding.js";
import { clusterPeerClasses } from "./matrix-tiers.js";
import { buildClasses, type ClassIndex } from "./pod-classes.js";
import type { CompiledPort } from "./ports.js";

const DIRS: readonly Direction[] = ["ingress", "egress"];

function portCovers(e: CompiledPort, r: CompiledPort): boolean {
  if (e.protocol !== r.protocol) return false;
  if (e.kind === "all") return true;
  if (e.kind === "named" || r.kind === "named") return e.kind === r.kind && e.name === r.name;
  return r.kind === "range" && e.port <= r.port && e.endPort >= r.endPort;
}

/** Does E match at least every port/protocol R matches? */
function portsCover(e: CompiledClusterRule, r: CompiledClusterRule): boolean {
  if (!e.ports) return true;
  if (!r.ports) return false;
  return r.ports.every((rp) => e.ports?.some((ep) => portCovers(ep, rp)));
}

function portsOverlap(a: CompiledClusterRule, b: CompiledClusterRule): boolean {
  if (!a.ports || !b.ports) return true;
  return a.ports.some((x) =>
    b.ports?.some(
      (y) =>
        x.protocol === y.protocol &&
        (x.kind === "named" || y.kind === "named"
          ? x.kind === y.kind && x.name === y.name
          : x.port <= y.endPort && y.port <= x.endPort),
    ),
  );
}

const cidrs = (p: CompiledClusterPeer) =>
  p.kind === "networks" ? p.networks.map((n) => parseCIDR(n.text)).filter((c) => c !== undefined) : [];

/** Is R's non-pod part (networks, nodes, domainNames) matched by some of `covering`? */
function nonPodCovered(r: CompiledClusterRule, covering: readonly CompiledClusterRule[]): boolean {
  for (const p of r.peers) {
    if (p.kind === "networks") {
      const outer = covering.flatMap((e) => e.peers.flatMap(cidrs));
      if (!cidrs(p).every((c) => outer.some((o) => o.family === c.family && cidrWithin(c, o)))) return false;
    } else if (p.kind === "nodes") {
      if (
        !covering.some((e) =>
          e.peers.some((q) => q.kind === "nodes" && (q.namespace.matchesAll || q.text === p.text)),
        )
      )
        return false;
    } else if (p.kind === "domainNames") return false;
  }
  return true;
}

export function lintClusterPolicies(engine: PolicyEngine): Diagnostic[] {
  if (engine.clusterPolicies.length === 0) return [];
  const out: Diagnostic[] = [];
  const ci: ClassIndex = buildClasses(engine);
  const C = ci.classes.length;
  const peerBits = new Map<CompiledClusterRule, Bits>();
  const bitsOf = (r: CompiledClusterRule): Bits => {
    let b = peerBits.get(r);
    if (!b) {
      b = newBits(C);
      for (const p of r.peers) orInto(b, clusterPeerClasses(p, ci));
      peerBits.set(r, b);
    }
    return b;
  };
  const rulesOf = (p: CompiledClusterPolicy, dir: Direction) => (dir === "ingress" ? p.ingress : p.egress);
  // Subject classes per policy and direction.
  const subjects = new Map<string, number[]>();
  for (const c of ci.classes)
    for (const dir of DIRS)
      for (const tier of ["Admin", "Baseline"] as const)
        for (const p of engine.clusterSelecting(c.rep.pod, dir, tier)) {
          const k = `${p.key}\n${dir}`;
          const l = subjects.get(k);
          if (l) l.push(c.id);
          else subjects.set(k, [c.id]);
        }
  const subjectOf = (p: CompiledClusterPolicy, dir: Direction) => subjects.get(`${p.key}\n${dir}`) ?? [];
  const npIsolated = (cls: number, dir: Direction) =>
    engine.selecting(ci.classes[cls]!.rep.pod, dir).length > 0;

  /** Is every connection R matches from/to subject class `s` matched first by one of `earlier`? */
  const covered = (r: CompiledClusterRule, earlier: readonly CompiledClusterRule[]): boolean => {
    if (earlier.some((e) => e.failClosed && e.action !== "Accept")) return true;
    const covering = earlier.filter((e) => !e.failClosed && portsCover(e, r));
    if (covering.length === 0) return false;
    const union = newBits(C);
    for (const e of covering) orInto(union, bitsOf(e));
    const mine = bitsOf(r);
    for (let i = 0; i < mine.length; i++) if ((mine[i]! & ~union[i]!) !== 0) return false;
    return nonPodCovered(r, covering);
  };
  /** Rules evaluated before rule `ri` of `p` for pods of class `s`, in the same tier (`decisive`: Accept/Deny only). */
  const before = (
    p: CompiledClusterPolicy,
    dir: Direction,
    ri: number,
    s: number,
    tier: "Admin" | "Baseline",
  ) => {
    const list: CompiledClusterRule[] = [];
    for (const q of engine.clusterSelecting(ci.classes[s]!.rep.pod, dir, tier)) {
      if (q === p) {
        list.push(...rulesOf(q, dir).slice(0, ri));
        break;
      }
      list.push(...rulesOf(q, dir));
    }
    return list;
  };

  const anyPods = C > 0;
  for (const p of engine.clusterPolicies) {
    const src = p.source;
    if (anyPods && DIRS.every((d) => rulesOf(p, d).length === 0 || subjectOf(p, d).length === 0)) {
      out.push(
        finding(
          src,
          "warning",
          "ClusterPolicySelectsNothing",
          ["spec", "subject"],
          `subject (${p.subject.text}) selects no pod: the policy has no effect`,
        ),
      );
      continue;
    }
    for (const dir of DIRS) {
      const subj = subjectOf(p, dir);
      if (subj.length === 0) continue;
      rulesOf(p, dir).forEach((r, ri) => {
        const at = ["spec", dir, ri];
        const label = `${dir}[${ri}]${r.name ? ` "${r.name}"` : ""}`;
        if (r.failClosed) return;
        if (p.tier === "Admin") {
          if (subj.every((s) => covered(r, before(p, dir, ri, s, "Admin")))) {
            out.push(
              finding(
                src,
                "warning",
                "ClusterRuleShadowed",
                at,
                `${label} is never reached: every connection it matches is decided first by higher-precedence Admin tier rules`,
                "remove it, or give its policy a lower priority number than the rules that shadow it",
              ),
            );
            return;
          }
          if (
            r.action === "Pass" &&
            subj.every(
              (s) =>
                !npIsolated(s, dir) &&
                engine.clusterSelecting(ci.classes[s]!.rep.pod, dir, "Baseline").length === 0,
            )
          ) {
            out.push(
              finding(
                src,
                "warning",
                "ClusterPassNothingBelow",
                at,
                `${label} passes to NetworkPolicy and the Baseline tier, but neither applies to the pods it selects: the default allows the traffic`,
                "write Accept if allowing is intended, or add the NetworkPolicy that should decide",
              ),
            );
          }
          return;
        }
        // Baseline tier.
        if (r.action === "Pass") {
          out.push(
            finding(
              src,
              "warning",
              "ClusterPassNothingBelow",
              at,
              `${label} is a Pass in the Baseline tier: nothing comes after it but the default allow`,
              "write Accept to say so",
            ),
          );
        }
        const isolated = subj.filter((s) => npIsolated(s, dir));
        if (isolated.length === subj.length) {
          out.push(
            finding(
              src,
              "warning",
              "BaselineRuleUnreached",
              at,
              `${label} is never reached: every pod it applies to is isolated for ${dir} by a NetworkPolicy, which decides first`,
            ),
          );
          return;
        }
        const reached = subj.some(
          (s) =>
            !npIsolated(s, dir) &&
            !covered(r, [
              ...before(p, dir, ri, s, "Baseline"),
              ...engine
                .clusterSelecting(ci.classes[s]!.rep.pod, dir, "Admin")
                .flatMap((q) => rulesOf(q, dir).filter((x) => x.action !== "Pass")),
            ]),
        );
        if (!reached)
          out.push(
            finding(
              src,
              "warning",
              "BaselineRuleUnreached",
              at,
              `${label} is never reached: for the pods it applies to, NetworkPolicies, Admin tier rules or earlier Baseline rules decide every connection it matches`,
            ),
          );
      });
    }
  }

  // Same tier, same priority, overlapping subjects and traffic, different actions.
  const list = engine.clusterPolicies;
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const a = list[i]!;
      const b = list[j]!;
      if (a.tier !== b.tier || a.priority === undefined || a.priority !== b.priority) continue;
      for (const dir of DIRS) {
        const sa = new Set(subjectOf(a, dir));
        if (!subjectOf(b, dir).some((s) => sa.has(s))) continue;
        const clash = rulesOf(a, dir).flatMap((ra) =>
          rulesOf(b, dir)
            .filter((rb) => rb.action !== ra.action && portsOverlap(ra, rb))
            .filter((rb) => {
              const x = bitsOf(ra);
              const y = bitsOf(rb);
              for (let w = 0; w < x.length; w++) if ((x[w]! & y[w]!) !== 0) return true;
              const na = ra.peers.flatMap(cidrs);
              const nb = rb.peers.flatMap(cidrs);
              return na.some((c) =>
                nb.some((d) => c.family === d.family && (cidrWithin(c, d) || cidrWithin(d, c))),
              );
            })
            .map((rb) => [ra.index, rb.index] as const),
        );
        if (clash.length === 0) continue;
        const [ia, ib] = clash[0]!;
        out.push(
          finding(
            b.source,
            "warning",
            "ClusterSamePriorityOverlap",
            ["spec", "priority"],
            `${a.key} and ${b.key} both have priority ${a.priority} in the ${a.tier} tier and their ${dir} rules overlap with different actions (${a.key} ${dir}[${ia}], ${b.key} ${dir}[${ib}]); the API leaves their order to the implementation — michi evaluates ${a.key} first (by name)`,
            "give them distinct priorities",
          ),
        );
      }
    }
  }
  return out;
}
