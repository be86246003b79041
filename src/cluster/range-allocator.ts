/**
 * A bitmap-style allocator over an integer range with the upstream
 * static/dynamic split (KEP-3070 for service IPs, KEP-3668 for NodePorts):
 * the lower `min(max(lo, size/step), hi)` offsets form the static band that
 * users pick from; automatic allocation takes the upper (dynamic) band first
 * and falls back to the static band only when the dynamic one is full.
 * Upstream picks a random start in the band; michi starts at a hash of the
 * object's identity and scans forward, which is deterministic and keeps one
 * object's allocation independent of the others (unless they collide).
 */
import { fnv32a } from "./hash.js";

/** calculateRangeOffset: `min(max(lo, size/step), hi)`, 0 when size <= lo. */
export function rangeOffset(size: bigint, lo: bigint, hi: bigint, step: bigint): bigint {
  if (size <= lo) return 0n;
  const off = size / step;
  return off < lo ? lo : off > hi ? hi : off;
}

export type AllocateError = "allocated" | "range";

export class RangeAllocator {
  private readonly owners = new Map<bigint, string>();
  /**
   * @param base first allocatable value (offset 0)
   * @param size number of allocatable values
   * @param staticSize size of the static (lower) band
   */
  constructor(
    readonly base: bigint,
    readonly size: bigint,
    readonly staticSize: bigint,
  ) {}

  contains(v: bigint): boolean {
    return v >= this.base && v < this.base + this.size;
  }

  ownerOf(v: bigint): string | undefined {
    return this.owners.get(v);
  }

  /** Claim a specific value for `owner`; re-claiming one's own value succeeds. */
  allocate(v: bigint, owner: string): AllocateError | undefined {
    if (!this.contains(v)) return "range";
    const o = this.owners.get(v);
    if (o !== undefined && o !== owner) return "allocated";
    this.owners.set(v, owner);
    return undefined;
  }

  /** Next free value for `owner`, dynamic band first, starting at a hash of `seed`. */
  allocateNext(seed: string, owner: string): bigint | undefined {
    const dyn = this.size - this.staticSize;
    const h = BigInt(fnv32a(seed));
    const tryBand = (start: bigint, len: bigint): bigint | undefined => {
      if (len <= 0n) return undefined;
      const first = h % len;
      for (let i = 0n; i < len; i++) {
        const v = this.base + start + ((first + i) % len);
        if (!this.owners.has(v)) {
          this.owners.set(v, owner);
          return v;
        }
      }
      return undefined;
    };
    return tryBand(this.staticSize, dyn) ?? tryBand(0n, this.staticSize);
  }

  /** Lowest free value (a pool handing out addresses in order, as MetalLB does). */
  allocateFirstFree(owner: string): bigint | undefined {
    for (let i = 0n; i < this.size; i++) {
      const v = this.base + i;
      if (!this.owners.has(v)) {
        this.owners.set(v, owner);
        return v;
      }
    }
    return undefined;
  }

  release(v: bigint, owner: string): void {
    if (this.owners.get(v) === owner) this.owners.delete(v);
  }
}
