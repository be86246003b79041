/**
 * buildZone over real manifests (loader + controllers): the course's
 * idp-system example and the manifests CoreDNS's CI runs its kubernetes tests
 * on; and over a 10 000-service cluster for correctness at scale (the timing
 * lives in bench/dns/zone-build.ts).
 */
import { describe, expect, it } from "vitest";
import { makeConfig } from "../../src/cluster/config.js";
import { presentData, TYPE_CODES } from "../../src/dns/records.js";
import { answer } from "../../src/dns/responder.js";
import { buildZone, type Zone } from "../../src/dns/zone.js";
import { loadSnapshot } from "../../src/snapshot/load.js";
import { scaleState } from "./scale-fixture.js";

function ask(zone: Zone, name: string, type = "A") {
  const r = answer(zone, { name, type: TYPE_CODES[type]! });
  return {
    rcode: r.rcode,
    data: r.answers.map((a) => `${a.type} ${presentData(a)}`).sort(),
    extra: r.additional.length,
  };
}

describe("idp-system example", async () => {
  const { state } = await loadSnapshot(["examples/idp-system"], makeConfig());
  const zone = buildZone(state);
  const podIP = (name: string) => state.index.pod("idp-system", name)?.status?.podIP;

  it("resolves StatefulSet pods through the headless service", () => {
    for (const i of [0, 1, 2]) {
      const ip = podIP(`postgres-${i}`);
      expect(ip).toBeTruthy();
      expect(ask(zone, `postgres-${i}.postgres-headless.idp-system.svc.cluster.local`)).toEqual({
        rcode: 0,
        data: [`A ${ip}`],
        extra: 0,
      });
    }
    expect(ask(zone, "postgres-headless.idp-system.svc.cluster.local").data).toHaveLength(3);
    const srv = ask(zone, "_postgres._tcp.postgres-headless.idp-system.svc.cluster.local", "SRV");
    expect(srv.data).toEqual(
      [0, 1, 2]
        .map((i) => `SRV 0 33 5432 postgres-${i}.postgres-headless.idp-system.svc.cluster.local.`)
        .sort(),
    );
    expect(srv.extra).toBe(3);
  });

  it("resolves ClusterIP services to their cluster IP and back", () => {
    const svc = state.index.service("idp-system", "idp-server");
    const ip = svc?.spec?.clusterIP;
    expect(ask(zone, "idp-server.idp-system.svc.cluster.local")).toEqual({
      rcode: 0,
      data: [`A ${ip}`],
      extra: 0,
    });
    const rev = `${ip!.split(".").reverse().join(".")}.in-addr.arpa`;
    expect(ask(zone, rev, "PTR").data).toEqual(["PTR idp-server.idp-system.svc.cluster.local."]);
    expect(ask(zone, "_http._tcp.idp-server.idp-system.svc.cluster.local", "SRV").data).toEqual([
      "SRV 0 100 80 idp-server.idp-system.svc.cluster.local.",
    ]);
  });

  it("answers kube-dns and the apex from the system objects", () => {
    expect(ask(zone, "kube-dns.kube-system.svc.cluster.local").data).toEqual([
      `A ${state.config.dnsServiceIP}`,
    ]);
    expect(ask(zone, "ns.dns.cluster.local").data).toEqual([`A ${state.config.dnsServiceIP}`]);
    expect(ask(zone, "kubernetes.default.svc.cluster.local").data).toEqual(["A 10.96.0.1"]);
  });
});

