import { describe, expect, it } from "vitest";
import { countBits, fillBits, hasBit, newBits, orAndInto, orInto, setBit } from "./bitset.js";

describe("bitset", () => {
  it.each([1, 31, 32, 33, 64, 100])("fill sets exactly %i bits", (n) => {
    const b = fillBits(newBits(n), n);
    expect(countBits(b)).toBe(n);
    expect(hasBit(b, n - 1)).toBe(true);
  });
  it("set / or / and", () => {
    const a = newBits(70);
    const b = newBits(70);
    const c = newBits(70);
    setBit(b, 3);
    setBit(b, 69);
    setBit(c, 69);
    orAndInto(a, b, c);
    expect([hasBit(a, 3), hasBit(a, 69)]).toEqual([false, true]);
    orInto(a, b);
    expect(countBits(a)).toBe(2);
  });
});
