/** The manifest loader: inputs, documents, positions, YAML 1.1 records, load errors. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Diagnostic, formatDiagnostic } from "./diagnostics.js";
import { loadManifests, parseManifests, STDIN_NAME } from "./load.js";
import { sourceOf } from "./source.js";
import type { KubeObject } from "./types.js";

const names = (objs: KubeObject[]) => objs.map((o) => `${o.kind}/${o.metadata?.name ?? ""}`);
const lines = (diags: Diagnostic[]) => diags.map(formatDiagnostic);

describe("documents", () => {
  const cases: { desc: string; text: string; want: string[]; diags?: string[] }[] = [
    {
      desc: "multi-document YAML, empty documents skipped",
      text: "---\napiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n# only a comment\n---\n\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n",
      want: ["Service/a", "Pod/b"],
    },
    {
      desc: "kind: List is flattened",
      text: "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: a}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b}\n",
      want: ["Service/a", "ConfigMap/b"],
    },
    {
      desc: "a typed list (ServiceList) is flattened",
      text: '{"apiVersion":"v1","kind":"ServiceList","items":[{"apiVersion":"v1","kind":"Service","metadata":{"name":"a"}}]}',
      want: ["Service/a"],
    },
    {
      desc: "items of a typed list without apiVersion and kind get the list's",
      text: "apiVersion: v1\nkind: NamespaceList\nitems:\n- metadata: {name: a}\n- kind: Namespace\n  apiVersion: v1\n  metadata: {name: b}\n",
      want: ["Namespace/a", "Namespace/b"],
    },
    {
      desc: "JSON object",
      text: '{\n  "apiVersion": "v1",\n  "kind": "Namespace",\n  "metadata": {"name": "x", "labels": {"a": "b\\u00e9"}}\n}\n',
      want: ["Namespace/x"],
    },
    {
      desc: "a document that is not an object",
      text: "- a\n- b\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n",
      want: ["Namespace/ok"],
      diags: ["t.yaml:1:1: document is a list, not a Kubernetes object (a map with apiVersion and kind)"],
    },
    {
      desc: "a document without apiVersion and kind",
      text: "namespaceList: a.json\npodList: b.yaml\n",
      want: [],
      diags: ["t.yaml:1:1: apiVersion and kind are not set: every Kubernetes object needs both"],
    },
    {
      desc: "kind without apiVersion",
      text: "kind: Service\nmetadata: {name: s}\n",
      want: [],
      diags: ["t.yaml:1:1: Service s: apiVersion: apiVersion is not set: every Kubernetes object needs both"],
    },
    {
      desc: "a syntax error spoils only its document",
      text: "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n    image: x\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: c}\n",
      want: ["Namespace/a", "Namespace/c"],
      diags: ["t.yaml:8:9: Nested mappings are not allowed in compact mappings"],
    },
    {
      desc: "duplicate keys are an error, as with kubectl",
      text: "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\n",
      want: [],
      diags: ['t.yaml:5:3: Service b: metadata.name: mapping key "name" already defined at line 4'],
    },
    {
      desc: "keys that collide after YAML 1.1 conversion",
      text: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  on: x\n  'true': y\n",
      want: [],
      diags: ['t.yaml:6:3: ConfigMap a: data.true: mapping key "true" already defined at line 5'],
    },
    {
      desc: "anchors, aliases and merge keys (full parser)",
      text: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: &l {app: web}\n  annotations:\n    <<: *l\n    extra: x\n",
      want: ["ConfigMap/a"],
    },
    {
      desc: "an alias to an unknown anchor",
      text: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  x: *nope\n",
      want: [],
      diags: ["t.yaml:5:6: ConfigMap a: data.x: unknown anchor 'nope' referenced"],
    },
    {
      desc: "a recursive alias",
      text: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: &d\n  x: *d\n",
      want: [],
      diags: ["t.yaml:5:6: ConfigMap a: data.x: anchor 'd' value contains itself"],
    },
  ];
  it.each(cases)("$desc", ({ text, want, diags }) => {
    const r = parseManifests(text, "t.yaml");
    expect(names(r.objects)).toEqual(want);
    expect(lines(r.diagnostics)).toEqual(diags ?? []);
  });

  it("tags: !!str keeps the text, !!int reads a number, a local tag keeps the text", () => {
    const r = parseManifests(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  a: !!str 0755\n  b: !!int '12'\n  c: !custom yes\n",
      "t.yaml",
    );
    expect((r.objects[0] as KubeObject & { data: unknown }).data).toStrictEqual({
      a: "0755",
      b: 12,
      c: "yes",
    });
  });

  it("absurdly deep documents give an error, not a crash", () => {
    for (const text of [
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: ${"[".repeat(50_000)}${"]".repeat(50_000)}\n`,
      `a:\n${Array.from({ length: 3000 }, (_, i) => `${" ".repeat(i + 1)}- `).join("\n")}x\n`,
    ]) {
      const r = parseManifests(text, "deep.yaml");
      expect(r.objects).toEqual([]);
      expect(r.diagnostics.map((d) => [d.code, d.message])).toEqual([
        ["YAMLSyntax", "document nested too deeply: more than 256 levels (michi's limit)"],
      ]);
    }
  });

  it("merge keys copy the anchored entries", () => {
    const r = parseManifests(cases.find((c) => c.desc.startsWith("anchors"))?.text ?? "", "t.yaml");
    expect(r.objects[0]?.metadata?.annotations).toEqual({ app: "web", extra: "x" });
  });
});

describe("values as the API server sees them", () => {
  const text = [
    "apiVersion: v1", //  1
    "kind: ConfigMap", // 2
    "metadata:", //       3
    "  name: cm", //      4
    "  labels:", //       5
    "    enabled: yes", // 6
    "    quoted: 'yes'", // 7
    "    on: x", //       8
    "    mode: 0755", //  9
    "data:", //           10
    "  script: |", //     11
    "    echo a", //      12
    "    echo b", //      13
    "  folded: >-", //    14
    "    one", //         15
    "    two", //         16
    '  esc: "a\\tb\\u00e9"', // 17
    "  single: 'it''s'", // 18
    "  list: [a, 'b', \"c\", 1, true]", // 19
    "  url: http://x:80/y # comment", // 20
  ].join("\n");
  const r = parseManifests(text, "v.yaml");
  const obj = r.objects[0] as KubeObject & { data: Record<string, unknown> };

  it("resolves scalars with YAML 1.1 rules", () => {
    expect(obj.metadata?.labels).toStrictEqual({ enabled: true, quoted: "yes", true: "x", mode: 493 });
  });
  it("reads block, quoted and flow scalars", () => {
    expect(obj.data).toStrictEqual({
      script: "echo a\necho b\n",
      folded: "one two",
      esc: "a\tbé",
      single: "it's",
      list: ["a", "b", "c", 1, true],
      url: "http://x:80/y",
    });
  });
  it("records each YAML 1.1 coercion with its field path and source text", () => {
    expect([...(sourceOf(obj)?.yaml11 ?? new Map())]).toEqual([
      ["metadata.labels.enabled", "yes"],
      ["metadata.labels.true", "on"],
      ["metadata.labels.mode", "0755"],
    ]);
  });
});

describe("List items and JSON", () => {
  it("records YAML 1.1 coercions relative to each List item", () => {
    const r = parseManifests(
      "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: b\n    labels:\n      enabled: yes\n",
      "l.yaml",
    );
    expect(r.objects.map((o) => [...(sourceOf(o)?.yaml11 ?? new Map())])).toEqual([
      [],
      [["metadata.labels.enabled", "yes"]],
    ]);
    expect(sourceOf(r.objects[1] as KubeObject)?.locate(["metadata", "labels", "enabled"])).toEqual({
      line: 12,
      col: 16,
    });
  });
  it("reports duplicate JSON keys with their line", () => {
    const r = parseManifests(
      '{\n  "apiVersion": "v1",\n  "kind": "Namespace",\n  "kind": "Pod",\n  "metadata": {"name": "x"}\n}\n',
      "d.json",
    );
    expect(r.objects).toEqual([]);
    expect(lines(r.diagnostics)).toEqual([
      'd.json:4:3: Pod x: kind: mapping key "kind" already defined at line 3',
    ]);
  });
});

describe("positions", () => {
  const text = [
    "# header", //                 1
    "apiVersion: v1", //           2
    "kind: Service", //            3
    "metadata:", //                4
    "  name: web", //              5
    "spec:", //                    6
    "  selector:", //              7
    "    app: web", //             8
    "  ports:", //                 9
    "  - name: http", //          10
    "    port: 80", //            11
    "  - {name: b, port: 81}", // 12
    "---", //                     13
    "apiVersion: v1", //          14
    "kind: List", //              15
    "items:", //                  16
    "- apiVersion: v1", //        17
    "  kind: Pod", //             18
    "  metadata:", //             19
    "    name: p", //             20
    "  spec:", //                 21
    "    containers:", //         22
    "    - name: c", //           23
    "      image: nginx", //      24
  ].join("\n");
  const r = parseManifests(text, "p.yaml");
  const [svc, pod] = r.objects;

  it("gives each object its document and position", () => {
    expect(sourceOf(svc as KubeObject)).toMatchObject({ file: "p.yaml", docIndex: 0, line: 2, col: 1 });
    expect(sourceOf(pod as KubeObject)).toMatchObject({ file: "p.yaml", docIndex: 1, line: 17, col: 3 });
  });
  const cases: { obj: 0 | 1; path: (string | number)[]; line: number; col: number }[] = [
    { obj: 0, path: ["metadata", "name"], line: 5, col: 9 },
    { obj: 0, path: ["spec", "ports", 0, "port"], line: 11, col: 11 },
    { obj: 0, path: ["spec", "ports", 1, "port"], line: 12, col: 21 },
    { obj: 0, path: ["spec", "ports", 1], line: 12, col: 5 },
    { obj: 0, path: ["spec", "selector"], line: 7, col: 3 },
    // absent field: nearest existing parent
    { obj: 0, path: ["spec", "ports", 0, "targetPort"], line: 10, col: 5 },
    { obj: 0, path: ["spec", "clusterIP"], line: 6, col: 1 },
    { obj: 1, path: ["spec", "containers", 0, "image"], line: 24, col: 14 },
    { obj: 1, path: ["metadata", "name"], line: 20, col: 11 },
  ];
  it.each(cases)("$path", ({ obj, path, line, col }) => {
    expect(sourceOf(r.objects[obj] as KubeObject)?.locate(path)).toEqual({ line, col });
  });
});

describe("unknown kinds", () => {
  it("warns once per kind with the count and keeps the objects", () => {
    const doc = (kind: string, name: string, apiVersion = "v1") =>
      `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: ${name}}\n`;
    const text = [
      doc("PersistentVolumeClaim", "a"),
      doc("Service", "s"),
      doc("PersistentVolumeClaim", "b"),
      doc("Widget", "w", "example.com/v1"),
    ].join("---\n");
    const r = parseManifests(text, "u.yaml");
    expect(names(r.objects)).toEqual([
      "PersistentVolumeClaim/a",
      "Service/s",
      "PersistentVolumeClaim/b",
      "Widget/w",
    ]);
    expect(lines(r.diagnostics)).toEqual([
      "u.yaml:1:1: PersistentVolumeClaim: warning: kind PersistentVolumeClaim (v1) is not modelled by michi: 2 objects kept as is, not validated or simulated",
      "u.yaml:13:1: Widget: warning: kind Widget (example.com/v1) is not modelled by michi: 1 object kept as is, not validated or simulated",
    ]);
  });
  it("leaves a kind its known group does not have to validation (an error there, no warning here)", () => {
    const r = parseManifests("apiVersion: v1\nkind: Servce\nmetadata: {name: s}\n", "t.yaml");
    expect(names(r.objects)).toEqual(["Servce/s"]);
    expect(r.diagnostics).toEqual([]);
  });
});

describe("loadManifests inputs", () => {
  const dir = mkdtempSync(join(tmpdir(), "michi-load-"));
  const ns = (n: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${n}\n`;
  mkdirSync(join(dir, "b", "deep"), { recursive: true });
  writeFileSync(join(dir, "b", "deep", "z.yml"), ns("z"));
  writeFileSync(
    join(dir, "b", "a.json"),
    JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "json" } }),
  );
  writeFileSync(join(dir, "a.yaml"), ns("a"));
  writeFileSync(join(dir, "notes.txt"), "not a manifest");
  writeFileSync(join(dir, "c.YAML"), ns("c"));

  it("reads directories recursively in sorted order, only manifest extensions", async () => {
    const r = await loadManifests([dir]);
    expect(r.objects.map((o) => o.metadata?.name)).toEqual(["a", "json", "z", "c"]);
    expect(r.diagnostics).toEqual([]);
  });
  it("reads a file named explicitly whatever its extension", async () => {
    const txt = join(dir, "explicit.txt");
    writeFileSync(txt, ns("txt"));
    const r = await loadManifests([txt]);
    expect(r.objects.map((o) => o.metadata?.name)).toEqual(["txt"]);
  });
  it("reads a file named twice once", async () => {
    const r = await loadManifests([join(dir, "a.yaml"), dir]);
    expect(r.objects.map((o) => o.metadata?.name)).toEqual(["a", "json", "z", "c"]);
  });
  it("reads stdin from a string or a stream", async () => {
    const a = await loadManifests(["-"], { stdin: ns("from-string") });
    expect(a.objects.map((o) => o.metadata?.name)).toEqual(["from-string"]);
    expect(sourceOf(a.objects[0] as KubeObject)?.file).toBe(STDIN_NAME);
    const b = await loadManifests(["-", join(dir, "a.yaml")], {
      stdin: Readable.from([ns("s1"), "---\n", ns("s2")]),
    });
    expect(b.objects.map((o) => o.metadata?.name)).toEqual(["s1", "s2", "a"]);
  });
  it("names a missing path in a clear error", async () => {
    const missing = join(dir, "nope.yaml");
    const r = await loadManifests([missing, join(dir, "a.yaml")]);
    expect(r.objects).toHaveLength(1);
    expect(lines(r.diagnostics)).toEqual([`${missing}: cannot read ${missing}: no such file or directory`]);
    expect(r.diagnostics[0]?.code).toBe("FileUnreadable");
  });
  it("warns about a directory without manifests", async () => {
    const empty = mkdtempSync(join(tmpdir(), "michi-empty-"));
    const r = await loadManifests([empty]);
    expect(r.diagnostics.map((d) => [d.severity, d.code])).toEqual([["warning", "NoManifests"]]);
  });
  it("handles CRLF line endings and a byte-order mark", async () => {
    const r = parseManifests(`\ufeff${ns("crlf").replaceAll("\n", "\r\n")}`, "w.yaml");
    expect(r.objects.map((o) => o.metadata?.name)).toEqual(["crlf"]);
    expect(sourceOf(r.objects[0] as KubeObject)?.locate(["metadata", "name"])).toEqual({ line: 4, col: 9 });
  });
});

describe("never throws", () => {
  const base = readFileSync(join(import.meta.dirname, "../../test/load/fixtures/bad-label/app.yaml"), "utf8");
  const yamlish = fc
    .array(
      fc.constantFrom(
        "a",
        "b",
        ":",
        " ",
        "  ",
        "\n",
        "-",
        "- ",
        "#",
        "'",
        '"',
        "\\",
        "[",
        "]",
        "{",
        "}",
        ",",
        "|",
        ">",
        "&x",
        "*x",
        "!!str",
        "?",
        "---",
        "...",
        "%YAML 1.2",
        "\t",
        "yes",
        "0755",
        "<<",
        "~",
        "\r\n",
        "é",
      ),
      {
        maxLength: 60,
      },
    )
    .map((parts) => parts.join(""));
  const mutated = fc
    .array(
      fc.tuple(
        fc.nat(base.length),
        fc.nat(8),
        fc.constantFrom("", " ", "\n", ":", "-", "'", '"', "[", "{", "#", "\t", "|", "&a", "*a"),
      ),
      { minLength: 1, maxLength: 6 },
    )
    .map((edits) => edits.reduce((t, [at, del, ins]) => t.slice(0, at) + ins + t.slice(at + del), base));
  it.each([
    ["YAML-ish noise", yamlish],
    ["mutated manifests", mutated],
  ] as const)("%s: objects or positioned diagnostics, never an exception", (_name, arb) => {
    fc.assert(
      fc.property(arb, (text) => {
        const r = parseManifests(text, "f.yaml");
        for (const d of r.diagnostics) {
          expect(d.file).toBe("f.yaml");
          expect(d.line).toBeGreaterThan(0);
          expect(formatDiagnostic(d)).not.toContain("\n");
        }
        for (const o of r.objects) {
          const src = sourceOf(o);
          expect(src?.locate(["metadata", "name"]).line).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});
