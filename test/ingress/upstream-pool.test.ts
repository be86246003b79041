/**
 * The hand-written upstream client (UpstreamPools) against raw TCP fake
 * upstreams that write exact bytes: response framing (Content-Length,
 * chunked with extensions and trailers, close-delimited, bodyless statuses,
 * 1xx), strictness (malformed answers are errors), keep-alive reuse,
 * timeouts, backpressure and abort.
 */
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { ResponseHead } from "../../src/proxy/http1.js";
import { UNSUPPORTED_BY_POOL, UPSTREAM_TIMEOUT, type UpstreamCall } from "../../src/proxy/upstream-call.js";
import { type PooledOptions, UpstreamPools } from "../../src/proxy/upstream-pool.js";

/** A fake upstream: its port, connections accepted so far, request heads received in order. */
type Fake = { port: number; conns: number; requests: string[]; close(): void };

type Responder = (sock: net.Socket, index: number) => void;

/** A raw upstream: `respond` is called for every complete request head (requests carry no body). */
async function fake(respond: Responder): Promise<Fake> {
  const sockets = new Set<net.Socket>();
  const f: Fake = { port: 0, conns: 0, requests: [], close: () => {} };
  const srv = net.createServer((sock) => {
    f.conns++;
    sockets.add(sock);
    sock.setNoDelay(true);
    sock.on("error", () => {});
    sock.on("close", () => sockets.delete(sock));
    let buf = "";
    sock.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      for (let end = buf.indexOf("\r\n\r\n"); end >= 0; end = buf.indexOf("\r\n\r\n")) {
        const head = buf.slice(0, end + 4);
        buf = buf.slice(end + 4);
        f.requests.push(head);
        respond(sock, f.requests.length - 1);
      }
    });
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  f.port = (srv.address() as net.AddressInfo).port;
  f.close = () => {
    for (const s of sockets) s.destroy();
    srv.close();
  };
  return f;
}

interface Result {
  status?: number;
  head?: ResponseHead;
  body: Buffer;
  error?: NodeJS.ErrnoException;
  headerCalls: number;
  errorCalls: number;
  endCalls: number;
}

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(respond: Responder): Promise<{ f: Fake; pools: UpstreamPools }> {
  const f = await fake(respond);
  const pools = new UpstreamPools();
  cleanup.push(f.close, () => pools.close());
  return { f, pools };
}

const BASE = { host: "127.0.0.1", method: "GET", path: "/", connectTimeoutMs: 2000, readTimeoutMs: 2000 };

/** Starts a request; `onChunk` (given a copy of each body piece) decides onData's answer. */
function start(
  pools: UpstreamPools,
  port: number,
  o: Partial<PooledOptions> = {},
  onChunk: (c: Buffer) => boolean = () => true,
): { req: UpstreamCall; done: Promise<Result>; r: Result } {
  const r: Result = { body: Buffer.alloc(0), headerCalls: 0, errorCalls: 0, endCalls: 0 };
  const chunks: Buffer[] = [];
  const [finished, resolve] = signal();
  const settle = () => {
    r.body = Buffer.concat(chunks);
    resolve();
  };
  const req = pools.request(
    { ...BASE, port, headers: { host: "up" }, ...o },
    {
      onHeaders(status, head) {
        r.headerCalls++;
        r.status = status;
        r.head = head;
      },
      onData(buf, from, to) {
        const c = Buffer.from(buf.subarray(from, to));
        chunks.push(c);
        return onChunk(c);
      },
      onEnd() {
        r.endCalls++;
        settle();
      },
      onError(err) {
        r.errorCalls++;
        r.error = err;
        settle();
      },
    },
  );
  return { req, done: finished.then(() => r), r };
}

/** A promise and the function that resolves it. */
function signal(): [Promise<void>, () => void] {
  let resolve: () => void = () => {};
  const p = new Promise<void>((r) => {
    resolve = r;
  });
  return [p, resolve];
}

