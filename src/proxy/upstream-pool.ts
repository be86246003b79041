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
import { isToken, type ResponseHead } from "./http1.js";
import { ResponseReader } from "./response-reader.js";
import {
  errorWithCode,
  UNSUPPORTED_BY_POOL,
  type UpstreamCall,
  type UpstreamSink,
  UpstreamTimeout,
  writablePath,
} from "./upstream-call.js";
import { fieldLines, fieldsOf } from "./wire.js";

export interface PooledOptions {
  host: string;
  port: number;
  method: string;
  path: string;
  /** Header fields to send, as [name, value, …] pairs or an object (validated here: anything unwritable → UNSUPPORTED_BY_POOL)… */
  headers?: readonly string[] | OutgoingHttpHeaders;
  /** …or field lines already serialised (wire.ts fieldLines), each ending in CRLF. */
  fieldLines?: string;
  connectTimeoutMs: number;
  readTimeoutMs: number;
}

/** ingress-nginx: upstream-keepalive-connections 320, upstream-keepalive-timeout 60 s. */
const MAX_IDLE = 320;
const IDLE_MS = 60_000;
/** Connections per upstream address before requests queue. */
const MAX_OPEN = 1024;
const TICK_MS = 100;

/** Every upstream socket reads into this buffer; each read is consumed before the next. */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

class Conn {
  readonly sock: net.Socket;
  ex: PoolRequest | undefined;
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
  readonly queue: PoolRequest[] = [];

  constructor(
    readonly owner: UpstreamPools,
    readonly host: string,
    readonly port: number,
    private readonly localAddress: string | undefined,
  ) {}

  start(ex: PoolRequest): void {
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

  dequeue(ex: PoolRequest): void {
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
class PoolRequest extends ResponseReader implements UpstreamCall {
  readonly mayBeStale = true;
  readonly bodyStarted = false;
  conn: Conn | undefined;
  /** Coarse-clock deadlines: connect/write, then read (idle). */
  deadline: number;
  reading = false;
  /** Reading is paused because the receiver is full. */
  paused = false;
  lastActivity = 0;
  private gotBytes = false;

  constructor(
    readonly pools: UpstreamPools,
    readonly pool: HostPool,
    private readonly text: string,
    isHead: boolean,
    private readonly sink: UpstreamSink,
    private readonly readTimeoutMs: number,
    connectTimeoutMs: number,
  ) {
    super(isHead);
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
    this.read(buf, from, to);
  }

  protected override headReceived(h: ResponseHead): void {
    // Honour the upstream's own idle limit (less a second, as undici does), capped at ours.
    if (h.keepAliveTimeout !== undefined && this.conn)
      this.conn.idleLimit = Math.min(IDLE_MS, Math.max(0, h.keepAliveTimeout * 1000 - 1000));
    this.sink.onHeaders(h.status, h);
  }

  protected override deliver(buf: Buffer, from: number, to: number): void {
    if (to <= from || this.done) return;
    if (!this.sink.onData(buf, from, to)) {
      // The client is slow, not the upstream: no read timeout while paused (nginx keeps reading into its buffers).
      this.paused = true;
      this.conn?.sock.pause();
    }
  }

  /** The response is whole; `clean`: nothing followed it (else the connection is out of step and closed). */
  protected override complete(clean: boolean): void {
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
    if (this.closeDelimited && err === undefined) {
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
  override fail(err: NodeJS.ErrnoException): void {
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

/** The request head as written, or undefined when something in it cannot go on the wire. */
function requestText(o: PooledOptions): string | undefined {
  if (!isToken(o.method)) return undefined;
  const p = o.path;
  if (p.length === 0 || !writablePath(p)) return undefined;
  const h = o.headers ?? [];
  const lines =
    o.fieldLines ??
    fieldLines(Array.isArray(h) ? (h as readonly string[]) : fieldsOf(h as OutgoingHttpHeaders), true);
  if (lines === undefined) return undefined;
  return `${o.method} ${p} HTTP/1.1\r\n${lines}connection: keep-alive\r\n\r\n`;
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

  request(o: PooledOptions, sink: UpstreamSink): UpstreamCall {
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
    const ex = new PoolRequest(
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
