/**
 * Gateway route table cost: the controller's status pass and
 * compileGatewayRoutes on 10 000 HTTPRoute rules (1 000 routes × 10 rules over
 * 100 hostnames, one Gateway), and CPU ns per lookup with 10 vs 10 000 rules
 * on the listener — lookups should not grow with the number of routes.
 * Reports medians of 7 runs.
 * Usage: npx tsx bench/gateway/compile-bench.ts
 */
import { performance } from "node:perf_hooks";
import type { KubeObject } from "../../src/api/types.js";
import { buildCluster } from "../../src/cluster/build.js";
import { defaultConfig } from "../../src/cluster/config.js";
import { compileGatewayRoutes, type GatewayRequest } from "../../src/gateway/route-table.js";

function objects(routes: number, hosts: number): KubeObject[] {
  const out: KubeObject[] = [
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "GatewayClass",
      metadata: { name: "michi" },
      spec: { controllerName: "michi.dev/gateway-controller" },
    } as KubeObject,
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "Gateway",
      metadata: { name: "gw", namespace: "default" },
      spec: {
        gatewayClassName: "michi",
        listeners: [
          { name: "http", port: 80, protocol: "HTTP", allowedRoutes: { namespaces: { from: "Same" } } },
        ],
      },
    } as KubeObject,
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "svc", namespace: "default" },
      spec: { ports: [{ port: 80 }] },
    } as KubeObject,
  ];
  for (let i = 0; i < routes; i++) {
    out.push({
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name: `r-${i}`, namespace: "default" },
      spec: {
        parentRefs: [{ name: "gw", group: "gateway.networking.k8s.io", kind: "Gateway" }],
        hostnames: [`h${i % hosts}.example.com`],
        rules: Array.from({ length: 10 }, (_, j) => ({
          matches: [{ path: { type: j % 2 ? "Exact" : "PathPrefix", value: `/r${i}/p${j}` } }],
          backendRefs: [{ name: "svc", port: 80, group: "", kind: "Service", weight: 1 }],
        })),
      },
    } as KubeObject);
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

function lookupNs(routes: number): number {
  const state = buildCluster(objects(routes, 1), defaultConfig);
  const table = compileGatewayRoutes(state, "default/gw");
  const reqs: GatewayRequest[] = Array.from({ length: 1000 }, (_, i) => ({
    scheme: "http",
    port: 80,
    host: "h0.example.com",
    method: "GET",
    target: `/r${i % routes}/p${i % 10}/x`,
    headers: {},
  }));
  const runs: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = process.cpuUsage();
    for (let k = 0; k < 20; k++) for (const q of reqs) table.route(q);
    const t = process.cpuUsage(t0);
    runs.push(((t.user + t.system) * 1000) / (20 * reqs.length));
  }
  return median(runs);
}

const objs = objects(1000, 100);
const build: number[] = [];
const compile: number[] = [];
for (let r = 0; r < 7; r++) {
  const t0 = performance.now();
  const state = buildCluster(objs, defaultConfig);
  const t1 = performance.now();
  compileGatewayRoutes(state, "default/gw");
  compile.push(performance.now() - t1);
  build.push(t1 - t0);
}
console.log(
  `10 000 rules: buildCluster (status) median ${median(build).toFixed(1)} ms, compileGatewayRoutes median ${median(compile).toFixed(1)} ms`,
);
console.log(
  `lookup: ${lookupNs(1).toFixed(0)} ns/request with 10 rules, ${lookupNs(1000).toFixed(0)} ns/request with 10 000 rules on the host`,
);
