import { connect, createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { splice } from "./tcp-relay.js";

const HOST = "127.78.0.1";
let servers: Server[] = [];

afterEach(() => {
  for (const s of servers) s.close();
  servers = [];
});

async function listen(onConn: (s: Socket) => void, allowHalfOpen = false): Promise<number> {
  const srv = createServer({ allowHalfOpen }, onConn);
  servers.push(srv);
  await new Promise<void>((r) => srv.listen({ host: HOST, port: 0 }, () => r()));
  const a = srv.address();
  return typeof a === "object" && a ? a.port : 0;
}

/** A relay in front of `backendPort`, as the data plane builds one. */
async function relay(
  backendPort: number,
  upstreams: Socket[],
  opts: { stallMs?: number; clients?: Socket[] } = {},
): Promise<number> {
  return listen((client) => {
    const up = connect({ host: HOST, port: backendPort, allowHalfOpen: true });
    upstreams.push(up);
    opts.clients?.push(client);
    splice(client, up, opts.stallMs);
  }, true);
}

const MB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("splice", () => {
  it("passes bytes both ways and a half-close through (request/response protocols)", async () => {
    const backend = await listen((s) => {
      let got = "";
      // The backend answers after the client's FIN, so it must keep its own side open.
      s.on("data", (d: Buffer) => {
        got += d.toString();
      });
      s.on("end", () => s.end(`echo:${got}`));
    }, true);
    const port = await relay(backend, []);
    const reply = await new Promise<string>((res) => {
      const c = connect({ host: HOST, port });
      let out = "";
      c.on("data", (d: Buffer) => {
        out += d.toString();
      });
      c.on("end", () => res(out));
      c.end("hello");
    });
    expect(reply).toBe("echo:hello");
  });

  it("closes the upstream when the client disappears without a FIN", async () => {
    const ups: Socket[] = [];
    const backend = await listen((s) => s.pipe(s));
    const port = await relay(backend, ups);
    const c = connect({ host: HOST, port });
    await new Promise((r) => c.once("connect", r));
    c.write("x");
    await new Promise((r) => c.once("data", r));
    c.destroy();
    await new Promise((r) => setTimeout(r, 200));
    expect(ups[0]?.destroyed).toBe(true);
  });

  it("resets the client when the upstream is refused", async () => {
    const dead = await listen(() => {});
    servers.pop()?.close();
    await new Promise((r) => setTimeout(r, 50));
    const port = await relay(dead, []);
    const err = await new Promise<string>((res) => {
      const c = connect({ host: HOST, port });
      c.on("error", (e: NodeJS.ErrnoException) => res(e.code ?? ""));
      c.on("close", () => res("closed"));
    });
    expect(["ECONNRESET", "closed"]).toContain(err);
  });

  it("stops reading the backend while the client does not read (bounded relay buffers)", async () => {
    let pushed = 0;
    let backendSock: Socket | undefined;
    const backend = await listen((s) => {
      backendSock = s;
      s.on("error", () => {});
      const chunk = Buffer.alloc(MB, 1);
      // The backend offers 64 MB, respecting its own backpressure (bounded: 64 writes).
      void (async () => {
        for (let i = 0; i < 64 && !s.destroyed; i++) {
          pushed += chunk.length;
          if (!s.write(chunk)) await Promise.race([new Promise((r) => s.once("drain", r)), sleep(2000)]);
        }
      })();
    });
    const ups: Socket[] = [];
    const clients: Socket[] = [];
    const port = await relay(backend, ups, { clients });
    const c = connect({ host: HOST, port });
    c.on("error", () => {});
    c.pause(); // never reads
    await sleep(1500);
    // The relay holds at most a high-water mark or so towards the client; the rest waits in the kernel and the backend.
    expect(clients[0]?.writableLength ?? 0).toBeLessThan(2 * MB);
    expect(pushed).toBeLessThan(64 * MB);
    c.destroy();
    backendSock?.destroy();
  });

  it("closes both sides when the client takes nothing for the stall timeout", async () => {
    const backend = await listen((s) => {
      s.on("error", () => {});
      s.end(Buffer.alloc(16 * MB, 1));
    });
    const clients: Socket[] = [];
    const port = await relay(backend, [], { stallMs: 300, clients });
    const c = connect({ host: HOST, port });
    c.on("error", () => {});
    c.pause();
    await new Promise<void>((r) => {
      const wait = () => (clients[0] ? clients[0].once("close", () => r()) : setTimeout(wait, 20));
      wait();
    });
    expect(clients[0]?.destroyed).toBe(true);
    c.destroy();
  });
});
