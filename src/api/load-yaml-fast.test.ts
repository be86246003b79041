/**
 * The fast reader against the full `yaml` parser: same values, same YAML 1.1
 * records, same positions on everything it accepts — tables of the shapes
 * manifests use, then random documents in random styles (fast-check).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Document, type Scalar, stringify } from "yaml";
import { locateIn } from "./load.js";
import { parseDocFast, UNSUPPORTED } from "./load-yaml-fast.js";
import { parseDocsFull } from "./load-yaml-full.js";

type Outcome = { value: unknown; yaml11: unknown } | "unsupported";

function fast(text: string, track = true): Outcome {
  try {
    const r = parseDocFast(text, 0, text.length, track);
    if (r.errors.length > 0) return "unsupported";
    return { value: r.value, yaml11: r.yaml11 };
  } catch (e) {
    if (e === UNSUPPORTED) return "unsupported";
    throw e;
  }
}

function full(text: string): { value: unknown; yaml11: unknown } {
  const [d] = parseDocsFull(text, 0, text.length, true);
  return { value: d?.value ?? null, yaml11: d?.yaml11 ?? [] };
}

/** Every path to a leaf (scalar or empty collection). */
function leafPaths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(v)) return v.length === 0 ? [prefix] : v.flatMap((x, i) => leafPaths(x, [...prefix, i]));
  if (v && typeof v === "object") {
    const keys = Object.keys(v);
    return keys.length === 0
      ? [prefix]
      : keys.flatMap((k) => leafPaths((v as Record<string, unknown>)[k], [...prefix, k]));
  }
  return [prefix];
}

function expectSame(text: string): boolean {
  const a = fast(text);
  const b = full(text);
  if (a === "unsupported") return false;
  expect(a.value).toStrictEqual(b.value);
  expect(a.yaml11).toStrictEqual(b.yaml11);
  const fp = parseDocFast(text, 0, text.length, true).pos;
  const [fd] = parseDocsFull(text, 0, text.length, true);
  if (fp && fd?.pos) {
    for (const p of leafPaths(a.value)) {
      if (p.length === 0) continue;
      expect([p, locateIn(fp, p)]).toEqual([p, locateIn(fd.pos, p)]);
    }
  }
  return true;
}

