/**
 * The large-cluster benchmark (issue 2): load + validate + derive the
 * generated cluster (bench/generate.ts) and print wall time per stage and peak
 * RSS. Target: < 5 s and < 1.5 GB. 50 000 pods do not fit three nodes' /24s
 * (253 pod IPs each), so the cluster has 500 nodes with /24s of 10.64.0.0/11
 * (100 pods per node, under the kubelet's 110). Asserts nothing.
 * Run: `npx tsx bench/load-cluster.ts [FILE]` (generates the file when missing).
 */
import { existsSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { loadManifests } from "../src/api/load.js";
import { validateObjects } from "../src/api/validate.js";
import { buildCluster } from "../src/cluster/build.js";
import { makeConfig } from "../src/cluster/config.js";
import { DEFAULT_OUT, writeLargeCluster } from "./generate.js";

async function main(): Promise<void> {
  const file = process.argv[2] ?? DEFAULT_OUT;
  if (!existsSync(file)) writeLargeCluster(file);
  const config = makeConfig({ nodes: 500, podCIDR: "10.64.0.0/11", nodeCIDR: "10.2.0.0/16" });
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const c0 = cpu();
  const t0 = performance.now();
  const loaded = await loadManifests([file]);
  const t1 = performance.now();
  const c1 = cpu();
  const validated = validateObjects(loaded.objects);
  const t2 = performance.now();
  const c2 = cpu();
  const state = buildCluster(validated.valid, config);
  const t3 = performance.now();
  const c3 = cpu();
  const errors = [...loaded.diagnostics, ...validated.diagnostics, ...state.diagnostics].filter(
    (d) => d.severity === "error",
  );
  const ms = (a: number, b: number) => `${(b - a).toFixed(0)} ms`;
  process.stdout.write(
    [
      `input: ${file}`,
      `objects: ${loaded.objects.length} loaded, ${validated.valid.length} valid, ${errors.length} errors`,
      `derived: ${state.pods.length} pods, ${state.services.length} services, ${state.endpointSlices.length} endpointslices, ${state.nodes.length} nodes`,
      `wall: load ${ms(t0, t1)} | validate ${ms(t1, t2)} | derive ${ms(t2, t3)} | total ${ms(t0, t3)}`,
      // CPU time (all threads: main, loader workers, GC) says more than wall time on a shared machine.
      `cpu: load ${ms(c0, c1)} | validate ${ms(c1, c2)} | derive ${ms(c2, c3)} | total ${ms(c0, c3)} (load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores)`,
      `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
      "",
    ].join("\n"),
  );
}

void main();
