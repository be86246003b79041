/**
 * Load benchmark: generates the large cluster (bench/load-gen.ts) unless a
 * file is given, then times loadManifests single-threaded and on worker
 * threads, and the `yaml` package for comparison. Uses the built code
 * (dist/, `npm run build`) when present, as the CLI would. Prints wall and
 * CPU time (the machine is shared: CPU time is the steadier number) and
 * memory; asserts nothing. Run: `npx tsx bench/load.bench.ts [FILE] [--no-yaml]`.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { loadManifests as LoadFn } from "../src/api/load.js";
import { generateLargeCluster } from "./load-gen.js";

async function timed<T>(f: () => Promise<T> | T): Promise<{ wall: number; cpu: number; value: T }> {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const value = await f();
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - w0, cpu: (c.user + c.system) / 1000, value };
}

async function main(): Promise<void> {
  const built = join(import.meta.dirname, "../dist/api/load.js");
  const useBuilt = existsSync(built);
  const mod = (await import(useBuilt ? built : "../src/api/load.js")) as { loadManifests: typeof LoadFn };
  let file = process.argv.slice(2).find((a) => !a.startsWith("--"));
  if (!file) {
    file = join(mkdtempSync(join(tmpdir(), "michi-bench-")), "large.yaml");
    writeFileSync(file, generateLargeCluster());
  }
  const size = readFileSync(file, "utf8").length;
  process.stdout.write(
    `input: ${file} (${(size / 1e6).toFixed(2)} MB), code: ${useBuilt ? "dist/" : "src/ via tsx"}\n`,
  );
  for (const parallel of [false, true]) {
    const runs: string[] = [];
    let objects = 0;
    for (let r = 0; r < 3; r++) {
      const t = await timed(() => mod.loadManifests([file as string], { parallel }));
      objects = t.value.objects.length;
      runs.push(`${t.wall.toFixed(0)} ms (cpu ${t.cpu.toFixed(0)} ms)`);
    }
    process.stdout.write(
      `loadManifests ${parallel ? "parallel  " : "one thread"}: ${runs.join(", ")}; ${objects} objects\n`,
    );
  }
  const mem = process.memoryUsage();
  process.stdout.write(
    `after loading 6 times: rss ${(mem.rss / 1e6).toFixed(0)} MB, heap used ${(mem.heapUsed / 1e6).toFixed(0)} MB\n`,
  );
  if (!process.argv.includes("--no-yaml")) {
    const text = readFileSync(file, "utf8");
    const t = await timed(() => {
      for (const d of parseAllDocuments(text)) d.toJS();
    });
    process.stdout.write(
      `yaml package parseAllDocuments+toJS (YAML 1.2, no positions): ${t.wall.toFixed(0)} ms (cpu ${t.cpu.toFixed(0)} ms)\n`,
    );
  }
}

void main();
