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
async function relay(backendPort: number, upstreams: Socket[]): Promise<number> {
  return listen((client) => {
    const up = connect({ host: HOST, port: backendPort, allowHalfOpen: true });
    upstreams.push(up);
    splice(client, up);
  }, true);
}

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
});
