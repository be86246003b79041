/**
 * The proxy's one exchange state machine: a routed request, from the
 * router's outcome to the access-log line, whichever client side took it
 * (the hand-written HTTP/1.1 front end, front.ts, or Node's http/http2
 * server, node-client.ts). It answers the controller's own responses, or
 * tries the endpoints in turn (proxy_next_upstream error timeout, up to
 * `upstreamTries`), retries once on a fresh connection when a reused
 * keep-alive one turns out to be closed, relays the answer with
 * backpressure, and finishes exactly once (metrics, access log, in-flight
 * count). Bodyless requests to plain-HTTP upstreams go through the pool
 * (upstream-pool.ts); the rest through Node's client (node-upstream.ts).
 */
import type { Readable } from "node:stream";
import { rawHeader } from "../ingress/raw-header.js";
import { type AccessLogEntry, accessEntry, type LoggedRequest, type UpstreamFacts } from "./access-log.js";
import { controllerReply, requestIdFor, responseFields, upstreamFields } from "./headers.js";
import type { ResponseHead } from "./http1.js";
import type { IngressMetrics } from "./metrics.js";
import { BODY_TOO_LARGE, type NodeAgents, nodeRequest } from "./node-upstream.js";
import type { ProxyOptions } from "./options.js";
import type { CompiledRoutes, Endpoint, RouteOutcome, Scheme } from "./routes.js";
import {
  UNSUPPORTED_BY_POOL,
  UPSTREAM_TIMEOUT,
  type UpstreamCall,
  type UpstreamSink,
  writablePath,
} from "./upstream-call.js";
import type { UpstreamPools } from "./upstream-pool.js";
import { type FieldLines, pairsOf } from "./wire.js";

/** nginx's status for a client that closed the connection before the answer. */
const CLIENT_CLOSED = 499;

/** The proxy's shared state, as every exchange uses it. */
export interface ProxyCore {
  readonly opts: ProxyOptions;
  readonly metrics: IngressMetrics;
  readonly pools: UpstreamPools;
  readonly agents: NodeAgents;
  /** Round-robin positions per upstream. */
  readonly rr: Map<string, number>;
  httpsPort(): number | undefined;
  /** A request started / ended (graceful shutdown waits for in-flight ones). */
  begin(): void;
  done(): void;
  log(e: AccessLogEntry): void;
}

/** What an exchange writes its response to: one client side. */
export interface ClientSide {
  /**
   * The response head: `fields` as field lines (Content-Length included when
   * known; the client side adds its own framing); `own` for the
   * controller's answers (not relayed from an upstream).
   */
  start(status: number, fields: FieldLines, contentLength: number | undefined, own: boolean): void;
  /** Body bytes `buf[from..to)`, borrowed (copied if kept); false = wait for onDrain. */
  write(buf: Buffer, from: number, to: number): boolean;
  onDrain(cb: () => void): void;
  /** The response is complete. */
  end(): void;
  /** The response cannot be completed (an upstream failed mid-body): cut the connection, as nginx does. */
  destroy(): void;
  /** The exchange in flight, told when the client goes away before the end. */
  exchange: { clientGone(): void } | undefined;
}

/** One request, as the exchange needs it. */
export interface RequestFacts extends LoggedRequest {
  scheme: Scheme;
  /** The port the client connected to (X-Forwarded-Port). */
  port: number;
  /** The request body (Node's server only: the hand-written front end takes bodyless requests). */
  body: Readable | undefined;
  /** An Expect field was sent (Node's client carries the request). */
  expect: boolean;
}

/** Round-robin per upstream (or the affinity cookie's endpoint). */
export function pickEndpoint(d: RouteOutcome, rr: Map<string, number>): Endpoint {
  if (d.stickyEndpoint) return d.stickyEndpoint;
  const key = d.backend?.upstream ?? "";
  const n = d.endpoints.length;
  const i = (rr.get(key) ?? 0) % n;
  rr.set(key, (i + 1) % n);
  return d.endpoints[i] as Endpoint;
}

