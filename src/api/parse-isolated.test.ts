/**
 * Isolated parsing: the same objects and diagnostics as the in-thread loader,
 * and a parse that exceeds its memory or time budget becomes an error
 * diagnostic while the calling thread carries on (and the next parse works).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { aliasBomb } from "../../test/hostile/inputs.js";
import { loadManifests, parseManifests } from "./load.js";
import { loadManifestsIsolated, parseManifestsIsolated } from "./parse-isolated.js";

const ROOT = join(import.meta.dirname, "../..");

/** Objects and diagnostics without the lazy source references. */
function plain(r: { objects: unknown[]; diagnostics: unknown[] }): unknown {
  return JSON.parse(JSON.stringify(r));
}

describe("parse in a worker thread", () => {
  it("loads a directory exactly as loadManifests does", async () => {
    const paths = [join(ROOT, "examples")];
    const [a, b] = await Promise.all([loadManifests(paths), loadManifestsIsolated(paths)]);
    expect(b.objects.length).toBeGreaterThan(10);
    expect(plain(b)).toEqual(plain(a));
  });

  it("keeps positions: a field error of an isolated parse points into the text", async () => {
    const text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n  a: c\n";
    const r = await parseManifestsIsolated(text, "cm.yaml");
    const ref = parseManifests(text, "cm.yaml");
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: "DuplicateKey", line: 7, col: 3 })]);
    expect(plain(r)).toEqual(plain(ref));
  });

  it("hostile bodies get the loader's errors", async () => {
    const r = await parseManifestsIsolated(aliasBomb(9), "bomb.yaml");
    expect(r.diagnostics.map((d) => d.message)).toEqual([expect.stringMatching(/excessive aliasing/)]);
  });

  it("a parse past its memory budget is an error diagnostic; the next parse works", async () => {
    const big = Array.from(
      { length: 40_000 },
      (_, i) =>
        `---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}}\ndata: {k: "${"v".repeat(100)}"}\n`,
    ).join("");
    const r = await parseManifestsIsolated(big, "big.yaml", {
      maxOldGenerationSizeMb: 4,
      maxYoungGenerationSizeMb: 1,
    });
    expect(r.objects).toEqual([]);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        code: "ParseLimit",
        file: "big.yaml",
        message: expect.stringMatching(/memory limit|exited/),
      }),
    ]);
    const ok = await parseManifestsIsolated(
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n",
      "ns.yaml",
    );
    expect(ok.objects).toHaveLength(1);
  });

  it("a parse past its time budget is an error diagnostic", async () => {
    const big = Array.from(
      { length: 20_000 },
      (_, i) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}}\n`,
    ).join("");
    const r = await parseManifestsIsolated(big, "slow.yaml", { timeoutMs: 1 });
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        code: "ParseLimit",
        message: "cannot parse slow.yaml: parsing took longer than 1 ms",
      }),
    ]);
  });
});
