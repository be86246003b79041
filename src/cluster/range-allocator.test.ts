import { describe, expect, it } from "vitest";
import { RangeAllocator, rangeOffset } from "./range-allocator.js";

describe("rangeOffset (calculateRangeOffset)", () => {
  it.each([
    // service CIDRs: min 16, max 256, step 16
    ["/12 service range", 1n << 20n, 16n, 256n, 16n, 256n],
    ["/24 service range", 256n, 16n, 256n, 16n, 16n],
    ["/27 service range", 32n, 16n, 256n, 16n, 16n],
    ["/28 service range", 16n, 16n, 256n, 16n, 0n],
    ["/20 service range", 4096n, 16n, 256n, 16n, 256n],
    ["/22 service range", 1024n, 16n, 256n, 16n, 64n],
    // NodePorts: min 16, max 128, step 32
    ["30000-32767", 2768n, 16n, 128n, 32n, 86n],
    ["16 ports", 16n, 16n, 128n, 32n, 0n],
    ["30000-39999", 10000n, 16n, 128n, 32n, 128n],
  ])("%s", (_d, size, lo, hi, step, want) => {
    expect(rangeOffset(size, lo, hi, step)).toBe(want);
  });
});

describe("RangeAllocator", () => {
  it("rejects values held by someone else or out of range, accepts re-claims", () => {
    const a = new RangeAllocator(100n, 50n, 10n);
    expect(a.allocate(105n, "x")).toBeUndefined();
    expect(a.allocate(105n, "x")).toBeUndefined();
    expect(a.allocate(105n, "y")).toBe("allocated");
    expect(a.allocate(99n, "y")).toBe("range");
    expect(a.allocate(150n, "y")).toBe("range");
  });
  it("allocates from the dynamic band first, then the static band", () => {
    const a = new RangeAllocator(0n, 20n, 5n);
    const got: bigint[] = [];
    for (let i = 0; i < 20; i++) {
      const v = a.allocateNext(`seed-${i}`, `o${i}`);
      if (v === undefined) throw new Error("full too early");
      got.push(v);
    }
    expect(got.slice(0, 15).every((v) => v >= 5n)).toBe(true);
    expect(got.slice(15).every((v) => v < 5n)).toBe(true);
    expect(new Set(got).size).toBe(20);
    expect(a.allocateNext("more", "z")).toBeUndefined();
  });
  it("allocateFirstFree hands out the lowest free value", () => {
    const a = new RangeAllocator(10n, 5n, 0n);
    a.allocate(10n, "x");
    expect(a.allocateFirstFree("y")).toBe(11n);
    a.release(10n, "x");
    expect(a.allocateFirstFree("z")).toBe(10n);
  });
});
