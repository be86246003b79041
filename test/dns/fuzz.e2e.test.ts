/**
 * Hostile input: random bytes and mutated valid queries thrown at the server
 * over UDP and TCP (including bogus length prefixes and half frames), then a
 * real client checks it still answers correctly. Seeded, so failures replay.
 */
import dgram from "node:dgram";
import { Resolver } from "node:dns/promises";
import net from "node:net";
import * as packet from "dns-packet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DnsServer, startDnsServer } from "../../src/dns/server.js";
import { buildZone } from "../../src/dns/zone.js";
import { dig, requireDig } from "./dig.js";
import { corednsLikeState } from "./fixtures.js";

/** xorshift32: deterministic pseudo-random bytes. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

const SEEDS = [
  "svc1.testns.svc.cluster.local",
  "_http._tcp.hdls1.testns.svc.cluster.local",
  "1.0.0.10.in-addr.arpa",
  "cluster.local",
];

function mutate(rand: () => number, base: Buffer): Buffer {
  const b = Buffer.from(base);
  switch (Math.floor(rand() * 5)) {
    case 0: // flip bits
      for (let i = 0; i < 1 + rand() * 6; i++) {
        const at = Math.floor(rand() * b.length);
        b[at] = b[at]! ^ (1 << Math.floor(rand() * 8));
      }
      return b;
    case 1: // truncate
      return b.subarray(0, Math.floor(rand() * b.length));
    case 2: // random section counts
      b.writeUInt16BE(Math.floor(rand() * 65536), 4 + 2 * Math.floor(rand() * 4));
      return b;
    case 3: // garbage appended
      return Buffer.concat([
        b,
        Buffer.from(Array.from({ length: Math.floor(rand() * 300) }, () => Math.floor(rand() * 256))),
      ]);
    default: // a compression pointer or oversized label somewhere in the name
      b[12 + Math.floor(rand() * Math.max(1, b.length - 16))] = rand() < 0.5 ? 0xc0 : 0x7f;
      return b;
  }
}

function inputs(seed: number, count: number): Buffer[] {
  const rand = rng(seed);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    if (rand() < 0.4) {
      out.push(Buffer.from(Array.from({ length: Math.floor(rand() * 600) }, () => Math.floor(rand() * 256))));
    } else {
      const name = SEEDS[Math.floor(rand() * SEEDS.length)]!;
      const types: packet.RecordType[] = ["A", "AAAA", "SRV", "PTR", "TXT", "SOA", "NS", "TXT"];
      const q = packet.encode({
        type: "query",
        id: Math.floor(rand() * 65536),
        questions: [{ name, type: types[Math.floor(rand() * types.length)]! }],
        additionals:
          rand() < 0.5
            ? [
                {
                  type: "OPT",
                  name: ".",
                  udpPayloadSize: Math.floor(rand() * 65536),
                } as unknown as packet.Answer,
              ]
            : [],
      });
      out.push(mutate(rand, q));
    }
  }
  return out;
}

let server: DnsServer;

beforeAll(async () => {
  await requireDig();
  const zone = buildZone(corednsLikeState());
  // The forwarder points at a port nothing listens on (127.0.0.4): mutated names going out of zone fail fast.
  server = await startDnsServer({
    host: "127.0.0.1",
    port: 0,
    getZone: () => zone,
    upstreams: ["127.0.0.4:9"],
    forwardTimeoutMs: 200,
  });
});

afterAll(async () => server?.close());

async function stillAnswers(): Promise<void> {
  const r = new Resolver({ timeout: 2000, tries: 2 });
  r.setServers([server.address]);
  expect(await r.resolve4("svc1.testns.svc.cluster.local")).toEqual(["10.0.0.1"]);
  expect(
    (await dig(server.udpAddress.port, "svc1.testns.svc.cluster.local", "A", ["+tcp"])).answers,
  ).toHaveLength(1);
}

describe("fuzz", () => {
  it("survives 4000 random and mutated UDP packets", async () => {
    const sock = dgram.createSocket("udp4");
    let replies = 0;
    sock.on("message", (m) => {
      replies++;
      // Every reply is itself a well-formed DNS message.
      packet.decode(m);
    });
    await new Promise<void>((r) => sock.bind(0, "127.0.0.1", () => r()));
    const msgs = inputs(1234, 4000);
    for (let i = 0; i < msgs.length; i++) {
      sock.send(msgs[i]!, server.udpAddress.port, "127.0.0.1");
      if (i % 200 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 600));
    sock.close();
    expect(replies).toBeGreaterThan(500);
    await stillAnswers();
  });

  it("survives random frames, lying length prefixes and half frames over TCP", async () => {
    const msgs = inputs(99, 1500);
    const rand = rng(7);
    await Promise.all(
      Array.from(
        { length: 6 },
        (_, c) =>
          new Promise<void>((resolve) => {
            const sock = net.connect(server.tcpAddress.port, "127.0.0.1");
            sock.on("error", () => resolve());
            sock.on("close", () => resolve());
            sock.on("data", () => {});
            sock.on("connect", () => {
              for (let i = c; i < msgs.length; i += 6) {
                const m = msgs[i]!;
                const len = rand() < 0.1 ? Math.floor(rand() * 65536) : m.length;
                sock.write(Buffer.concat([Buffer.from([len >> 8, len & 255]), m]));
              }
              // Leave a half frame behind, then hang up.
              sock.end(Buffer.from([0x10]));
            });
          }),
      ),
    );
    await stillAnswers();
  });
});
