import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../api/diagnostics.js";
import { ipInCIDR } from "../api/net.js";
import type { Service } from "../api/types.js";
import { defaultConfig, makeConfig } from "./config.js";
import { defaultService } from "./service-defaults.js";
import { allocateServices, type PreviousServiceAllocations } from "./service-ipam.js";

function svc(name: string, spec: Service["spec"]): Service {
  return defaultService(
    { metadata: { name, namespace: "ns" }, spec: { ports: [{ port: 80 }], ...spec } },
    "IPv4",
  );
}

function run(
  services: Service[],
  prev = new Map<string, PreviousServiceAllocations>(),
  config = defaultConfig,
) {
  const diagnostics: Diagnostic[] = [];
  const accepted = allocateServices(services, config, prev, diagnostics);
  return { accepted, diagnostics, names: accepted.map((s) => s.metadata?.name) };
}

describe("cluster IPs", () => {
  it("automatic IPs come from the dynamic band (above the first 256 addresses of a /12)", () => {
    const { accepted } = run(Array.from({ length: 50 }, (_, i) => svc(`s${i}`, {})));
    for (const s of accepted) {
      expect(ipInCIDR(s.spec?.clusterIP ?? "", "10.96.0.0/12")).toBe(true);
      expect(ipInCIDR(s.spec?.clusterIP ?? "", "10.96.0.0/24")).toBe(false);
      expect(s.spec?.clusterIPs).toEqual([s.spec?.clusterIP]);
    }
    expect(new Set(accepted.map((s) => s.spec?.clusterIP)).size).toBe(50);
  });

  it("a small range spills into the static band only when the dynamic one is full", () => {
    // /27: 30 usable addresses, static band 16 → 14 dynamic.
    const config = makeConfig({ serviceCIDR: "10.96.0.0/27" });
    const { accepted, diagnostics } = run(
      Array.from({ length: 31 }, (_, i) => svc(`s${String(i).padStart(2, "0")}`, {})),
      undefined,
      config,
    );
    const last = (ip: string | undefined) => Number(ip?.split(".")[3]);
    const offsets = accepted.map((s) => last(s.spec?.clusterIP));
    expect(offsets.slice(0, 14).every((o) => o >= 17 && o <= 30)).toBe(true);
    expect(offsets.slice(14, 30).every((o) => o >= 1 && o <= 16)).toBe(true);
    expect(diagnostics.map((d) => d.message)).toEqual([
      "Internal error: failed to allocate a serviceIP: range is full",
    ]);
  });

  it.each<[string, Service[], string[], string[]]>([
    [
      "duplicate requested IP: the first by namespace/name wins, the other is rejected",
      [svc("a", { clusterIP: "10.96.0.50" }), svc("b", { clusterIP: "10.96.0.50" })],
      ["a"],
      [
        'spec.clusterIPs: Invalid value: ["10.96.0.50"]: failed to allocate IP 10.96.0.50: provided IP is already allocated',
      ],
    ],
    [
      "out of range",
      [svc("a", { clusterIP: "192.168.0.1" })],
      [],
      [
        'spec.clusterIPs: Invalid value: ["192.168.0.1"]: failed to allocate IP 192.168.0.1: the provided IP (192.168.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
      ],
    ],
    [
      "the network address is not allocatable",
      [svc("a", { clusterIP: "10.96.0.0" })],
      [],
      [
        'spec.clusterIPs: Invalid value: ["10.96.0.0"]: failed to allocate IP 10.96.0.0: the provided IP (10.96.0.0) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
      ],
    ],
    [
      "a rejected service releases what it had claimed (its IP goes to the next)",
      [
        svc("a", { clusterIP: "10.96.0.60", type: "NodePort", ports: [{ port: 80, nodePort: 99 }] }),
        svc("b", { clusterIP: "10.96.0.60" }),
      ],
      ["b"],
      [
        "spec.ports[0].nodePort: Invalid value: 99: provided port is not in the valid range. The range of valid ports is 30000-32767",
      ],
    ],
  ])("%s", (_d, services, accepted, messages) => {
    const r = run(services);
    expect(r.names).toEqual(accepted);
    expect(r.diagnostics.map((d) => `${d.field}: ${d.message}`)).toEqual(messages);
  });

  it("headless and ExternalName services get no IP", () => {
    const { accepted } = run([
      svc("h", { clusterIP: "None" }),
      svc("e", { type: "ExternalName", externalName: "x.example" }),
    ]);
    expect(accepted.map((s) => s.spec?.clusterIP)).toEqual(["None", undefined]);
  });
});

