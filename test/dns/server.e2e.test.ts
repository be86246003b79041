/**
 * The DNS server end to end over real sockets on 127.0.0.1 (port 0), queried
 * by real clients: Node's dns.Resolver (c-ares, UDP) and dig (UDP and TCP).
 * Forwarding goes to a fake upstream on 127.0.0.2 — never anywhere else.
 */
import dgram from "node:dgram";
import { Resolver } from "node:dns/promises";
import net from "node:net";
import * as packet from "dns-packet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeConfig } from "../../src/cluster/config.js";
import { type DnsServer, startDnsServer } from "../../src/dns/server.js";
import { buildZone, type Zone } from "../../src/dns/zone.js";
import { loadSnapshot } from "../../src/snapshot/load.js";
import { dig, requireDig } from "./dig.js";
import { type FakeUpstream, startFakeUpstream } from "./fake-upstream.js";
import { corednsLikeState, headlessService, makeState, ns, slice } from "./fixtures.js";

let upstream: FakeUpstream;
let server: DnsServer;
let zone: Zone | undefined;
let resolver: Resolver;

beforeAll(async () => {
  await requireDig();
  upstream = await startFakeUpstream("127.0.0.2", {
    "example.test": "192.0.2.53",
    "ext.interwebs.test": "192.0.2.80",
  });
  zone = buildZone(corednsLikeState());
  server = await startDnsServer({
    host: "127.0.0.1",
    port: 0,
    getZone: () => zone,
    upstreams: [upstream.address],
  });
  resolver = new Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([server.address]);
});

afterAll(async () => {
  await server?.close();
  await upstream?.close();
});

function udpQuery(port: number, msg: Buffer, timeoutMs = 2000): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const s = dgram.createSocket("udp4");
    const timer = setTimeout(() => {
      s.close();
      resolve(undefined);
    }, timeoutMs);
    s.on("message", (m) => {
      clearTimeout(timer);
      s.close();
      resolve(m);
    });
    s.send(msg, port, "127.0.0.1");
  });
}

describe("Node's dns.Resolver over UDP", () => {
  it("resolves A, AAAA, SRV, TXT and PTR", async () => {
    expect(await resolver.resolve4("svc1.testns.svc.cluster.local")).toEqual(["10.0.0.1"]);
    expect(await resolver.resolve6("svc6.testns.svc.cluster.local")).toEqual(["1234:abcd::1"]);
    expect((await resolver.resolve4("hdls1.testns.svc.cluster.local")).sort()).toEqual([
      "172.0.0.2",
      "172.0.0.3",
      "172.0.0.4",
      "172.0.0.5",
    ]);
    expect(await resolver.resolveSrv("_http._tcp.svc1.testns.svc.cluster.local")).toEqual([
      { name: "svc1.testns.svc.cluster.local", port: 80, priority: 0, weight: 100 },
    ]);
    expect(await resolver.resolveTxt("dns-version.cluster.local")).toEqual([["1.1.0"]]);
    expect(await resolver.reverse("10.0.0.1")).toEqual(["svc1.testns.svc.cluster.local"]);
  });

  it("tells NXDOMAIN (ENOTFOUND) from NODATA (ENODATA)", async () => {
    await expect(resolver.resolve4("nope.testns.svc.cluster.local")).rejects.toMatchObject({
      code: "ENOTFOUND",
    });
    await expect(resolver.resolve6("svc1.testns.svc.cluster.local")).rejects.toMatchObject({
      code: "ENODATA",
    });
    await expect(resolver.resolve4("testns.svc.cluster.local")).rejects.toMatchObject({ code: "ENODATA" });
  });

  it("forwards out-of-zone names and chases ExternalName targets upstream", async () => {
    expect(await resolver.resolve4("example.test")).toEqual(["192.0.2.53"]);
    expect(await resolver.resolve4("external.testns.svc.cluster.local")).toEqual(["192.0.2.80"]);
    await expect(resolver.resolve4("missing.example.test")).rejects.toMatchObject({ code: "ENOTFOUND" });
    expect(upstream.queries.map((q) => q.name)).toEqual(
      expect.arrayContaining(["example.test", "ext.interwebs.test"]),
    );
    expect(upstream.queries.some((q) => q.name.includes("cluster.local"))).toBe(false);
  });

  it("serves repeated forwarded queries from the cache", async () => {
    const before = upstream.queries.filter((q) => q.name === "example.test").length;
    for (let i = 0; i < 3; i++) expect(await resolver.resolve4("example.test")).toEqual(["192.0.2.53"]);
    expect(upstream.queries.filter((q) => q.name === "example.test").length).toBe(before);
    const ttl = await resolver.resolve4("example.test", { ttl: true });
    expect(ttl[0]!.ttl).toBeLessThanOrEqual(30); // kubeadm's `cache 30` caps upstream TTLs
    expect(server.metrics()).toMatch(/coredns_cache_hits_total\{[^}]*type="success"[^}]*\} [1-9]/);
  });
});

