/**
 * Requests taken by the hand-written front end (front.ts): routed with
 * routeRequest like every other request, answered by the controller or
 * proxied through the upstream pools, with the same retries, timeouts,
 * headers, access log and metrics as the Node-server path in
 * ingress-proxy.ts. Headers stay as the raw [name, value] pairs they
 * arrived as (repeats forwarded as they came, as nginx does) and go out as
 * serialised field lines: no header objects on this path. Routes that need
 * Node's http client (HTTPS backends) are declined before anything is
 * written, and Node's server takes them.
 */
import { type RouteDecision, type RouteRequest, routeRequest } from "../route-request.js";
import type { EndpointRef, RouteTable } from "../route-types.js";
import type { AccessLogEntry } from "./access-log.js";
import {
  accessEntry,
  controllerReply,
  cookieHeader,
  debugValue,
  dropRequestField,
  dropResponseField,
  isRetryable,
  pickEndpoint,
  plainAddress,
  type ReqState,
  requestIdFor,
} from "./exchange.js";
import { type FrontConn, type FrontExchange, type FrontHandler, fieldLines } from "./front.js";
import { connectionTokens } from "./hop-headers.js";
import { foldHeaders, isFieldValue, type RequestHead, type ResponseHead, rawHeader } from "./http1.js";
import type { IngressProxyOptions } from "./ingress-proxy.js";
import type { IngressMetrics } from "./metrics.js";
import {
  type PooledRequest,
  type PooledSink,
  UPSTREAM_TIMEOUT,
  type UpstreamPools,
  writablePath,
} from "./upstream-pool.js";

/** The proxy's shared state, as both front ends use it. */
export interface ProxyCore {
  opts: IngressProxyOptions;
  metrics: IngressMetrics;
  pools: UpstreamPools;
  rr: Map<string, number>;
  httpsPort(): number | undefined;
  /** A request started / ended (graceful shutdown waits for in-flight ones). */
  begin(): void;
  done(): void;
  log(e: AccessLogEntry): void;
}

/** nginx's status for a client that closed the connection before the answer. */
const CLIENT_CLOSED = 499;

export function fastHandler(
  core: ProxyCore,
  scheme: "http" | "https",
  listenPort: () => number,
): FrontHandler {
  return {
    serve(conn: FrontConn, head: RequestHead): boolean {
      const table = core.opts.getTable() as RouteTable | undefined;
      if (!table) return false;
      const rq: RouteRequest = {
        method: head.method,
        scheme,
        host: head.host,
        path: head.target,
        rawHeaders: head.raw,
        sourceIP: conn.remoteAddress,
        random: Math.random(),
      };
      if (head.contentLengthZero) rq.contentLength = 0;
      const httpsPort = core.httpsPort();
      if (httpsPort !== undefined) rq.httpsPort = httpsPort;
      const d = routeRequest(table, rq);
      if (d.action === "proxy") {
        if (d.config.backendProtocol !== "HTTP" || !writablePath(d.upstreamPath)) return false;
      } else if (d.status === 400 || d.status === 413) return false;
      core.metrics.noteTable(table);
      new FastExchange(core, conn, head, d, scheme, listenPort()).run();
      return true;
    },
  };
}

/** Tokens of every Connection field in raw pairs. */
function connectionOf(raw: readonly string[]): ReadonlySet<string> | undefined {
  const v = rawHeader(raw, "connection");
  return v === undefined ? undefined : connectionTokens(v);
}

class FastExchange implements PooledSink, FrontExchange, ReqState {
  // ReqState (access log)
  bytesSent = 0;
  upstreamAddr = "";
  upstreamStatus: number | undefined = undefined;
  upstreamStart = 0;
  upstreamEnd: number | undefined = undefined;
  servedBy: EndpointRef | undefined = undefined;

  private readonly started = performance.now();
  private readonly requestId: string;
  private readonly debug: string | undefined;
  private finished = false;
  private gone = false;
  private status = 0;
  private active: PooledRequest | undefined;
  private ep: EndpointRef | undefined;
  private k = 0;
  private staleRetry = false;
  private startIndex = 0;
  private tries = 0;
  private fields = "";

  constructor(
    private readonly core: ProxyCore,
    private readonly conn: FrontConn,
    private readonly head: RequestHead,
    private readonly d: RouteDecision,
    private readonly scheme: "http" | "https",
    private readonly listenPort: number,
  ) {
    core.begin();
    this.requestId = requestIdFor(rawHeader(head.raw, "x-request-id"));
    this.debug = core.opts.debugHeader ? debugValue(d) : undefined;
  }

  run(): void {
    const d = this.d;
    if (d.action !== "proxy") {
      this.reply(d.status);
      return;
    }
    this.conn.exchange = this;
    const first = pickEndpoint(d, this.core.rr);
    this.startIndex = d.endpoints.indexOf(first);
    this.tries = Math.min(this.core.opts.upstreamTries ?? 3, d.endpoints.length);
    this.fields = this.upstreamFields();
    this.attempt(0, false);
  }

