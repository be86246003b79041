/**
 * The proxy's upstream client: hand-written HTTP/1.1 over persistent
 * keep-alive connection pools, one per upstream address. Sockets read into
 * one shared buffer (net's `onread`), so a proxied request costs no stream
 * machinery, no ClientRequest/IncomingMessage objects and no per-request
 * timers: one ticker per pool set checks every deadline on a coarse clock,
 * as nginx's event loop does.
 *
 * Used for bodyless requests to plain-HTTP upstreams (the common case);
 * everything else keeps Node's http client. Timing follows nginx: the
 * connect timeout covers queueing, connecting and writing the request, then
 * the read timeout runs as an idle timer refreshed by every response chunk.
 * Errors carry the codes Node's http client gave for the same failure
 * (ECONNREFUSED…, ECONNRESET for a connection the upstream closed before
 * answering, MICHI_UPSTREAM_TIMEOUT for timeouts); a malformed answer is a
 * plain error (502, never retried).
 */
import type { OutgoingHttpHeaders } from "node:http";
import net from "node:net";
import { isFieldValue, isToken, parseResponseHead, type ResponseHead } from "./http1.js";

export type { ResponseHead };

export const UPSTREAM_TIMEOUT = "MICHI_UPSTREAM_TIMEOUT";

export class UpstreamTimeout extends Error {
  readonly code = UPSTREAM_TIMEOUT;
}

/** The request cannot be written as given (a header or path no HTTP/1.1 message may carry): use the http.request path. */
export const UNSUPPORTED_BY_POOL = "MICHI_UNSUPPORTED_BY_POOL";

/** Where a pooled request's response goes. */
export interface PooledSink {
  /** The final response head (1xx heads are skipped). */
  onHeaders(status: number, head: ResponseHead): void;
  /**
   * Body bytes `buf[from..to)`, borrowed: valid only during the call (copy
   * to keep). Return false when the receiver is full; call the handle's
   * resume() once it drained.
   */
  onData(buf: Buffer, from: number, to: number): boolean;
  onEnd(): void;
  onError(err: NodeJS.ErrnoException): void;
}

export interface PooledRequest {
  abort(): void;
  resume(): void;
}

export interface PooledOptions {
  host: string;
  port: number;
  method: string;
  path: string;
  /** Header fields to send (validated here)… */
  headers?: OutgoingHttpHeaders;
  /** …or the field lines already serialised and known to be valid, each ending in CRLF. */
  fieldLines?: string;
  connectTimeoutMs: number;
  readTimeoutMs: number;
}

/** ingress-nginx: upstream-keepalive-connections 320, upstream-keepalive-timeout 60 s. */
const MAX_IDLE = 320;
const IDLE_MS = 60_000;
/** Connections per upstream address before requests queue. */
const MAX_OPEN = 1024;
/** Largest response head accepted (nginx: proxy_buffer_size; bigger → 502). */
const MAX_HEAD = 64 * 1024;
const TICK_MS = 100;

/** Every upstream socket reads into this buffer; each read is consumed before the next. */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

function errorWithCode(message: string, code: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(message);
  e.code = code;
  return e;
}

enum Body {
  None,
  Length,
  Chunked,
  Close,
}

enum Chunk {
  Size,
  Ext,
  SizeLF,
  Data,
  DataCR,
  DataLF,
  Trailer,
  TrailerLF,
}

class Conn {
  readonly sock: net.Socket;
  ex: Exchange | undefined;
  idleSince = 0;
  idleLimit = IDLE_MS;
  /** Position in the pool's connection list. */
  index = 0;
  connected = false;
  dead = false;

