/**
 * Per-class pod counts of the matrix (how many pods a class's pod reaches
 * and is reached by) through group-to-group weights: a row sums, over the
 * destination's ingress group, the sizes of the destination classes its
 * egress group admits, so the work is O(groups × classes) instead of
 * O(classes²) — what keeps the count fast when ClusterNetworkPolicies make
 * every class isolated on some side. Undefined when the group-pair table
 * would be too large (the caller then counts class by class).
 */
import type { Bits } from "./bitset.js";

/** One port's tables: per class its egress/ingress group (-1: open), per group the allowed classes. */
export interface PortTable {
  /** Per class: egress group id, -1 when not isolated for egress. */
  egressGroup: Int32Array;
  egressBits: Bits[];
  ingressGroup: Int32Array;
  ingressBits: Bits[];
}

export interface GroupedCounts {
  /** Per egress group: pods in destination classes with open ingress that the group admits. */
  rowOpen: Float64Array;
  /** Per class (isolated for egress): pods in ingress-isolated classes that admit it and that its group admits. */
  rowAcc: Float64Array;
  colOpen: Float64Array;
  colAcc: Float64Array;
}

function forEachBit(bits: Bits, f: (i: number) => void): void {
  for (let w = 0; w < bits.length; w++) {
    let word = bits[w]!;
    while (word !== 0) {
      const low = word & -word;
      f((w << 5) + 31 - Math.clz32(low));
      word ^= low;
    }
  }
}

export function groupedRowsColumns(
  t: PortTable,
  sizes: readonly number[],
  C: number,
): GroupedCounts | undefined {
  const Ge = t.egressBits.length;
  const Gi = t.ingressBits.length;
  if (Ge * Gi > 8_000_000) return undefined;
  const W = new Float64Array(Ge * Gi);
  const rowOpen = new Float64Array(Ge);
  t.egressBits.forEach((bits, g) => {
    forEachBit(bits, (d) => {
      const h = t.ingressGroup[d]!;
      if (h < 0) rowOpen[g]! += sizes[d]!;
      else W[g * Gi + h]! += sizes[d]!;
    });
  });
  const rowAcc = new Float64Array(C);
  t.ingressBits.forEach((bits, h) => {
    forEachBit(bits, (c) => {
      const g = t.egressGroup[c]!;
      if (g >= 0) rowAcc[c]! += W[g * Gi + h]!;
    });
  });
  const V = new Float64Array(Gi * Ge);
  const colOpen = new Float64Array(Gi);
  t.ingressBits.forEach((bits, h) => {
    forEachBit(bits, (src) => {
      const g = t.egressGroup[src]!;
      if (g < 0) colOpen[h]! += sizes[src]!;
      else V[h * Ge + g]! += sizes[src]!;
    });
  });
  const colAcc = new Float64Array(C);
  t.egressBits.forEach((bits, g) => {
    forEachBit(bits, (c) => {
      const h = t.ingressGroup[c]!;
      if (h >= 0) colAcc[c]! += V[h * Ge + g]!;
    });
  });
  return { rowOpen, rowAcc, colOpen, colAcc };
}
