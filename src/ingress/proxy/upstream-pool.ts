/**
 * The proxy's fast upstream client: persistent keep-alive connection pools
 * (undici's Pool, one per upstream address) driven through undici's
 * low-level dispatch handler, so a proxied request costs no http.Agent
 * bookkeeping, no ClientRequest/IncomingMessage objects and no stream
 * piping. Used for bodyless GET/HEAD requests to plain-HTTP upstreams (the
 * common case); everything else keeps Node's http client.
 *
 * Timing follows the http.request path it replaces: the connect timeout
 * covers queueing, connecting and writing the request; then the read
 * timeout runs as an idle timer refreshed by every response chunk. Errors
 * carry the codes that path produced (ECONNREFUSED…, ECONNRESET for a
 * socket the upstream closed, MICHI_UPSTREAM_TIMEOUT for timeouts).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { type Dispatcher, Pool } from "undici";

export const UPSTREAM_TIMEOUT = "MICHI_UPSTREAM_TIMEOUT";

export class UpstreamTimeout extends Error {
  readonly code = UPSTREAM_TIMEOUT;
}

/** undici refused the request itself (a header or path it will not send): use the http.request path. */
export const UNSUPPORTED_BY_POOL = "MICHI_UNSUPPORTED_BY_POOL";

/** Where a pooled request's response goes. */
export interface PooledSink {
  /** Headers as Node's IncomingMessage would present them. */
  onHeaders(status: number, headers: IncomingHttpHeaders): void;
  /** Return false when the receiver is full; call the handle's resume() once it drained. */
  onData(chunk: Buffer): boolean;
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
  headers: OutgoingHttpHeaders;
  connectTimeoutMs: number;
  readTimeoutMs: number;
}

/** Node's IncomingMessage keeps only the first of these when repeated. */
const SINGLE = new Set([
  "content-type",
  "user-agent",
  "referer",
  "host",
  "authorization",
  "proxy-authorization",
  "if-modified-since",
  "if-unmodified-since",
  "from",
  "location",
  "max-forwards",
  "retry-after",
  "etag",
  "last-modified",
  "server",
  "age",
  "expires",
]);

/** Raw header pairs folded exactly as Node's IncomingMessage.headers does. */
export function foldRawHeaders(raw: Buffer[]): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as Buffer).toString("latin1").toLowerCase();
    const value = (raw[i + 1] as Buffer).toString("latin1");
    const prev = out[name];
    if (prev === undefined) {
      out[name] = name === "set-cookie" ? [value] : value;
    } else if (name === "set-cookie") {
      (prev as string[]).push(value);
    } else if (!SINGLE.has(name)) {
      out[name] = `${prev as string}${name === "cookie" ? "; " : ", "}${value}`;
    }
  }
  return out;
}

function reset(cause: Error): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(cause.message, { cause });
  e.code = "ECONNRESET";
  return e;
}

/** undici's error codes → the ones Node's http client gave for the same failure. */
function nodeError(err: NodeJS.ErrnoException): NodeJS.ErrnoException {
  switch (err.code) {
    case "UND_ERR_SOCKET":
      // The upstream closed the connection (Node: "socket hang up", ECONNRESET); a malformed answer stays a plain 502.
      return err.message === "bad response" || err.message === "bad upgrade" ? err : reset(err);
    case "UND_ERR_CLOSED":
      return reset(err);
    case "UND_ERR_CONNECT_TIMEOUT":
    case "UND_ERR_HEADERS_TIMEOUT":
    case "UND_ERR_BODY_TIMEOUT":
      return new UpstreamTimeout(err.message, { cause: err });
    case "UND_ERR_INVALID_ARG":
    case "UND_ERR_NOT_SUPPORTED": {
      const e: NodeJS.ErrnoException = new Error(err.message, { cause: err });
      e.code = UNSUPPORTED_BY_POOL;
      return e;
    }
    default:
      return err;
  }
}

/** One undici dispatch: forwards the response to a sink and runs the connect/read timer. */
class PooledHandler implements PooledRequest {
  private abortFn: ((err: Error) => void) | undefined;
  private resumeFn: (() => void) | undefined;
  private readonly timer: NodeJS.Timeout;
  private done = false;

