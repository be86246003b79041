/**
 * The server's answer cache (encoded answers keyed by a query's exact bytes
 * after the ID): a repeat of a query must get the current zone's answer, its
 * own ID and case, over the transport it came by, and count in the metrics
 * exactly like an answer computed afresh. Raw UDP/TCP on 127.0.0.1 only.
 */
import dgram from "node:dgram";
import net from "node:net";
import * as packet from "dns-packet";
import { afterEach, describe, expect, it } from "vitest";
import { type DnsServer, startDnsServer } from "../../src/dns/server.js";
import { buildZone, type Zone } from "../../src/dns/zone.js";
import { corednsLikeState } from "./fixtures.js";

let server: DnsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function query(id: number, name: string, type: packet.RecordType = "A", edns = false): Buffer {
  return packet.encode({
    type: "query",
    id,
    flags: packet.RECURSION_DESIRED,
    questions: [{ name, type, class: "IN" }],
    ...(edns
      ? { additionals: [{ type: "OPT", name: ".", udpPayloadSize: 1232, flags: 0 } as packet.Answer] }
      : {}),
  });
}

const RCODES = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"];

function udp(port: number, msg: Buffer): Promise<packet.Packet & { raw: Buffer; rcode: string | undefined }> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket("udp4");
    const timer = setTimeout(() => {
      s.close();
      reject(new Error("no answer"));
    }, 2000);
    s.on("message", (m) => {
      clearTimeout(timer);
      s.close();
      resolve({ ...packet.decode(m), raw: m, rcode: RCODES[m[3]! & 0xf] });
    });
    s.send(msg, port, "127.0.0.1");
  });
}

function tcp(port: number, msg: Buffer): Promise<packet.Packet> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, "127.0.0.1");
    let buf = Buffer.alloc(0);
    sock.on("data", (c) => {
      buf = Buffer.concat([buf, c]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        sock.destroy();
        resolve(packet.decode(buf.subarray(2, 2 + buf.readUInt16BE(0))));
      }
    });
    sock.on("error", reject);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(msg.length, 0);
    sock.write(Buffer.concat([len, msg]));
  });
}

const firstA = (p: packet.Packet) => {
  const a = p.answers?.[0] as packet.StringAnswer | undefined;
  return a && { name: a.name, ttl: a.ttl, data: a.data };
};