const get = (pools: UpstreamPools, port: number, o: Partial<PooledOptions> = {}) =>
  start(pools, port, o).done;

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes `pieces` as separate TCP segments (a short pause between them). */
async function dribble(sock: net.Socket, pieces: string[], ms = 5): Promise<void> {
  for (const p of pieces) {
    sock.write(p, "latin1");
    await tick(ms);
  }
}

const OK = (body: string, extra = "") =>
  `HTTP/1.1 200 OK\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe("request", () => {
  it("is written as HTTP/1.1 with the given fields (arrays repeated) and keep-alive", async () => {
    const { f, pools } = await setup((s) => s.write(OK("x")));
    await get(pools, f.port, { method: "DELETE", path: "/a?b=1", headers: { host: "h", "x-m": ["1", "2"] } });
    expect(f.requests[0]).toBe(
      "DELETE /a?b=1 HTTP/1.1\r\nhost: h\r\nx-m: 1\r\nx-m: 2\r\nconnection: keep-alive\r\n\r\n",
    );
  });
  it("a field value with CR LF is refused with UNSUPPORTED_BY_POOL, nothing is sent", async () => {
    const { f, pools } = await setup((s) => s.write(OK("x")));
    const r = await get(pools, f.port, { headers: { "x-a": "1\r\nx-evil: 1" } });
    expect(r.error?.code).toBe(UNSUPPORTED_BY_POOL);
    expect(r.headerCalls).toBe(0);
    expect(f.conns).toBe(0);
  });
});

describe("response framing", () => {
  it("Content-Length body (equal repeats accepted); repeated fields kept raw and folded as Node folds them", async () => {
    const { f, pools } = await setup((s) =>
      s.write(
        "HTTP/1.1 201 Created\r\nX-A: 1\r\nx-a: 2\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 5, 5\r\nContent-Length: 5\r\n\r\nhello",
      ),
    );
    const r = await get(pools, f.port);
    expect(r.status).toBe(201);
    expect(r.body.toString()).toBe("hello");
    expect(r.head?.raw.join("|")).toBe(
      "x-a|1|x-a|2|set-cookie|a=1|set-cookie|b=2|content-length|5, 5|content-length|5",
    );
    expect(r.head?.headers["x-a"]).toBe("1, 2");
    expect(r.head?.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
    expect([r.headerCalls, r.endCalls, r.errorCalls]).toEqual([1, 1, 0]);
  });

  const chunkedPieces = [
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r",
    "\n5;ext",
    "=1\r",
    "\nhel",
    "lo\r",
    "\n1",
    '0 ; name="v"\r\n0123456789abcdef',
    "\r",
    "\n0\r\nX-Trailer: t\r",
    "\nX-T2: u\r\n\r",
    "\n",
  ];

  it.each([
    ["split at awkward boundaries", chunkedPieces, 5],
    ["one byte per segment", [...chunkedPieces.join("")], 1],
  ])(
    "chunked body %s, with extensions and trailers; then the connection is reused",
    async (_d, pieces, ms) => {
      const { f, pools } = await setup((s, i) => {
        if (i === 0) void dribble(s, pieces, ms);
        else s.write(OK("again"));
      });
      const r = await get(pools, f.port);
      expect(r.error).toBeUndefined();
      expect(r.head?.chunked).toBe(true);
      expect(r.body.toString()).toBe("hello0123456789abcdef");
      expect((await get(pools, f.port)).body.toString()).toBe("again");
      expect(f.conns).toBe(1);
    },
  );

  it.each([
    ["no framing", "HTTP/1.1 200 OK\r\nX-A: 1\r\n\r\n"],
    ["Transfer-Encoding without final chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"],
  ])("close-delimited body (%s) runs to the close; the connection is not reused", async (_d, head) => {
    const { f, pools } = await setup((s, i) => {
      if (i > 0) {
        s.write(OK("next"));
        return;
      }
      void dribble(s, [head, "abc", "def"]).then(() => s.end());
    });
    const r = await get(pools, f.port);
    expect(r.endCalls).toBe(1);
    expect(r.body.toString()).toBe("abcdef");
    expect((await get(pools, f.port)).body.toString()).toBe("next");
    expect(f.conns).toBe(2);
  });

  it.each([
    ["204", "HTTP/1.1 204 No Content\r\n\r\n", "GET"],
    [
      "304 with the representation's Content-Length",
      "HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n",
      "GET",
    ],
    ["HEAD with Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", "HEAD"],
    ["HEAD with chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "HEAD"],
  ])("%s: no body, and the connection serves the next request", async (_d, first, method) => {
    const { f, pools } = await setup((s, i) => s.write(i === 0 ? first : OK("second")));
    const r = await get(pools, f.port, { method });
    expect(r.endCalls).toBe(1);
    expect(r.body.length).toBe(0);
    const r2 = await get(pools, f.port);
    expect(r2.body.toString()).toBe("second");
    expect(f.conns).toBe(1);
  });

  it("100 Continue and 103 Early Hints are skipped; only the final head is reported", async () => {
    const { f, pools } = await setup(
      (s) =>
        void dribble(s, [
          "HTTP/1.1 100 Continue\r\n\r\n",
          "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nX-Final: 1\r\nContent-Length: 2\r\n\r\nok",
        ]),
    );
    const r = await get(pools, f.port);
    expect(r.status).toBe(200);
    expect(r.headerCalls).toBe(1);
    expect(r.head?.headers.link).toBeUndefined();
    expect(r.head?.headers["x-final"]).toBe("1");
    expect(r.body.toString()).toBe("ok");
  });
});

describe("malformed responses are errors (never onHeaders)", () => {
  it.each([
    ["bad status line", "HTTP/1.1 ???\r\n\r\n"],
    ["HTTP/2 status line", "HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n"],
    ["two-digit status", "HTTP/1.1 20 OK\r\n\r\n"],
    ["101 never asked for", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n"],
    ["CL + TE", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"],
    ["conflicting CLs", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"],
    ["conflicting CL list", "HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\nabcd"],
    ["negative CL", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"],
    ["obs-fold", "HTTP/1.1 200 OK\r\nX-A: a\r\n  folded\r\nContent-Length: 0\r\n\r\n"],
    ["space before colon", "HTTP/1.1 200 OK\r\nX-A : a\r\nContent-Length: 0\r\n\r\n"],
    ["head over 64 KiB (200 KB)", `HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(200_000)}\r\n\r\n`],
  ])("%s", async (_d, text) => {
    const { f, pools } = await setup((s) => s.write(text));
    const r = await get(pools, f.port);
    expect(r.error).toBeDefined();
    expect(r.error?.code).not.toBe("ECONNRESET");
    expect([r.headerCalls, r.endCalls, r.errorCalls]).toEqual([0, 0, 1]);
  });

  it("a head over 64 KiB is refused even when its end arrives in the read that crosses the limit", async () => {
    const big = `HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(70_000)}\r\nContent-Length: 0\r\n\r\n`;
    const { f, pools } = await setup((s) => void dribble(s, [big.slice(0, 60_000), big.slice(60_000)], 20));
    const r = await get(pools, f.port);
    expect([r.headerCalls, r.errorCalls]).toEqual([0, 1]);
  });

  it.each([
    ["invalid chunk size", "zz\r\nhello\r\n0\r\n\r\n"],
    ["chunk size too long", "1000000000000\r\n"],
    ["missing CRLF after chunk data", "3\r\nabcX\r\n0\r\n\r\n"],
    ["bare LF after size", "3\nabc\r\n0\r\n\r\n"],
  ])("chunked: %s → onError after the head", async (_d, body) => {
    const { f, pools } = await setup((s) =>
      s.write(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${body}`),
    );
    const r = await get(pools, f.port);
    expect([r.headerCalls, r.endCalls, r.errorCalls]).toEqual([1, 0, 1]);
    expect(r.error?.message).toContain("chunked");
  });

  it.each([
    ["mid-body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 1],
    ["before any answer", "", 0],
  ])("a connection closed %s is ECONNRESET", async (_d, text, heads) => {
    const { f, pools } = await setup((s) => s.end(text));
    const r = await get(pools, f.port);
    expect([r.headerCalls, r.errorCalls]).toEqual([heads, 1]);
    expect(r.error?.code).toBe("ECONNRESET");
    expect(r.body.toString()).toBe(text ? "abc" : "");
  });
});

