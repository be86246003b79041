/**
 * The forwarder against a fake upstream on 127.0.0.6: ID rewriting, failover
 * past a dead upstream, TCP, and a cache whose TTLs count down (fake clock),
 * cap at 30 s and expire.
 */
import * as packet from "dns-packet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildQuery, Forwarder, parseUpstream } from "../../src/dns/forwarder.js";
import { parseResolvConfNameservers } from "../../src/dns/host-resolv.js";
import { type FakeUpstream, startFakeUpstream } from "./fake-upstream.js";

let up: FakeUpstream;
beforeAll(async () => {
  up = await startFakeUpstream(
    "127.0.0.6",
    { "a.example.test": "192.0.2.1", "b.example.test": "192.0.2.2" },
    { ttl: 20 },
  );
});
afterAll(async () => up?.close());

const answers = (m: Buffer) =>
  (packet.decode(m).answers ?? []).map((a) => [(a as { data: string }).data, (a as { ttl?: number }).ttl]);

describe("Forwarder", () => {
  it("parses upstream addresses", () => {
    expect(parseUpstream("10.0.0.2")).toMatchObject({ host: "10.0.0.2", port: 53, label: "10.0.0.2:53" });
    expect(parseUpstream("127.0.0.1:5300")).toMatchObject({ port: 5300 });
    expect(parseUpstream("[fd00::1]:53")).toMatchObject({ host: "fd00::1", family: 6 });
    expect(parseUpstream("fd00::1")).toMatchObject({ host: "fd00::1", port: 53 });
    expect(parseUpstream("example.com")).toBeUndefined();
    expect(
      parseResolvConfNameservers(
        "# c\nnameserver 10.0.0.2\nnameserver fe80::1%eth0\nnameserver bogus\nsearch x\n",
      ),
    ).toEqual(["10.0.0.2", "fe80::1"]);
  });

  it("keeps the client's ID, fails over past a dead upstream, works over TCP", async () => {
    const f = new Forwarder({ upstreams: ["127.0.0.7:9", up.address], timeoutMs: 300, cacheSize: 0 });
    try {
      const q = buildQuery("a.example.test", 1, 4321);
      const r = await f.forward(q, "udp");
      expect(r.kind).toBe("response");
      if (r.kind !== "response") return;
      expect(r.message.readUInt16BE(0)).toBe(4321);
      expect(answers(r.message)).toEqual([["192.0.2.1", 20]]);
      const t = await f.forward(buildQuery("b.example.test", 1, 77), "tcp");
      expect(t.kind === "response" && answers(t.message)).toEqual([["192.0.2.2", 20]]);
      expect(up.queries.at(-1)).toMatchObject({ name: "b.example.test", proto: "tcp" });
    } finally {
      f.close();
    }
  });

  it("caches: TTLs count down, then the entry expires", async () => {
    let now = 1_000_000;
    const f = new Forwarder({ upstreams: [up.address], now: () => now });
    try {
      const asked = () => up.queries.filter((q) => q.name === "a.example.test" && q.proto === "udp").length;
      const before = asked();
      await f.forward(buildQuery("a.example.test", 1, 1), "udp");
      now += 7_000;
      const hit = await f.forward(buildQuery("a.example.test", 1, 2), "udp");
      expect(hit).toMatchObject({ kind: "response", cached: true });
      if (hit.kind === "response") {
        expect(hit.message.readUInt16BE(0)).toBe(2);
        expect(answers(hit.message)).toEqual([["192.0.2.1", 13]]);
      }
      expect(asked()).toBe(before + 1);
      now += 14_000;
      const miss = await f.forward(buildQuery("a.example.test", 1, 3), "udp");
      expect(miss).toMatchObject({ kind: "response", cached: false });
      expect(asked()).toBe(before + 2);
      // NXDOMAIN without a SOA has no negative TTL: not cached.
      await f.forward(buildQuery("nx.example.test", 1, 4), "udp");
      await f.forward(buildQuery("nx.example.test", 1, 5), "udp");
      expect(up.queries.filter((q) => q.name === "nx.example.test")).toHaveLength(2);
    } finally {
      f.close();
    }
  });

  it("caps cached TTLs at maxTtl", async () => {
    const f = new Forwarder({ upstreams: [up.address], maxTtl: 10 });
    try {
      await f.forward(buildQuery("b.example.test", 1, 1), "udp");
      const hit = await f.forward(buildQuery("b.example.test", 1, 2), "udp");
      expect(hit.kind === "response" && hit.cached && answers(hit.message)[0]?.[1]).toBeLessThanOrEqual(10);
    } finally {
      f.close();
    }
  });
});
