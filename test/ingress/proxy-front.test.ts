/**
 * The proxy's hand-written HTTP/1.1 front end over raw sockets (exact bytes):
 * pipelining, the hand-over to Node's server mid-connection, requests split
 * across writes, Connection: close, half-close, HEAD, the requests Node's
 * server answers (HTTP/1.0, malformed, smuggling) and the headers forwarded.
 */
import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileRoutes } from "../../src/ingress/route-table.js";
import { type IngressProxy, startIngressProxy } from "../../src/proxy/ingress-proxy.js";
import { ingress, makeState } from "./fixtures.js";
import { type EchoPods, type EchoReply, startEchoPods } from "./harness.js";

let pods: EchoPods;
let proxy: IngressProxy;
let port = 0;
/** A plain Node server: the reference for the answers Node's parser gives. */
let ref: http.Server;
let refPort = 0;

beforeAll(async () => {
  pods = await startEchoPods(["10.244.1.1", "10.244.1.2"]);
  const table = compileRoutes(
    makeState({
      services: [
        { name: "one", ips: ["10.244.1.1"] },
        { name: "two", ips: ["10.244.1.2"] },
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
              ],
            },
          ],
        }),
      ],
    }),
  );
  proxy = await startIngressProxy({
    http: { host: "127.0.0.1", port: 0 },
    getTable: () => table,
    upstream: pods.upstream,
  });
  port = proxy.addresses.http?.port ?? 0;
  ref = http.createServer({ insecureHTTPParser: false }, (req, res) => {
    req.resume();
    req.on("end", () => res.end("ref"));
  });
  await new Promise<void>((r) => ref.listen(0, "127.0.0.1", r));
  refPort = (ref.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await proxy?.close(100);
  await pods?.close();
  ref?.closeAllConnections();
  ref?.close();
});

interface Resp {
  /** The head as received (status line and field lines). */
  rawHead: string;
  version: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A raw client connection that reads responses one at a time from the byte stream. */
class Raw {
  buf = "";
  ended = false;
  closed = false;
  readonly sock: net.Socket;
  private wake: () => void = () => {};

  constructor(p: number) {
    this.sock = net.connect({ port: p, host: "127.0.0.1", noDelay: true });
    this.sock.on("data", (d: Buffer) => {
      this.buf += d.toString("latin1");
      this.wake();
    });
    this.sock.on("end", () => {
      this.ended = true;
      this.wake();
    });
    this.sock.on("close", () => {
      this.closed = true;
      this.wake();
    });
    this.sock.on("error", () => {});
  }

  write(s: string): void {
    this.sock.write(s, "latin1");
  }

  /** Waits until `f` returns a value (re-checked on every read), or fails after `ms`. */
  async until<T>(f: () => T | undefined, what: string, ms = 3000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = f();
      if (v !== undefined) return v;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.buf)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
  }

  /** The next whole response (HEAD: no body), removed from the buffer. */
  response(head = false): Promise<Resp> {
    return this.until(() => this.take(head), "a response");
  }

