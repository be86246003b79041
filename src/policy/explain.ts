/**
 * Human explanations of verdicts: per side, whether the pod is isolated and
 * by which policies, the rule that admitted the connection
 * (`policy ingress[0].from[1] ports[0]`), or for each selecting policy why
 * none of its rules matched — a peer mismatch (and why the peer did not
 * match) or a port mismatch. Explanations recompute the details from the
 * compiled policies so decide() itself stays cheap.
 */
import type { CompiledPeer, CompiledPolicy, CompiledRule, Direction } from "./compiled-policy.js";
import { describeEndpoint, type Endpoint } from "./endpoint.js";
import type { PolicyEngine } from "./engine.js";
import { explainClusterDecision, explainClusterSide } from "./explain-cluster.js";
import { formatLabels } from "./selector.js";
import type { Connection, RuleMiss, RuleRef, SideVerdict } from "./verdict.js";

/** Why a peer does not match an endpoint, or undefined when it does. */
export function peerMissReason(peer: CompiledPeer, policy: CompiledPolicy, e: Endpoint): string | undefined {
  switch (peer.kind) {
    case "empty":
      return "a peer with no selector matches nothing";
    case "ipBlock": {
      if (e.ip === undefined || e.ip === "") return `${describeEndpoint(e)} has no IP`;
      const why = peer.ipBlock?.miss(e.ip);
      return why === undefined ? undefined : `${e.ip}: ${why}`;
    }
    case "pods": {
      if (e.kind !== "pod") {
        return e.kind === "node"
          ? `selects pods; ${describeEndpoint(e)} is node traffic, which only an ipBlock matches`
          : `selects pods; ${describeEndpoint(e)} is not a pod`;
      }
      const v = e.view;
      if (peer.namespace === undefined) {
        if (v.namespace !== policy.namespace) {
          return `without a namespaceSelector it selects pods in ${policy.namespace} only; ${v.key} is in ${v.namespace}`;
        }
      } else if (!peer.namespace.matches(v.namespaceLabels)) {
        return `namespace ${v.namespace} (${formatLabels(v.namespaceLabels)}) does not match namespaceSelector ${peer.namespace.text}`;
      }
      if (!peer.pod.matches(v.labels))
        return `pod ${v.key} (${formatLabels(v.labels)}) does not match podSelector ${peer.pod.text}`;
      return undefined;
    }
  }
}

const peerField = (dir: Direction) => (dir === "ingress" ? "from" : "to");

function ruleOf(policy: CompiledPolicy, dir: Direction, index: number): CompiledRule | undefined {
  return (dir === "ingress" ? policy.ingress : policy.egress)?.[index];
}

/** `ns/name ingress[0].from[1] (namespaceSelector ...), ports[0] (TCP/80)`. */
export function formatRuleRef(engine: PolicyEngine, ref: RuleRef): string {
  const policy = engine.policy(ref.policy);
  const rule = policy ? ruleOf(policy, ref.direction, ref.rule) : undefined;
  const parts = [`${ref.policy} ${ref.direction}[${ref.rule}]`];
  if (ref.peer === undefined)
    parts.push(` (every ${ref.direction === "ingress" ? "source" : "destination"})`);
  else {
    const peer = rule?.peers?.[ref.peer];
    parts.push(`.${peerField(ref.direction)}[${ref.peer}]${peer ? ` (${peer.text})` : ""}`);
  }
  if (ref.port === undefined) parts.push(", every port");
  else {
    const port = rule?.ports?.[ref.port];
    parts.push(`, ports[${ref.port}]${port ? ` (${port.text})` : ""}`);
  }
  return parts.join("");
}

function explainMiss(
  policy: CompiledPolicy,
  dir: Direction,
  miss: RuleMiss,
  other: Endpoint,
  c: Connection,
): string {
  const rule = ruleOf(policy, dir, miss.rule);
  const head = `${dir}[${miss.rule}]`;
  if (!rule) return `${head}: (rule not found)`;
  if (miss.peer === -1) {
    const reasons = (rule.peers ?? []).map(
      (p) => `${peerField(dir)}[${p.index}] ${p.text}: ${peerMissReason(p, policy, other) ?? "matches"}`,
    );
    return `${head}: peer mismatch — ${reasons.join("; ")}`;
  }
  const which =
    miss.peer === undefined
      ? `every ${dir === "ingress" ? "source" : "destination"} matches`
      : `${peerField(dir)}[${miss.peer}] matches`;
  const ports = (rule.ports ?? []).map((p, i) => `ports[${i}] ${p.text}`).join(", ");
  return `${head}: port mismatch — ${which}, but ${c.protocol}/${c.port} is not in ${ports}`;
}

/** Lines explaining one side: the cluster tiers' part (deciding rule, passes) around the NetworkPolicy part. */
export function explainSide(
  engine: PolicyEngine,
  dir: Direction,
  side: SideVerdict,
  c: Connection,
): string[] {
  if (side.reason === "cluster-rule") {
    const other = engine.endpoint(dir === "egress" ? c.dst : c.src);
    return [
      ...explainClusterDecision(engine, dir, side, describeEndpoint(other)),
      ...explainClusterSide(engine, dir, side),
    ];
  }
  return [...explainNetworkPolicySide(engine, dir, side, c), ...explainClusterSide(engine, dir, side)];
}

function explainNetworkPolicySide(
  engine: PolicyEngine,
  dir: Direction,
  side: SideVerdict,
  c: Connection,
): string[] {
  const subject = engine.endpoint(dir === "egress" ? c.src : c.dst);
  const other = engine.endpoint(dir === "egress" ? c.dst : c.src);
  const who = describeEndpoint(subject);
  const verdict = side.allowed ? "allowed" : "DENIED";
  switch (side.reason) {
    case "not-a-pod":
      return [`${dir}: ${verdict} — ${who} is not a pod; no policy applies on this side`];
    case "self":
      return [`${dir}: ${verdict} — a pod can always reach itself`];
    case "not-isolated":
      return [
        `${dir}: ${verdict} — ${who} is not isolated for ${dir} (no policy with ${dir === "ingress" ? "Ingress" : "Egress"} in policyTypes selects it)`,
      ];
    case "node":
      return [
        dir === "ingress"
          ? `${dir}: ${verdict} — traffic from the pod's own node (${describeEndpoint(other)}) is always allowed (kubelet probes)`
          : `${dir}: ${verdict} — traffic to the pod's own node (${describeEndpoint(other)}) is always allowed`,
      ];
    case "rule":
      return [
        `${dir}: ${verdict} — ${who} is isolated for ${dir} by ${side.policies.join(", ")}`,
        `  admitted by ${side.admittedBy ? formatRuleRef(engine, side.admittedBy) : "?"}`,
      ];
    case "no-rule-matched": {
      const lines = [
        `${dir}: ${verdict} — ${who} is isolated for ${dir} by ${side.policies.join(", ")}, and no rule admits ${describeEndpoint(other)} on ${c.protocol}/${c.port}`,
      ];
      for (const m of side.misses ?? []) {
        const policy = engine.policy(m.policy);
        if (!policy) continue;
        if (m.rules.length === 0) lines.push(`  ${m.policy}: no ${dir} rules (denies all ${dir})`);
        else for (const r of m.rules) lines.push(`  ${m.policy} ${explainMiss(policy, dir, r, other, c)}`);
      }
      return lines;
    }
    case "cluster-rule":
      return [];
  }
}
