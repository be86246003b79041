/**
 * The wire codec: decoding the queries real clients send (dns-packet builds
 * them here), the accept rules (FORMERR, NOTIMP, drop), and responses that
 * an independent decoder (dns-packet) reads back identically — with name
 * compression, EDNS0 and TC truncation. Property tests: any record set
 * round-trips; no byte string makes the decoder throw.
 */
import * as packet from "dns-packet";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ResourceRecord } from "./records.js";
import { decodeQuery, encodeError, encodeResponse } from "./wire.js";

/** dns-packet's types lack OPT records and the decoded rcode; these two helpers bridge that. */
function opt(udpPayloadSize: number, flags = 0): packet.Answer {
  return { type: "OPT", name: ".", udpPayloadSize, flags } as unknown as packet.Answer;
}
const rcodeOf = (p: packet.DecodedPacket) => (p as { rcode?: string }).rcode;

function query(name: string, type: packet.RecordType = "A", extra: Partial<packet.Packet> = {}): Buffer {
  return packet.encode({
    type: "query",
    id: 4242,
    flags: packet.RECURSION_DESIRED,
    questions: [{ name, type }],
    ...extra,
  });
}

function respond(
  q: Buffer,
  answers: ResourceRecord[],
  maxSize = 512,
  more: { authority?: ResourceRecord[]; additional?: ResourceRecord[] } = {},
) {
  const d = decodeQuery(q);
  if (d.kind !== "query") throw new Error(`not a query: ${d.kind}`);
  return encodeResponse({
    id: d.id,
    opcode: d.opcode,
    rd: d.rd,
    cd: d.cd,
    rcode: 0,
    authoritative: true,
    query: q,
    questionEnd: d.questionEnd,
    questionName: d.name,
    answers,
    ...more,
    ...(d.edns ? { edns: d.edns } : {}),
    maxSize,
  });
}

