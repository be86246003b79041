/**
 * The policy engine: `compilePolicy(state)` indexes NetworkPolicies by
 * namespace and ClusterNetworkPolicies (and the v1alpha1 Admin/Baseline
 * kinds) by tier, and caches, per pod, the policies that select it;
 * `decide()` then judges one connection as a conformant CNI would (egress of
 * the source AND ingress of the destination) and records which rule decided.
 * Per side: the Admin tier (Accept/Deny final, Pass skips the tier), then
 * NetworkPolicy (final for a pod it isolates), then the Baseline tier, then
 * allow. The data plane calls decide() per connection, so it does no string
 * work and no allocation beyond the verdict.
 */
import type { ContainerPort, Pod, Protocol } from "../api/types.js";
import type { ClusterState } from "../cluster/state.js";
import { type ClusterContext, judgeTier } from "./cluster-eval.js";
import { type CompiledClusterPolicy, compileClusterPolicies, type Tier } from "./cluster-policy.js";
import {
  type CompiledPeer,
  type CompiledPolicy,
  type CompiledRule,
  compileNetworkPolicies,
  type Direction,
} from "./compiled-policy.js";
import { type Endpoint, makePodView, namespaceLabelsOf, type PodView } from "./endpoint.js";
import { portMatches } from "./ports.js";
import type {
  ClusterRuleRef,
  Connection,
  Peer,
  PolicyMiss,
  RuleMiss,
  SideVerdict,
  Verdict,
} from "./verdict.js";

export interface EngineOptions {
  /**
   * Names an address is known by, for `domainNames` peers (`michi up` passes
   * the cluster DNS's answers). Without it domainNames match nothing (fail
   * closed: they are Accept-only).
   */
  resolveNames?: (ip: string) => readonly string[];
}

export interface PolicyEngine {
  readonly state: ClusterState;
  /** Every policy, deduplicated by namespace/name, sorted by key. */
  readonly policies: readonly CompiledPolicy[];
  decide(c: Connection): Verdict;
  /** A policy by `namespace/name`. */
  policy(key: string): CompiledPolicy | undefined;
  /** The engine's view of a pod (cached). */
  view(pod: Pod): PodView;
  /** Resolve a peer the way decide() does. */
  endpoint(peer: Peer): Endpoint;
  /** Policies selecting the pod for this direction (empty for hostNetwork pods). */
  selecting(pod: Pod, dir: Direction): readonly CompiledPolicy[];
  /** ClusterNetworkPolicy, AdminNetworkPolicy and BaselineAdminNetworkPolicy, Admin tier then Baseline, each in evaluation order. */
  readonly clusterPolicies: readonly CompiledClusterPolicy[];
  /** A cluster-scoped policy by `Kind/name`. */
  clusterPolicy(key: string): CompiledClusterPolicy | undefined;
  /** Cluster-scoped policies of a tier whose subject selects the pod and that have rules for this direction, in order. */
  clusterSelecting(pod: Pod, dir: Direction, tier: Tier): readonly CompiledClusterPolicy[];
  /** Node labels and the domain-name resolver the cluster peers are matched with. */
  readonly clusterContext: ClusterContext;
}

interface Selection {
  ingress: CompiledPolicy[];
  egress: CompiledPolicy[];
  adminIngress: CompiledClusterPolicy[];
  adminEgress: CompiledClusterPolicy[];
  baselineIngress: CompiledClusterPolicy[];
  baselineEgress: CompiledClusterPolicy[];
  /** Keys of the cluster policies selecting the pod per direction (Admin then Baseline), for verdicts. */
  clusterKeys: { ingress: string[]; egress: string[] };
}

/** Does a peer of `policy` match endpoint `e`? */
export function peerMatches(peer: CompiledPeer, policy: CompiledPolicy, e: Endpoint): boolean {
  switch (peer.kind) {
    case "ipBlock":
      return e.ip !== undefined && peer.ipBlock?.matches(e.ip) === true;
    case "pods": {
      if (e.kind !== "pod") return false;
      const v = e.view;
      if (
        peer.namespace === undefined
          ? v.namespace !== policy.namespace
          : !peer.namespace.matches(v.namespaceLabels)
      )
        return false;
      return peer.pod.matches(v.labels);
    }
    case "empty":
      return false;
  }
}