describe("keep-alive", () => {
  it("two sequential requests use one connection", async () => {
    const { f, pools } = await setup((s, i) => s.write(OK(`r${i}`)));
    expect((await get(pools, f.port)).body.toString()).toBe("r0");
    expect((await get(pools, f.port, { path: "/2" })).body.toString()).toBe("r1");
    expect(f.conns).toBe(1);
    expect(f.requests[1]).toMatch(/^GET \/2 HTTP\/1\.1\r\n/);
  });

  it.each([
    ["Connection: close", OK("r0", "Connection: close\r\n")],
    ["an HTTP/1.0 response without keep-alive", OK("r0").replace("HTTP/1.1", "HTTP/1.0")],
    ["leftover bytes after a complete response", `${OK("r0")}HTTP/1.1 200 OK\r\n`],
  ])("%s → the next request opens a new connection", async (_d, first) => {
    const { f, pools } = await setup((s, i) => s.write(i === 0 ? first : OK("r1")));
    expect((await get(pools, f.port)).body.toString()).toBe("r0");
    expect((await get(pools, f.port)).body.toString()).toBe("r1");
    expect(f.conns).toBe(2);
  });

  it("unsolicited bytes on an idle connection → it is dropped; the next request gets a fresh one", async () => {
    const { f, pools } = await setup((s, i) => {
      s.write(OK(`r${i}`));
      if (i === 0) setTimeout(() => s.write("junk"), 10);
    });
    expect((await get(pools, f.port)).body.toString()).toBe("r0");
    await tick(50);
    expect((await get(pools, f.port)).body.toString()).toBe("r1");
    expect(f.conns).toBe(2);
  });

  it("an idle connection the server closed → the next request still succeeds", async () => {
    const [closed, serverClosed] = signal();
    const { f, pools } = await setup((s, i) => {
      s.write(OK(`r${i}`));
      if (i === 0) {
        s.on("close", serverClosed);
        setTimeout(() => s.end(), 5);
      }
    });
    expect((await get(pools, f.port)).body.toString()).toBe("r0");
    await closed;
    await tick(20);
    const r = await get(pools, f.port);
    expect(r.error).toBeUndefined();
    expect(r.body.toString()).toBe("r1");
    expect(f.conns).toBe(2);
  });

  it("Keep-Alive: timeout=1 from the upstream → the idle connection is closed within about a second", async () => {
    const [closed, serverSawClose] = signal();
    const { f, pools } = await setup((s) => {
      s.on("close", serverSawClose);
      s.write(OK("x", "Keep-Alive: timeout=1\r\n"));
    });
    await get(pools, f.port);
    const t0 = performance.now();
    await closed;
    expect(performance.now() - t0).toBeLessThan(1500);
  });
});