/** Errors after which nginx tries the next upstream (proxy_next_upstream error timeout). */
export function isRetryable(err: NodeJS.ErrnoException): boolean {
  return (
    err.code === "ECONNREFUSED" ||
    err.code === "EHOSTUNREACH" ||
    err.code === "ENETUNREACH" ||
    err.code === "EADDRNOTAVAIL" ||
    err.code === "ECONNRESET" ||
    err.code === UPSTREAM_TIMEOUT
  );
}

export class ProxyExchange implements UpstreamSink, UpstreamFacts {
  // UpstreamFacts (access log)
  bytesSent = 0;
  upstreamAddr = "";
  upstreamStatus: number | undefined = undefined;
  upstreamStart = 0;
  upstreamEnd: number | undefined = undefined;

  private readonly started = performance.now();
  private readonly requestId: string;
  private readonly debug: string | undefined;
  private finished = false;
  private gone = false;
  /** The controller answered a proxied request itself (502, 504, 413). */
  private failed = false;
  private status = 0;
  private active: UpstreamCall | undefined;
  private ep: Endpoint | undefined;
  private k = 0;
  private staleRetry = false;
  private startIndex = 0;
  private tries = 0;
  private pooled = false;
  private lines: FieldLines = "";

  constructor(
    private readonly core: ProxyCore,
    private readonly client: ClientSide,
    private readonly req: RequestFacts,
    private readonly routes: CompiledRoutes,
    private readonly d: RouteOutcome,
  ) {
    core.begin();
    this.requestId = requestIdFor(rawHeader(req.raw, "x-request-id"));
    this.debug = core.opts.debugHeader ? routes.describe(d) : undefined;
  }

  run(): void {
    const d = this.d;
    if (d.action !== "proxy" || d.endpoints.length === 0) {
      this.reply(d.action === "proxy" ? 503 : d.status);
      return;
    }
    const req = this.req;
    this.client.exchange = this;
    const first = pickEndpoint(d, this.core.rr);
    this.startIndex = d.endpoints.indexOf(first);
    this.tries = Math.min(this.core.opts.upstreamTries ?? 3, d.endpoints.length);
    this.lines = upstreamFields(req, this.requestId, d);
    if (req.body && rawHeader(req.raw, "content-length") === undefined)
      this.lines += "transfer-encoding: chunked\r\n";
    this.pooled =
      req.body === undefined &&
      d.config.backendProtocol === "HTTP" &&
      writablePath(d.upstreamPath) &&
      !req.expect;
    this.attempt(0, false);
  }

  private attempt(k: number, staleRetry: boolean): void {
    const d = this.d;
    this.k = k;
    this.staleRetry = staleRetry;
    const ep = d.endpoints[(this.startIndex + k) % d.endpoints.length] as Endpoint;
    this.ep = ep;
    this.upstreamAddr = this.upstreamAddr
      ? `${this.upstreamAddr}, ${ep.ip}:${ep.port}`
      : `${ep.ip}:${ep.port}`;
    this.upstreamStart = performance.now();
    const core = this.core;
    const target = core.opts.upstream(ep);
    const cfg = d.config;
    const path = d.upstreamPath ?? "/";
    this.active = this.pooled
      ? core.pools.request(
          {
            host: target.host,
            port: target.port,
            method: this.req.method,
            path,
            fieldLines: this.lines,
            connectTimeoutMs: cfg.connectTimeoutMs,
            readTimeoutMs: cfg.readTimeoutMs,
          },
          this,
        )
      : nodeRequest(
          core.agents,
          {
            host: target.host,
            port: target.port,
            method: this.req.method,
            path,
            headers: pairsOf(this.lines),
            https: cfg.backendProtocol === "HTTPS",
            ...(core.opts.localAddress ? { localAddress: core.opts.localAddress } : {}),
            connectTimeoutMs: cfg.connectTimeoutMs,
            sendTimeoutMs: cfg.sendTimeoutMs,
            readTimeoutMs: cfg.readTimeoutMs,
            body: this.req.body,
            bodyLimit: cfg.proxyBodySize,
          },
          this,
        );
  }