  constructor(
    private readonly sink: PooledSink,
    connectTimeoutMs: number,
    private readonly readTimeoutMs: number,
  ) {
    this.timer = setTimeout(() => this.timeout("upstream connect timed out"), connectTimeoutMs);
  }

  private timeout(message: string): void {
    this.abortWith(new UpstreamTimeout(message));
  }

  private abortWith(err: Error): void {
    if (this.done) return;
    if (this.abortFn) this.abortFn(err);
    else this.onError(err);
  }

  abort(): void {
    const e: NodeJS.ErrnoException = new Error("aborted");
    e.code = "ECONNRESET";
    this.abortWith(e);
  }

  resume(): void {
    this.resumeFn?.();
  }

  // undici's dispatch handler (callback form).
  onConnect(abort: (err?: Error) => void): void {
    // Already answered (timed out or the client left while queued): undici drops the request, keeping the connection.
    if (this.done) throw new Error("request no longer wanted");
    this.abortFn = abort;
  }

  /** The request is written (so the connection is up): the read timeout takes over. */
  onRequestSent(): void {
    if (!this.done) this.rearm();
  }

  private readTimer: NodeJS.Timeout | undefined;

  /** (Re)starts the read timeout, an idle timer like nginx's proxy_read_timeout. */
  private rearm(): void {
    clearTimeout(this.timer);
    if (this.readTimer) this.readTimer.refresh();
    else this.readTimer = setTimeout(() => this.timeout("upstream timed out"), this.readTimeoutMs);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (this.done) return false;
    this.resumeFn = resume;
    this.rearm();
    if (statusCode < 200) return true;
    this.sink.onHeaders(statusCode, foldRawHeaders(rawHeaders));
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.done) return false;
    this.rearm();
    return this.sink.onData(chunk);
  }

  onComplete(): void {
    if (this.done) return;
    this.finish();
    this.sink.onEnd();
  }

  onError(err: Error): void {
    if (this.done) return;
    this.finish();
    this.sink.onError(nodeError(err as NodeJS.ErrnoException));
  }

  private finish(): void {
    this.done = true;
    clearTimeout(this.timer);
    if (this.readTimer) clearTimeout(this.readTimer);
  }
}

/**
 * Keep-alive pools per upstream address (ingress-nginx: 60 s idle). Pools
 * left without connections or requests (endpoints that went away) are
 * dropped once a minute, so churning pods do not accumulate pools.
 */
export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly localAddress?: string) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  private sweep(): void {
    for (const [key, pool] of this.pools) {
      const s = pool.stats;
      if (s.connected === 0 && s.pending === 0 && s.running === 0 && s.queued === 0) {
        this.pools.delete(key);
        pool.close().catch(() => undefined);
      }
    }
  }

  request(o: PooledOptions, sink: PooledSink): PooledRequest {
    const key = `${o.host}:${o.port}`;
    let pool = this.pools.get(key);
    if (!pool) {
      const host = o.host.includes(":") ? `[${o.host}]` : o.host;
      pool = new Pool(`http://${host}:${o.port}`, {
        connections: 1024,
        pipelining: 1,
        keepAliveTimeout: 60_000,
        keepAliveMaxTimeout: 600_000,
        // The handler's own timer enforces connect and read timeouts.
        headersTimeout: 0,
        bodyTimeout: 0,
        connect: { timeout: 0, noDelay: true },
        ...(this.localAddress ? { localAddress: this.localAddress } : {}),
      });
      this.pools.set(key, pool);
    }
    const handler = new PooledHandler(sink, o.connectTimeoutMs, o.readTimeoutMs);
    const dispatchOpts = {
      method: o.method,
      path: o.path,
      headers: o.headers as Record<string, string | string[]>,
      // (Only TLS uses it; given, undici skips deriving it from the Host header on every request.)
      servername: o.host,
    };
    pool.dispatch(dispatchOpts as Dispatcher.DispatchOptions, handler);
    return handler;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.destroy().catch(() => undefined)));
  }
}