  constructor(
    readonly pool: HostPool,
    localAddress: string | undefined,
  ) {
    this.sock = net.connect({
      host: pool.host,
      port: pool.port,
      noDelay: true,
      ...(localAddress ? { localAddress } : {}),
      onread: {
        buffer: READ_BUFFER,
        callback: (n: number, buf: Buffer) => {
          this.onBytes(buf, n);
          return undefined as unknown as boolean;
        },
      },
    });
    this.sock.on("connect", () => {
      this.connected = true;
      const ex = this.ex;
      if (ex) ex.send(this);
    });
    this.sock.on("error", (err: NodeJS.ErrnoException) => this.onGone(err));
    this.sock.on("end", () => this.onGone(undefined));
    this.sock.on("close", () => this.onGone(undefined));
    // Flowing mode: no 'data' listeners (reads go to the callback), but 'end' is emitted.
    this.sock.resume();
  }

  private onBytes(buf: Buffer, n: number): void {
    const ex = this.ex;
    if (!ex) {
      // Bytes nobody asked for on an idle connection: it cannot be trusted any more.
      this.destroy();
      return;
    }
    ex.feed(buf, 0, n);
  }

  private onGone(err: NodeJS.ErrnoException | undefined): void {
    if (this.dead) {
      return;
    }
    const ex = this.ex;
    if (ex) {
      ex.connectionGone(err);
      return;
    }
    this.destroy();
  }

  destroy(): void {
    if (this.dead) return;
    this.dead = true;
    this.ex = undefined;
    this.sock.destroy();
    this.pool.forget(this);
  }
}

class HostPool {
  readonly idle: Conn[] = [];
  /** Every open connection (the ticker checks their exchanges' deadlines). */
  readonly conns: Conn[] = [];
  open = 0;
  readonly queue: Exchange[] = [];

  constructor(
    readonly owner: UpstreamPools,
    readonly host: string,
    readonly port: number,
    private readonly localAddress: string | undefined,
  ) {}

  start(ex: Exchange): void {
    const conn = this.idle.pop();
    if (conn) {
      conn.ex = ex;
      ex.send(conn);
      return;
    }
    if (this.open >= MAX_OPEN) {
      this.queue.push(ex);
      return;
    }
    this.open++;
    const c = new Conn(this, this.localAddress);
    c.index = this.conns.length;
    this.conns.push(c);
    c.ex = ex;
    ex.conn = c;
  }

  /** A finished exchange's connection: the next queued request, or the idle stack. */
  release(conn: Conn, keepAlive: boolean): void {
    conn.ex = undefined;
    if (!keepAlive || conn.dead) {
      conn.destroy();
      return;
    }
    const next = this.queue.shift();
    if (next) {
      conn.ex = next;
      next.send(conn);
      return;
    }
    if (this.idle.length >= MAX_IDLE) {
      conn.destroy();
      return;
    }
    conn.idleSince = this.owner.now;
    this.idle.push(conn);
  }

  forget(conn: Conn): void {
    this.open--;
    // Swap-remove from the connection list.
    const last = this.conns.pop() as Conn;
    if (last !== conn) {
      this.conns[conn.index] = last;
      last.index = conn.index;
    }
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    const next = this.queue.shift();
    if (next) this.start(next);
  }

  dequeue(ex: Exchange): void {
    const i = this.queue.indexOf(ex);
    if (i >= 0) this.queue.splice(i, 1);
  }

  /** Deadlines of the exchanges on this pool's connections and in its queue. */
  check(now: number): void {
    for (let i = this.conns.length - 1; i >= 0; i--) this.conns[i]?.ex?.check(now);
    for (let i = this.queue.length - 1; i >= 0; i--) this.queue[i]?.check(now);
  }

  expireIdle(now: number): void {
    // The stack's bottom holds the longest idle connections.
    while (this.idle.length > 0) {
      const c = this.idle[0] as Conn;
      if (now - c.idleSince < c.idleLimit) break;
      c.destroy();
    }
  }
}

/** One request/response on a pooled connection. */
class Exchange implements PooledRequest {
  conn: Conn | undefined;
  done = false;
  /** Coarse-clock deadlines: connect/write, then read (idle). */
  deadline: number;
  reading = false;
  /** Reading is paused because the receiver is full. */
  paused = false;
  lastActivity = 0;
  private head = "";
  private inHead = true;
  private gotBytes = false;
  private body = Body.None;
  private remaining = 0;
  private chunkState = Chunk.Size;
  /** Digits of a chunk size, or bytes of an extension or trailer line. */
  private count = 0;
  private keepAlive = false;

