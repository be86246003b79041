/**
 * Evaluating the Admin and Baseline tiers for one side of a connection:
 * the policies whose subject selects the pod, in tier order, rules in
 * manifest order; the first rule whose peer and protocol match decides —
 * Accept or Deny end the evaluation of this direction, Pass skips the rest
 * of the tier. Peers: namespaces and pods match pods (never hostNetwork
 * pods, which are node traffic); nodes match node addresses by the node's
 * labels; networks match any address; domainNames match a non-pod address
 * only through a resolver (the names the cluster DNS answered for it), and
 * match nothing in static analysis — fail closed, because domainNames are
 * Accept-only.
 */
import type { ContainerPort, Labels, Protocol } from "../api/types.js";
import {
  type CompiledClusterPeer,
  type CompiledClusterPolicy,
  type CompiledClusterRule,
  domainMatches,
} from "./cluster-policy.js";
import type { Direction } from "./compiled-policy.js";
import type { Endpoint } from "./endpoint.js";
import { portMatches } from "./ports.js";
import type { ClusterRuleRef } from "./verdict.js";

export interface ClusterContext {
  /** A node's labels by name (undefined: no such node). */
  nodeLabels(name: string): Labels | undefined;
  /** Names an address is known by (domainNames peers); undefined: static analysis, no resolver. */
  resolveNames?: ((ip: string) => readonly string[]) | undefined;
}

export function clusterPeerMatches(peer: CompiledClusterPeer, e: Endpoint, ctx: ClusterContext): boolean {
  switch (peer.kind) {
    case "namespaces":
      return e.kind === "pod" && peer.namespace.matches(e.view.namespaceLabels);
    case "pods":
      return (
        e.kind === "pod" && peer.namespace.matches(e.view.namespaceLabels) && peer.pod.matches(e.view.labels)
      );
    case "nodes": {
      if (e.kind !== "node" || e.nodeName === undefined) return false;
      const labels = ctx.nodeLabels(e.nodeName);
      return labels !== undefined && peer.namespace.matches(labels);
    }
    case "networks":
      if (e.ip === undefined || e.ip === "") return false;
      for (const n of peer.networks) if (n.matches(e.ip)) return true;
      return false;
    case "domainNames": {
      if (e.kind === "pod" || !ctx.resolveNames || !e.ip) return false;
      const names = ctx.resolveNames(e.ip);
      return names.some((n) => peer.domainNames.some((d) => domainMatches(d, n)));
    }
    case "unknown":
      return false;
  }
}

export interface RuleMatch {
  peer: number | undefined;
  protocol: number | undefined;
}

/** The peer and protocol entry a rule matches with, or undefined. A fail-closed Deny/Pass matches everything. */
export function clusterRuleMatches(
  rule: CompiledClusterRule,
  other: Endpoint,
  port: number,
  protocol: Protocol,
  dstPorts: readonly ContainerPort[] | undefined,
  ctx: ClusterContext,
): RuleMatch | undefined {
  if (rule.failClosed) return rule.action === "Accept" ? undefined : { peer: undefined, protocol: undefined };
  let peerIdx = -1;
  for (const p of rule.peers) {
    if (clusterPeerMatches(p, other, ctx)) {
      peerIdx = p.index;
      break;
    }
  }
  if (peerIdx < 0) return undefined;
  if (!rule.protocols) return { peer: peerIdx, protocol: undefined };
  for (const pr of rule.protocols)
    for (const cp of pr.ports)
      if (portMatches(cp, port, protocol, dstPorts)) return { peer: peerIdx, protocol: pr.index };
  return undefined;
}

export function ruleRef(
  p: CompiledClusterPolicy,
  dir: Direction,
  r: CompiledClusterRule,
  m: RuleMatch,
): ClusterRuleRef {
  return {
    policy: p.key,
    kind: p.kind,
    name: p.name,
    tier: p.tier,
    priority: p.priority,
    direction: dir,
    rule: r.index,
    ...(r.name !== undefined ? { ruleName: r.name } : {}),
    // A fail-closed Pass is a Deny of everything.
    action: r.failClosed ? "Deny" : r.action,
    peer: m.peer,
    protocol: m.protocol,
    ...(r.failClosed ? { failClosed: true as const } : {}),
  };
}

export interface TierOutcome {
  /** The Accept or Deny that decided, if any. */
  decided: ClusterRuleRef | undefined;
  /** The Pass that ended the tier, if any. */
  pass: ClusterRuleRef | undefined;
}

/** One tier for one side: the first matching rule of the selecting policies, in order. */
export function judgeTier(
  policies: readonly CompiledClusterPolicy[],
  dir: Direction,
  other: Endpoint,
  port: number,
  protocol: Protocol,
  dstPorts: readonly ContainerPort[] | undefined,
  ctx: ClusterContext,
): TierOutcome {
  for (const p of policies) {
    for (const r of dir === "ingress" ? p.ingress : p.egress) {
      const m = clusterRuleMatches(r, other, port, protocol, dstPorts, ctx);
      if (!m) continue;
      const ref = ruleRef(p, dir, r, m);
      if (ref.action === "Pass") return { decided: undefined, pass: ref };
      return { decided: ref, pass: undefined };
    }
  }
  return { decided: undefined, pass: undefined };
}
