import { describe, expect, it } from "vitest";
import { Balancer } from "./balancer.js";
import type { ServiceEndpoint, ServiceFrontend } from "./service-table.js";

const eps: ServiceEndpoint[] = ["a", "b", "c"].map((n, i) => ({
  ip: `10.0.0.${i + 1}`,
  port: 80,
  ready: true,
  serving: true,
  terminating: false,
  pod: { namespace: "ns", name: n },
}));

const fe = (affinitySeconds?: number): ServiceFrontend => ({
  key: "k",
  kind: "ClusterIP",
  ip: "10.96.0.1",
  port: 80,
  protocol: "TCP",
  service: { namespace: "ns", name: "s" },
  portName: "",
  servicePort: 80,
  endpoints: eps,
  externalTrafficPolicy: "Cluster",
  internalTrafficPolicy: "Cluster",
  ...(affinitySeconds !== undefined ? { affinitySeconds } : {}),
});

describe("Balancer", () => {
  it("spreads connections evenly without affinity", () => {
    const b = new Balancer();
    const counts = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const e = b.pick(fe(), eps, "1.1.1.1");
      counts.set(e?.ip ?? "", (counts.get(e?.ip ?? "") ?? 0) + 1);
    }
    expect([...counts.values()]).toEqual([100, 100, 100]);
  });

  it("sticks a client IP to one endpoint until the timeout passes, refreshed by use", () => {
    let now = 0;
    const b = new Balancer(() => now);
    const f = fe(10);
    const first = b.pick(f, eps, "1.1.1.1");
    for (let i = 0; i < 5; i++) {
      now += 9_000; // within the timeout each time: refreshed
      expect(b.pick(f, eps, "1.1.1.1")).toBe(first);
    }
    const other = b.pick(f, eps, "2.2.2.2");
    expect(other).not.toBe(first);
    now += 11_000;
    const afterExpiry = b.pick(f, eps, "1.1.1.1");
    expect(afterExpiry).not.toBe(first);
  });

  it("forgets a sticky endpoint that is no longer a candidate", () => {
    const b = new Balancer(() => 0);
    const f = fe(100);
    const first = b.pick(f, eps, "1.1.1.1") as ServiceEndpoint;
    const rest = eps.filter((e) => e !== first);
    expect(rest).toContain(b.pick(f, rest, "1.1.1.1"));
  });
});
