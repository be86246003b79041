import { describe, expect, it } from "vitest";
import {
  ALPHANUMS,
  canonicalJSON,
  fnv32a,
  generatedName,
  safeEncodeString,
  suffixFor,
  templateHash,
  uidFor,
} from "./hash.js";

describe("fnv32a", () => {
  it.each([
    // Reference vectors of FNV-1a 32 (http://www.isthe.com/chongo/src/fnv/test_fnv.c).
    ["", 0x811c9dc5],
    ["a", 0xe40c292c],
    ["foobar", 0xbf9cf968],
  ])("%j", (text, want) => {
    expect(fnv32a(text)).toBe(want);
  });
});

describe("safeEncodeString", () => {
  it("maps bytes onto the upstream alphabet like rand.SafeEncodeString", () => {
    // '0' is byte 48, 48 % 27 = 21 → ALPHANUMS[21] = '4': why real pod-template-hashes use only "456789bcdf".
    expect(safeEncodeString("0")).toBe(ALPHANUMS[48 % 27]);
    expect(safeEncodeString("0123456789")).toBe("456789bcdf");
  });
});

describe("templateHash", () => {
  it("ignores key order and changes with content", () => {
    const a = templateHash({ metadata: { labels: { app: "x", tier: "y" } }, spec: { containers: [] } });
    const b = templateHash({ spec: { containers: [] }, metadata: { labels: { tier: "y", app: "x" } } });
    const c = templateHash({ metadata: { labels: { app: "z" } }, spec: { containers: [] } });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a).toMatch(/^[456789bcdf]{1,10}$/);
  });
  it("canonicalJSON drops undefined and sorts keys", () => {
    expect(canonicalJSON({ b: 1, a: undefined, c: [2, { y: 1, x: 2 }] })).toBe(
      '{"b":1,"c":[2,{"x":2,"y":1}]}',
    );
  });
});

describe("generated names", () => {
  it("suffixes are 5 characters of the alphabet and depend on the seed", () => {
    const s = suffixFor("ns/web-abc/0");
    expect(s).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(suffixFor("ns/web-abc/0")).toBe(s);
    expect(suffixFor("ns/web-abc/1")).not.toBe(s);
    expect(suffixFor("seed", 12)).toHaveLength(12);
  });
  it("truncates the prefix to 58 characters and avoids taken names", () => {
    const long = `${"a".repeat(70)}-`;
    const name = generatedName(long, "seed", () => false);
    expect(name).toHaveLength(63);
    expect(name.startsWith("a".repeat(58))).toBe(true);
    const first = generatedName("web-", "seed", () => false);
    const second = generatedName("web-", "seed", (n) => n === first);
    expect(second).not.toBe(first);
    expect(second.startsWith("web-")).toBe(true);
  });
  it("uids are stable and UUID-shaped", () => {
    const u = uidFor("Pod", "default", "a");
    expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uidFor("Pod", "default", "a")).toBe(u);
    expect(uidFor("Pod", "default", "b")).not.toBe(u);
  });
});