describe("fast reader = full parser on the manifest subset", () => {
  const cases: [string, string][] = [
    ["block map and seq", "a: 1\nb:\n  c: [x, y]\n  d:\n  - e: f\n    g: h\n  - i\n"],
    ["indentless sequence", "k:\n- a\n- b\nz: 1\n"],
    ["nested sequences", "- - a\n  - b\n- c\n"],
    ["comments everywhere", "# top\na: 1 # trailing\n# between\nb: # after key\n  c: d\n  # indented\n"],
    ["quoted keys and values", "\"a b\": 'c''d'\n'e': \"f\\\"g\\n\"\n"],
    ["YAML 1.1 scalars", "a: yes\nb: 'yes'\nc: 0755\nd: on\non: e\nf: 1_000\ng: 0b11\nh: ~\ni:\n"],
    ["literal block scalars", "a: |\n  one\n\n  two\n\nb: |-\n  x\nc: |+\n  y\n\nd: 1\n"],
    ["folded block scalars", "a: >\n  one\n  two\n\n  three\n    more\n  four\nb: 1\n"],
    ["flow collections over lines", 'args: [\n  "--a",\n  "--b"  # c\n]\nm: {a: 1,\n  b: [2, 3]}\n'],
    ["JSON", '{\n  "kind": "Pod",\n  "n": [1, -2.5, true, null, "x\\u0041"],\n  "o": {}\n}\n'],
    ["empty collections", "a: []\nb: {}\nc: [ ]\n"],
    [
      "plain scalars with indicators inside",
      "image: nginx:1.27\nurl: http://a/b#frag\ncmd: -addr=:8080\nq: a?b\n",
    ],
    ["value on the next line", "a:\n  b\n"],
    ["colon in flow plain", "a: [http://x, b:c]\n"],
    ["multi-line plain scalars", "a: one\n  two\n\n  three # c\nb:\n- x\n  y\n- - p\n    q\n"],
    [
      "multi-line quoted scalars",
      "a: 'one\n  two  \n\n  three'\nb: \"x\\\n   y \\t\n  z\"\nc: '{\"k\": 1}\n\n    '\n",
    ],
    ["flow end at the parent's column", "a:\n  b: [\n    1,\n  ]\n"],
  ];
  it.each(cases)("%s", (_desc, text) => {
    expect(expectSame(text)).toBe(true);
  });

  const unsupported: [string, string][] = [
    ["anchors", "a: &x 1\nb: *x\n"],
    ["tags", "a: !!str 1\n"],
    ["merge key", "<<: {a: 1}\n"],
    ["explicit key", "? a\n: b\n"],
    ["tab indentation", "a:\n\tb: 1\n"],
    ["bad indentation", "a: 1\n  b: 2\n"],
    ["nested compact map", "a: b: c\n"],
    ["plain continuation with a key", "a: one\n  b: c\n"],
    ["quoted continuation not indented", "a:\n  b: 'x\n  y'\n"],
    ["unterminated flow", "a: [1, 2\n"],
  ];
  it.each(unsupported)("declines %s", (_desc, text) => {
    expect(fast(text)).toBe("unsupported");
  });

  it("agrees on random documents in random styles", () => {
    const key = fc.oneof(
      fc.constantFrom(
        "name",
        "on",
        "yes",
        "0755",
        "a b",
        "app.kubernetes.io/name",
        "x-y",
        "ports",
        "80",
        "-k",
        "k#",
        "é",
      ),
      fc.string({ minLength: 1, maxLength: 8 }),
    );
    const str = fc.oneof(
      fc.constantFrom(
        "yes",
        "no",
        "On",
        "0755",
        "08",
        "1_000",
        "0x1F",
        "~",
        "",
        " lead",
        "trail ",
        "a: b",
        "a #b",
        "#c",
        "- x",
        "multi\nline",
        "x\n\ny\n",
        "tab\there",
        "'q'",
        '"dq"',
        "\\",
        "[x]",
        "{y}",
        "2024-01-02",
        "1e3",
        ".inf",
        "@x",
        "`y",
      ),
      fc.string({ maxLength: 12 }),
      fc
        .array(fc.constantFrom("word", "a", "yes", "0755", "x:y", "--flag", "'", '"', "\\", "é"), {
          minLength: 3,
          maxLength: 12,
        })
        .map((w) => w.join(" ")),
    );
    const leaf = fc.oneof(
      str,
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, leaf, tie("arr"), tie("obj")),
      arr: fc.array(tie("node"), { maxLength: 4 }),
      obj: fc.dictionary(key, tie("node"), { maxKeys: 5 }),
    })).obj;
    const style = fc.record({
      flow: fc.boolean(),
      quote: fc.constantFrom("PLAIN", "QUOTE_DOUBLE", "QUOTE_SINGLE", "BLOCK_LITERAL", "BLOCK_FOLDED"),
      indent: fc.integer({ min: 1, max: 4 }),
      seqIndent: fc.boolean(),
      // Narrow lines make the stringifier fold long scalars over several lines.
      lineWidth: fc.constantFrom(0, 16, 30),
    });
    let checked = 0;
    fc.assert(
      fc.property(value, style, (v, s) => {
        const doc = new Document(v);
        if (s.flow) {
          // Flow style for some collections only: mixed documents.
          let n = 0;
          const visit = (node: unknown) => {
            if (node && typeof node === "object" && "items" in node) {
              if (n++ % 2 === 1) (node as unknown as { flow: boolean }).flow = true;
              for (const it of (node as { items: unknown[] }).items) {
                visit(it);
                if (it && typeof it === "object" && "value" in it) visit((it as { value: unknown }).value);
              }
            }
          };
          visit(doc.contents);
        }
        let text: string;
        try {
          text = doc.toString({
            defaultStringType: s.quote as Scalar.Type,
            indent: s.indent,
            indentSeq: s.seqIndent,
            lineWidth: s.lineWidth,
            minContentWidth: 0,
          });
        } catch {
          return;
        }
        if (expectSame(text)) checked++;
      }),
      { numRuns: 400, seed: 42 },
    );
    // The fast path must take most documents, or it is not doing its job.
    expect(checked).toBeGreaterThan(200);
  });

  it("round-trips generated manifests exactly", () => {
    const v = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "a", labels: { x: "yes" } },
      spec: { ports: [{ port: 80 }] },
    };
    expect(fast(stringify(v))).toStrictEqual({
      value: { ...v, metadata: { name: "a", labels: { x: true } } },
      yaml11: [[["metadata", "labels", "x"], "yes"]],
    });
  });
});