describe("dig over UDP and TCP", () => {
  for (const tcp of [false, true]) {
    const flags = tcp ? ["+tcp"] : [];
    const proto = tcp ? "TCP" : "UDP";
    it(`${proto}: A with aa set, case echoed`, async () => {
      const r = await dig(server.udpAddress.port, "SVC1.TestNS.svc.cluster.local", "A", flags);
      expect(r.status).toBe("NOERROR");
      expect(r.flags).toEqual(expect.arrayContaining(["qr", "aa", "rd"]));
      expect(r.flags).not.toContain("ra");
      expect(r.answers).toEqual(["SVC1.TestNS.svc.cluster.local. 5 IN A 10.0.0.1"]);
      expect(r.raw).toContain(`(${proto})`);
    });
    it(`${proto}: SRV with additional records`, async () => {
      const r = await dig(server.udpAddress.port, "_http._tcp.hdls1.testns.svc.cluster.local", "SRV", flags);
      expect(r.answers).toHaveLength(3);
      expect(r.additional.filter((l) => l.includes(" IN A "))).toHaveLength(4);
    });
    it(`${proto}: NXDOMAIN with the SOA in authority`, async () => {
      const r = await dig(server.udpAddress.port, "nope.testns.svc.cluster.local", "A", flags);
      expect(r.status).toBe("NXDOMAIN");
      expect(r.authority).toEqual([
        `cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. ${zone!.serial} 7200 1800 86400 5`,
      ]);
    });
  }

  it("REFUSED for AXFR, BADVERS for EDNS version 1", async () => {
    expect((await dig(server.udpAddress.port, "cluster.local", "AXFR", ["+tcp"])).raw).toMatch(
      /Transfer failed|REFUSED/,
    );
    expect(
      (
        await dig(server.udpAddress.port, "svc1.testns.svc.cluster.local", "A", [
          "+edns=1",
          "+noednsnegotiation",
        ])
      ).status,
    ).toBe("BADVERS");
  });
});

describe("truncation", () => {
  let big: DnsServer;
  beforeAll(async () => {
    const endpoints = Array.from({ length: 100 }, (_, i) => ({ ip: `10.244.${i >> 8}.${(i & 255) + 1}` }));
    const state = makeState({
      namespaces: [ns("big")],
      services: [headlessService("big", "many", [{ name: "http", port: 80 }])],
      endpointSlices: [slice("big", "many", endpoints, [{ name: "http", port: 80 }])],
    });
    const z = buildZone(state);
    big = await startDnsServer({ host: "127.0.0.1", port: 0, getZone: () => z, upstreams: [] });
  });
  afterAll(async () => big?.close());

  it("sets TC over UDP without EDNS (512 bytes), answers in full over TCP", async () => {
    const udp = await dig(big.udpAddress.port, "many.big.svc.cluster.local", "A", ["+noedns", "+ignore"]);
    expect(udp.flags).toContain("tc");
    expect(udp.answers.length).toBeLessThan(100);
    const tcp = await dig(big.udpAddress.port, "many.big.svc.cluster.local", "A", ["+tcp"]);
    expect(tcp.flags).not.toContain("tc");
    expect(tcp.answers).toHaveLength(100);
  });

  it("dig retries over TCP by itself after TC", async () => {
    const r = await dig(big.udpAddress.port, "many.big.svc.cluster.local", "A", ["+noedns"]);
    expect(r.answers).toHaveLength(100);
    expect(r.raw).toContain("(TCP)");
  });

  it("fits more into a larger EDNS0 buffer, up to the server's UDP cap (1232 bytes by default)", async () => {
    const small = await dig(big.udpAddress.port, "many.big.svc.cluster.local", "A", [
      "+bufsize=1232",
      "+ignore",
    ]);
    const r = await dig(big.udpAddress.port, "many.big.svc.cluster.local", "A", ["+bufsize=4096", "+ignore"]);
    expect(r.flags).toContain("tc");
    expect(r.answers.length).toBe(small.answers.length);
    const noEdns = await dig(big.udpAddress.port, "many.big.svc.cluster.local", "A", ["+noedns", "+ignore"]);
    expect(r.answers.length).toBeGreaterThan(noEdns.answers.length);
  });

  it("a server configured for larger UDP answers sends them", async () => {
    const endpoints = Array.from({ length: 100 }, (_, i) => ({ ip: `10.244.${i >> 8}.${(i & 255) + 1}` }));
    const z = buildZone(
      makeState({
        namespaces: [ns("big")],
        services: [headlessService("big", "many", [{ name: "http", port: 80 }])],
        endpointSlices: [slice("big", "many", endpoints, [{ name: "http", port: 80 }])],
      }),
    );
    const wide = await startDnsServer({
      host: "127.0.0.1",
      port: 0,
      getZone: () => z,
      upstreams: [],
      maxUdpAnswerSize: 4096,
    });
    try {
      const r = await dig(wide.udpAddress.port, "many.big.svc.cluster.local", "A", [
        "+bufsize=4096",
        "+ignore",
      ]);
      expect(r.flags).not.toContain("tc");
      expect(r.answers).toHaveLength(100);
    } finally {
      await wide.close();
    }
  });
});

