/**
 * The nesting bound: the scan counts what the parsers would nest, skips what
 * cannot nest (quoted scalars, comments, block scalars), and a document past
 * the bound is refused with its position before the full parser sees it —
 * also when parsed again and again (the abort came on the second parse).
 */
import { describe, expect, it } from "vitest";
import { aliasBomb } from "../../test/hostile/inputs.js";
import { parseManifests } from "./load.js";
import { exceedsDepth, MAX_NESTING_DEPTH } from "./load-depth.js";
import { parseDocFast, UNSUPPORTED } from "./load-yaml-fast.js";

const depthOf = (s: string, limit: number) => exceedsDepth(s, 0, s.length, limit);

describe("exceedsDepth", () => {
  it.each([
    ["flow sequences", "[[[1]]]", 3],
    ["flow maps", "{a: {b: {c: 1}}}", 3],
    ["block maps", "a:\n  b:\n    c: 1\n", 2],
    ["compact sequences", "- - - x\n", 3],
    ["flow inside block", "a:\n  b: [[x]]\n", 3],
  ])("%s: within at their depth, past it one less", (_name, text, depth) => {
    expect(depthOf(text, depth)).toBe(-1);
    expect(depthOf(text, depth - 1)).toBeGreaterThanOrEqual(0);
  });

  it.each([
    ["brackets in double quotes", `a: "[[[[[[[[\\"[[[["\n`],
    ["brackets in single quotes", "a: '[[[[''[[[['\n"],
    ["brackets in plain scalars", "a: x[[[[[[[[\nb: ^[a-z]+[0-9]{2}\n"],
    ["brackets in comments", "a: 1 # [[[[[[[[[[\n# {{{{{{{{{{\n"],
    ["brackets in block scalars", "a: |\n  [[[[[[[[[[\n  {{{{{{{{\nb: 1\n"],
    ["a multi-line quoted scalar", 'a: "[[[[\n  [[[[ "\n'],
  ])("%s do not count", (_name, text) => {
    expect(depthOf(text, 2)).toBe(-1);
  });

  it("names the offset where the bound was passed", () => {
    expect(depthOf("a: [[[", 2)).toBe(5);
  });
});

describe("deep documents are refused with a position, never parsed", () => {
  const cases: [string, string][] = [
    ["100 000 nested [", `${"[".repeat(100_000)}${"]".repeat(100_000)}`],
    ["100 000 nested {", `${"{a: ".repeat(100_000)}1${"}".repeat(100_000)}`],
    ["100 000 compact - ", `${"- ".repeat(100_000)}x\n`],
    ["deep block maps", Array.from({ length: 2000 }, (_, i) => `${" ".repeat(i)}k:`).join("\n")],
  ];
  it.each(cases)("%s, three times in a row", (_name, text) => {
    for (let i = 0; i < 3; i++) {
      const r = parseManifests(`# deep\n${text}`, "deep.yaml");
      const errs = r.diagnostics.filter((d) => d.severity === "error");
      expect(errs).toHaveLength(1);
      expect(errs[0]).toMatchObject({ code: "YAMLSyntax", file: "deep.yaml", line: expect.any(Number) });
      expect(errs[0]?.message).toContain(`more than ${MAX_NESTING_DEPTH} levels`);
      expect(errs[0]?.line).toBeGreaterThanOrEqual(2);
    }
  });

  it("a document at the limit is read", () => {
    const n = MAX_NESTING_DEPTH - 3;
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: "${"[".repeat(5)}"}\nx: ${"[".repeat(n)}${"]".repeat(n)}\n`;
    const r = parseManifests(text, "ok.yaml");
    expect(r.diagnostics).toEqual([]);
    expect(r.objects).toHaveLength(1);
  });
});

describe("alias bombs", () => {
  it.each([
    [7, true],
    [9, true],
    [9, false],
  ])("%i levels (flow: %s) are refused with go-yaml's error, at the alias", (levels, inline) => {
    const text = aliasBomb(levels, inline);
    if (levels === 7 && inline) expect(text.length).toBeLessThan(440);
    const r = parseManifests(text, "bomb.yaml");
    expect(r.objects).toEqual([]);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({
      code: "YAMLSyntax",
      file: "bomb.yaml",
      line: expect.any(Number),
    });
    expect(r.diagnostics[0]?.message).toMatch(/^document contains excessive aliasing/);
  });

  it("the fast reader never expands an alias: it hands the document to the full parser", () => {
    const text = aliasBomb(7);
    expect(() => parseDocFast(text, 0, text.length, false)).toThrow();
    try {
      parseDocFast(text, 0, text.length, false);
    } catch (e) {
      expect(e).toBe(UNSUPPORTED);
    }
  });

  it("ordinary aliases and merge keys still work", () => {
    const text = [
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata: {name: x, labels: &l {app: web}}",
      "data: {a: &v hello, b: *v}",
      "extra:",
      "  base: &base {x: 1}",
      "  derived:",
      "    <<: *base",
      "    z: 2",
      "  labels: *l",
    ].join("\n");
    const r = parseManifests(text, "ok.yaml");
    expect(r.diagnostics).toEqual([]);
    expect(r.objects[0]).toMatchObject({
      data: { a: "hello", b: "hello" },
      extra: { derived: { x: 1, z: 2 }, labels: { app: "web" } },
    });
  });
});