describe("failures and timeouts", () => {
  it("connect refused → ECONNREFUSED", async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise((r) => srv.close(r));
    const pools = new UpstreamPools();
    cleanup.push(() => pools.close());
    const r = await get(pools, port);
    expect(r.error?.code).toBe("ECONNREFUSED");
    expect([r.headerCalls, r.errorCalls]).toEqual([0, 1]);
  });

  it("read timeout: an upstream that never answers → MICHI_UPSTREAM_TIMEOUT within about a second", async () => {
    const { f, pools } = await setup(() => {});
    const t0 = performance.now();
    const r = await get(pools, f.port, { readTimeoutMs: 300 });
    const took = performance.now() - t0;
    expect(r.error?.code).toBe(UPSTREAM_TIMEOUT);
    expect(took).toBeGreaterThan(150);
    expect(took).toBeLessThan(1000);
  });

  it("the read timeout is an idle timer: a slow but steady body is not cut", async () => {
    const { f, pools } = await setup(
      (s) =>
        void dribble(s, ["HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n", "a", "b", "c", "d", "e", "f"], 100),
    );
    const r = await get(pools, f.port, { readTimeoutMs: 300 });
    expect(r.error).toBeUndefined();
    expect(r.body.toString()).toBe("abcdef");
  });
});