/** First admitting peer/port of a rule, or the miss. */
export function evalRule(
  rule: CompiledRule,
  policy: CompiledPolicy,
  peer: Endpoint,
  port: number,
  protocol: Protocol,
  dstPorts: readonly ContainerPort[] | undefined,
): { ok: true; peer: number | undefined; port: number | undefined } | { ok: false; miss: RuleMiss } {
  let peerIdx: number | undefined;
  if (rule.peers) {
    peerIdx = -1;
    for (const p of rule.peers) {
      if (peerMatches(p, policy, peer)) {
        peerIdx = p.index;
        break;
      }
    }
    if (peerIdx < 0) return { ok: false, miss: { rule: rule.index, peer: -1, portMatched: false } };
  }
  if (!rule.ports) return { ok: true, peer: peerIdx, port: undefined };
  for (let i = 0; i < rule.ports.length; i++) {
    if (portMatches(rule.ports[i]!, port, protocol, dstPorts)) return { ok: true, peer: peerIdx, port: i };
  }
  return { ok: false, miss: { rule: rule.index, peer: peerIdx, portMatched: false } };
}

const NOT_A_POD: SideVerdict = Object.freeze({
  allowed: true,
  isolated: false,
  policies: [],
  reason: "not-a-pod",
}) as SideVerdict;

