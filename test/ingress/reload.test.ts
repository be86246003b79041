/**
 * Atomic table swaps: the route table is replaced 100 times while clients
 * hammer the proxy over keep-alive connections; every request must succeed,
 * and the swaps must visibly take effect (both backends answer).
 */
import http from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { compileRoutes } from "../../src/ingress/route-table.js";
import type { RouteTable } from "../../src/ingress/route-types.js";
import { type IngressProxy, startIngressProxy } from "../../src/proxy/ingress-proxy.js";
import { ingress, makeState } from "./fixtures.js";
import { type EchoPods, echo, send, startEchoPods } from "./harness.js";

let pods: EchoPods;
let proxy: IngressProxy;
let current: RouteTable;

function tableFor(generation: number): RouteTable {
  const svc = generation % 2 === 0 ? "blue" : "green";
  return compileRoutes(
    makeState({
      services: [
        { name: "blue", ips: ["10.244.1.1", "10.244.1.2"] },
        { name: "green", ips: ["10.244.2.1"] },
      ],
      ingresses: [
        ingress({
          name: `gen-${generation}`,
          rules: [
            {
              host: "app",
              paths: [
                { path: "/", service: svc },
                ...Array.from({ length: generation % 7 }, (_, i) => ({
                  path: `/extra${i}`,
                  service: "blue",
                })),
              ],
            },
          ],
        }),
      ],
    }),
  );
}

beforeAll(async () => {
  pods = await startEchoPods(["10.244.1.1", "10.244.1.2", "10.244.2.1"]);
  current = tableFor(0);
  proxy = await startIngressProxy({
    http: { host: "127.0.0.1", port: 0 },
    getTable: () => current,
    upstream: pods.upstream,
  });
});

afterAll(async () => {
  await proxy?.close(100);
  await pods?.close();
});

it("100 reloads under load: zero failed requests", async () => {
  const port = proxy.addresses.http?.port ?? 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  let stop = false;
  let ok = 0;
  const failures: string[] = [];
  const seen = new Set<string>();
  const worker = async () => {
    while (!stop) {
      try {
        const r = await send(port, "/", "app", { agent });
        if (r.status !== 200) failures.push(`status ${r.status}`);
        else {
          ok++;
          seen.add(echo(r).pod);
        }
      } catch (e) {
        failures.push(String(e));
      }
    }
  };
  const workers = Array.from({ length: 16 }, worker);
  for (let g = 1; g <= 100; g++) {
    current = tableFor(g);
    await new Promise((r) => setTimeout(r, 10));
  }
  stop = true;
  await Promise.all(workers);
  agent.destroy();
  expect(failures).toEqual([]);
  expect(ok).toBeGreaterThan(200);
  expect(seen).toEqual(new Set(["10.244.1.1", "10.244.1.2", "10.244.2.1"]));
  expect(proxy.metrics()).toMatch(/nginx_ingress_controller_success \d+/);
});
