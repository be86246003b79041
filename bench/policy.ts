/**
 * NetworkPolicy engine at scale: the foundation's generated cluster (50 000
 * pods, 2 000 policies; bench/load-gen.ts) and one at Kubernetes' scalability
 * limit (150 000 pods, 10 000 policies). Measures, after the cluster is built:
 * compiling the policies, the class-level full matrix (every ordered pod pair
 * counted through equivalence classes) with its heap growth, and the latency
 * of a single decide() and of a full `check` (resolution + explanation).
 * `50k-cnp` adds 200 ClusterNetworkPolicies (both tiers) to the 50k cluster.
 * Run: `npx tsx bench/policy.ts [50k|50k-cnp|150k]` (the 150k load needs ~4 GB heap:
 * `NODE_OPTIONS=--max-old-space-size=6144`).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Pod } from "../src/api/types.js";
import { makeConfig } from "../src/cluster/config.js";
import { runCheck } from "../src/policy/check.js";
import { compilePolicy } from "../src/policy/engine.js";
import { computeMatrix } from "../src/policy/matrix.js";
import { loadSnapshot } from "../src/snapshot/load.js";
import { generateLargeCluster } from "./load-gen.js";

const SIZES = {
  "50k": { namespaces: 100, services: 10_000, replicas: 5, policies: 2_000 },
  "150k": { namespaces: 300, services: 30_000, replicas: 5, policies: 10_000 },
  /** The 50k cluster with 200 ClusterNetworkPolicies over it (issue 17: < 2 s). */
  "50k-cnp": { namespaces: 100, services: 10_000, replicas: 5, policies: 2_000, clusterPolicies: 200 },
} as const;

function ms(from: bigint): number {
  return Number(process.hrtime.bigint() - from) / 1e6;
}

function mb(n: number): string {
  return `${(n / 1024 / 1024).toFixed(0)} MB`;
}

async function main() {
  const size = (process.argv[2] ?? "50k") as keyof typeof SIZES;
  const opts = SIZES[size];
  if (!opts) throw new Error(`size must be one of ${Object.keys(SIZES).join(", ")}`);
  const dir = join(import.meta.dirname, "out");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `policy-${size}.yaml`);
  writeFileSync(file, generateLargeCluster(opts));
  let t = process.hrtime.bigint();
  // 50 000 pods do not fit three /24s: as bench/load-cluster.ts, many nodes with /24s of a larger pod CIDR.
  const config =
    size !== "150k"
      ? makeConfig({ nodes: 500, podCIDR: "10.64.0.0/11", nodeCIDR: "10.2.0.0/16" })
      : makeConfig({ nodes: 1000, podCIDR: "10.64.0.0/10", nodeCIDR: "10.2.0.0/16" });
  const { state } = await loadSnapshot([file], config);
  const loadMs = ms(t);
  process.stdout.write(
    `${size}: ${state.pods.length} pods, ${state.networkPolicies.length} policies, ${state.clusterNetworkPolicies?.length ?? 0} cluster policies, ${state.namespaces.length} namespaces (load+build ${loadMs.toFixed(0)} ms, not policy work)\n`,
  );

  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  // CPU time as well as wall time: on a shared machine wall time includes waiting for a core.
  const cpu0 = process.cpuUsage();
  const cpuMs = (from: NodeJS.CpuUsage) => {
    const d = process.cpuUsage(from);
    return (d.user + d.system) / 1000;
  };
  t = process.hrtime.bigint();
  let c = process.cpuUsage();
  const engine = compilePolicy(state);
  const compileMs = ms(t);
  const compileCpu = cpuMs(c);

  t = process.hrtime.bigint();
  c = process.cpuUsage();
  const ports = [
    { port: 8080, protocol: "TCP" as const },
    { port: 53, protocol: "UDP" as const },
  ];
  const matrix = computeMatrix(engine, { ports });
  const matrixMs = ms(t);
  const matrixCpu = cpuMs(c);
  t = process.hrtime.bigint();
  c = process.cpuUsage();
  const stats = [matrix.stats(0), matrix.stats(1)];
  const statsMs = ms(t);
  const statsCpu = cpuMs(c);
  const cpu = process.cpuUsage(cpu0);
  const heap1 = process.memoryUsage().heapUsed;
  process.stdout.write(
    `  wall (CPU) ms: compile ${compileMs.toFixed(0)} (${compileCpu.toFixed(0)}); classes + per-port tables ${matrixMs.toFixed(0)} (${matrixCpu.toFixed(0)}) [${matrix.classIndex.classes.length} classes, 2 ports]; ` +
      `full pair count ${statsMs.toFixed(0)} (${statsCpu.toFixed(0)}); total ${(compileMs + matrixMs + statsMs).toFixed(0)} (${((cpu.user + cpu.system) / 1000).toFixed(0)}); ` +
      `heap +${mb(heap1 - heap0)}, rss ${mb(process.memoryUsage().rss)}\n`,
  );
  for (const s of stats)
    process.stdout.write(
      `  ${s.protocol}/${s.port}: ${s.allowedPairs} of ${s.pairs} ordered pod pairs allowed\n`,
    );

  // Single decisions after indexing: random pairs, warmed up first.
  const pods: readonly Pod[] = state.pods;
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % pods.length;
  };
  const pairs = Array.from({ length: 20_000 }, () => [pods[rnd()]!, pods[rnd()]!] as const);
  for (const [s, d] of pairs.slice(0, 2000))
    engine.decide({
      src: { kind: "pod", pod: s },
      dst: { kind: "pod", pod: d },
      port: 8080,
      protocol: "TCP",
    });
  const lat: number[] = [];
  for (const [s, d] of pairs) {
    const t0 = process.hrtime.bigint();
    engine.decide({
      src: { kind: "pod", pod: s },
      dst: { kind: "pod", pod: d },
      port: 8080,
      protocol: "TCP",
    });
    lat.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!.toFixed(1);
  process.stdout.write(
    `  decide(): p50 ${q(0.5)} µs, p99 ${q(0.99)} µs, max ${q(1)} µs over ${lat.length} random pairs\n`,
  );

  // A full check as the CLI runs it: name resolution, service translation, explanation.
  const target = state.networkPolicies[0]!;
  const ns = target.metadata?.namespace ?? "default";
  const app = target.spec?.podSelector?.matchLabels?.app ?? "";
  const clat: number[] = [];
  for (let i = 0; i < 200; i++) {
    const from = pods[rnd()]!;
    const t0 = process.hrtime.bigint();
    runCheck(engine, {
      from: `${from.metadata?.namespace}/${from.metadata?.name}`,
      to: `service/${ns}/${app}`,
      port: 80,
      protocol: "TCP",
    });
    clat.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  clat.sort((a, b) => a - b);
  process.stdout.write(
    `  check (pod → service with 5 backends, explained): p50 ${clat[100]!.toFixed(2)} ms, p99 ${clat[197]!.toFixed(2)} ms\n`,
  );
}

await main();
