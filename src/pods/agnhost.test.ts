import { connect, createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Agnhost } from "./agnhost.js";

let server: Server | undefined;
const host = new Agnhost({ name: "web-0", namespace: "ns", ip: "10.244.0.5", node: "node-1", ready: true });

afterEach(() => server?.close());

/** A listener that hands each socket to the agnhost with a fixed model source, as the data plane does. */
async function serve(): Promise<number> {
  server = createServer((s) => host.handleTcp(s, { ip: "10.244.9.9", port: 4242 }));
  await new Promise<void>((r) => server?.listen({ host: "127.0.0.1", port: 0 }, () => r()));
  const a = server.address();
  return typeof a === "object" && a ? a.port : 0;
}

function exchange(port: number, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: "127.0.0.1", port });
    let out = "";
    s.on("connect", () => s.write(payload));
    s.on("data", (d: Buffer) => {
      out += d.toString();
      if (!payload.startsWith("GET") && out.length >= payload.length) s.end();
    });
    s.on("end", () => resolve(out));
    s.on("error", reject);
  });
}

describe("Agnhost", () => {
  it("answers HTTP with the pod and what it saw, source as the model address", async () => {
    const port = await serve();
    const res = await exchange(port, "GET /some/path?q=1 HTTP/1.0\r\nHost: x\r\nX-Test: yes\r\n\r\n");
    const body = JSON.parse(res.slice(res.indexOf("\r\n\r\n") + 4)) as Record<string, unknown>;
    expect(body).toMatchObject({
      pod: "web-0",
      namespace: "ns",
      podIP: "10.244.0.5",
      node: "node-1",
      method: "GET",
      path: "/some/path?q=1",
      source: { ip: "10.244.9.9", port: 4242 },
    });
    expect((body.headers as Record<string, string>)["x-test"]).toBe("yes");
  });

  it("netexec paths: /hostname and /clientip", async () => {
    const port = await serve();
    const h = await exchange(port, "GET /hostname HTTP/1.0\r\n\r\n");
    expect(h.endsWith("\r\n\r\nweb-0")).toBe(true);
    const c = await exchange(port, "GET /clientip HTTP/1.0\r\n\r\n");
    expect(c.endsWith("\r\n\r\n10.244.9.9:4242")).toBe(true);
  });

  it("echoes anything that is not HTTP", async () => {
    const port = await serve();
    expect(await exchange(port, "hello\n")).toBe("hello\n");
  });

  it("UDP: hostname, clientip, echo", () => {
    const src = { ip: "10.1.2.3", port: 53 };
    expect(host.handleUdp(Buffer.from("hostname\n"), src).toString()).toBe("web-0");
    expect(host.handleUdp(Buffer.from("clientip"), src).toString()).toBe("10.1.2.3:53");
    expect(host.handleUdp(Buffer.from("echo hi there"), src).toString()).toBe("hi there");
    expect(host.handleUdp(Buffer.from("xyz"), src).toString()).toBe("xyz");
  });
});
