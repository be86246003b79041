/**
 * DNS amplification: a headless Service with 300 endpoints answered a 68-byte
 * SRV query with EDNS 65535 with 26 633 bytes over UDP. UDP answers are now
 * capped at 1232 bytes (TC set above it) whatever the client offers; over TCP
 * the same query gets the full answer. The cap is a server option.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DnsServer, startDnsServer } from "../../src/dns/server.js";
import { buildZone } from "../../src/dns/zone.js";
import { headlessService, makeState, ns, slice } from "../dns/fixtures.js";
import { dnsAsk, dnsAskTcp, encodeQuery } from "./dns-client.js";

const NAME = "_http._tcp.many.big.svc.cluster.local";
let zone: ReturnType<typeof buildZone>;
let server: DnsServer;

beforeAll(async () => {
  const endpoints = Array.from({ length: 300 }, (_, i) => ({
    ip: `10.244.${Math.floor(i / 200)}.${(i % 200) + 1}`,
  }));
  zone = buildZone(
    makeState({
      namespaces: [ns("big")],
      services: [headlessService("big", "many", [{ name: "http", port: 80 }])],
      endpointSlices: [slice("big", "many", endpoints, [{ name: "http", port: 80 }])],
    }),
  );
  server = await startDnsServer({ host: "127.0.0.1", port: 0, getZone: () => zone, upstreams: [] });
});
afterAll(async () => server?.close());

describe("UDP answer size", () => {
  it("an SRV query with EDNS 65535 gets at most 1232 bytes and TC over UDP, the full answer over TCP", async () => {
    const q = encodeQuery(NAME, "SRV", 1, 65535);
    expect(q.length).toBeLessThan(80);
    const udp = await dnsAsk("127.0.0.1", server.udpAddress.port, NAME, "SRV", { edns: 65535 });
    expect(udp.ok && udp.bytes).toBeLessThanOrEqual(1232);
    expect(udp.ok && udp.truncated).toBe(true);
    const tcp = await dnsAskTcp("127.0.0.1", server.tcpAddress.port, NAME, "SRV");
    expect(tcp.ok && tcp.truncated).toBe(false);
    expect(tcp.ok && tcp.answers).toBe(300);
    expect(tcp.ok && tcp.bytes).toBeGreaterThan(10_000);
  });

  it("the cap is configurable", async () => {
    const wide = await startDnsServer({
      host: "127.0.0.1",
      port: 0,
      getZone: () => zone,
      upstreams: [],
      maxUdpAnswerSize: 4096,
    });
    try {
      const r = await dnsAsk("127.0.0.1", wide.udpAddress.port, NAME, "SRV", { edns: 65535 });
      expect(r.ok && r.bytes).toBeGreaterThan(1232);
      expect(r.ok && r.bytes).toBeLessThanOrEqual(4096);
      expect(r.ok && r.truncated).toBe(true);
    } finally {
      await wide.close();
    }
  });
});