  private take(isHead: boolean): Resp | undefined {
    const end = this.buf.indexOf("\r\n\r\n");
    if (end < 0) return undefined;
    const rawHead = this.buf.slice(0, end);
    const [line = "", ...fields] = rawHead.split("\r\n");
    const m = /^HTTP\/(1\.[01]) (\d{3}) /.exec(line);
    if (!m) throw new Error(`not a status line: ${JSON.stringify(this.buf.slice(0, 80))}`);
    const headers: Record<string, string> = {};
    for (const f of fields) {
      const i = f.indexOf(":");
      const k = f.slice(0, i).toLowerCase();
      const v = f.slice(i + 1).trim();
      headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
    }
    const status = Number(m[2]);
    let rest = this.buf.slice(end + 4);
    let body = "";
    if (isHead || status === 204 || status === 304) {
      // no body
    } else if (headers["transfer-encoding"]?.toLowerCase() === "chunked") {
      for (;;) {
        const eol = rest.indexOf("\r\n");
        if (eol < 0) return undefined;
        const n = Number.parseInt(rest.slice(0, eol), 16);
        if (n === 0) {
          if (!rest.startsWith("\r\n", eol + 2)) return undefined;
          rest = rest.slice(eol + 4);
          break;
        }
        if (rest.length < eol + 2 + n + 2) return undefined;
        body += rest.slice(eol + 2, eol + 2 + n);
        rest = rest.slice(eol + 2 + n + 2);
      }
    } else if (headers["content-length"] !== undefined) {
      const n = Number(headers["content-length"]);
      if (rest.length < n) return undefined;
      body = rest.slice(0, n);
      rest = rest.slice(n);
    } else {
      if (!this.ended) return undefined;
      body = rest;
      rest = "";
    }
    this.buf = rest;
    return { rawHead, version: m[1] ?? "", status, headers, body };
  }

  /** Resolves once the server has closed (FIN or reset). */
  serverClosed(): Promise<true> {
    return this.until(() => (this.ended || this.closed ? true : undefined), "the server to close");
  }

  destroy(): void {
    this.sock.destroy();
  }
}

const echoOf = (r: Resp): EchoReply => JSON.parse(r.body) as EchoReply;
const GET = (path: string, extra = "") => `GET ${path} HTTP/1.1\r\nHost: h\r\n${extra}\r\n`;

/** Both front ends answer on the same connection: responses the fast path writes have lower-case names. */
const servedFast = (r: Resp) => r.rawHead.includes("\r\nconnection: keep-alive");
const servedByNode = (r: Resp) => r.rawHead.includes("\r\nConnection: keep-alive");

describe("pipelining", () => {
  it("3 GETs in one write get 3 responses in order", async () => {
    const c = new Raw(port);
    try {
      c.write(GET("/a") + GET("/two/b") + GET("/c?x=1"));
      const got: [string, string][] = [];
      for (let i = 0; i < 3; i++) {
        const e = echoOf(await c.response());
        got.push([e.pod, e.url]);
      }
      expect(got).toEqual([
        ["10.244.1.1", "/a"],
        ["10.244.1.2", "/two/b"],
        ["10.244.1.1", "/c?x=1"],
      ]);
      expect(c.closed).toBe(false);
      expect(c.buf).toBe("");
    } finally {
      c.destroy();
    }
  });
});

