/**
 * Zone build time and memory for 10 000 services / 50 000 pods (goal: < 1 s).
 * Run: npx tsx bench/dns/zone-build.ts [services] [podsPerService]
 */
import { buildZone } from "../../src/dns/zone.js";
import { scaleState } from "../../test/dns/scale-fixture.js";

const services = Number(process.argv[2] ?? 10_000);
const perService = Number(process.argv[3] ?? 5);
const state = scaleState(services, perService);
globalThis.gc?.();
const before = process.memoryUsage().heapUsed;
const times: number[] = [];
const cpu: number[] = [];
let zone = buildZone(state);
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  zone = buildZone(state);
  const c1 = process.cpuUsage(c0);
  times.push(performance.now() - t0);
  cpu.push((c1.user + c1.system) / 1000);
}
globalThis.gc?.();
const after = process.memoryUsage().heapUsed;
console.log(
  JSON.stringify({
    services: zone.stats.services,
    endpoints: zone.stats.endpoints,
    pods: zone.stats.pods,
    buildMsMin: Math.min(...times).toFixed(1),
    buildMsMax: Math.max(...times).toFixed(1),
    cpuMsMin: Math.min(...cpu).toFixed(1),
    loadAverage: (await import("node:os")).loadavg()[0]?.toFixed(1),
    heapMiB: ((after - before) / 2 ** 20).toFixed(1),
    note: "heap = growth while holding one extra zone (GC'd between measurements when run with --expose-gc)",
  }),
);
