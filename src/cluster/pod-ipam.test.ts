import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareNsName } from "./pod-ipam.js";

describe("compareNsName", () => {
  it("orders like the joined `namespace/name` keys", () => {
    // A small alphabet around "/" makes prefixes and separator clashes likely.
    const part = fc.string({ unit: fc.constantFrom("a", "b", "-", ".", "/", "0", "z", "é"), maxLength: 5 });
    const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);
    fc.assert(
      fc.property(part, part, part, part, (ns1, n1, ns2, n2) => {
        const k1 = `${ns1}/${n1}`;
        const k2 = `${ns2}/${n2}`;
        expect(sign(compareNsName(ns1, n1, ns2, n2))).toBe(k1 < k2 ? -1 : k1 > k2 ? 1 : 0);
      }),
      { numRuns: 2000 },
    );
  });
});
