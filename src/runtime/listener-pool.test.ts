import { createSocket } from "node:dgram";
import { connect, createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ListenerPool } from "./listener-pool.js";

const HOST = "127.77.0.1";
let pool: ListenerPool;

afterEach(async () => {
  await pool?.close(100);
});

function ask(port: number): Promise<string> {
  return new Promise((res, rej) => {
    const s = connect({ host: HOST, port });
    let out = "";
    s.on("data", (d: Buffer) => {
      out += d.toString();
    });
    s.on("end", () => res(out));
    s.on("error", rej);
  });
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen({ host: HOST, port: 0 }, () => r()));
  const a = s.address();
  await new Promise((r) => s.close(r));
  return typeof a === "object" && a ? a.port : 0;
}

describe("ListenerPool", () => {
  it("keeps a listener across syncs and swaps only its handler", async () => {
    pool = new ListenerPool();
    const port = await freePort();
    const spec = (text: string) => ({
      protocol: "tcp" as const,
      host: HOST,
      port,
      what: "t",
      handler: (s: import("node:net").Socket) => s.end(text),
    });
    expect(await pool.sync([spec("one")])).toEqual([]);
    // An established connection survives the swap.
    const held = connect({ host: HOST, port });
    await new Promise((r) => held.once("connect", r));
    expect(await pool.sync([spec("two")])).toEqual([]);
    expect(await ask(port)).toBe("two");
    expect(held.destroyed).toBe(false);
    held.destroy();
    await pool.sync([]);
    await expect(ask(port)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("reports addresses in use instead of throwing", async () => {
    pool = new ListenerPool();
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen({ host: HOST, port: 0 }, () => r()));
    const a = blocker.address();
    const port = typeof a === "object" && a ? a.port : 0;
    const failures = await pool.sync([
      { protocol: "tcp", host: HOST, port, what: "svc x", handler: (s) => s.end() },
    ]);
    blocker.close();
    expect(failures).toMatchObject([{ key: `tcp ${HOST}:${port}`, what: "svc x", code: "EADDRINUSE" }]);
  });

  it("serves UDP and survives a handler that throws", async () => {
    pool = new ListenerPool();
    const port = await freePort();
    let calls = 0;
    await pool.sync([
      {
        protocol: "udp",
        host: HOST,
        port,
        what: "u",
        handler: (msg, rinfo, sock) => {
          calls++;
          if (msg.toString() === "boom") throw new Error("bad datagram");
          sock.send(msg, rinfo.port, rinfo.address);
        },
      },
    ]);
    const c = createSocket("udp4");
    const reply = new Promise<string>((r) => c.once("message", (m) => r(m.toString())));
    c.send("boom", port, HOST);
    await new Promise((r) => setTimeout(r, 50));
    c.send("ping", port, HOST);
    expect(await reply).toBe("ping");
    expect(calls).toBe(2);
    c.close();
  });
});
