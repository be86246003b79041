/**
 * Explanations for the Admin and Baseline tiers: the deciding rule as
 * `Admin tier ClusterNetworkPolicy/x (priority 10) ingress[0] "name" Deny,
 * from[0] (namespaces …), protocols[1] (TCP/53)`, every Pass on the way, and
 * the tier that decided when it was not a cluster rule.
 */
import type { Direction } from "./compiled-policy.js";
import type { PolicyEngine } from "./engine.js";
import type { ClusterRuleRef, SideVerdict } from "./verdict.js";

const peerField = (dir: Direction) => (dir === "ingress" ? "from" : "to");

/** One cluster rule reference as text. */
export function formatClusterRuleRef(engine: PolicyEngine, ref: ClusterRuleRef): string {
  const p = engine.clusterPolicy(ref.policy);
  const rule = p ? (ref.direction === "ingress" ? p.ingress : p.egress)[ref.rule] : undefined;
  const prio = ref.priority === undefined ? "" : ` (priority ${ref.priority})`;
  const name = ref.ruleName ? ` "${ref.ruleName}"` : "";
  const head = `${ref.tier} tier ${ref.policy}${prio} ${ref.direction}[${ref.rule}]${name} ${rule?.written || ref.action}`;
  if (ref.failClosed)
    return `${head}: has a peer or protocol michi does not understand, so it fails closed (denies everything)`;
  const parts = [head];
  if (ref.peer !== undefined) {
    const peer = rule?.peers[ref.peer];
    parts.push(`, ${peerField(ref.direction)}[${ref.peer}]${peer ? ` (${peer.text})` : ""}`);
  }
  if (ref.protocol === undefined) parts.push(", every port");
  else {
    const pr = rule?.protocols?.[ref.protocol];
    const field = p && p.kind !== "ClusterNetworkPolicy" ? "ports" : "protocols";
    parts.push(`, ${field}[${ref.protocol}]${pr ? ` (${pr.text})` : ""}`);
  }
  return parts.join("");
}

function passLines(engine: PolicyEngine, side: SideVerdict): string[] {
  return (side.passes ?? []).map((p) => {
    const next = p.tier === "Admin" ? "NetworkPolicy, then the Baseline tier" : "the default (allow)";
    return `  passed by ${formatClusterRuleRef(engine, p)} — evaluation continues with ${next}`;
  });
}

/** The lines a side gets from the cluster tiers (empty when the cluster has none). */
export function explainClusterSide(engine: PolicyEngine, dir: Direction, side: SideVerdict): string[] {
  if (side.tier === undefined || side.reason === "cluster-rule") return [];
  const lines = passLines(engine, side);
  if (side.tier === "default") {
    const n = side.clusterPolicies?.length ?? 0;
    lines.push(
      n === 0
        ? `  no ClusterNetworkPolicy selects this pod for ${dir}`
        : `  no Admin or Baseline rule of ${side.clusterPolicies?.join(", ")} matched: the default applies`,
    );
  }
  return lines;
}

/** The head line of a side decided by a cluster rule. */
export function explainClusterDecision(
  engine: PolicyEngine,
  dir: Direction,
  side: SideVerdict,
  other: string,
): string[] {
  const ref = side.clusterRule;
  if (!ref) return [];
  const verdict = side.allowed ? "allowed" : "DENIED";
  const what = ref.action === "Accept" ? "accepts" : "denies";
  const tail =
    ref.action === "Accept" && dir === "egress"
      ? " (the destination's ingress is still evaluated)"
      : ref.tier === "Admin"
        ? " (no NetworkPolicy can override it)"
        : "";
  return [
    `${dir}: ${verdict} — ${ref.tier} tier rule ${what} ${other}${tail}`,
    ...passLines(engine, side),
    `  decided by ${formatClusterRuleRef(engine, ref)}`,
  ];
}
