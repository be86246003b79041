/** Parallel parsing gives exactly the sequential result: same documents, offsets, indexes, errors. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "./diagnostics.js";
import { loadManifests } from "./load.js";
import { parseText } from "./load-parse.js";
import { parseInWorkers, planUnits } from "./load-workers.js";
import { sourceOf } from "./source.js";

// A few hundred documents, several per namespace (bench/load-gen.ts makes the big one).
const big = Array.from({ length: 600 }, (_, i) =>
  i % 2 === 0
    ? `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}\n  namespace: ns-${i % 5}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: app-${i}}\n  template:\n    metadata:\n      labels:\n        app: app-${i}\n    spec:\n      containers:\n      - name: main\n        image: nginx\n`
    : `apiVersion: v1\nkind: Service\nmetadata:\n  name: app-${i}\n  namespace: ns-${i % 5}\nspec:\n  selector:\n    app: app-${i - 1}\n  ports:\n  - port: 80\n`,
).join("---\n");
const broken =
  "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n---\nfoo: [1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: {on: yes}\n";
// A big text with a syntax error and a YAML 1.1 coercion in the middle, so chunk offsets matter.
const middle = big.indexOf("---\n", big.length / 2);
const bigBroken = `${big.slice(0, middle)}---\n${broken}${big.slice(middle)}`;

describe("parseInWorkers", () => {
  it("splits big texts at document boundaries into balanced groups", () => {
    const groups = planUnits([bigBroken, broken], 2);
    expect(groups).toHaveLength(2);
    const sizes = groups.map((g) => g.reduce((n, u) => n + u.text.length, 0));
    expect(Math.min(...sizes) / Math.max(...sizes)).toBeGreaterThan(0.8);
    for (const g of groups) for (const u of g) expect(u.base === 0 || u.text.startsWith("---")).toBe(true);
  });

  it("equals the sequential parse", async () => {
    const texts = [bigBroken, broken, big];
    const seq = texts.map((t) => parseText(t));
    const par = await parseInWorkers(texts, 2);
    expect(par).toStrictEqual(JSON.parse(JSON.stringify(seq)));
  });

  it("loadManifests gives the same objects, positions and diagnostics either way", async () => {
    const dir = mkdtempSync(join(tmpdir(), "michi-par-"));
    writeFileSync(join(dir, "a.yaml"), bigBroken);
    writeFileSync(join(dir, "b.yaml"), broken);
    const a = await loadManifests([dir], { parallel: false });
    const b = await loadManifests([dir], { parallel: true });
    expect(b.objects).toStrictEqual(a.objects);
    expect(b.diagnostics.map(formatDiagnostic)).toEqual(a.diagnostics.map(formatDiagnostic));
    expect(a.diagnostics.some((d) => d.code === "YAMLSyntax")).toBe(true);
    for (let i = 0; i < a.objects.length; i += 97) {
      const sa = sourceOf(a.objects[i] as object);
      const sb = sourceOf(b.objects[i] as object);
      expect([sb?.line, sb?.col, sb?.docIndex, sb?.locate(["spec", "selector"])]).toEqual([
        sa?.line,
        sa?.col,
        sa?.docIndex,
        sa?.locate(["spec", "selector"]),
      ]);
    }
    const cm = b.objects.filter((o) => o.kind === "ConfigMap");
    // The key `on` becomes "true" and its value `yes` true: the value's record wins the shared path.
    expect(cm.map((o) => [...(sourceOf(o)?.yaml11 ?? [])])).toEqual([
      [["metadata.labels.true", "yes"]],
      [["metadata.labels.true", "yes"]],
    ]);
  });
});