describe("NodePorts and LoadBalancers", () => {
  it("allocates NodePorts from the dynamic band, one per port number across protocols", () => {
    const { accepted } = run([
      svc("np", {
        type: "NodePort",
        ports: [
          { name: "u", port: 53, protocol: "UDP" },
          { name: "t", port: 53, protocol: "TCP" },
          { name: "h", port: 80, protocol: "TCP" },
        ],
      }),
    ]);
    const ports = accepted[0]?.spec?.ports?.map((p) => p.nodePort ?? 0) ?? [];
    expect(ports[0]).toBe(ports[1]);
    expect(ports[2]).not.toBe(ports[0]);
    // Static band of 30000-32767 is 30000-30085.
    for (const p of ports) expect(p >= 30086 && p <= 32767).toBe(true);
  });

  it.each<[string, Service[], string[], string[]]>([
    [
      "duplicate nodePort",
      [
        svc("a", { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] }),
        svc("b", { type: "LoadBalancer", ports: [{ port: 80, nodePort: 30080 }] }),
      ],
      ["a"],
      ["spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated"],
    ],
    [
      "healthCheckNodePort taken by another service's nodePort",
      [
        svc("a", { type: "NodePort", ports: [{ port: 80, nodePort: 30090 }] }),
        svc("b", { type: "LoadBalancer", externalTrafficPolicy: "Local", healthCheckNodePort: 30090 }),
      ],
      ["a"],
      [
        "spec.healthCheckNodePort: Invalid value: 30090: failed to allocate requested HealthCheck NodePort 30090: provided port is already allocated",
      ],
    ],
    [
      "a LoadBalancer without automatic NodePorts still holds the ones it asks for",
      [
        svc("a", {
          type: "LoadBalancer",
          allocateLoadBalancerNodePorts: false,
          ports: [{ port: 80, nodePort: 30111 }],
        }),
        svc("b", { type: "NodePort", ports: [{ port: 80, nodePort: 30111 }] }),
      ],
      ["a"],
      ["spec.ports[0].nodePort: Invalid value: 30111: provided port is already allocated"],
    ],
  ])("%s", (_d, services, accepted, messages) => {
    const r = run(services);
    expect(r.names).toEqual(accepted);
    expect(r.diagnostics.map((d) => `${d.field}: ${d.message}`)).toEqual(messages);
  });

  it("LoadBalancer IPs: requested ones honoured, the rest first-free from the pool; eTP=Local gets a healthCheckNodePort", () => {
    const { accepted, diagnostics } = run([
      svc("a", { type: "LoadBalancer" }),
      svc("b", { type: "LoadBalancer", loadBalancerIP: "10.255.0.1", externalTrafficPolicy: "Local" }),
      svc("c", { type: "LoadBalancer", loadBalancerIP: "203.0.113.1" }),
      svc("d", { type: "LoadBalancer", loadBalancerClass: "example.com/other" }),
      svc("e", { type: "LoadBalancer", allocateLoadBalancerNodePorts: false }),
    ]);
    const lb = Object.fromEntries(
      accepted.map((s) => [s.metadata?.name, s.status?.loadBalancer?.ingress?.[0]?.ip]),
    );
    expect(lb).toEqual({ a: "10.255.0.2", b: "10.255.0.1", c: undefined, d: undefined, e: "10.255.0.3" });
    expect(accepted[1]?.status?.loadBalancer?.ingress?.[0]?.ipMode).toBe("VIP");
    expect(accepted[1]?.spec?.healthCheckNodePort).toBeGreaterThanOrEqual(30000);
    expect(accepted[0]?.spec?.healthCheckNodePort).toBeUndefined();
    expect(accepted[4]?.spec?.ports?.[0]?.nodePort).toBeUndefined();
    expect(diagnostics.map((d) => d.code)).toEqual(["LoadBalancerIPUnavailable"]);
  });

  it("previous allocations are held before new requests", () => {
    const prev = new Map<string, PreviousServiceAllocations>([
      ["ns/old", { clusterIP: "10.96.0.70", nodePorts: new Map([["80/TCP", 30100]]), lbIP: "10.255.0.9" }],
    ]);
    const r = run([svc("new", { clusterIP: "10.96.0.70" }), svc("old", { type: "LoadBalancer" })], prev);
    expect(r.names).toEqual(["old"]);
    expect(r.accepted[0]?.spec?.clusterIP).toBe("10.96.0.70");
    expect(r.accepted[0]?.spec?.ports?.[0]?.nodePort).toBe(30100);
    expect(r.accepted[0]?.status?.loadBalancer?.ingress?.[0]?.ip).toBe("10.255.0.9");
  });
});
