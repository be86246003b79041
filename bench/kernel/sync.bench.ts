/**
 * Kernel data plane rule sync at scale (never run as a test; needs root):
 *   npx tsx bench/kernel/sync.bench.ts [SERVICES=10000]
 *
 * A sandbox with 2 nodes, 20 pods and N ClusterIP Services (each selecting one
 * pod). Measures the first sync (every table built) and then, five times, one
 * Service added: the kernel sync alone (rule compile for every node, diff, one
 * `nft -f` transaction per node — what `apply` costs after the control plane
 * compiled the snapshot), its transaction size, and the snapshot compile for
 * reference. Prints a JSON line per measurement and a summary.
 */
import { performance } from "node:perf_hooks";
import { makeConfig } from "../../src/cluster/config.js";
import { KernelDataPlane } from "../../src/dataplane/kernel/kernel-dataplane.js";
import { parseYAML } from "../../src/policy/testing.js";
import { compileSnapshot, type Snapshot } from "../../src/snapshot/snapshot.js";

const N = Number(process.argv[2] ?? 10_000);
const PODS = 20;

function yaml(services: number): string {
  const out: string[] = [];
  for (let i = 0; i < PODS; i++) {
    out.push(`apiVersion: v1
kind: Pod
metadata: {name: p${i}, namespace: default, labels: {i: "${i}"}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}`);
  }
  for (let s = 0; s < services; s++) {
    out.push(`apiVersion: v1
kind: Service
metadata: {name: s${s}, namespace: default}
spec: {selector: {i: "${s % PODS}"}, ports: [{port: 80, targetPort: 8080}]}`);
  }
  return out.join("\n---\n");
}

function compile(services: number, previous?: Snapshot): { snap: Snapshot; ms: number } {
  const objects = parseYAML(yaml(services));
  const t0 = performance.now();
  const r = compileSnapshot(objects, makeConfig({ nodes: 2, serviceCIDR: "10.96.0.0/12" }), {
    mode: "refuse",
    previous: previous,
  });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  return { snap: r.snapshot, ms: performance.now() - t0 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const plane = await KernelDataPlane.create({});
try {
  let { snap } = compile(N);
  const t0 = performance.now();
  await plane.apply(snap);
  const first = { ...plane.lastSync, ms: performance.now() - t0 };
  console.log(JSON.stringify({ what: "first sync", services: N, ...first }));
  const syncs: number[] = [];
  const bytes: number[] = [];
  const compiles: number[] = [];
  const rules: number[] = [];
  const nfts: number[] = [];
  for (let k = 1; k <= 5; k++) {
    const c = compile(N + k, snap);
    compiles.push(c.ms);
    snap = c.snap;
    const t = performance.now();
    await plane.apply(snap);
    syncs.push(performance.now() - t);
    bytes.push(plane.lastSync.nftBytes);
    rules.push(plane.lastSync.compileMs);
    nfts.push(plane.lastSync.nftMs);
    console.log(
      JSON.stringify({
        what: "one Service added",
        services: N + k,
        syncMs: syncs.at(-1),
        nftBytes: bytes.at(-1),
        rulesCompileAndDiffMs: rules.at(-1),
        nftMs: nfts.at(-1),
        snapshotCompileMs: c.ms,
      }),
    );
  }
  console.log(
    `\n${N} Services: first sync ${first.ms.toFixed(0)} ms (${(first.nftBytes / 1e6).toFixed(1)} MB of nft text over 2 nodes); ` +
      `one Service added: kernel sync median ${median(syncs).toFixed(1)} ms (${median(bytes)} bytes of nft; ` +
      `rule compile + diff for both nodes ${median(rules).toFixed(1)} ms, nft -f in parallel ${median(nfts).toFixed(1)} ms), ` +
      `snapshot compile median ${median(compiles).toFixed(0)} ms`,
  );
} finally {
  await plane.close();
}
