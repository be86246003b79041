/**
 * Load benchmark: generates the large cluster (bench/load-gen.ts, or the file
 * given as argument), then times loadManifests single-threaded and with worker
 * threads, and the `yaml` package for comparison. Prints numbers; asserts
 * nothing. Run: `npx tsx bench/load.bench.ts [FILE]`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { loadManifests } from "../src/api/load.js";
import { generateLargeCluster } from "./load-gen.js";

async function main(): Promise<void> {
  let file = process.argv[2];
  if (!file) {
    file = join(mkdtempSync(join(tmpdir(), "michi-bench-")), "large.yaml");
    writeFileSync(file, generateLargeCluster());
  }
  const size = readFileSync(file, "utf8").length;
  process.stdout.write(`input: ${file} (${(size / 1e6).toFixed(2)} MB)\n`);
  const runs = 3;
  for (const parallel of [false, true]) {
    const times: number[] = [];
    let objects = 0;
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      const res = await loadManifests([file], { parallel });
      times.push(performance.now() - t0);
      objects = res.objects.length;
    }
    process.stdout.write(
      `loadManifests parallel=${parallel}: ${times.map((t) => t.toFixed(0)).join(" / ")} ms (${objects} objects)\n`,
    );
  }
  if (!process.argv.includes("--no-yaml")) {
    const text = readFileSync(file, "utf8");
    const t0 = performance.now();
    for (const d of parseAllDocuments(text)) d.toJS();
    process.stdout.write(
      `yaml package parseAllDocuments+toJS (1.2 core, no positions): ${(performance.now() - t0).toFixed(0)} ms\n`,
    );
  }
  const mem = process.memoryUsage();
  process.stdout.write(
    `rss ${(mem.rss / 1e6).toFixed(0)} MB, heap used ${(mem.heapUsed / 1e6).toFixed(0)} MB\n`,
  );
}

void main();