  constructor(
    readonly pools: UpstreamPools,
    readonly pool: HostPool,
    private readonly text: string,
    private readonly isHead: boolean,
    private readonly sink: PooledSink,
    private readonly readTimeoutMs: number,
    connectTimeoutMs: number,
  ) {
    this.deadline = pools.now + connectTimeoutMs;
  }

  send(conn: Conn): void {
    this.conn = conn;
    if (!conn.connected) return; // written on connect
    conn.sock.write(this.text, "latin1");
    this.reading = true;
    this.lastActivity = this.pools.now;
  }

  feed(buf: Buffer, from: number, to: number): void {
    this.gotBytes = true;
    this.lastActivity = this.pools.now;
    let pos = from;
    while (!this.done && pos < to)
      pos = this.inHead ? this.feedHead(buf, pos, to) : this.feedBody(buf, pos, to);
  }

  /** Head bytes; returns where the body (or the next head, after a 1xx) starts. */
  private feedHead(buf: Buffer, from: number, to: number): number {
    const prev = this.head.length;
    this.head += buf.toString("latin1", from, to);
    const idx = this.head.indexOf("\r\n\r\n", prev > 3 ? prev - 3 : 0);
    if (idx < 0) {
      if (this.head.length > MAX_HEAD) this.fail(new Error("upstream sent too big header"));
      return to;
    }
    if (idx + 4 > MAX_HEAD) {
      this.fail(new Error("upstream sent too big header"));
      return to;
    }
    const next = from + (idx + 4 - prev);
    const parsed = parseResponseHead(this.head, idx);
    this.head = "";
    if (typeof parsed === "string") {
      this.fail(new Error(`upstream sent an invalid response: ${parsed}`));
      return to;
    }
    if (parsed.status < 200) {
      // 100 Continue / 103 Early Hints are skipped; 101 was never asked for.
      if (parsed.status === 101) this.fail(new Error("upstream switched protocols unasked"));
      return next;
    }
    this.inHead = false;
    this.startBody(parsed);
    this.sink.onHeaders(parsed.status, parsed);
    if (!this.done && (this.body === Body.None || (this.body === Body.Length && this.remaining === 0)))
      this.complete(next === to);
    return next;
  }

  private startBody(h: ResponseHead): void {
    this.keepAlive = h.keepAlive;
    // Honour the upstream's own idle limit (less a second, as undici does), capped at ours.
    if (h.keepAliveTimeout !== undefined && this.conn)
      this.conn.idleLimit = Math.min(IDLE_MS, Math.max(0, h.keepAliveTimeout * 1000 - 1000));
    if (this.isHead || h.status === 204 || h.status === 304) this.body = Body.None;
    else if (h.chunked) {
      this.body = Body.Chunked;
      this.chunkState = Chunk.Size;
      this.remaining = 0;
      this.count = 0;
    } else if (h.closeDelimited || h.contentLength === undefined) {
      this.body = Body.Close;
      this.keepAlive = false;
    } else {
      this.body = Body.Length;
      this.remaining = h.contentLength;
    }
  }

  private feedBody(buf: Buffer, from: number, to: number): number {
    if (this.body === Body.Length) {
      const n = Math.min(this.remaining, to - from);
      this.remaining -= n;
      this.deliver(buf, from, from + n);
      if (this.remaining === 0) this.complete(from + n === to);
      return from + n;
    }
    if (this.body === Body.Close) {
      this.deliver(buf, from, to);
      return to;
    }
    return this.feedChunked(buf, from, to);
  }

  private deliver(buf: Buffer, from: number, to: number): void {
    if (to <= from || this.done) return;
    if (!this.sink.onData(buf, from, to)) {
      // The client is slow, not the upstream: no read timeout while paused (nginx keeps reading into its buffers).
      this.paused = true;
      this.conn?.sock.pause();
    }
  }

