/**
 * The NetworkPolicy engine: `compilePolicy(state)` indexes policies by
 * namespace and caches, per pod, the policies that select it; `decide()` then
 * judges one connection as a conformant CNI would (egress of the source AND
 * ingress of the destination) and records which rule admitted it or why none
 * did. The data plane calls decide() per connection, so it does no string
 * work and no allocation beyond the verdict.
 */
import type { ContainerPort, Pod, Protocol } from "../api/types.js";
import type { ClusterState } from "../cluster/state.js";
import {
  type CompiledPeer,
  type CompiledPolicy,
  type CompiledRule,
  compileNetworkPolicies,
  type Direction,
} from "./compiled-policy.js";
import { type Endpoint, makePodView, namespaceLabelsOf, type PodView } from "./endpoint.js";
import { portMatches } from "./ports.js";
import type { Connection, Peer, PolicyMiss, RuleMiss, SideVerdict, Verdict } from "./verdict.js";

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
}

interface Selection {
  ingress: CompiledPolicy[];
  egress: CompiledPolicy[];
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

export function compilePolicy(state: ClusterState): PolicyEngine {
  const policies = compileNetworkPolicies(state.networkPolicies);
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

  const selectionOf = (pod: Pod): Selection => {
    let s = selections.get(pod);
    if (!s) {
      s = { ingress: [], egress: [] };
      const v = view(pod);
      // hostNetwork pods share the node's network namespace: policies do not isolate them.
      if (!v.hostNetwork) {
        for (const p of byNamespace.get(v.namespace) ?? []) {
          if (!p.podSelector.matches(v.labels)) continue;
          if (p.ingress) s.ingress.push(p);
          if (p.egress) s.egress.push(p);
        }
      }
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

  const decide = (c: Connection): Verdict => {
    const src = endpoint(c.src);
    const dst = endpoint(c.dst);
    if (src.kind === "pod" && dst.kind === "pod" && src.view === dst.view) {
      const self: SideVerdict = { allowed: true, isolated: false, policies: [], reason: "self" };
      return { allowed: true, egress: self, ingress: { ...self }, policies: [] };
    }
    const dstPorts = dst.kind === "pod" ? dst.view.ports : undefined;
    let egress: SideVerdict;
    if (src.kind !== "pod") egress = NOT_A_POD;
    else {
      const sel = selectionOf(src.view.pod).egress;
      // "traffic to and from the node where a Pod is running is always allowed" (NetworkPolicy docs).
      if (dst.kind === "node" && dst.nodeName !== undefined && dst.nodeName === src.view.nodeName) {
        egress = { allowed: true, isolated: sel.length > 0, policies: sel.map((p) => p.key), reason: "node" };
      } else egress = judge("egress", sel, dst, c.port, c.protocol, dstPorts);
    }
    let ingress: SideVerdict;
    if (dst.kind !== "pod") ingress = NOT_A_POD;
    else {
      const sel = selectionOf(dst.view.pod).ingress;
      if (src.kind === "node" && src.nodeName !== undefined && src.nodeName === dst.view.nodeName) {
        ingress = {
          allowed: true,
          isolated: sel.length > 0,
          policies: sel.map((p) => p.key),
          reason: "node",
        };
      } else ingress = judge("ingress", sel, src, c.port, c.protocol, dstPorts);
    }
    const allowed = egress.allowed && ingress.allowed;
    const deciding: string[] = [];
    if (allowed) {
      if (egress.admittedBy) deciding.push(egress.admittedBy.policy);
      if (ingress.admittedBy && !deciding.includes(ingress.admittedBy.policy))
        deciding.push(ingress.admittedBy.policy);
    } else {
      if (!egress.allowed) deciding.push(...egress.policies);
      if (!ingress.allowed) for (const p of ingress.policies) if (!deciding.includes(p)) deciding.push(p);
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
  };
}