describe("backpressure", () => {
  it("onData returning false pauses until resume(); a 5 MB body arrives whole and in order", async () => {
    const size = 5 * 1024 * 1024;
    const body = Buffer.alloc(size);
    for (let i = 0; i < size; i++) body[i] = (i * 7 + (i >>> 12)) & 0xff;
    const { f, pools } = await setup((s) => {
      s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${size}\r\n\r\n`);
      s.write(body);
    });
    let calls = 0;
    let pauses = 0;
    let paused = false;
    let violations = 0;
    const { req, done } = start(pools, f.port, {}, () => {
      if (paused) violations++;
      if (++calls % 3 !== 0) return true;
      pauses++;
      paused = true;
      setTimeout(() => {
        paused = false;
        req.resume();
      }, 2);
      return false;
    });
    const r = await done;
    expect(r.error).toBeUndefined();
    expect(pauses).toBeGreaterThan(3);
    expect(violations).toBe(0);
    expect(r.body.length).toBe(size);
    expect(r.body.equals(body)).toBe(true);
  });

  it("time paused for a slow receiver does not count as upstream silence (read timeout)", async () => {
    const { f, pools } = await setup((s) => {
      s.write("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab");
      setTimeout(() => s.write("cd"), 50);
    });
    let first = true;
    const { req, done } = start(pools, f.port, { readTimeoutMs: 300 }, () => {
      if (!first) return true;
      first = false;
      // The receiver stays full for well over the read timeout.
      setTimeout(() => req.resume(), 800);
      return false;
    });
    const r = await done;
    expect(r.error).toBeUndefined();
    expect(r.body.toString()).toBe("abcd");
  });
});

describe("abort", () => {
  it("abort() while waiting: one onError, no crash, the connection is not reused", async () => {
    const [closed, firstClosed] = signal();
    const { f, pools } = await setup((s, i) => {
      if (i === 0) s.on("close", firstClosed);
      else s.write(OK("after"));
    });
    const { req, done, r } = start(pools, f.port);
    while (f.requests.length === 0) await tick(2);
    req.abort();
    req.abort();
    await done;
    await closed;
    expect([r.headerCalls, r.endCalls, r.errorCalls]).toEqual([0, 0, 1]);
    expect((await get(pools, f.port)).body.toString()).toBe("after");
    expect(f.conns).toBe(2);
  });

  it("abort() after the end is a no-op; the connection stays pooled", async () => {
    const { f, pools } = await setup((s, i) => s.write(OK(`r${i}`)));
    const { req, done, r } = start(pools, f.port);
    await done;
    req.abort();
    expect([r.endCalls, r.errorCalls]).toEqual([1, 0]);
    expect((await get(pools, f.port)).body.toString()).toBe("r1");
    expect(f.conns).toBe(1);
  });

  it("close() aborts requests in flight (connecting, waiting) with one onError each", async () => {
    const { f, pools } = await setup(() => {});
    const a = start(pools, f.port);
    while (f.requests.length < 1) await tick(2);
    const b = start(pools, f.port, { path: "/b" });
    await pools.close();
    await Promise.all([a.done, b.done]);
    expect([a.r.errorCalls, b.r.errorCalls, a.r.headerCalls, b.r.headerCalls]).toEqual([1, 1, 0, 0]);
  });
});