  private feedChunked(buf: Buffer, from: number, to: number): number {
    let pos = from;
    while (pos < to && !this.done) {
      const c = buf[pos] as number;
      switch (this.chunkState) {
        case Chunk.Size: {
          const d = hexDigit(c);
          if (d >= 0) {
            if (++this.count > 12) return this.badChunk(to);
            this.remaining = this.remaining * 16 + d;
            pos++;
          } else if (this.count > 0 && (c === 0x3b || c === 0x20 || c === 0x09)) {
            this.chunkState = Chunk.Ext;
            pos++;
          } else if (this.count > 0 && c === 0x0d) {
            this.chunkState = Chunk.SizeLF;
            pos++;
          } else return this.badChunk(to);
          break;
        }
        case Chunk.Ext:
          // chunk-ext is ignored (bounded by the head-size limit's spirit: 4 KiB per line).
          if (c === 0x0d) this.chunkState = Chunk.SizeLF;
          else if (c === 0x0a || ++this.count > 4096) return this.badChunk(to);
          pos++;
          break;
        case Chunk.SizeLF:
          if (c !== 0x0a) return this.badChunk(to);
          pos++;
          this.count = 0;
          this.chunkState = this.remaining === 0 ? Chunk.Trailer : Chunk.Data;
          break;
        case Chunk.Data: {
          const n = Math.min(this.remaining, to - pos);
          this.deliver(buf, pos, pos + n);
          this.remaining -= n;
          pos += n;
          if (this.remaining === 0) this.chunkState = Chunk.DataCR;
          break;
        }
        case Chunk.DataCR:
          if (c !== 0x0d) return this.badChunk(to);
          this.chunkState = Chunk.DataLF;
          pos++;
          break;
        case Chunk.DataLF:
          if (c !== 0x0a) return this.badChunk(to);
          this.chunkState = Chunk.Size;
          this.count = 0;
          pos++;
          break;
        case Chunk.Trailer:
          // Trailer fields are dropped; an empty line ends the message.
          if (c === 0x0d) this.chunkState = Chunk.TrailerLF;
          else if (++this.count > MAX_HEAD) return this.badChunk(to);
          pos++;
          break;
        case Chunk.TrailerLF:
          if (c !== 0x0a) return this.badChunk(to);
          pos++;
          if (this.count === 0) {
            this.complete(pos === to);
            return pos;
          }
          this.count = 0;
          this.chunkState = Chunk.Trailer;
          break;
      }
    }
    return pos;
  }

  private badChunk(to: number): number {
    this.fail(new Error("upstream sent an invalid chunked body"));
    return to;
  }

  /** The response is whole; `clean`: nothing followed it (else the connection is out of step and closed). */
  private complete(clean: boolean): void {
    if (this.done) return;
    this.done = true;
    const conn = this.conn;
    this.conn = undefined;
    if (conn) {
      conn.sock.resume();
      this.pool.release(conn, this.keepAlive && clean);
    }
    this.sink.onEnd();
  }

  /** The connection closed or failed while this exchange owned it. */
  connectionGone(err: NodeJS.ErrnoException | undefined): void {
    if (this.done) return;
    if (this.body === Body.Close && err === undefined) {
      this.conn?.destroy();
      this.conn = undefined;
      this.complete(false);
      return;
    }
    if (err && !this.gotBytes && !this.reading) {
      // Connecting failed: ECONNREFUSED, EHOSTUNREACH… as Node reports them.
      this.fail(err);
      return;
    }
    const e = errorWithCode(
      this.gotBytes ? "upstream closed the connection mid-response" : "socket hang up",
      "ECONNRESET",
    );
    this.fail(e);
  }

  /** Ends the exchange with an error (the connection is not reused). */
  fail(err: NodeJS.ErrnoException): void {
    if (this.done) return;
    this.done = true;
    this.pool.dequeue(this);
    const conn = this.conn;
    this.conn = undefined;
    conn?.destroy();
    this.sink.onError(err);
  }