export function compilePolicy(state: ClusterState, options: EngineOptions = {}): PolicyEngine {
  const policies = compileNetworkPolicies(state.networkPolicies);
  const clusterPolicies = compileClusterPolicies(state.clusterNetworkPolicies ?? []);
  const hasCluster = clusterPolicies.length > 0;
  const clusterByKey = new Map(clusterPolicies.map((p) => [p.key, p]));
  const clusterContext: ClusterContext = {
    nodeLabels: (name) => {
      const n = state.index.node(name);
      return n ? (n.metadata?.labels ?? {}) : undefined;
    },
    resolveNames: options.resolveNames,
  };
  const policyByKey = new Map(policies.map((p) => [p.key, p]));
  const byNamespace = new Map<string, CompiledPolicy[]>();
  for (const p of policies) {
    let list = byNamespace.get(p.namespace);
    if (!list) {
      list = [];
      byNamespace.set(p.namespace, list);
    }
    list.push(p);
  }
  const nsLabels = new Map<string, ReturnType<typeof namespaceLabelsOf>>();
  const views = new WeakMap<Pod, PodView>();
  const selections = new WeakMap<Pod, Selection>();

  const view = (pod: Pod): PodView => {
    let v = views.get(pod);
    if (!v) {
      const ns = pod.metadata?.namespace ?? "default";
      let labels = nsLabels.get(ns);
      if (!labels) {
        labels = namespaceLabelsOf(state, ns);
        nsLabels.set(ns, labels);
      }
      v = makePodView(state, pod, labels);
      views.set(pod, v);
    }
    return v;
  };

  // Cluster policies whose subject's namespace selector matches, per namespace (in tier order).
  const clusterByNs = new Map<string, CompiledClusterPolicy[]>();
  const clusterInNamespace = (ns: string, labels: ReturnType<typeof namespaceLabelsOf>) => {
    let list = clusterByNs.get(ns);
    if (!list) {
      list = clusterPolicies.filter((p) => p.subject.namespace.matches(labels));
      clusterByNs.set(ns, list);
    }
    return list;
  };

  const selectionOf = (pod: Pod): Selection => {
    let s = selections.get(pod);
    if (!s) {
      s = {
        ingress: [],
        egress: [],
        adminIngress: [],
        adminEgress: [],
        baselineIngress: [],
        baselineEgress: [],
        clusterKeys: { ingress: [], egress: [] },
      };
      const v = view(pod);
      // hostNetwork pods share the node's network namespace: policies do not isolate them
      // (nor are they ClusterNetworkPolicy subjects).
      if (!v.hostNetwork) {
        for (const p of byNamespace.get(v.namespace) ?? []) {
          if (!p.podSelector.matches(v.labels)) continue;
          if (p.ingress) s.ingress.push(p);
          if (p.egress) s.egress.push(p);
        }
        for (const p of clusterInNamespace(v.namespace, v.namespaceLabels)) {
          if (!p.subject.pod.matches(v.labels)) continue;
          const admin = p.tier === "Admin";
          if (p.ingress.length > 0) (admin ? s.adminIngress : s.baselineIngress).push(p);
          if (p.egress.length > 0) (admin ? s.adminEgress : s.baselineEgress).push(p);
        }
      }
      s.clusterKeys.ingress = [...s.adminIngress, ...s.baselineIngress].map((p) => p.key);
      s.clusterKeys.egress = [...s.adminEgress, ...s.baselineEgress].map((p) => p.key);
      selections.set(pod, s);
    }
    return s;
  };

  const endpointOfIP = (ip: string): Endpoint => {
    const pod = state.index.podByIP(ip);
    if (pod && pod.spec?.hostNetwork !== true) return { kind: "pod", view: view(pod), ip };
    const node = state.index.nodeByIP(ip);
    if (node) return { kind: "node", ip, nodeName: node.metadata?.name };
    if (pod) return { kind: "node", ip, nodeName: pod.spec?.nodeName, via: view(pod) };
    return { kind: "external", ip };
  };

  const endpoint = (peer: Peer): Endpoint => {
    if (peer.kind === "ip") return endpointOfIP(peer.ip);
    const v = view(peer.pod);
    if (v.hostNetwork) return { kind: "node", ip: v.ip ?? "", nodeName: v.nodeName, via: v };
    return { kind: "pod", view: v, ip: v.ip };
  };

  const judge = (
    dir: Direction,
    selected: readonly CompiledPolicy[],
    other: Endpoint,
    port: number,
    protocol: Protocol,
    dstPorts: readonly ContainerPort[] | undefined,
  ): SideVerdict => {
    if (selected.length === 0)
      return { allowed: true, isolated: false, policies: [], reason: "not-isolated" };
    const names = selected.map((p) => p.key);
    let misses: PolicyMiss[] | undefined;
    for (const p of selected) {
      const rules = (dir === "ingress" ? p.ingress : p.egress) ?? [];
      const ruleMisses: RuleMiss[] = [];
      for (const r of rules) {
        const res = evalRule(r, p, other, port, protocol, dstPorts);
        if (res.ok) {
          return {
            allowed: true,
            isolated: true,
            policies: names,
            reason: "rule",
            admittedBy: { policy: p.key, direction: dir, rule: r.index, peer: res.peer, port: res.port },
          };
        }
        ruleMisses.push(res.miss);
      }
      if (!misses) misses = [];
      misses.push({ policy: p.key, rules: ruleMisses });
    }
    return {
      allowed: false,
      isolated: true,
      policies: names,
      reason: "no-rule-matched",
      misses: misses ?? [],
    };
  };

  /** The NetworkPolicy tier alone (what michi did before the cluster tiers): own node, then the rules. */
  const npSide = (
    dir: Direction,
    sel: readonly CompiledPolicy[],
    other: Endpoint,
    ownNode: boolean,
    port: number,
    protocol: Protocol,
    dstPorts: readonly ContainerPort[] | undefined,
  ): SideVerdict => {
    // "traffic to and from the node where a Pod is running is always allowed" (NetworkPolicy docs).
    if (ownNode)
      return { allowed: true, isolated: sel.length > 0, policies: sel.map((p) => p.key), reason: "node" };
    return judge(dir, sel, other, port, protocol, dstPorts);
  };

  const side = (
    dir: Direction,
    sel: Selection,
    other: Endpoint,
    ownNode: boolean,
    port: number,
    protocol: Protocol,
    dstPorts: readonly ContainerPort[] | undefined,
  ): SideVerdict => {
    const np = sel[dir];
    if (!hasCluster) return npSide(dir, np, other, ownNode, port, protocol, dstPorts);
    const admin = dir === "ingress" ? sel.adminIngress : sel.adminEgress;
    const baseline = dir === "ingress" ? sel.baselineIngress : sel.baselineEgress;
    // Copied: verdicts are handed out and may be mutated by callers.
    const clusterPolicies = sel.clusterKeys[dir].slice();
    const passes: ClusterRuleRef[] = [];
    const decidedBy = (ref: ClusterRuleRef): SideVerdict => ({
      allowed: ref.action === "Accept",
      isolated: np.length > 0,
      policies: np.map((p) => p.key),
      reason: "cluster-rule",
      tier: ref.tier,
      clusterRule: ref,
      passes,
      clusterPolicies,
    });
    const a = judgeTier(admin, dir, other, port, protocol, dstPorts, clusterContext);
    if (a.decided) return decidedBy(a.decided);
    if (a.pass) passes.push(a.pass);
    if (np.length > 0) {
      const v = npSide(dir, np, other, ownNode, port, protocol, dstPorts);
      return { ...v, tier: "NetworkPolicy", passes, clusterPolicies };
    }
    const b = judgeTier(baseline, dir, other, port, protocol, dstPorts, clusterContext);
    if (b.decided) return decidedBy(b.decided);
    if (b.pass) passes.push(b.pass);
    const v = npSide(dir, np, other, ownNode, port, protocol, dstPorts);
    return { ...v, tier: "default", passes, clusterPolicies };
  };

  const decide = (c: Connection): Verdict => {
    const src = endpoint(c.src);
    const dst = endpoint(c.dst);
    // A pod reaching its own IP never leaves it: no policy of any tier applies (CNP hairpin rule).
    if (src.kind === "pod" && dst.kind === "pod" && src.view === dst.view) {
      const self: SideVerdict = { allowed: true, isolated: false, policies: [], reason: "self" };
      return { allowed: true, egress: self, ingress: { ...self }, policies: [] };
    }
    const dstPorts = dst.kind === "pod" ? dst.view.ports : undefined;
    let egress: SideVerdict;
    if (src.kind !== "pod") egress = NOT_A_POD;
    else {
      const ownNode = dst.kind === "node" && dst.nodeName !== undefined && dst.nodeName === src.view.nodeName;
      egress = side("egress", selectionOf(src.view.pod), dst, ownNode, c.port, c.protocol, dstPorts);
    }
    let ingress: SideVerdict;
    if (dst.kind !== "pod") ingress = NOT_A_POD;
    else {
      const ownNode = src.kind === "node" && src.nodeName !== undefined && src.nodeName === dst.view.nodeName;
      ingress = side("ingress", selectionOf(dst.view.pod), src, ownNode, c.port, c.protocol, dstPorts);
    }
    const allowed = egress.allowed && ingress.allowed;
    const deciding: string[] = [];
    const add = (k: string) => {
      if (!deciding.includes(k)) deciding.push(k);
    };
    if (allowed) {
      for (const s of [egress, ingress]) {
        if (s.clusterRule) add(s.clusterRule.policy);
        if (s.admittedBy) add(s.admittedBy.policy);
      }
    } else {
      for (const s of [egress, ingress]) {
        if (s.allowed) continue;
        if (s.clusterRule) add(s.clusterRule.policy);
        else for (const p of s.policies) add(p);
      }
    }
    return {
      allowed,
      egress: egress === NOT_A_POD ? { ...NOT_A_POD, policies: [] } : egress,
      ingress: ingress === NOT_A_POD ? { ...NOT_A_POD, policies: [] } : ingress,
      policies: deciding,
    };
  };

  return {
    state,
    policies,
    decide,
    policy: (key) => policyByKey.get(key),
    view,
    endpoint,
    selecting: (pod, dir) => selectionOf(pod)[dir],
    clusterPolicies,
    clusterPolicy: (key) => clusterByKey.get(key),
    clusterSelecting: (pod, dir, tier) => {
      const s = selectionOf(pod);
      if (tier === "Admin") return dir === "ingress" ? s.adminIngress : s.adminEgress;
      return dir === "ingress" ? s.baselineIngress : s.baselineEgress;
    },
    clusterContext,
  };
}