  // UpstreamSink

  onHeaders(status: number, h: ResponseHead): void {
    this.upstreamStatus = status;
    this.status = status;
    const ep = this.ep as Endpoint;
    const cookie = this.routes.affinityCookie(this.d, ep, this.req.scheme);
    const debug = this.debug !== undefined ? `${this.debug}; endpoint=${ep.ip}:${ep.port}` : undefined;
    const contentLength = h.chunked || h.closeDelimited ? undefined : h.contentLength;
    this.client.start(
      status,
      responseFields(h.raw, contentLength, this.d, cookie, debug),
      contentLength,
      false,
    );
  }

  onData(buf: Buffer, from: number, to: number): boolean {
    this.bytesSent += to - from;
    if (this.client.write(buf, from, to)) return true;
    const active = this.active;
    this.client.onDrain(() => active?.resume());
    return false;
  }

  onEnd(): void {
    this.upstreamEnd = performance.now();
    this.client.exchange = undefined;
    this.client.end();
    this.finish(this.status);
  }

  onError(err: NodeJS.ErrnoException): void {
    if (this.gone || this.finished) return;
    if (err.code === UNSUPPORTED_BY_POOL && this.upstreamStatus === undefined) {
      // A path or field HTTP/1.1 cannot carry as given: this request goes through Node's client instead.
      this.pooled = false;
      this.upstreamAddr = this.upstreamAddr.split(", ").slice(0, -1).join(", ");
      this.attempt(this.k, this.staleRetry);
      return;
    }
    if (this.upstreamStatus !== undefined) {
      // Mid-body: the client's connection is cut, as nginx does.
      this.client.exchange = undefined;
      this.client.destroy();
      this.finish(this.status);
      return;
    }
    const active = this.active;
    const bodyStarted = active?.bodyStarted === true;
    if (err.code !== BODY_TOO_LARGE) {
      if (!this.staleRetry && !bodyStarted && err.code === "ECONNRESET" && active?.mayBeStale) {
        // A keep-alive connection the upstream already closed: once more on a fresh one.
        this.attempt(this.k, true);
        return;
      }
      if (!bodyStarted && this.k + 1 < this.tries && isRetryable(err)) {
        this.attempt(this.k + 1, false);
        return;
      }
    }
    this.upstreamEnd = performance.now();
    this.failed = true;
    this.reply(err.code === BODY_TOO_LARGE ? 413 : err.code === UPSTREAM_TIMEOUT ? 504 : 502);
  }

  /** The client went away before the end. */
  clientGone(): void {
    this.gone = true;
    this.active?.abort();
    this.finish(CLIENT_CLOSED);
  }

  /** The controller's own answer (redirect, error page, preflight, 502/504/413). */
  private reply(status: number): void {
    this.status = status;
    this.client.exchange = undefined;
    const r = controllerReply(status, this.d, this.debug);
    const len = Buffer.byteLength(r.body);
    this.client.start(status, r.fields, len, true);
    if (len > 0) {
      this.bytesSent = len;
      const b = Buffer.from(r.body);
      this.client.write(b, 0, b.length);
    }
    this.client.end();
    this.finish(status);
  }

  private finish(status: number): void {
    if (this.finished) return;
    this.finished = true;
    const core = this.core;
    core.done();
    const now = performance.now();
    const d = this.d;
    core.metrics.observe(d, this.req.method, status, (now - this.started) / 1000);
    if (core.opts.onAccessLog)
      core.log(
        accessEntry(
          d,
          this.req,
          status,
          this.requestId,
          now - this.started,
          this,
          d.action === "proxy" && !this.failed,
        ),
      );
  }
}
