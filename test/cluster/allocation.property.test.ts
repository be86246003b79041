/**
 * Properties of the allocators and the label index under random input:
 * no two Services share a cluster IP or NodePort, every allocation lies in its
 * range, requested values are either granted or the Service is rejected, and
 * the label index selects exactly what a brute-force scan selects.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchesMap } from "../../src/api/label-selector.js";
import { ipInCIDR } from "../../src/api/net.js";
import type { KubeObject, Pod } from "../../src/api/types.js";
import { buildCluster } from "../../src/cluster/build.js";
import { PodLabelIndex } from "../../src/cluster/cluster-index.js";
import { makeConfig } from "../../src/cluster/config.js";

const config = makeConfig({ serviceCIDR: "10.96.0.0/24", nodePortRange: { min: 30000, max: 30063 } });

const serviceArb = fc.record({
  type: fc.constantFrom("ClusterIP", "NodePort", "LoadBalancer"),
  ip: fc.option(fc.integer({ min: 0, max: 260 }), { nil: undefined }),
  nodePort: fc.option(fc.integer({ min: 29990, max: 30070 }), { nil: undefined }),
});

describe("allocations", () => {
  it("are unique, in range, and honour or reject requests", () => {
    fc.assert(
      fc.property(fc.array(serviceArb, { maxLength: 40 }), (specs) => {
        const objects: KubeObject[] = specs.map((s, i) => ({
          apiVersion: "v1",
          kind: "Service",
          metadata: { name: `s${i}` },
          spec: {
            type: s.type,
            ...(s.ip !== undefined ? { clusterIP: `10.96.${s.ip >> 8}.${s.ip & 255}` } : {}),
            ports: [
              {
                port: 80,
                ...(s.nodePort !== undefined && s.type !== "ClusterIP" ? { nodePort: s.nodePort } : {}),
              },
            ],
          },
        }));
        const state = buildCluster(objects, config);
        const ips = state.services
          .map((s) => s.spec?.clusterIP)
          .filter((ip): ip is string => !!ip && ip !== "None");
        expect(new Set(ips).size).toBe(ips.length);
        for (const ip of ips) expect(ipInCIDR(ip, "10.96.0.0/24")).toBe(true);
        const ports = state.services
          .flatMap((s) => s.spec?.ports?.map((p) => p.nodePort) ?? [])
          .filter((p) => p !== undefined);
        const hc = state.services.map((s) => s.spec?.healthCheckNodePort).filter((p) => p !== undefined);
        expect(new Set([...ports, ...hc]).size).toBe(ports.length + hc.length);
        for (const p of [...ports, ...hc]) expect(p >= 30000 && p <= 30063).toBe(true);
        specs.forEach((s, i) => {
          const svc = state.index.service("default", `s${i}`);
          const rejected = state.diagnostics.some((d) => d.name === `s${i}` && d.severity === "error");
          // Accepted xor rejected; an accepted Service got exactly what it asked for.
          expect(svc === undefined).toBe(rejected);
          if (svc && s.ip !== undefined) expect(svc.spec?.clusterIP).toBe(`10.96.${s.ip >> 8}.${s.ip & 255}`);
          if (svc && s.nodePort !== undefined && s.type !== "ClusterIP")
            expect(svc.spec?.ports?.[0]?.nodePort).toBe(s.nodePort);
        });
      }),
      { numRuns: 60 },
    );
  });
});

describe("PodLabelIndex", () => {
  const labelArb = fc.dictionary(fc.constantFrom("app", "tier", "env"), fc.constantFrom("a", "b", "c"));
  it("selects exactly what a scan selects", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ ns: fc.constantFrom("x", "y"), labels: labelArb }), { maxLength: 60 }),
        fc.constantFrom("x", "y"),
        labelArb,
        (specs, ns, selector) => {
          const pods: Pod[] = specs.map((s, i) => ({
            metadata: { name: `p${i}`, namespace: s.ns, labels: s.labels },
          }));
          const want = pods.filter(
            (p) => p.metadata?.namespace === ns && matchesMap(selector, p.metadata?.labels),
          );
          expect(new PodLabelIndex(pods).select(ns, selector)).toEqual(want);
        },
      ),
      { numRuns: 200 },
    );
  });
});