  /** The upstream request's field lines. */
  private upstreamFields(): string {
    const raw = this.head.raw;
    const conn = connectionOf(raw);
    let s = "";
    let xff: string | undefined;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i] as string;
      const v = raw[i + 1] as string;
      if (name === "x-forwarded-for") xff = xff === undefined ? v : `${xff}, ${v}`;
      if (dropRequestField(name) || conn?.has(name)) continue;
      s += `${name}: ${v}\r\n`;
    }
    const d = this.d;
    const host = this.head.host;
    const remote = plainAddress(this.conn.remoteAddress);
    const scheme = this.scheme;
    // ingress-nginx default (use-forwarded-headers false): the client's own X-Forwarded-For is not trusted.
    s += `host: ${d.upstreamHost !== undefined && isFieldValue(d.upstreamHost) ? d.upstreamHost : host}\r\nx-request-id: ${this.requestId}\r\nx-real-ip: ${remote}\r\nx-forwarded-for: ${remote}\r\n`;
    if (xff !== undefined) s += `x-original-forwarded-for: ${xff}\r\n`;
    s += `x-forwarded-host: ${host}\r\nx-forwarded-port: ${this.listenPort}\r\nx-forwarded-proto: ${scheme}\r\nx-forwarded-scheme: ${scheme}\r\nx-scheme: ${scheme}\r\n`;
    for (const k in d.upstreamHeaders) {
      const v = d.upstreamHeaders[k] as string;
      if (isFieldValue(v)) s += `${k}: ${v}\r\n`;
    }
    return s;
  }

  private attempt(k: number, staleRetry: boolean): void {
    const d = this.d;
    this.k = k;
    this.staleRetry = staleRetry;
    const ep = d.endpoints[(this.startIndex + k) % d.endpoints.length] as EndpointRef;
    this.ep = ep;
    this.upstreamAddr = this.upstreamAddr
      ? `${this.upstreamAddr}, ${ep.ip}:${ep.port}`
      : `${ep.ip}:${ep.port}`;
    this.upstreamStart = performance.now();
    const target = this.core.opts.upstream(ep);
    this.active = this.core.pools.request(
      {
        host: target.host,
        port: target.port,
        method: this.head.method,
        path: d.upstreamPath ?? "/",
        fieldLines: this.fields,
        connectTimeoutMs: d.config.connectTimeoutMs,
        readTimeoutMs: d.config.readTimeoutMs,
      },
      this,
    );
  }

  // PooledSink

  onHeaders(status: number, h: ResponseHead): void {
    this.upstreamStatus = status;
    this.servedBy = this.ep;
    this.status = status;
    this.conn.start(
      status,
      this.responseFields(h),
      h.chunked || h.closeDelimited ? undefined : h.contentLength,
    );
  }

  /** The client's response fields: the upstream's minus hop-by-hop ones (and its Server/Date), plus the controller's. */
  private responseFields(h: ResponseHead): string {
    const d = this.d;
    const raw = h.raw;
    const conn = connectionOf(raw);
    const extra = d.responseHeaders;
    let s = "";
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i] as string;
      if (dropResponseField(name, conn) || name === "content-length" || extra[name] !== undefined) continue;
      s += `${name}: ${raw[i + 1]}\r\n`;
    }
    if (h.contentLength !== undefined) s += `content-length: ${h.contentLength}\r\n`;
    s += "server: michi\r\n";
    s += fieldLines(extra);
    const ep = this.ep as EndpointRef;
    if (d.config.affinity && (d.stickyEndpoint === undefined || d.stickyEndpoint !== ep)) {
      const c = cookieHeader(d.config, d, ep, this.scheme);
      if (c && isFieldValue(c)) s += `set-cookie: ${c}\r\n`;
    }
    if (this.debug !== undefined) s += `x-michi-route: ${this.debug}; endpoint=${ep.ip}:${ep.port}\r\n`;
    return s;
  }

  onData(buf: Buffer, from: number, to: number): boolean {
    this.bytesSent += to - from;
    if (this.conn.write(buf, from, to)) return true;
    const active = this.active;
    this.conn.onDrain(() => active?.resume());
    return false;
  }

  onEnd(): void {
    this.upstreamEnd = performance.now();
    this.conn.exchange = undefined;
    this.conn.end();
    this.finish(this.status);
  }

  onError(err: NodeJS.ErrnoException): void {
    if (this.gone) return;
    if (this.upstreamStatus !== undefined) {
      // Mid-body: the client's connection is cut, as nginx does.
      this.conn.exchange = undefined;
      this.conn.destroy();
      this.finish(this.status);
      return;
    }
    if (!this.staleRetry && err.code === "ECONNRESET") {
      // A pooled keep-alive connection the upstream already closed: once more on a fresh one.
      this.attempt(this.k, true);
      return;
    }
    if (this.k + 1 < this.tries && isRetryable(err)) {
      this.attempt(this.k + 1, false);
      return;
    }
    this.upstreamEnd = performance.now();
    this.conn.exchange = undefined;
    this.d.action = "respond";
    this.reply(err.code === UPSTREAM_TIMEOUT ? 504 : 502);
  }

  // FrontExchange

  clientGone(): void {
    this.gone = true;
    this.active?.abort();
    this.finish(CLIENT_CLOSED);
  }

  /** The controller's own answer (redirect, error page, preflight, 502/504). */
  private reply(status: number): void {
    const d = this.d;
    d.status = status;
    const r = controllerReply(d);
    if (this.debug !== undefined) r.headers["x-michi-route"] = this.debug;
    const len = Buffer.byteLength(r.body);
    this.conn.start(status, fieldLines(r.headers), len);
    if (len > 0) {
      this.bytesSent = len;
      const b = Buffer.from(r.body);
      this.conn.write(b, 0, b.length);
    }
    this.conn.end();
    this.finish(status);
  }

  private finish(status: number): void {
    if (this.finished) return;
    this.finished = true;
    const core = this.core;
    core.done();
    const now = performance.now();
    core.metrics.observe(this.d, this.head.method, status, (now - this.started) / 1000);
    if (core.opts.onAccessLog)
      core.log(
        accessEntry(
          this.d,
          {
            remoteAddr: this.conn.remoteAddress,
            method: this.head.method,
            uri: this.head.target,
            httpVersion: "1.1",
            status,
            headers: foldHeaders(this.head.raw),
            host: this.head.host,
            requestId: this.requestId,
            requestTimeMs: now - this.started,
          },
          this,
        ),
      );
  }
}