describe("answer cache", () => {
  it("answers a repeated query from the zone current at that moment (cleared on every swap)", async () => {
    const a = buildZone(corednsLikeState()); // TTL 5
    const b = buildZone(corednsLikeState({ dnsTTL: 7 }));
    let current: Zone | undefined = a;
    server = await startDnsServer({ host: "127.0.0.1", port: 0, getZone: () => current, upstreams: [] });
    const port = server.udpAddress.port;
    const q = query(4242, "svc1.testns.svc.cluster.local");
    const ttl = async () => firstA(await udp(port, q))?.ttl;
    // The same bytes each time: from the second on, every one is a cache hit.
    expect([await ttl(), await ttl(), await ttl()]).toEqual([5, 5, 5]);
    current = b;
    expect([await ttl(), await ttl()]).toEqual([7, 7]);
    current = a;
    expect(await ttl()).toBe(5);
    current = undefined; // unloaded: SERVFAIL, never a remembered answer
    expect((await udp(port, q)).rcode).toBe("SERVFAIL");
    current = b;
    expect(await ttl()).toBe(7);
    // A swap also reaches the TCP answers and the answers remembered by question (other IDs).
    expect(firstA(await tcp(port, q))?.ttl).toBe(7);
    current = a;
    expect(firstA(await tcp(port, q))?.ttl).toBe(5);
    expect(firstA(await udp(port, query(7, "svc1.testns.svc.cluster.local")))?.ttl).toBe(5);
  });

  it("a name gone from the new zone is NXDOMAIN at once, however often it was asked", async () => {
    const full = buildZone(corednsLikeState());
    const empty = buildZone({ ...corednsLikeState(), services: [], endpointSlices: [] });
    let current = full;
    server = await startDnsServer({ host: "127.0.0.1", port: 0, getZone: () => current, upstreams: [] });
    const q = query(1, "svc1.testns.svc.cluster.local");
    for (let i = 0; i < 3; i++) expect((await udp(server.udpAddress.port, q)).rcode).toBe("NOERROR");
    current = empty;
    expect((await udp(server.udpAddress.port, q)).rcode).toBe("NXDOMAIN");
  });

  it("gives each hit its own ID and echoes the query's exact case", async () => {
    const zone = buildZone(corednsLikeState());
    server = await startDnsServer({ host: "127.0.0.1", port: 0, getZone: () => zone, upstreams: [] });
    const port = server.udpAddress.port;
    for (const [id, name] of [
      [1, "svc1.testns.svc.cluster.local"],
      [2, "svc1.testns.svc.cluster.local"],
      [3, "SVC1.TestNS.svc.Cluster.Local"],
      [4, "svc1.testns.svc.cluster.local"],
      [5, "SVC1.TestNS.svc.Cluster.Local"],
      [6, "Svc1.testns.SVC.cluster.local"],
    ] as const) {
      const r = await udp(port, query(id, name));
      expect(r.id).toBe(id);
      // dns-packet lower-cases nothing: read the echoed question straight from the bytes too.
      expect(r.questions?.[0]?.name).toBe(name);
      expect(r.raw.toString("latin1")).toContain(name.split(".")[0]);
      expect(firstA(r)).toEqual({ name, ttl: 5, data: "10.0.0.1" });
    }
  });

  it("keeps EDNS and plain queries apart (OPT only when asked)", async () => {
    const zone = buildZone(corednsLikeState());
    server = await startDnsServer({ host: "127.0.0.1", port: 0, getZone: () => zone, upstreams: [] });
    const port = server.udpAddress.port;
    for (let i = 0; i < 2; i++) {
      const plain = await udp(port, query(10 + i, "svc1.testns.svc.cluster.local"));
      const edns = await udp(port, query(20 + i, "svc1.testns.svc.cluster.local", "A", true));
      expect(plain.additionals ?? []).toHaveLength(0);
      expect(edns.additionals?.map((r) => r.type)).toEqual(["OPT"]);
    }
  });

  it("counts every cached answer in the request, response and duration metrics", async () => {
    const zone = buildZone(corednsLikeState());
    server = await startDnsServer({ host: "127.0.0.1", port: 0, getZone: () => zone, upstreams: [] });
    const port = server.udpAddress.port;
    const q = query(9, "svc1.testns.svc.cluster.local");
    const nx = query(9, "nope.testns.svc.cluster.local");
    for (let i = 0; i < 5; i++) await udp(port, q);
    for (let i = 0; i < 3; i++) await udp(port, nx);
    for (let i = 0; i < 2; i++) await tcp(port, q);
    const m = server.metrics();
    const value = (re: RegExp) => Number(m.match(re)?.[1]);
    expect(value(/coredns_dns_requests_total\{[^}]*proto="udp",family="1",type="A"\} (\d+)/)).toBe(8);
    expect(value(/coredns_dns_requests_total\{[^}]*proto="tcp",family="1",type="A"\} (\d+)/)).toBe(2);
    expect(value(/coredns_dns_responses_total\{[^}]*rcode="NOERROR",plugin="kubernetes"\} (\d+)/)).toBe(7);
    expect(value(/coredns_dns_responses_total\{[^}]*rcode="NXDOMAIN",plugin="kubernetes"\} (\d+)/)).toBe(3);
    expect(value(/coredns_dns_request_duration_seconds_count\{[^}]*type="A"\} (\d+)/)).toBe(10);
    expect(value(/coredns_dns_request_duration_seconds_bucket\{[^}]*type="A",le="\+Inf"\} (\d+)/)).toBe(10);
  });
});