describe("CoreDNS CI manifests (coredns/ci dns-test.yaml)", async () => {
  const { state } = await loadSnapshot(["test/fixtures/reference/coredns-ci/dns-test.yaml"], makeConfig());
  const zone = buildZone(state);
  const cases: { name: string; type?: string; rcode?: number; data: string[] }[] = [
    { name: "svc-1-a.test-1.svc.cluster.local", data: ["A 10.96.0.100"] },
    { name: "bogusservice.test-1.svc.cluster.local", rcode: 3, data: [] },
    { name: "headless-svc.test-1.svc.cluster.local", data: ["A 172.17.0.254", "A 172.17.0.255"] },
    {
      name: "headless-svc.test-1.svc.cluster.local",
      type: "AAAA",
      data: ["AAAA 1234:abcd::1", "AAAA 1234:abcd::2"],
    },
    { name: "headless-svc-1.headless-svc.test-1.svc.cluster.local", data: ["A 172.17.0.255"] },
    {
      name: "_c-port._udp.headless-svc.test-1.svc.cluster.local",
      type: "SRV",
      data: [1, 2, 3, 4].map((i) => `SRV 0 25 1234 headless-svc-${i}.headless-svc.test-1.svc.cluster.local.`),
    },
    {
      name: "_http._tcp.svc-1-a.test-1.svc.cluster.local",
      type: "SRV",
      data: ["SRV 0 100 80 svc-1-a.test-1.svc.cluster.local."],
    },
    {
      name: "_https._tcp.svc-1-a.test-1.svc.cluster.local",
      type: "SRV",
      data: ["SRV 0 100 443 svc-1-a.test-1.svc.cluster.local."],
    },
    {
      name: "_c-port._udp.svc-c.test-2.svc.cluster.local",
      type: "SRV",
      data: ["SRV 0 100 1234 svc-c.test-2.svc.cluster.local."],
    },
    { name: "ext-svc.test-1.svc.cluster.local", data: ["CNAME example.net."] },
    { name: "upriver.test-2.svc.cluster.local", type: "CNAME", data: ["CNAME up.river.local."] },
    { name: "100.0.96.10.in-addr.arpa", type: "PTR", data: ["PTR svc-1-a.test-1.svc.cluster.local."] },
    {
      name: "253.0.17.172.in-addr.arpa",
      type: "PTR",
      data: ["PTR svc-1-a.svc-1-a.test-1.svc.cluster.local."],
    },
    { name: "dns-version.cluster.local", type: "TXT", data: ['TXT "1.1.0"'] },
    { name: "svc-1-a.test-4.svc.cluster.local", data: ["A 10.96.0.200"] },
    { name: "test-5.svc.cluster.local", data: [] },
  ];
  for (const c of cases) {
    it(`${c.name} ${c.type ?? "A"}`, () => {
      const r = ask(zone, c.name, c.type);
      expect(r.rcode).toBe(c.rcode ?? 0);
      expect(r.data).toEqual([...c.data].sort());
    });
  }
  it("a selector-backed headless service resolves to its pod (test-3/headless-1)", () => {
    const ip = state.index.pod("test-3", "test-name")?.status?.podIP;
    expect(ask(zone, "headless-1.test-3.svc.cluster.local").data).toEqual([`A ${ip}`]);
    expect(ask(zone, `${ip!.replaceAll(".", "-")}.headless-1.test-3.svc.cluster.local`).data).toEqual([
      `A ${ip}`,
    ]);
  });
});

describe("scale", () => {
  it("10 000 services / 50 000 pods: every kind of name resolves", () => {
    const zone = buildZone(scaleState(10_000, 5));
    expect(zone.stats).toEqual({ services: 10_000, endpoints: 50_000, pods: 50_000 });
    expect(ask(zone, "svc-1234.ns-34.svc.cluster.local").data).toEqual(["A 10.96.4.210"]);
    expect(ask(zone, "svc-9999.ns-99.svc.cluster.local").data).toHaveLength(5);
    expect(ask(zone, "svc-9999-3.svc-9999.ns-99.svc.cluster.local").data).toEqual(["A 10.128.195.78"]);
    expect(ask(zone, "78.195.128.10.in-addr.arpa", "PTR").data).toEqual([
      "PTR svc-9999-3.svc-9999.ns-99.svc.cluster.local.",
    ]);
    expect(ask(zone, "svc-1234.ns-35.svc.cluster.local").rcode).toBe(3);
  });
});

describe("readiness through the EndpointSlices (publishNotReadyAddresses)", async () => {
  const { state } = await loadSnapshot(["test/dns/not-ready.yaml"], makeConfig());
  const zone = buildZone(state);
  const ips = [0, 1].map((i) => state.index.pod("pnr", `db-${i}`)?.status?.podIP);

  it("a headless service with no ready endpoint is NXDOMAIN, names of its pods too", () => {
    expect(ask(zone, "db.pnr.svc.cluster.local").rcode).toBe(3);
    expect(ask(zone, "db-0.db.pnr.svc.cluster.local").rcode).toBe(3);
  });

  it("publishNotReadyAddresses publishes them", () => {
    expect(ips.every(Boolean)).toBe(true);
    expect(ask(zone, "db-peers.pnr.svc.cluster.local").data).toEqual(ips.map((ip) => `A ${ip}`).sort());
    expect(ask(zone, "_pg._tcp.db-peers.pnr.svc.cluster.local", "SRV").data).toHaveLength(2);
  });
});
