/**
 * The cluster tiers at class level: which pod classes a ClusterNetworkPolicy
 * peer matches, and one side's allowed set folded through the tiers — Admin
 * rules in order (each claims the still-undecided classes it matches:
 * Accept admits them, Deny drops them, Pass hands them on), then the
 * NetworkPolicy tier for a pod it isolates (admitted iff a rule admits),
 * otherwise the Baseline rules the same way, and whatever is left is
 * allowed. Bit for bit what decide() does pair by pair.
 */
import { and, andNotInto, type Bits, newBits, orInto, setBit } from "./bitset.js";
import type { ClusterAction, CompiledClusterPeer } from "./cluster-policy.js";
import type { ClassIndex } from "./pod-classes.js";

export interface TierRuleBits {
  readonly action: ClusterAction;
  /** Classes (on the other side) the rule matches, peers and ports together. */
  readonly match: Bits;
}

/** Allowed classes on the other side of one side, through Admin → NetworkPolicy → Baseline → allow. */
export function foldTiers(
  all: Bits,
  admin: readonly TierRuleBits[],
  networkPolicy: Bits | undefined,
  baseline: readonly TierRuleBits[],
): Bits {
  const allowed = new Uint32Array(all.length);
  const undecided = all.slice();
  const handOn = new Uint32Array(all.length);
  for (const r of admin) {
    const m = and(r.match, undecided);
    if (r.action === "Accept") orInto(allowed, m);
    else if (r.action === "Pass") orInto(handOn, m);
    andNotInto(undecided, m);
  }
  orInto(undecided, handOn);
  if (networkPolicy) {
    orInto(allowed, and(undecided, networkPolicy));
    return allowed;
  }
  for (const r of baseline) {
    const m = and(r.match, undecided);
    // A Baseline Pass hands over to the default, which allows.
    if (r.action !== "Deny") orInto(allowed, m);
    andNotInto(undecided, m);
  }
  orInto(allowed, undecided);
  return allowed;
}

/** Classes a cluster peer matches: namespaces/pods by labels, networks by the classes' CIDR answers; nodes and domainNames never match a pod. */
export function clusterPeerClasses(peer: CompiledClusterPeer, ci: ClassIndex): Bits {
  const b = newBits(ci.classes.length);
  switch (peer.kind) {
    case "namespaces":
      for (const c of ci.classes) if (peer.namespace.matches(c.namespaceLabels)) setBit(b, c.id);
      break;
    case "pods": {
      for (const [ns, labels] of ci.namespaces) {
        if (!peer.namespace.matches(labels)) continue;
        for (const id of ci.classesByNamespace.get(ns) ?? [])
          if (peer.pod.matches(ci.classes[id]!.labels)) setBit(b, id);
      }
      break;
    }
    case "networks": {
      const ids = new Set<number>();
      for (const n of peer.networks) {
        const id = ci.ipBlocks.findIndex((x) => x.text === n.text);
        if (id >= 0) ids.add(id);
      }
      for (const c of ci.classes) if (c.ipBlocks.some((i) => ids.has(i))) setBit(b, c.id);
      break;
    }
    default:
      break;
  }
  return b;
}
