/**
 * Writes the large cluster into bench/out/large.yaml (gitignored): 100
 * namespaces, 10 000 Deployments × 5 replicas (50 000 pods) each behind a
 * Service, 2 000 NetworkPolicies, ~4.8 MB. The manifests come from
 * bench/load-gen.ts so the load and the cluster benchmarks read the same input.
 * Run: `npx tsx bench/generate.ts [OUT]`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generateLargeCluster } from "./load-gen.js";

export const DEFAULT_OUT = join(import.meta.dirname, "out", "large.yaml");

export function writeLargeCluster(out = DEFAULT_OUT): { file: string; bytes: number } {
  const text = generateLargeCluster();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  return { file: out, bytes: Buffer.byteLength(text) };
}

if (process.argv[1]?.endsWith("generate.ts")) {
  const { file, bytes } = writeLargeCluster(process.argv[2]);
  process.stdout.write(`wrote ${file}: ${(bytes / 1e6).toFixed(2)} MB\n`);
}
