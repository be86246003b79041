/**
 * The cluster tiers at class level: which pod classes a ClusterNetworkPolicy
 * peer matches, and one side's allowed set folded through the tiers — Admin
 * rules in order (each claims the still-undecided classes it matches:
 * Accept admits them, Deny drops them, Pass hands them on), then the
 * NetworkPolicy tier for a pod it isolates (admitted iff a rule admits),
 * otherwise the Baseline rules the same way, and whatever is left is
 * allowed. Bit for bit what decide() does pair by pair.
 */
import { type Bits, newBits, setBit } from "./bitset.js";
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
  const n = all.length;
  const allowed = new Uint32Array(n);
  const undecided = all.slice();
  const handOn = new Uint32Array(n);
  for (const r of admin) {
    const match = r.match;
    for (let i = 0; i < n; i++) {
      const m = match[i]! & undecided[i]!;
      if (m === 0) continue;
      if (r.action === "Accept") allowed[i]! |= m;
      else if (r.action === "Pass") handOn[i]! |= m;
      undecided[i]! &= ~m;
    }
  }
  for (let i = 0; i < n; i++) undecided[i]! |= handOn[i]!;
  if (networkPolicy) {
    for (let i = 0; i < n; i++) allowed[i]! |= undecided[i]! & networkPolicy[i]!;
    return allowed;
  }
  for (const r of baseline) {
    const match = r.match;
    for (let i = 0; i < n; i++) {
      const m = match[i]! & undecided[i]!;
      if (m === 0) continue;
      // A Baseline Pass hands over to the default, which allows.
      if (r.action !== "Deny") allowed[i]! |= m;
      undecided[i]! &= ~m;
    }
  }
  for (let i = 0; i < n; i++) allowed[i]! |= undecided[i]!;
  return allowed;
}

/** Classes a cluster peer matches: namespaces/pods by labels, networks by the classes' CIDR answers; nodes and domainNames never match a pod. */
export function clusterPeerClasses(peer: CompiledClusterPeer, ci: ClassIndex): Bits {
  const b = newBits(ci.classes.length);
  switch (peer.kind) {
    case "namespaces":
      for (const [ns, labels] of ci.namespaces)
        if (peer.namespace.matches(labels))
          for (const id of ci.classesByNamespace.get(ns) ?? []) setBit(b, id);
      break;
    case "pods": {
      const nss = new Set<string>();
      for (const [ns, labels] of ci.namespaces) if (peer.namespace.matches(labels)) nss.add(ns);
      // Narrow by the rarest matchLabels pair when there is one.
      let candidates: readonly number[] | undefined;
      for (const [k, v] of peer.pod.equalities) {
        const l = ci.byLabel.get(`${k}=${v}`) ?? [];
        if (!candidates || l.length < candidates.length) candidates = l;
      }
      if (candidates) {
        for (const id of candidates) {
          const c = ci.classes[id]!;
          if (nss.has(c.namespace) && peer.pod.matches(c.labels)) setBit(b, id);
        }
      } else {
        for (const ns of nss)
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
