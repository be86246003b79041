/**
 * Requests where michi's proxy once answered differently from nginx
 * (nginx 1.22 on loopback was the reference for each status), over raw
 * sockets: repeated Host, absolute-form targets (RFC 9112 §3.2.2), HTTP
 * versions other than 1.x, Transfer-Encoding other than `chunked`, more
 * than 2000 header fields on Node's path, idle WebSocket tunnels
 * (proxy-read-timeout), and a bad request pipelined behind one in flight.
 */
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileRoutes } from "../../src/ingress/route-table.js";
import { type IngressProxy, startIngressProxy } from "../../src/proxy/ingress-proxy.js";
import { ingress, makeState } from "./fixtures.js";
import { type EchoPods, type EchoReply, startEchoPods } from "./harness.js";

let pods: EchoPods;
let proxy: IngressProxy;
let port = 0;
/** A raw upstream: answers each request with the names of the fields it received (JSON). */
let counter: net.Server;

beforeAll(async () => {
  pods = await startEchoPods(["10.244.1.1", "10.244.1.2", "10.244.1.3"]);
  counter = net.createServer((sock) => {
    sock.on("error", () => {});
    let buf = "";
    sock.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const lines = buf.slice(0, end).split("\r\n").slice(1);
      const cl = Number(/\r\ncontent-length: *(\d+)/i.exec(buf.slice(0, end + 2))?.[1] ?? 0);
      if (buf.length < end + 4 + cl) return;
      buf = buf.slice(end + 4 + cl);
      const body = JSON.stringify(lines.map((l) => l.slice(0, l.indexOf(":")).toLowerCase()));
      sock.write(`HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
  });
  await new Promise<void>((r) => counter.listen(0, "127.0.0.1", r));
  const counterPort = (counter.address() as net.AddressInfo).port;
  const table = compileRoutes(
    makeState({
      services: [
        { name: "one", ips: ["10.244.1.1"] },
        { name: "two", ips: ["10.244.1.2"] },
        { name: "ws", ips: ["10.244.1.3"] },
        { name: "count", ips: ["10.244.7.7"] },
      ],
      ingresses: [
        ingress({
          name: "h",
          rules: [
            {
              host: "h",
              paths: [
                { path: "/", service: "one" },
                { path: "/two", service: "two" },
                { path: "/count", service: "count" },
              ],
            },
          ],
        }),
        ingress({
          name: "ws",
          annotations: { "nginx.ingress.kubernetes.io/proxy-read-timeout": "1" },
          rules: [{ host: "ws", paths: [{ path: "/", service: "ws" }] }],
        }),
      ],
    }),
  );
  proxy = await startIngressProxy({
    http: { host: "127.0.0.1", port: 0 },
    getTable: () => table,
    upstream: (ep) => (ep.ip === "10.244.7.7" ? { host: "127.0.0.1", port: counterPort } : pods.upstream(ep)),
  });
  port = proxy.addresses.http?.port ?? 0;
});

afterAll(async () => {
  await proxy?.close(100);
  await pods?.close();
  counter?.close();
});

interface Resp {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Every response in `bytes` (Content-Length or chunked bodies), in order. */
function parseAll(bytes: string): Resp[] {
  const out: Resp[] = [];
  let rest = bytes;
  for (;;) {
    const end = rest.indexOf("\r\n\r\n");
    if (end < 0) return out;
    const [line = "", ...fields] = rest.slice(0, end).split("\r\n");
    const headers: Record<string, string> = {};
    for (const f of fields)
      headers[f.slice(0, f.indexOf(":")).toLowerCase()] = f.slice(f.indexOf(":") + 1).trim();
    rest = rest.slice(end + 4);
    let body = "";
    if (headers["content-length"] !== undefined) {
      const n = Number(headers["content-length"]);
      body = rest.slice(0, n);
      rest = rest.slice(n);
    } else if (headers["transfer-encoding"] === "chunked") {
      for (;;) {
        const eol = rest.indexOf("\r\n");
        const n = Number.parseInt(rest.slice(0, eol), 16);
        body += rest.slice(eol + 2, eol + 2 + n);
        rest = rest.slice(eol + 2 + n + 2);
        if (n === 0) break;
      }
    }
    out.push({ status: Number(line.split(" ")[1]), headers, body });
  }
}

/** Writes `data` on a fresh connection and reads until the proxy closes it. */
function talk(data: string): Promise<Resp[]> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1");
    let got = "";
    s.on("data", (d: Buffer) => {
      got += d.toString("latin1");
    });
    s.on("error", reject);
    s.on("close", () => resolve(parseAll(got)));
    s.write(data);
  });
}

const echo = (r: Resp | undefined) => JSON.parse(r?.body ?? "{}") as EchoReply;

describe("Host", () => {
  it.each([
    ["two different Host fields", "Host: h\r\nHost: other\r\n"],
    ["the same Host twice", "Host: h\r\nHost: h\r\n"],
  ])("%s → 400, closed", async (_name, hosts) => {
    const rs = await talk(`GET / HTTP/1.1\r\n${hosts}\r\n`);
    expect(rs.map((r) => r.status)).toEqual([400]);
  });

  it("an absolute-form target is routed by its own host, which replaces Host upstream", async () => {
    const [r] = await talk("GET http://h/two?x=1 HTTP/1.1\r\nHost: other\r\nConnection: close\r\n\r\n");
    expect(r?.status).toBe(200);
    const e = echo(r);
    expect(e.pod).toBe("10.244.1.2");
    expect(e.url).toBe("/two?x=1");
    expect(e.headers.host).toBe("h");
    expect(e.headers["x-forwarded-host"]).toBe("h");
  });

  it("absolute-form with a port and an upper-case scheme and host", async () => {
    const [r] = await talk("GET HTTP://H:8080/two HTTP/1.1\r\nHost: other\r\nConnection: close\r\n\r\n");
    expect(r?.status).toBe(200);
    expect(echo(r).pod).toBe("10.244.1.2");
    expect(echo(r).url).toBe("/two");
  });
});

describe("HTTP version", () => {
  it.each(["HTTP/2.0", "HTTP/3.0"])("GET / %s → 505", async (v) => {
    const rs = await talk(`GET / ${v}\r\nHost: h\r\n\r\n`);
    expect(rs.map((r) => r.status)).toEqual([505]);
  });
});

describe("Transfer-Encoding (nginx implements only chunked)", () => {
  const post = (te: string, v = "1.1") => `POST / HTTP/${v}\r\nHost: h\r\n${te}\r\n1\r\nx\r\n0\r\n\r\n`;
  it.each([
    ["identity, chunked", 501, post("Transfer-Encoding: identity, chunked\r\n")],
    ["gzip, chunked", 501, post("Transfer-Encoding: gzip, chunked\r\n")],
    ["chunked, gzip", 501, post("Transfer-Encoding: chunked, gzip\r\n")],
    ["gzip", 501, post("Transfer-Encoding: gzip\r\n")],
    ["gzip with Content-Length", 501, post("Content-Length: 4\r\nTransfer-Encoding: gzip\r\n")],
    ["two Transfer-Encoding fields", 400, post("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n")],
    ["chunked on HTTP/1.0", 400, post("Transfer-Encoding: chunked\r\n", "1.0")],
  ] as const)("%s → %i, closed", async (_name, status, req) => {
    const rs = await talk(req);
    expect(rs.map((r) => r.status)).toEqual([status]);
  });

  it("Chunked (any case) is proxied", async () => {
    const [r] = await talk(post("Transfer-Encoding: Chunked\r\nConnection: close\r\n"));
    expect(r?.status).toBe(200);
    expect(echo(r).bodyBytes).toBe(1);
  });
});

describe("many header fields on Node's path (a request with a body)", () => {
  const fields = (n: number, width: number) =>
    Array.from({ length: n }, (_, i) => `x${i.toString(36).padStart(width, "0")}: 1\r\n`).join("");

  it("2100 fields within the head-size limit all reach the upstream", async () => {
    const [r] = await talk(
      `POST /count HTTP/1.1\r\nHost: h\r\n${fields(2100, 3)}Content-Length: 2\r\nConnection: close\r\n\r\nab`,
    );
    expect(r?.status).toBe(200);
    const names = JSON.parse(r?.body ?? "[]") as string[];
    expect(names.filter((n) => n.startsWith("x") && !n.startsWith("x-")).length).toBe(2100);
  });

  it("a head over the limit → 431", async () => {
    const rs = await talk(`POST /count HTTP/1.1\r\nHost: h\r\n${fields(3000, 6)}Content-Length: 2\r\n\r\nab`);
    expect(rs.map((r) => r.status)).toEqual([431]);
  });
});

describe("WebSocket tunnels", () => {
  it("an idle tunnel is closed after proxy-read-timeout (1 s here)", async () => {
    const s = net.connect(port, "127.0.0.1");
    let got = "";
    let sent = false;
    const closed = new Promise<void>((resolve) => s.on("close", () => resolve()));
    s.on("error", () => {});
    s.on("data", (d: Buffer) => {
      got += d.toString("latin1");
      if (got.includes("\r\n\r\n") && !sent) {
        sent = true;
        s.write("hi");
      }
    });
    s.write(
      "GET /chat HTTP/1.1\r\nHost: ws\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
    );
    await closed;
    expect(got.startsWith("HTTP/1.1 101 ")).toBe(true);
    expect(got).toContain("10.244.1.3:hi");
  }, 15_000);
});

describe("pipelining with a bad request behind one in flight", () => {
  it("Node's path: the earlier response comes first, then 400, then close", async () => {
    const rs = await talk("POST /two HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nabGARBAGE\r\n\r\n");
    expect(rs.map((r) => r.status)).toEqual([200, 400]);
    expect(echo(rs[0]).pod).toBe("10.244.1.2");
  });

  it("the hand-written front end's path: the same order", async () => {
    const rs = await talk("GET /two HTTP/1.1\r\nHost: h\r\n\r\nGARBAGE\r\n\r\n");
    expect(rs.map((r) => r.status)).toEqual([200, 400]);
  });
});
