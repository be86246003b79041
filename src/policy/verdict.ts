/**
 * The shape of a policy decision: one verdict per connection, one side per
 * direction (the source's egress, the destination's ingress). Structured so
 * the CLI can explain it, the data plane can log it and tests can assert on
 * exactly which rule admitted a connection.
 */
import type { Pod, Protocol } from "../api/types.js";
import type { ClusterAction, ClusterKind, Tier } from "./cluster-policy.js";
import type { Direction } from "./compiled-policy.js";

export type Peer = { kind: "pod"; pod: Pod } | { kind: "ip"; ip: string };

export interface Connection {
  src: Peer;
  dst: Peer;
  port: number;
  protocol: Protocol;
}

/** The rule that admitted a connection: `ingress[rule].from[peer]`, `ports[port]`. */
export interface RuleRef {
  /** `namespace/name`. */
  policy: string;
  direction: Direction;
  rule: number;
  /** undefined when the rule has no from/to (every peer). */
  peer: number | undefined;
  /** undefined when the rule has no ports (every port). */
  port: number | undefined;
}

/** Why one rule of a selecting policy did not admit the connection. */
export interface RuleMiss {
  rule: number;
  /** Index of the first matching peer, -1 for none, undefined when the rule admits every peer. */
  peer: number | undefined;
  /** False when a peer matched but no port entry did. */
  portMatched: boolean;
}

export interface PolicyMiss {
  policy: string;
  /** Empty when the policy has no rules for this direction (denies everything). */
  rules: RuleMiss[];
}

export type SideReason =
  /** The endpoint is not a pod on this side (external address, node): nothing to enforce. */
  | "not-a-pod"
  /** No policy with this direction selects the pod. */
  | "not-isolated"
  /** A rule admitted it (`admittedBy`). */
  | "rule"
  /** A pod may always reach itself. */
  | "self"
  /** Traffic from (kubelet probes) and to the pod's own node is always allowed. */
  | "node"
  /** Isolated and no rule matched (`misses`). */
  | "no-rule-matched"
  /** An Admin or Baseline tier rule (ClusterNetworkPolicy and v1alpha1 kinds) decided (`clusterRule`). */
  | "cluster-rule";

/** A ClusterNetworkPolicy (or v1alpha1 Admin/BaselineAdminNetworkPolicy) rule that matched a connection. */
export interface ClusterRuleRef {
  /** `ClusterNetworkPolicy/name`, `AdminNetworkPolicy/name`, `BaselineAdminNetworkPolicy/name`. */
  policy: string;
  kind: ClusterKind;
  name: string;
  tier: Tier;
  /** undefined for BaselineAdminNetworkPolicy (no priority field). */
  priority: number | undefined;
  direction: Direction;
  /** Index into the policy's ingress/egress rules. */
  rule: number;
  ruleName?: string;
  /** Effective action (v1alpha1 Allow reads Accept; a fail-closed Pass reads Deny). */
  action: ClusterAction;
  /** Index of the matching from/to peer; undefined when the rule failed closed. */
  peer: number | undefined;
  /** Index of the matching protocols (v1alpha1: ports) entry; undefined when the rule has none. */
  protocol: number | undefined;
  /** The rule has a peer or protocol michi does not understand: a Deny of everything. */
  failClosed?: true;
}

/** Which tier decided a side: Admin, NetworkPolicy, Baseline, or none (the default allow). */
export type DecidingTier = Tier | "NetworkPolicy" | "default";

export interface SideVerdict {
  allowed: boolean;
  /** Whether the pod on this side is isolated for this direction. */
  isolated: boolean;
  /** Policies selecting the pod with this direction in policyTypes (`namespace/name`). */
  policies: string[];
  reason: SideReason;
  admittedBy?: RuleRef;
  /** When denied: each selecting policy and why none of its rules matched. */
  misses?: PolicyMiss[];
  /** Set when the cluster has any ClusterNetworkPolicy/ANP/BANP: the tier that decided this side. */
  tier?: DecidingTier;
  /** The Admin/Baseline rule that decided (reason `cluster-rule`). */
  clusterRule?: ClusterRuleRef;
  /** Every Pass rule on the way (an Admin Pass hands over to NetworkPolicy; a Baseline Pass to the default allow). */
  passes?: ClusterRuleRef[];
  /** Cluster-scoped policies whose subject selects the pod and that have rules for this direction, in evaluation order. */
  clusterPolicies?: string[];
}

export interface Verdict {
  allowed: boolean;
  egress: SideVerdict;
  ingress: SideVerdict;
  /** Policies that decided the verdict (for flow logs): the admitting ones, or the isolating ones of a denying side. */
  policies: string[];
}
