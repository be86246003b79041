import fc from "fast-check";
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

describe("fast paths agree with the plain definitions", () => {
  // The definitions the fast paths replace: hashing the canonical JSON text, and hex formatting of the lanes.
  const refTemplateHash = (t: unknown, salt = "") =>
    safeEncodeString(String(fnv32a(salt + canonicalJSON(t))));
  const hex8 = (x: number) => (x >>> 0).toString(16).padStart(8, "0");
  function refUid(kind: string, ns: string, name: string): string {
    const key = `${kind}/${ns}/${name}`;
    let a = 0x811c9dc5;
    let b = 0x050c5d1f;
    let c = 0x1b873593;
    let d = 0x6b43a9b5;
    for (let i = 0; i < key.length; i++) {
      const ch = key.charCodeAt(i);
      a = Math.imul(a ^ ch, 0x01000193);
      b = Math.imul(b ^ ch, 0x01000193);
      c = Math.imul(c ^ ch, 0x01000193);
      d = Math.imul(d ^ ch, 0x01000193);
    }
    const hb = hex8(b);
    const hc = hex8(((c >>> 0) & 0x3fffffff) | 0x80000000);
    return `${hex8(a)}-${hb.slice(0, 4)}-4${hb.slice(5)}-${hc.slice(0, 4)}-${hc.slice(4)}${hex8(d)}`;
  }

  it("templateHash hashes exactly canonicalJSON's text (escapes, unicode, undefined, nesting)", () => {
    const cases: unknown[] = [
      {
        metadata: { labels: { app: "x" } },
        spec: { containers: [{ name: "c", ports: [{ containerPort: 80 }] }] },
      },
      { s: 'q"uote\\back\nline\ttab\u007f', u: "ünïcødé 日本 😀", lone: "\ud800x", n: null, b: true, f: 1.5 },
      { a: undefined, list: [undefined, null, 0, -1, 1e21, Number.NaN, [], {}], "": "", é: "key" },
    ];
    for (const c of cases) {
      expect(templateHash(c)).toBe(refTemplateHash(c));
      expect(templateHash(c, "ControllerRevision/")).toBe(refTemplateHash(c, "ControllerRevision/"));
    }
    fc.assert(
      fc.property(
        fc.jsonValue({ stringUnit: "binary" }),
        fc.string({ unit: "binary" }),
        (v, salt) => templateHash(v, salt) === refTemplateHash(v, salt),
      ),
      { numRuns: 500 },
    );
  });

  it("uidFor matches the formatted lanes", () => {
    expect(uidFor("Pod", "default", "a")).toBe(refUid("Pod", "default", "a"));
    fc.assert(
      fc.property(
        fc.string({ unit: "binary" }),
        fc.string(),
        fc.string({ unit: "binary" }),
        (k, ns, n) => uidFor(k, ns, n) === refUid(k, ns, n),
      ),
      { numRuns: 500 },
    );
  });
});

describe("suffixFor's five-character path", () => {
  it("matches the general loop", () => {
    // The loop's first five characters are the five-character suffix (a 12-character suffix starts with it).
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (seed) => suffixFor(seed, 12).startsWith(suffixFor(seed))),
      { numRuns: 300 },
    );
  });
});
