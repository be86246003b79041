/**
 * Route compile and lookup cost: compileRoutes on 10 000 Ingress paths
 * (1 000 Ingresses × 10 paths over 100 hosts, and all on one host), and
 * routeRequest per lookup with 10 vs 10 000 paths on the host — lookups
 * should not grow with the number of rules. Reports the median of 7
 * compiles (wall and CPU time) and CPU ns per lookup.
 * Usage: npx tsx bench/ingress/compile-bench.ts
 */
import { performance } from "node:perf_hooks";
import type { Ingress } from "../../src/api/types.js";
import { routeRequest } from "../../src/ingress/route-request.js";
import { compileRoutes } from "../../src/ingress/route-table.js";
import { benchState } from "./scenario.js";

function ingresses(total: number, hosts: number): Ingress[] {
  const out: Ingress[] = [];
  const perIngress = 10;
  for (let i = 0; i < total / perIngress; i++) {
    out.push({
      kind: "Ingress",
      metadata: {
        name: `ing-${i}`,
        namespace: "default",
        creationTimestamp: new Date(1_700_000_000_000 + i * 1000).toISOString(),
      },
      spec: {
        ingressClassName: "nginx",
        rules: [
          {
            host: `h${i % hosts}.example.com`,
            http: {
              paths: Array.from({ length: perIngress }, (_, j) => ({
                path: `/team${i}/svc${j}${j % 3 === 0 ? "/v1" : ""}`,
                pathType: (j % 4 === 0 ? "Exact" : j % 4 === 3 ? "ImplementationSpecific" : "Prefix") as
                  | "Exact"
                  | "Prefix"
                  | "ImplementationSpecific",
                backend: { service: { name: `svc-${i % 200}`, port: { number: 80 } } },
              })),
            },
          },
        ],
      },
    });
  }
  return out;
}

/** CPU time of this process (user + system), in ms: steadier than wall time on a shared machine. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function timeCompile(hosts: number): { wallMs: number; cpuMs: number } {
  const state = benchState(ingresses(10_000, hosts), 3);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    const c0 = cpuMs();
    compileRoutes(state);
    cpu.push(cpuMs() - c0);
    wall.push(performance.now() - t0);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  return { wallMs: median(wall), cpuMs: median(cpu) };
}

function timeLookup(paths: number): number {
  const table = compileRoutes(benchState(ingresses(paths, 1), 3));
  const reqs = [
    "/team0/svc1/deep/path",
    "/team7/svc0/v1",
    "/nomatch/x",
    `/team${Math.floor(paths / 10) - 1}/svc2/x`,
  ].map((path) => ({
    method: "GET",
    scheme: "http" as const,
    host: "h0.example.com",
    path,
    headers: {},
    sourceIP: "127.0.0.1",
    random: 0.5,
  }));
  const n = 200_000;
  for (let i = 0; i < 20_000; i++) routeRequest(table, reqs[i & 3] as (typeof reqs)[0]);
  const c0 = cpuMs();
  for (let i = 0; i < n; i++) routeRequest(table, reqs[i & 3] as (typeof reqs)[0]);
  return ((cpuMs() - c0) * 1e6) / n;
}

const out = {
  compile10kPaths100Hosts: timeCompile(100),
  compile10kPathsOneHost: timeCompile(1),
  lookupCpuNs10Paths: timeLookup(10),
  lookupCpuNs1000Paths: timeLookup(1_000),
  lookupCpuNs10000Paths: timeLookup(10_000),
};
console.log(JSON.stringify(out, null, 2));
