/**
 * `michi diff` at scale: the generated 50 000-pod cluster (bench/load-gen.ts:
 * 100 namespaces, 10 000 Deployments behind Services, 2 000 NetworkPolicies)
 * against a copy with one policy changed (allow-7 admits every namespace
 * instead of one team's). Loading and building each version is the loader's
 * cost (bench/load-cluster.ts); this measures the diff after that: both
 * policy engines, both class-level matrices, the connection comparison,
 * Service backends, the route corpus, both DNS zones and both lint runs.
 * Run: `npx tsx bench/diff.ts`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeConfig } from "../src/cluster/config.js";
import { changeCount, diffManifests } from "../src/diff/diff.js";
import { loadSnapshot } from "../src/snapshot/load.js";
import { generateLargeCluster } from "./load-gen.js";

const ms = (from: number) => performance.now() - from;

async function main() {
  const dir = join(import.meta.dirname, "out");
  mkdirSync(dir, { recursive: true });
  const baseText = generateLargeCluster();
  const needle = "  name: allow-7\n";
  const at = baseText.indexOf(needle);
  const end = baseText.indexOf("---", at);
  const policy = baseText.slice(at, end);
  const opened = policy.replace(
    /namespaceSelector:\n {8}matchLabels:\n {10}team: team-\d+\n/,
    "namespaceSelector: {}\n",
  );
  if (opened === policy) throw new Error("bench: the policy edit did not apply");
  const headText = baseText.slice(0, at) + opened + baseText.slice(end);
  const baseFile = join(dir, "diff-base.yaml");
  const headFile = join(dir, "diff-head.yaml");
  writeFileSync(baseFile, baseText);
  writeFileSync(headFile, headText);
  // As bench/policy.ts: 50 000 pods need more than three /24s.
  const config = makeConfig({ nodes: 500, podCIDR: "10.64.0.0/11", nodeCIDR: "10.2.0.0/16" });
  let t = performance.now();
  const base = await loadSnapshot([baseFile], config);
  const head = await loadSnapshot([headFile], config);
  const loadMs = ms(t);
  const cpu = process.cpuUsage();
  t = performance.now();
  const d = diffManifests(base, head);
  const diffMs = ms(t);
  const c = process.cpuUsage(cpu);
  process.stdout.write(
    `diff, 50k pods (${base.state.pods.length} / ${head.state.pods.length}), ${base.state.networkPolicies.length} policies, one policy changed:\n` +
      `  load + build both versions: ${(loadMs / 1000).toFixed(2)} s (not diff work; see bench/load-cluster.ts)\n` +
      `  diff: ${(diffMs / 1000).toFixed(2)} s wall, ${((c.user + c.system) / 1e6).toFixed(2)} s CPU — CPU ms per part ${JSON.stringify(d.timings)}\n` +
      `  changes: ${changeCount(d)} (${d.connections.added.length} newly allowed groups, ${d.connections.added.reduce((n, x) => n + x.pairs, 0)} pod pairs; ${d.findings.added.length} findings added, ${d.findings.removed.length} resolved)\n`,
  );
}

await main();