describe("decodeQuery", () => {
  const cases: { desc: string; msg: () => Buffer; expect: Record<string, unknown> }[] = [
    {
      desc: "plain query, case kept",
      msg: () => query("Svc1.TestNS.svc.cluster.local"),
      expect: { kind: "query", id: 4242, name: "Svc1.TestNS.svc.cluster.local", type: 1, rd: true },
    },
    {
      desc: "EDNS0 OPT with DO",
      msg: () => query("a.b", "AAAA", { additionals: [opt(1232, packet.DNSSEC_OK)] }),
      expect: { kind: "query", type: 28, edns: { udpSize: 1232, version: 0, dnssecOk: true } },
    },
    { desc: "root name", msg: () => query("."), expect: { kind: "query", name: "" } },
    { desc: "shorter than a header", msg: () => Buffer.from([1, 2, 3]), expect: { kind: "drop" } },
    {
      desc: "a response is dropped",
      msg: () => packet.encode({ type: "response", id: 1, questions: [{ name: "x", type: "A" }] }),
      expect: { kind: "drop" },
    },
    {
      desc: "two questions: FORMERR",
      msg: () =>
        packet.encode({
          type: "query",
          id: 7,
          questions: [
            { name: "a", type: "A" },
            { name: "b", type: "A" },
          ],
        }),
      expect: { kind: "reject", rcode: 1, id: 7 },
    },
    {
      desc: "no question: FORMERR",
      msg: () => packet.encode({ type: "query", id: 8, questions: [] }),
      expect: { kind: "reject", rcode: 1 },
    },
    {
      desc: "UPDATE opcode: NOTIMP",
      msg: () => {
        const b = query("a.b");
        b[2] = (b[2]! & 0x87) | (5 << 3);
        return b;
      },
      expect: { kind: "reject", rcode: 4, opcode: 5 },
    },
    {
      desc: "truncated question: FORMERR",
      msg: () => query("svc1.testns.svc.cluster.local").subarray(0, 20),
      expect: { kind: "reject", rcode: 1 },
    },
    {
      desc: "compression pointer in the question: FORMERR",
      msg: () => Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]),
      expect: { kind: "reject", rcode: 1 },
    },
    {
      desc: "label with a dot and a space is escaped",
      msg: () => Buffer.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 0x61, 0x2e, 0x20, 0, 0, 1, 0, 1]),
      expect: { kind: "query", name: "a\\.\\032" },
    },
    {
      desc: "OPT in the answer section: FORMERR",
      msg: () => {
        const q = query("a.b", "A", { additionals: [opt(1232)] });
        q.writeUInt16BE(1, 6);
        q.writeUInt16BE(0, 10);
        return q;
      },
      expect: { kind: "reject", rcode: 1 },
    },
  ];
  for (const c of cases) {
    it(c.desc, () => {
      expect(decodeQuery(c.msg())).toMatchObject(c.expect);
    });
  }

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const d = decodeQuery(Buffer.from(bytes));
        expect(["query", "reject", "drop"]).toContain(d.kind);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("encodeResponse", () => {
  it("echoes the question verbatim and answers that dns-packet decodes", () => {
    const q = query("SVC1.testns.svc.Cluster.Local");
    const out = respond(q, [
      { name: "SVC1.testns.svc.Cluster.Local", type: "A", ttl: 5, data: "10.0.0.1" },
      { name: "SVC1.testns.svc.Cluster.Local", type: "AAAA", ttl: 5, data: "fd00::1" },
    ]);
    const p = packet.decode(out);
    expect(p.id).toBe(4242);
    expect(p.type).toBe("response");
    expect(p.flags! & 0x0400).toBeTruthy(); // AA
    expect(p.flags! & 0x0100).toBeTruthy(); // RD echoed
    expect(p.flags! & 0x0080).toBe(0); // no RA
    expect(p.questions?.[0]?.name).toBe("SVC1.testns.svc.Cluster.Local");
    expect(p.answers?.map((a) => [a.name, a.type, (a as { data: unknown }).data])).toEqual([
      ["SVC1.testns.svc.Cluster.Local", "A", "10.0.0.1"],
      ["SVC1.testns.svc.Cluster.Local", "AAAA", "fd00::1"],
    ]);
  });

  it("compresses names: smaller than dns-packet's uncompressed encoding", () => {
    const q = query("_http._tcp.hdls1.testns.svc.cluster.local", "SRV");
    const targets = [1, 2, 3, 4].map((i) => `172-0-0-${i}.hdls1.testns.svc.cluster.local`);
    const answers: ResourceRecord[] = targets.map((t) => ({
      name: "_http._tcp.hdls1.testns.svc.cluster.local",
      type: "SRV",
      ttl: 5,
      data: { priority: 0, weight: 25, port: 80, target: t },
    }));
    const additional: ResourceRecord[] = targets.map((t, i) => ({
      name: t,
      type: "A",
      ttl: 5,
      data: `172.0.0.${i + 1}`,
    }));
    const ours = respond(q, answers, 4096, { additional });
    const theirs = packet.encode({
      type: "response",
      id: 4242,
      questions: [{ name: "_http._tcp.hdls1.testns.svc.cluster.local", type: "SRV" }],
      answers: answers.map((a) => ({
        name: a.name,
        type: "SRV",
        ttl: 5,
        data: a.data as packet.SrvAnswer["data"],
      })),
      additionals: additional.map((a) => ({ name: a.name, type: "A", ttl: 5, data: a.data as string })),
    });
    expect(ours.length).toBeLessThan(theirs.length * 0.7);
    const p = packet.decode(ours);
    expect(p.answers?.map((a) => (a as packet.SrvAnswer).data.target)).toEqual(targets);
    expect(p.additionals?.map((a) => a.name)).toEqual(targets);
  });

  it("encodes SOA, TXT, NS, PTR, MX, CNAME", () => {
    const q = query("cluster.local", "SOA");
    const rrs: ResourceRecord[] = [
      {
        name: "cluster.local",
        type: "SOA",
        ttl: 5,
        data: {
          mname: "ns.dns.cluster.local",
          rname: "hostmaster.cluster.local",
          serial: 3,
          refresh: 7200,
          retry: 1800,
          expire: 86400,
          minimum: 5,
        },
      },
      { name: "dns-version.cluster.local", type: "TXT", ttl: 28800, data: ["1.1.0"] },
      { name: "cluster.local", type: "NS", ttl: 5, data: "ns.dns.cluster.local" },
      { name: "1.0.96.10.in-addr.arpa", type: "PTR", ttl: 5, data: "kubernetes.default.svc.cluster.local" },
      { name: "x.cluster.local", type: "MX", ttl: 5, data: { preference: 0, exchange: "mail.example.com" } },
      { name: "x.cluster.local", type: "CNAME", ttl: 5, data: "example.com" },
    ];
    const p = packet.decode(respond(q, rrs));
    const a = p.answers ?? [];
    expect((a[0] as packet.StringAnswer & { data: packet.SoaData }).data).toMatchObject({
      mname: "ns.dns.cluster.local",
      rname: "hostmaster.cluster.local",
      serial: 3,
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: 5,
    });
    expect((a[1] as packet.TxtAnswer).data).toEqual([Buffer.from("1.1.0")]);
    expect((a[2] as packet.StringAnswer).data).toBe("ns.dns.cluster.local");
    expect((a[3] as packet.StringAnswer).data).toBe("kubernetes.default.svc.cluster.local");
    expect((a[4] as { data: unknown }).data).toEqual({ preference: 0, exchange: "mail.example.com" });
    expect((a[5] as packet.StringAnswer).data).toBe("example.com");
  });

  it("truncates to 512 bytes without EDNS and sets TC", () => {
    const q = query("big.testns.svc.cluster.local");
    const answers: ResourceRecord[] = Array.from({ length: 100 }, (_, i) => ({
      name: "big.testns.svc.cluster.local",
      type: "A",
      ttl: 5,
      data: `10.1.${i >> 8}.${i & 255}`,
    }));
    const out = respond(q, answers, 512);
    expect(out.length).toBeLessThanOrEqual(512);
    const p = packet.decode(out);
    expect(p.flags! & 0x0200).toBeTruthy();
    expect(p.answers!.length).toBeGreaterThan(10);
    expect(p.answers!.length).toBeLessThan(100);
    // Over TCP everything fits.
    const full = packet.decode(respond(q, answers, 65535));
    expect(full.flags! & 0x0200).toBe(0);
    expect(full.answers).toHaveLength(100);
  });

  it("honours the EDNS0 buffer size and echoes an OPT record", () => {
    const q = query("big.testns.svc.cluster.local", "A", { additionals: [opt(1232)] });
    const answers: ResourceRecord[] = Array.from({ length: 200 }, (_, i) => ({
      name: "big.testns.svc.cluster.local",
      type: "A",
      ttl: 5,
      data: `10.2.${i >> 8}.${i & 255}`,
    }));
    const out = respond(q, answers, 1232);
    expect(out.length).toBeLessThanOrEqual(1232);
    expect(out.length).toBeGreaterThan(1000);
    const p = packet.decode(out);
    expect(p.flags! & 0x0200).toBeTruthy();
    expect(p.additionals?.find((a) => a.type === "OPT")).toMatchObject({ udpPayloadSize: 1232 });
  });

  it("drops only additional records without setting TC", () => {
    const q = query("x.cluster.local", "SRV");
    const answers: ResourceRecord[] = [
      {
        name: "x.cluster.local",
        type: "SRV",
        ttl: 5,
        data: { priority: 0, weight: 100, port: 80, target: "x.cluster.local" },
      },
    ];
    const additional: ResourceRecord[] = Array.from({ length: 60 }, (_, i) => ({
      name: `host-${i}-with-a-long-label-to-fill-the-message.cluster.local`,
      type: "A",
      ttl: 5,
      data: `10.3.0.${i}`,
    }));
    const p = packet.decode(respond(q, answers, 512, { additional }));
    expect(p.flags! & 0x0200).toBe(0);
    expect(p.answers).toHaveLength(1);
    expect(p.additionals!.length).toBeLessThan(60);
  });

  it("encodes rcodes, including BADVERS in the OPT extended rcode", () => {
    const q = query("nope.cluster.local");
    const d = decodeQuery(q);
    if (d.kind !== "query") throw new Error("query");
    expect(rcodeOf(packet.decode(encodeError(q, d, 3)))).toBe("NXDOMAIN");
    expect(rcodeOf(packet.decode(encodeError(q, d, 5)))).toBe("REFUSED");
    const bad = encodeError(q, { ...d, edns: { udpSize: 1232, version: 0, dnssecOk: false } }, 16);
    expect(bad[3]! & 0xf).toBe(0);
    const optRR = packet.decode(bad).additionals?.find((a) => a.type === "OPT") as
      | { extendedRcode?: number }
      | undefined;
    expect(optRR?.extendedRcode).toBe(1);
  });

  it("round-trips any A/AAAA/SRV/TXT record set through dns-packet", () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
    const name = fc.array(label, { minLength: 1, maxLength: 5 }).map((l) => l.join("."));
    const rr: fc.Arbitrary<ResourceRecord> = fc.oneof(
      fc.record({ name, type: fc.constant("A" as const), ttl: fc.nat(86400), data: fc.ipV4() }),
      fc.record({
        name,
        type: fc.constant("SRV" as const),
        ttl: fc.nat(86400),
        data: fc.record({
          priority: fc.nat(65535),
          weight: fc.nat(65535),
          port: fc.nat(65535),
          target: name,
        }),
      }),
      fc.record({
        name,
        type: fc.constant("TXT" as const),
        ttl: fc.nat(86400),
        data: fc.array(fc.stringMatching(/^[ -~]{0,40}$/), { minLength: 1, maxLength: 3 }),
      }),
      fc.record({ name, type: fc.constant("CNAME" as const), ttl: fc.nat(86400), data: name }),
    );
    fc.assert(
      fc.property(name, fc.array(rr, { maxLength: 12 }), (qname, rrs) => {
        const q = query(qname);
        const p = packet.decode(respond(q, rrs, 65535));
        expect(p.answers).toHaveLength(rrs.length);
        p.answers!.forEach((a, i) => {
          const want = rrs[i]!;
          expect(a.name).toBe(want.name);
          expect(a.type).toBe(want.type);
          const data = (a as { data: unknown }).data;
          if (want.type === "TXT") expect((data as Buffer[]).map((b) => b.toString())).toEqual(want.data);
          else expect(data).toEqual(want.data);
        });
      }),
      { numRuns: 300 },
    );
  });
});