describe("the wire, raw", () => {
  it("answers pipelined TCP queries on one connection", async () => {
    const names = [
      "svc1.testns.svc.cluster.local",
      "nope.testns.svc.cluster.local",
      "svc6.testns.svc.cluster.local",
      "example.test",
    ];
    const frames = names.map((name, i) => {
      const m = packet.encode({
        type: "query",
        id: 100 + i,
        flags: packet.RECURSION_DESIRED,
        questions: [{ name, type: "A" }],
      });
      return Buffer.concat([Buffer.from([m.length >> 8, m.length & 255]), m]);
    });
    const replies = await new Promise<packet.DecodedPacket[]>((resolve, reject) => {
      const sock = net.connect(server.tcpAddress.port, "127.0.0.1");
      let buf = Buffer.alloc(0);
      const out: packet.DecodedPacket[] = [];
      sock.on("connect", () => sock.write(Buffer.concat(frames)));
      sock.on("data", (c) => {
        buf = Buffer.concat([buf, c]);
        while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          out.push(packet.decode(buf.subarray(2, 2 + buf.readUInt16BE(0))));
          buf = buf.subarray(2 + buf.readUInt16BE(0));
        }
        if (out.length === names.length) {
          sock.end();
          resolve(out);
        }
      });
      sock.on("error", reject);
    });
    const byId = new Map(replies.map((r) => [r.id, r]));
    expect(byId.get(100)?.answers?.[0]).toMatchObject({ type: "A", data: "10.0.0.1" });
    expect((byId.get(101) as { rcode?: string } | undefined)?.rcode).toBe("NXDOMAIN");
    expect((byId.get(102) as { rcode?: string } | undefined)?.rcode).toBe("NOERROR");
    expect(byId.get(103)?.answers?.[0]).toMatchObject({ data: "192.0.2.53" });
  });

  it("FORMERR for two questions, NOTIMP for UPDATE, silence for responses and runts", async () => {
    const two = packet.encode({
      type: "query",
      id: 9,
      questions: [
        { name: "a.cluster.local", type: "A" },
        { name: "b.cluster.local", type: "A" },
      ],
    });
    const r1 = await udpQuery(server.udpAddress.port, two);
    expect(r1 && packet.decode(r1)).toMatchObject({ id: 9, rcode: "FORMERR", type: "response" });
    const update = packet.encode({
      type: "query",
      id: 10,
      questions: [{ name: "cluster.local", type: "SOA" }],
    });
    update[2] = (update[2]! & 0x87) | (5 << 3);
    const r2 = await udpQuery(server.udpAddress.port, update);
    expect(r2 && packet.decode(r2)).toMatchObject({ id: 10, rcode: "NOTIMP", opcode: "UPDATE" });
    const response = packet.encode({
      type: "response",
      id: 11,
      questions: [{ name: "cluster.local", type: "A" }],
    });
    expect(await udpQuery(server.udpAddress.port, response, 300)).toBeUndefined();
    expect(await udpQuery(server.udpAddress.port, Buffer.from([1, 2, 3]), 300)).toBeUndefined();
  });

  it("SERVFAIL before a zone is loaded, answers once it is", async () => {
    let current: Zone | undefined;
    const s = await startDnsServer({ host: "127.0.0.1", port: 0, getZone: () => current, upstreams: [] });
    try {
      expect((await dig(s.udpAddress.port, "svc1.testns.svc.cluster.local")).status).toBe("SERVFAIL");
      current = zone;
      expect((await dig(s.udpAddress.port, "svc1.testns.svc.cluster.local")).answers).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  it("never shows a name missing while zones are swapped under load", async () => {
    const a = buildZone(corednsLikeState());
    const b = buildZone(corednsLikeState({ dnsTTL: 7 }));
    let current = a;
    const s = await startDnsServer({ host: "127.0.0.1", port: 0, getZone: () => current, upstreams: [] });
    const flip = setInterval(() => {
      current = current === a ? b : a;
    }, 1);
    try {
      const r = new Resolver({ timeout: 2000, tries: 2 });
      r.setServers([s.address]);
      const results = await Promise.all(
        Array.from({ length: 300 }, () => r.resolve4("svc1.testns.svc.cluster.local", { ttl: true })),
      );
      expect(results.every((x) => x.length === 1 && x[0]!.address === "10.0.0.1")).toBe(true);
      const ttls = new Set(results.map((x) => x[0]!.ttl));
      expect([...ttls].every((t) => t === 5 || t === 7)).toBe(true);
    } finally {
      clearInterval(flip);
      await s.close();
    }
  });

  it("refuses forwards over the concurrency cap and fails slow upstreams with SERVFAIL", async () => {
    const silent = await startFakeUpstream("127.0.0.3", {}, { silent: true });
    const s = await startDnsServer({
      host: "127.0.0.1",
      port: 0,
      getZone: () => zone,
      upstreams: [silent.address],
      maxConcurrentForwards: 1,
      forwardTimeoutMs: 400,
    });
    try {
      const [first, second] = await Promise.all([
        dig(s.udpAddress.port, "slow-1.example.test"),
        new Promise((r) => setTimeout(r, 100)).then(() => dig(s.udpAddress.port, "slow-2.example.test")),
      ]);
      expect(first.status).toBe("SERVFAIL");
      expect(second.status).toBe("REFUSED");
      expect(s.metrics()).toMatch(/coredns_forward_max_concurrent_rejects_total\{\} 1/);
    } finally {
      await s.close();
      await silent.close();
    }
  });

  it("exposes CoreDNS-named metrics", async () => {
    const m = server.metrics();
    expect(m).toMatch(
      /coredns_dns_requests_total\{server="dns:\/\/127\.0\.0\.1:\d+",zone="\.",view="",proto="udp",family="1",type="A"\} \d+/,
    );
    expect(m).toMatch(/coredns_dns_requests_total\{[^}]*proto="tcp"[^}]*type="SRV"\} \d+/);
    expect(m).toMatch(/coredns_dns_responses_total\{[^}]*rcode="NXDOMAIN",plugin="kubernetes"\} \d+/);
    expect(m).toMatch(/coredns_dns_responses_total\{[^}]*rcode="NOERROR",plugin="forward"\} \d+/);
    expect(m).toMatch(/coredns_dns_request_duration_seconds_bucket\{[^}]*type="A",le="\+Inf"\} \d+/);
    expect(m).toMatch(/coredns_cache_misses_total\{[^}]*\} [1-9]/);
  });
});

describe("the idp-system example", () => {
  it("dig finds postgres-0 through the headless service, over UDP and TCP", async () => {
    const { state } = await loadSnapshot(["examples/idp-system"], makeConfig());
    const z = buildZone(state);
    const s = await startDnsServer({ host: "127.0.0.1", port: 0, getZone: () => z, upstreams: [] });
    try {
      const ip = state.index.pod("idp-system", "postgres-0")?.status?.podIP;
      for (const extra of [[], ["+tcp"]]) {
        const r = await dig(
          s.udpAddress.port,
          "postgres-0.postgres-headless.idp-system.svc.cluster.local",
          "A",
          extra,
        );
        expect(r.status).toBe("NOERROR");
        expect(r.answers).toEqual([
          `postgres-0.postgres-headless.idp-system.svc.cluster.local. 5 IN A ${ip}`,
        ]);
      }
    } finally {
      await s.close();
    }
  });
});