describe("hand-over to Node's server mid-connection", () => {
  const body = "x".repeat(10_000);
  const POST = `POST /two/p HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

  it.each([
    ["one at a time", false],
    ["pipelined in one write", true],
  ])("GET, POST with a body, GET on one keep-alive connection (%s)", async (_d, pipelined) => {
    const c = new Raw(port);
    try {
      const rs: Resp[] = [];
      if (pipelined) {
        c.write(GET("/first") + POST + GET("/third"));
        for (let i = 0; i < 3; i++) rs.push(await c.response());
      } else {
        for (const req of [GET("/first"), POST, GET("/third")]) {
          c.write(req);
          rs.push(await c.response());
        }
      }
      const es = rs.map(echoOf);
      expect(rs.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(es.map((e) => [e.pod, e.method, e.url])).toEqual([
        ["10.244.1.1", "GET", "/first"],
        ["10.244.1.2", "POST", "/two/p"],
        ["10.244.1.1", "GET", "/third"],
      ]);
      expect(es.map((e) => e.bodyBytes)).toEqual([0, body.length, 0]);
      // The first answer is the fast path's, the POST is Node's (and so is everything after it).
      expect(servedFast(rs[0] as Resp)).toBe(true);
      expect(servedByNode(rs[1] as Resp)).toBe(true);
      expect(c.closed).toBe(false);
    } finally {
      c.destroy();
    }
  });
});

describe("requests split across writes", () => {
  it.each([
    ["GET", GET("/split?q=1", "X-Long: abcdefghij\r\n"), 0],
    ["POST with a body", "POST /split HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello", 5],
  ])("%s written one byte at a time is served", async (_d, text, bytes) => {
    const c = new Raw(port);
    try {
      for (const ch of text) {
        c.write(ch);
        await new Promise((r) => setTimeout(r, 1));
      }
      const r = await c.response();
      expect(r.status).toBe(200);
      const e = echoOf(r);
      expect(e.url).toBe(text.includes("?q=1") ? "/split?q=1" : "/split");
      expect(e.bodyBytes).toBe(bytes);
    } finally {
      c.destroy();
    }
  });
});

describe("connection lifetime", () => {
  it("Connection: close → the response says so and the server closes the socket", async () => {
    const c = new Raw(port);
    try {
      c.write(GET("/bye", "Connection: close\r\n"));
      const r = await c.response();
      expect(r.status).toBe(200);
      expect(echoOf(r).url).toBe("/bye");
      expect(r.headers.connection).toBe("close");
      expect(await c.serverClosed()).toBe(true);
    } finally {
      c.destroy();
    }
  });

  it("Connection: close on the second of two pipelined requests: both answered, then closed", async () => {
    const c = new Raw(port);
    try {
      c.write(GET("/1") + GET("/2", "Connection: close\r\n") + GET("/never"));
      const a = await c.response();
      const b = await c.response();
      expect([echoOf(a).url, echoOf(b).url]).toEqual(["/1", "/2"]);
      expect(a.headers.connection).toBe("keep-alive");
      expect(b.headers.connection).toBe("close");
      await c.serverClosed();
      expect(c.buf).toBe("");
    } finally {
      c.destroy();
    }
  });

  // (Only the fast path: Node's server, httpAllowHalfOpen false, ends a half-closed socket before an async answer.)
  it("client half-close right after a GET still gets the whole response, then the server closes", async () => {
    const c = new Raw(port);
    try {
      c.write(GET("/half"));
      c.sock.end();
      const r = await c.response();
      expect(r.status).toBe(200);
      expect(echoOf(r).url).toBe("/half");
      await c.serverClosed();
    } finally {
      c.destroy();
    }
  });

  it("HEAD: headers with Content-Length but no body; the connection serves a following GET", async () => {
    const c = new Raw(port);
    try {
      c.write(GET("/same"));
      const full = await c.response();
      c.write("HEAD /same HTTP/1.1\r\nHost: h\r\n\r\n");
      const head = await c.response(true);
      expect(head.status).toBe(200);
      // The pod echoes the method: "HEAD" is one byte longer than "GET".
      expect(head.headers["content-length"]).toBe(String(Buffer.byteLength(full.body) + 1));
      expect(head.headers["transfer-encoding"]).toBeUndefined();
      expect(c.buf).toBe("");
      c.write(GET("/after-head"));
      const next = await c.response();
      expect(next.status).toBe(200);
      expect(echoOf(next).url).toBe("/after-head");
    } finally {
      c.destroy();
    }
  });
});

/** Sends `text` on a fresh connection; the first response (null when the server closed without one). */
async function once(p: number, text: string): Promise<Resp | null> {
  const c = new Raw(p);
  try {
    c.write(text);
    await c.until(() => (c.buf.includes("\r\n\r\n") || c.closed || c.ended ? true : undefined), "an answer");
    if (!c.buf.includes("\r\n\r\n")) return null;
    return await c.response();
  } finally {
    c.destroy();
  }
}

describe("requests the fast path leaves to Node's server", () => {
  it.each([
    ["HTTP/1.0", "GET /old HTTP/1.0\r\nHost: h\r\n\r\n", 200],
    ["obs-fold header", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\r\n  folded\r\n\r\n", 400],
    [
      "Transfer-Encoding + Content-Length",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      400,
    ],
    [
      "two Content-Lengths",
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
      400,
    ],
    [
      "Content-Length: 0 twice",
      "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n",
      400,
    ],
    ["no Host", "GET / HTTP/1.1\r\n\r\n", 400],
    ["absolute-form target", "GET http://h/abs HTTP/1.1\r\nHost: h\r\n\r\n", 200],
    // (A duplicate Host, 200 from Node's server, is nginx's 400 since issue 19: proxy-nginx.test.ts.)
    ["lower-case method", "get / HTTP/1.1\r\nHost: h\r\n\r\n", 400],
    ["bare LF line ends", "GET / HTTP/1.1\nHost: h\n\n", 400],
    ["bare LF after the request line", "GET / HTTP/1.1\r\nHost: h\n\n", 400],
  ])("%s → the status Node's server gives", async (_d, text, expected) => {
    const [mine, node] = await Promise.all([once(port, text), once(refPort, text)]);
    expect(node?.status).toBe(expected);
    expect(mine?.status).toBe(expected);
    expect(mine?.version).toMatch(/^1\.[01]$/);
  });

  it("HTTP/1.0 is proxied as a request and the connection closes after it", async () => {
    const c = new Raw(port);
    try {
      c.write("GET /old HTTP/1.0\r\nHost: h\r\n\r\n");
      const r = await c.response();
      expect(echoOf(r).url).toBe("/old");
      await c.serverClosed();
    } finally {
      c.destroy();
    }
  });

  it("after a 400 the proxy still serves", async () => {
    await once(port, "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\r\n  folded\r\n\r\n");
    const r = await once(port, GET("/still"));
    expect(r?.status).toBe(200);
  });
});

describe("headers forwarded", () => {
  const hostile = [
    "X-Multi: a",
    "X-Multi: b",
    "Connection: keep-alive, X-Secret",
    "X-Secret: 1",
    "TE: trailers",
    "Keep-Alive: timeout=5",
    "Proxy-Connection: keep-alive",
    "Trailer: x-t",
    "Proxy: http://evil",
    "X-Forwarded-For: 6.6.6.6",
    "X-Forwarded-For: 7.7.7.7",
    "X-Real-IP: 8.8.8.8",
    "X-Forwarded-Host: evil",
  ]
    .map((l) => `${l}\r\n`)
    .join("");

  it.each([
    ["GET (fast path)", `GET /hdr HTTP/1.1\r\nHost: h\r\n${hostile}\r\n`, servedFast],
    [
      "POST (Node's server)",
      `POST /hdr HTTP/1.1\r\nHost: h\r\n${hostile}Content-Length: 1\r\n\r\nz`,
      servedByNode,
    ],
  ])(
    "%s: repeats folded, hop-by-hop dropped, X-Forwarded-For set by the proxy",
    async (_d, text, servedBy) => {
      const c = new Raw(port);
      try {
        c.write(text);
        const r = await c.response();
        expect(servedBy(r)).toBe(true);
        const h = echoOf(r).headers;
        expect(h["x-multi"]).toBe("a, b");
        for (const k of ["x-secret", "te", "keep-alive", "proxy-connection", "trailer", "proxy"])
          expect(h[k], k).toBeUndefined();
        expect(h["x-forwarded-for"]).toBe("127.0.0.1");
        expect(h["x-original-forwarded-for"]).toBe("6.6.6.6, 7.7.7.7");
        expect(h["x-real-ip"]).toBe("127.0.0.1");
        expect(h["x-forwarded-host"]).toBe("h");
        expect(h["x-forwarded-proto"]).toBe("http");
        expect(h["x-forwarded-port"]).toBe(String(port));
        expect(h.host).toBe("h");
        expect(h["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
        // The pod's Connection-listed response header is dropped, its own Connection replaced.
        expect(r.headers["x-upstream-hop"]).toBeUndefined();
        expect(r.headers.connection).toBe("keep-alive");
        expect(r.headers.server).toBeDefined();
      } finally {
        c.destroy();
      }
    },
  );
});
