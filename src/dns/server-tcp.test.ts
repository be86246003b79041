/**
 * The DNS-over-TCP limits on a real socket with a stub handler: a client
 * that never reads stops being read (and is closed when it stays stalled), a
 * byte at a time does not extend the per-message deadline, one address cannot
 * take every connection, and an ordinary pipelined client is answered in full.
 */
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { DNS_TCP_DEFAULTS, type DnsTcpCounters, type DnsTcpLimits, serveDnsTcp } from "./server-tcp.js";

const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

function counters(): DnsTcpCounters {
  return {
    refusedPerClient: 0,
    readTimeouts: 0,
    idleTimeouts: 0,
    writeStalls: 0,
    pendingOverflows: 0,
    malformed: 0,
  };
}

/** A server whose handler echoes a `size`-byte answer per query, counting the queries it saw. */
async function serve(limits: Partial<DnsTcpLimits>, size = 1000) {
  const server = net.createServer();
  const c = counters();
  const seen = { queries: 0 };
  const answer = Buffer.alloc(size, 7);
  const conns = serveDnsTcp(
    server,
    (f: Buffer) => {
      seen.queries++;
      return f.length >= 12 ? answer : undefined;
    },
    { ...DNS_TCP_DEFAULTS, ...limits },
    c,
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push(server);
  const port = (server.address() as net.AddressInfo).port;
  return { server, port, counters: c, seen, conns };
}

function frame(n: number): Buffer {
  const one = Buffer.from([0, 12, ...Array(12).fill(1)]);
  return Buffer.concat(Array(n).fill(one));
}

const closed = (s: net.Socket) => new Promise<void>((r) => (s.destroyed ? r() : s.once("close", () => r())));

describe("serveDnsTcp", () => {
  it("answers every query of a pipelined client that reads", async () => {
    const { port } = await serve({}, 100);
    const sock = net.connect(port, "127.0.0.1");
    sock.on("error", () => {});
    let got = 0;
    await new Promise<void>((resolve) => {
      sock.on("data", (d: Buffer) => {
        got += d.length;
        if (got >= 5000 * 102) resolve();
      });
      sock.write(frame(5000));
    });
    expect(got).toBe(5000 * 102);
    sock.destroy();
  });

  it("stops reading a client that never reads, and closes it when it stays stalled", async () => {
    const { port, seen, counters: c, conns } = await serve({ idleTimeoutMs: 1500 }, 1000);
    const sock = net.connect(port, "127.0.0.1");
    sock.on("error", () => {});
    sock.pause(); // never read
    await new Promise<void>((r) => sock.once("connect", () => r()));
    let sent = 0;
    // 1000 pipelined queries per write, while the kernel takes them (bounded: 400 writes).
    for (let i = 0; i < 400 && !sock.destroyed; i++) {
      if (!sock.write(frame(1000)))
        await Promise.race([
          new Promise((r) => sock.once("drain", r)),
          new Promise((r) => setTimeout(r, 50)),
        ]);
      sent += 1000;
    }
    // Answers waiting for this connection stay within one socket buffer past the kernel's.
    for (const s of conns) expect(s.writableLength).toBeLessThanOrEqual(DNS_TCP_DEFAULTS.maxPendingBytes);
    expect(seen.queries).toBeLessThan(sent);
    await closed(sock);
    expect(c.writeStalls).toBe(1);
  });

  it("a byte at a time does not extend the per-message deadline", async () => {
    const { port, counters: c } = await serve({ readTimeoutMs: 600, idleTimeoutMs: 60_000 });
    const sock = net.connect(port, "127.0.0.1");
    sock.on("error", () => {});
    const q = frame(1);
    let i = 0;
    const drip = setInterval(() => {
      if (i < q.length - 1 && !sock.destroyed) sock.write(q.subarray(i, ++i));
    }, 150);
    await closed(sock);
    clearInterval(drip);
    expect(i).toBeLessThan(q.length - 1);
    expect(c.readTimeouts).toBe(1);
  });

  it("closes a connection that sends something other than a query (empty frames included)", async () => {
    const { port, counters: c } = await serve({});
    const sock = net.connect(port, "127.0.0.1");
    sock.on("error", () => {});
    sock.write(Buffer.from([0, 0]));
    await closed(sock);
    expect(c.malformed).toBe(1);
  });

  it("closes a connection with nothing to do after the idle timeout", async () => {
    const { port, counters: c } = await serve({ idleTimeoutMs: 300 });
    const sock = net.connect(port, "127.0.0.1");
    sock.on("error", () => {});
    await closed(sock);
    expect(c.idleTimeouts).toBe(1);
  });

  it("limits connections per client address; other addresses still get in", async () => {
    const { port, counters: c } = await serve({ maxPerClient: 3 });
    const open = (localAddress: string) =>
      new Promise<net.Socket>((r) => {
        const s = net.connect({ port, host: "127.0.0.1", localAddress });
        s.on("error", () => {});
        s.once("connect", () => r(s));
      });
    const mine = await Promise.all([1, 2, 3, 4].map(() => open("127.0.0.1")));
    await closed(mine[3] as net.Socket);
    expect(c.refusedPerClient).toBe(1);
    const other = await open("127.0.0.2");
    const reply = await new Promise<number>((r) => {
      other.once("data", (d: Buffer) => r(d.length));
      other.write(frame(1));
    });
    expect(reply).toBe(1002);
    for (const s of [...mine, other]) s.destroy();
  });
});
