/**
 * The loader on real-world manifest sets (test/load/fixtures/corpus, from
 * np-guard/netpol-analyzer): good sets load without load errors, broken ones
 * give precise one-line diagnostics and never throw, and on every document
 * the fast reader takes it agrees with the full `yaml` parser.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "./diagnostics.js";
import { loadManifests } from "./load.js";
import { splitDocuments } from "./load-parse.js";
import { parseDocFast, UNSUPPORTED } from "./load-yaml-fast.js";
import { parseDocsFull } from "./load-yaml-full.js";
import { sourceOf } from "./source.js";

const CORPUS = join(import.meta.dirname, "../../test/load/fixtures/corpus/netpol-analyzer-inputs");

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? files(p) : /\.(ya?ml|json)$/.test(n) ? [p] : [];
    });
}

describe("good manifest sets", () => {
  const sets: { dir: string; objects: number; errors?: string[] }[] = [
    {
      dir: "acs-security-demos",
      objects: 47,
      // The analyzer's expected output, not a manifest: kubectl rejects it too.
      errors: [
        "acs-security-demos/connlist_output.json:1:1: document is a list, not a Kubernetes object (a map with apiVersion and kind)",
      ],
    },
    { dir: "bad_netpols", objects: 158 },
    { dir: "ipblockstest", objects: 38 },
    { dir: "k8s_ingress_test", objects: 12 },
    { dir: "netpol-demo", objects: 17 },
    { dir: "onlineboutique_workloads", objects: 40 },
    { dir: "onlineboutique_workloads_with_ingress", objects: 41 },
  ];
  it.each(sets)("$dir", async ({ dir, objects, errors }) => {
    const r = await loadManifests([join(CORPUS, dir)], { parallel: false });
    const errs = r.diagnostics
      .filter((d) => d.severity === "error")
      .map((d) => formatDiagnostic({ ...d, file: relative(CORPUS, d.file ?? "") }));
    expect(errs).toEqual(errors ?? []);
    expect(r.objects).toHaveLength(objects);
    for (const o of r.objects) {
      const src = sourceOf(o);
      expect(src?.line).toBeGreaterThan(0);
      // The name's position is on a line that mentions it.
      const name = o.metadata?.name;
      if (src && name) {
        const at = src.locate(["metadata", "name"]);
        const line = readFileSync(src.file, "utf8").split(/\r?\n/)[at.line - 1] ?? "";
        expect(line.slice(at.col - 1)).toContain(name);
      }
    }
  });
});

describe("broken manifest sets", () => {
  it("bad_yamls: a document that is no Kubernetes object, an empty file, a non-manifest file", async () => {
    const r = await loadManifests([join(CORPUS, "bad_yamls")]);
    expect(
      r.diagnostics.map((d) => formatDiagnostic({ ...d, file: relative(CORPUS, d.file ?? "") })),
    ).toEqual([
      "bad_yamls/not_a_k8s_resource.yaml:1:1: apiVersion and kind are not set: every Kubernetes object needs both",
    ]);
    expect(r.objects.map((o) => `${o.kind}/${o.metadata?.name}`)).toContain("IngressClass/nginx");
    expect(r.objects.map((o) => `${o.kind}/${o.metadata?.name}`)).toContain("Secret/dotfile-secret");
  });

  it("document_with_syntax_error: one precise error, the other documents load", async () => {
    const file = join(CORPUS, "document_with_syntax_error/document_with_syntax_error.yaml");
    const r = await loadManifests([file]);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([`${file}:225:30: Unexpected scalar at node end`]);
    expect(r.diagnostics[0]?.code).toBe("YAMLSyntax");
    expect(r.objects).toHaveLength(24);
    const line = readFileSync(file, "utf8").split("\n")[224];
    expect(line).toContain('image: "{{ printf "%s:%s"');
  });
});

describe("fast reader = full parser on the corpus", () => {
  const all = files(CORPUS);
  it("reads every document of every file the same way", () => {
    let fastDocs = 0;
    for (const f of all) {
      const text = readFileSync(f, "utf8").replace(/\r\n?/g, "\n");
      for (const seg of splitDocuments(text) ?? []) {
        let value: unknown;
        try {
          const r = parseDocFast(text, seg.start, seg.end, false);
          if (r.errors.length > 0) continue;
          value = r.value;
        } catch (e) {
          if (e !== UNSUPPORTED) throw e;
          continue;
        }
        fastDocs++;
        const [d] = parseDocsFull(text, seg.marker, seg.end, false);
        expect([f, value]).toStrictEqual([f, d?.value ?? null]);
      }
    }
    expect(fastDocs).toBeGreaterThan(250);
  });
});