  abort(): void {
    this.fail(errorWithCode("aborted", "ECONNRESET"));
  }

  resume(): void {
    this.paused = false;
    this.lastActivity = this.pools.now;
    this.conn?.sock.resume();
  }

  /** Called by the ticker. */
  check(now: number): void {
    if (this.reading) {
      if (!this.paused && now - this.lastActivity > this.readTimeoutMs)
        this.fail(new UpstreamTimeout("upstream timed out"));
    } else if (now > this.deadline) this.fail(new UpstreamTimeout("upstream connect timed out"));
  }
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** A request target this client writes as it is (visible bytes only); undefined counts as the default "/". */
export function writablePath(p: string | undefined): boolean {
  if (p === undefined) return true;
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (c < 0x21 || c > 0xff || c === 0x7f) return false;
  }
  return true;
}

/** The request head as written, or undefined when something in it cannot go on the wire. */
function requestText(o: PooledOptions): string | undefined {
  if (!isToken(o.method)) return undefined;
  const p = o.path;
  if (p.length === 0 || !writablePath(p)) return undefined;
  let s = `${o.method} ${p} HTTP/1.1\r\n`;
  if (o.fieldLines !== undefined) return `${s}${o.fieldLines}connection: keep-alive\r\n\r\n`;
  const h = o.headers ?? {};
  for (const k in h) {
    const v = h[k];
    if (v === undefined) continue;
    if (!isToken(k)) return undefined;
    if (Array.isArray(v)) {
      for (const x of v) {
        if (!isFieldValue(x)) return undefined;
        s += `${k}: ${x}\r\n`;
      }
    } else {
      const x = typeof v === "string" ? v : String(v);
      if (!isFieldValue(x)) return undefined;
      s += `${k}: ${x}\r\n`;
    }
  }
  return `${s}connection: keep-alive\r\n\r\n`;
}

/**
 * Keep-alive pools per upstream address. Pools left without connections or
 * requests (endpoints that went away) are dropped once a minute, so churning
 * pods do not accumulate pools.
 */
export class UpstreamPools {
  private readonly pools = new Map<string, HostPool>();
  /** The coarse clock (ms), advanced by the ticker. */
  now = performance.now();
  private ticker: NodeJS.Timeout | undefined;
  private ticks = 0;

  constructor(private readonly localAddress?: string) {}

  private tick(): void {
    this.now = performance.now();
    for (const pool of this.pools.values()) pool.check(this.now);
    if (++this.ticks % 10 === 0) {
      for (const [key, pool] of this.pools) {
        pool.expireIdle(this.now);
        if (this.ticks % 600 === 0 && pool.open === 0 && pool.queue.length === 0) this.pools.delete(key);
      }
    }
  }

  request(o: PooledOptions, sink: PooledSink): PooledRequest {
    if (!this.ticker) {
      this.now = performance.now();
      this.ticker = setInterval(() => this.tick(), TICK_MS);
      this.ticker.unref();
    }
    const key = `${o.host}:${o.port}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new HostPool(this, o.host, o.port, this.localAddress);
      this.pools.set(key, pool);
    }
    const text = requestText(o);
    const ex = new Exchange(
      this,
      pool,
      text ?? "",
      o.method === "HEAD",
      sink,
      o.readTimeoutMs,
      o.connectTimeoutMs,
    );
    if (text === undefined) {
      ex.done = true;
      process.nextTick(() =>
        sink.onError(errorWithCode("the request cannot be written as HTTP/1.1", UNSUPPORTED_BY_POOL)),
      );
      return ex;
    }
    pool.start(ex);
    return ex;
  }

  async close(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    for (const pool of this.pools.values()) {
      for (const ex of [...pool.queue]) ex.abort();
      for (const c of [...pool.conns]) {
        if (c.ex) c.ex.abort();
        else c.destroy();
      }
    }
    this.pools.clear();
  }
}
