/**
 * Fixed-size bitsets over pod classes (Uint32Array words): the matrix ORs
 * and ANDs whole rows of classes at once instead of testing pairs.
 */
export type Bits = Uint32Array;

export const newBits = (n: number): Bits => new Uint32Array((n + 31) >>> 5);

export function setBit(b: Bits, i: number): void {
  b[i >>> 5]! |= 1 << (i & 31);
}

export function hasBit(b: Bits, i: number): boolean {
  return ((b[i >>> 5]! >>> (i & 31)) & 1) === 1;
}

export function fillBits(b: Bits, n: number): Bits {
  b.fill(0xffffffff);
  const extra = b.length * 32 - n;
  if (extra > 0 && b.length > 0) b[b.length - 1] = 0xffffffff >>> extra;
  return b;
}

/** a |= b */
export function orInto(a: Bits, b: Bits): void {
  for (let i = 0; i < a.length; i++) a[i]! |= b[i]!;
}

/** a |= b & c */
export function orAndInto(a: Bits, b: Bits, c: Bits): void {
  for (let i = 0; i < a.length; i++) a[i]! |= b[i]! & c[i]!;
}

export function countBits(b: Bits): number {
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    let v = b[i]!;
    v -= (v >>> 1) & 0x55555555;
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    n += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return n;
}

/** a &= ~b */
export function andNotInto(a: Bits, b: Bits): void {
  for (let i = 0; i < a.length; i++) a[i]! &= ~b[i]!;
}

/** out = a & b (a new bitset) */
export function and(a: Bits, b: Bits): Bits {
  const out = new Uint32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! & b[i]!;
  return out;
}
