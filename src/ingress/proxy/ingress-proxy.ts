import http, { type IncomingMessage, type ServerResponse } from "node:http";
import http2 from "node:http2";
import https from "node:https";
import net, { type AddressInfo, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { Duplex } from "node:stream";
import tls, { type SecureContext } from "node:tls";
import { findServer, normalizeHost, type RouteDecision, routeRequest } from "../route-request.js";
import type { EndpointRef, RouteTable, ServerTLS } from "../route-types.js";
import { type AccessLogEntry, formatJSON, formatUpstreamInfo } from "./access-log.js";
import { generateDefaultCertificate, type PemPair } from "./default-cert.js";
import { errorPage, statusText } from "./error-pages.js";
import {
  accessEntry,
  controllerReply,
  debugValue,
  isRetryable,
  newReqState,
  newRequestId,
  pickEndpoint,
  type ReqState,
  requestIdFor,
  responseHeaders,
  upstreamHeaders,
} from "./exchange.js";
import { fastHandler, type ProxyCore } from "./fast-exchange.js";
import { Front } from "./front.js";
import { IngressMetrics } from "./metrics.js";
import {
  type PooledRequest,
  UNSUPPORTED_BY_POOL,
  UPSTREAM_TIMEOUT,
  UpstreamPools,
  UpstreamTimeout,
} from "./upstream-pool.js";

export interface ListenAddress {
  host: string;
  port: number;
}

export interface IngressProxyOptions {
  http?: ListenAddress;
  https?: ListenAddress;
  getTable: () => RouteTable;
  /** Model endpoint → the local address to connect to. */
  upstream: (ep: { ip: string; port: number }) => { host: string; port: number };
  /** Bind outgoing connections here so backends see the controller pod as the source. */
  localAddress?: string;
  onAccessLog?: (line: string, entry: AccessLogEntry) => void;
  accessLogFormat?: "upstreaminfo" | "json";
  /** Add `X-Michi-Route` naming the matched ingress, rule and backend to responses. */
  debugHeader?: boolean;
  /** Served for names no Secret covers; generated when omitted. */
  defaultCertificate?: PemPair;
  /** proxy_next_upstream_tries (default 3). */
  upstreamTries?: number;
  /** Client keep-alive timeout (nginx keepalive_timeout, default 75 s). */
  keepAliveTimeoutMs?: number;
  /**
   * The ports clients connect to, when they differ from the listening ports
   * (the controller pod listens on 80/443 behind a LoadBalancer or `--https`
   * frontend): used for X-Forwarded-Port and the ssl-redirect Location (the
   * port is left out when it is 443). Default: the listening ports.
   */
  ports?: { http?: number; https?: number };
  /** Offer HTTP/2 on the HTTPS listener via ALPN (`h2`, with HTTP/1.1 still accepted). Upstreams stay HTTP/1.1. */
  http2?: boolean;
}

export interface IngressProxy {
  readonly addresses: { http?: AddressInfo; https?: AddressInfo };
  /** Prometheus text exposition. */
  metrics(): string;
  /** Stop accepting, let in-flight requests finish (up to graceMs), then close everything. */
  close(graceMs?: number): Promise<void>;
}

/** Host header, or HTTP/2's :authority. */
function hostOf(req: IncomingMessage): string {
  const h = req.headers.host ?? req.headers[":authority"];
  return typeof h === "string" ? h : "";
}

/** HTTP/2 requests reach the handler through the compatibility API; a few things differ. */
function isH2(req: IncomingMessage): boolean {
  return req.httpVersionMajor === 2;
}

export async function startIngressProxy(opts: IngressProxyOptions): Promise<IngressProxy> {
  const metrics = new IngressMetrics();
  // ingress-nginx: upstream-keepalive-connections 320; no Nagle delay on small upstream writes.
  const agentOpts = {
    keepAlive: true,
    maxSockets: 1024,
    maxFreeSockets: 320,
    scheduling: "lifo" as const,
    noDelay: true,
  };
  const httpAgent = new http.Agent(agentOpts);
  // ingress-nginx does not verify upstream certificates by default (proxy_ssl_verify off).
  const httpsAgent = new https.Agent({ ...agentOpts, rejectUnauthorized: false });
  const pools = new UpstreamPools(opts.localAddress);
  const rr = new Map<string, number>();
  const tunnels = new Set<Duplex>();
  const sockets = new Set<Socket>();
  const track = (sock: Socket) => {
    sockets.add(sock);
    sock.once("close", () => sockets.delete(sock));
  };
  let inFlight = 0;
  let drained: (() => void) | undefined;
  let httpsPort: number | undefined = opts.ports?.https;
  const core: ProxyCore = {
    opts,
    metrics,
    pools,
    rr,
    httpsPort: () => httpsPort,
    begin: () => {
      inFlight++;
    },
    done: () => {
      inFlight--;
      if (inFlight === 0 && drained) drained();
    },
    log: (e: AccessLogEntry) => {
      if (!opts.onAccessLog) return;
      opts.onAccessLog(opts.accessLogFormat === "json" ? formatJSON(e) : formatUpstreamInfo(e), e);
    },
  };

  const handle =
    (scheme: "http" | "https", listenPort: () => number) => (req: IncomingMessage, res: ServerResponse) => {
      core.begin();
      const started = performance.now();
      const table = opts.getTable() as RouteTable | undefined;
      if (!table) {
        // No configuration compiled yet (start-up): nginx would not be listening; answer 503 rather than crash.
        res.once("close", () => core.done());
        res.writeHead(503, { "content-type": "text/html", server: "michi" }).end(errorPage(503));
        return;
      }
      metrics.noteTable(table);
      const clHeader = req.headers["content-length"];
      const contentLength = clHeader !== undefined ? Number(clHeader) : undefined;
      const d = routeRequest(table, {
        method: req.method ?? "GET",
        scheme,
        host: hostOf(req),
        path: req.url ?? "/",
        headers: req.headers,
        sourceIP: req.socket.remoteAddress ?? "",
        ...(contentLength !== undefined && Number.isFinite(contentLength) ? { contentLength } : {}),
        random: Math.random(),
        ...(httpsPort !== undefined ? { httpsPort } : {}),
      });
      const requestId = requestIdFor(req.headers["x-request-id"]);
      const st = newReqState();
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        core.done();
        const now = performance.now();
        metrics.observe(d, req.method ?? "", res.statusCode, (now - started) / 1000);
        if (opts.onAccessLog)
          core.log(
            accessEntry(
              d,
              {
                remoteAddr: req.socket.remoteAddress ?? "",
                method: req.method ?? "",
                uri: req.url ?? "",
                httpVersion: req.httpVersion,
                status: res.statusCode,
                headers: req.headers,
                host: hostOf(req),
                requestId,
                requestTimeMs: now - started,
              },
              st,
            ),
          );
      };
      res.once("finish", finish);
      res.once("close", finish);

      if (opts.debugHeader) res.setHeader("x-michi-route", debugValue(d));
      if (d.action !== "proxy") {
        reply(res, d, st);
        return;
      }
      proxyRequest(req, res, d, st, {
        scheme,
        listenPort: listenPort(),
        requestId,
        agent: d.config.backendProtocol === "HTTPS" ? httpsAgent : httpAgent,
        pools,
        rr,
        opts,
      });
    };

  const upgrade =
    (scheme: "http" | "https", listenPort: () => number) =>
    (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on("error", () => socket.destroy());
      const table = opts.getTable() as RouteTable | undefined;
      if (!table) {
        socket.destroy();
        return;
      }
      const d = routeRequest(table, {
        method: req.method ?? "GET",
        scheme,
        host: hostOf(req),
        path: req.url ?? "/",
        headers: req.headers,
        sourceIP: req.socket.remoteAddress ?? "",
        random: Math.random(),
        ...(httpsPort !== undefined ? { httpsPort } : {}),
      });
      if (d.action !== "proxy" || d.endpoints.length === 0) {
        const body = errorPage(d.status);
        const loc = d.location ? `Location: ${d.location}\r\n` : "";
        socket.end(
          `HTTP/1.1 ${d.status} ${statusText(d.status)}\r\n${loc}Content-Type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
        return;
      }
      const ep = pickEndpoint(d, rr);
      const target = opts.upstream(ep);
      const headers = upstreamHeaders(
        req.headers,
        hostOf(req),
        req.socket.remoteAddress ?? "",
        d,
        scheme,
        listenPort(),
        newRequestId(),
      );
      headers.connection = "Upgrade";
      headers.upgrade = req.headers.upgrade ?? "websocket";
      const mod = d.config.backendProtocol === "HTTPS" ? https : http;
      const preq = mod.request({
        host: target.host,
        port: target.port,
        method: req.method ?? "GET",
        path: d.upstreamPath ?? "/",
        headers,
        agent: false,
        setHost: false,
        ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
        ...(d.config.backendProtocol === "HTTPS" ? { rejectUnauthorized: false } : {}),
      });
      preq.setTimeout(d.config.connectTimeoutMs, () => preq.destroy(new UpstreamTimeout("connect timeout")));
      preq.on("upgrade", (pres, psock, phead) => {
        preq.setTimeout(0);
        let head2 = `HTTP/1.1 101 ${statusText(101)}\r\n`;
        for (let i = 0; i < pres.rawHeaders.length; i += 2)
          head2 += `${pres.rawHeaders[i]}: ${pres.rawHeaders[i + 1]}\r\n`;
        socket.write(`${head2}\r\n`);
        if (phead.length > 0) socket.write(phead);
        if (head.length > 0) psock.write(head);
        tunnels.add(socket);
        const done = () => {
          tunnels.delete(socket);
          psock.destroy();
          socket.destroy();
        };
        psock.on("error", done);
        psock.on("close", done);
        socket.on("close", done);
        psock.pipe(socket);
        socket.pipe(psock);
      });
      preq.on("response", (pres) => {
        // The backend declined the upgrade: relay its answer and close.
        let head2 = `HTTP/1.1 ${pres.statusCode ?? 502} ${pres.statusMessage ?? ""}\r\n`;
        for (let i = 0; i < pres.rawHeaders.length; i += 2) {
          const n = (pres.rawHeaders[i] ?? "").toLowerCase();
          if (n === "connection" || n === "transfer-encoding" || n === "keep-alive") continue;
          head2 += `${pres.rawHeaders[i]}: ${pres.rawHeaders[i + 1]}\r\n`;
        }
        socket.write(`${head2}Connection: close\r\n\r\n`);
        pres.pipe(socket);
      });
      preq.on("error", (err) => {
        const code = (err as NodeJS.ErrnoException).code === UPSTREAM_TIMEOUT ? 504 : 502;
        const body = errorPage(code);
        if (socket.writable)
          socket.end(
            `HTTP/1.1 ${code} ${statusText(code)}\r\nContent-Type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
          );
      });
      preq.end();
    };

  const serverOpts = {
    keepAliveTimeout: opts.keepAliveTimeoutMs ?? 75_000,
    headersTimeout: 60_000,
    requestTimeout: 300_000,
    // Duplicate Content-Length / Transfer-Encoding conflicts are parse errors (400) in llhttp's strict mode.
    insecureHTTPParser: false,
  };
  const addresses: { http?: AddressInfo; https?: AddressInfo } = {};
  const servers: net.Server[] = [];

  const onClientError = (err: Error & { code?: string }, socket: Duplex) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const code =
      err.code === "HPE_HEADER_OVERFLOW" ? 431 : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
    const body = errorPage(code);
    socket.end(
      `HTTP/1.1 ${code} ${statusText(code)}\r\nContent-Type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };

  const fronts: Front[] = [];
  const fallbacks: http.Server[] = [];

  /**
   * Wires a Node server's events; `port` is the port clients are told
   * (X-Forwarded-Port, redirects). With `fast`, the server only takes the
   * connections the hand-written front end hands over, and the front end,
   * returned, serves the rest.
   */
  const wire = (srv: http.Server | https.Server, scheme: "http" | "https", port: () => number): void => {
    srv.on("request", handle(scheme, port));
    srv.on("upgrade", upgrade(scheme, port));
    srv.on("clientError", onClientError);
    srv.on("connection", track);
  };
  const fastFront = (scheme: "http" | "https", port: () => number): Front => {
    const fallback = http.createServer(serverOpts);
    wire(fallback, scheme, port);
    fallbacks.push(fallback);
    const front = new Front({
      handler: fastHandler(core, scheme, port),
      fallback,
      keepAliveTimeoutMs: serverOpts.keepAliveTimeout,
      headersTimeoutMs: serverOpts.headersTimeout,
    });
    fronts.push(front);
    return front;
  };
  const start = async (srv: net.Server, at: ListenAddress): Promise<AddressInfo> => {
    await listen(srv, at);
    servers.push(srv);
    return srv.address() as AddressInfo;
  };

  if (opts.http) {
    let port = 0;
    const modelPort = opts.ports?.http;
    const front = fastFront("http", () => modelPort ?? port);
    const srv = net.createServer({ pauseOnConnect: true, allowHalfOpen: true }, (sock) =>
      front.adoptTCP(sock),
    );
    addresses.http = await start(srv, opts.http);
    port = addresses.http.port;
  }
  if (opts.https) {
    const def = opts.defaultCertificate ?? (await generateDefaultCertificate());
    const defaultCtx = tls.createSecureContext({ cert: def.cert, key: def.key, minVersion: "TLSv1.2" });
    const contexts = new WeakMap<ServerTLS, SecureContext | null>();
    const SNICallback = (servername: string, cb: (err: Error | null, ctx?: SecureContext) => void) => {
      // SNI picks the certificate; the Host header (later) picks the route.
      const table = opts.getTable() as RouteTable | undefined;
      const t = table ? findServer(table, normalizeHost(servername)).tls : undefined;
      if (!t?.cert || !t.key) return cb(null, defaultCtx);
      let ctx = contexts.get(t);
      if (ctx === undefined) {
        try {
          ctx = tls.createSecureContext({ cert: t.cert, key: t.key, minVersion: "TLSv1.2" });
        } catch {
          ctx = null;
        }
        contexts.set(t, ctx);
      }
      cb(null, ctx ?? defaultCtx);
    };
    const tlsOpts = { cert: def.cert, key: def.key, minVersion: "TLSv1.2" as const, SNICallback };
    let port = 0;
    const modelPort = opts.ports?.https;
    const portOf = () => modelPort ?? port;
    let srv: net.Server;
    if (opts.http2) {
      // The HTTP/2 server with allowHTTP1 serves HTTP/1.1 clients (and their upgrades) through the same events.
      const h2 = http2.createSecureServer({
        ...tlsOpts,
        allowHTTP1: true,
        ALPNProtocols: ["h2", "http/1.1"],
      });
      wire(h2 as unknown as https.Server, "https", portOf);
      srv = h2;
    } else {
      const front = fastFront("https", portOf);
      srv = tls.createServer({ ...tlsOpts, ALPNProtocols: ["http/1.1"], allowHalfOpen: true }, (sock) =>
        front.adoptStream(sock),
      );
    }
    srv.on("tlsClientError", (_err: Error, socket: Duplex) => socket.destroy());
    addresses.https = await start(srv, opts.https);
    port = addresses.https.port;
    httpsPort = opts.ports?.https ?? addresses.https.port;
  }

  return {
    addresses,
    metrics: () => metrics.render(),
    close: async (graceMs = 5_000) => {
      const closed = Promise.all(
        servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
      );
      // (The HTTP/2 server has no connection helpers: its sockets are closed through `sockets` below.)
      for (const s of [...servers, ...fallbacks]) (s as http.Server).closeIdleConnections?.();
      for (const f of fronts) f.closeIdle();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => (drained = resolve)),
          new Promise((resolve) => setTimeout(resolve, graceMs).unref()),
        ]);
      }
      for (const s of [...servers, ...fallbacks]) (s as http.Server).closeAllConnections?.();
      for (const f of fronts) f.close();
      for (const t of tunnels) t.destroy();
      for (const sock of sockets) sock.destroy();
      httpAgent.destroy();
      httpsAgent.destroy();
      await pools.close();
      await closed;
    },
  };
}

function listen(srv: net.Server, addr: ListenAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    srv.once("error", reject);
    srv.listen(addr.port, addr.host, () => {
      srv.off("error", reject);
      resolve();
    });
  });
}

function debugOf(res: ServerResponse): string | undefined {
  const v = res.getHeader("x-michi-route");
  return v === undefined ? undefined : String(v);
}

function reply(res: ServerResponse, d: RouteDecision, st: ReqState): void {
  const { headers, body } = controllerReply(d);
  for (const k in headers) res.setHeader(k, headers[k] as string | number | string[]);
  if (d.status === 400) res.shouldKeepAlive = false;
  if (d.status === 413) lingerDiscard(res);
  res.writeHead(d.status);
  st.bytesSent = Buffer.byteLength(body);
  res.end(res.req.method === "HEAD" || body === "" ? undefined : body);
}

/**
 * Like nginx's lingering close: after refusing a body, keep reading (and
 * discarding) it so the client sees the response instead of a reset; give
 * up (close) after 5 s or 64 MiB.
 */
function lingerDiscard(res: ServerResponse): void {
  const req = res.req;
  // On HTTP/2 the socket carries other streams: only this stream is dropped.
  const stream = (req as unknown as { stream?: { close(code?: number): void } }).stream;
  const sock =
    isH2(req) && stream ? { destroy: () => stream.close(http2.constants.NGHTTP2_CANCEL) } : req.socket;
  let discarded = 0;
  const timer = setTimeout(() => sock.destroy(), 5_000);
  timer.unref();
  req.on("data", (c: Buffer) => {
    discarded += c.length;
    if (discarded > 64 * 1024 * 1024) sock.destroy();
  });
  req.once("end", () => clearTimeout(timer));
  req.resume();
}

interface ProxyCtx {
  scheme: "http" | "https";
  listenPort: number;
  requestId: string;
  agent: http.Agent;
  pools: UpstreamPools;
  rr: Map<string, number>;
  opts: IngressProxyOptions;
}

function proxyRequest(
  req: IncomingMessage,
  res: ServerResponse,
  d: RouteDecision,
  st: ReqState,
  ctx: ProxyCtx,
): void {
  const cfg = d.config;
  const n = d.endpoints.length;
  const first = pickEndpoint(d, ctx.rr);
  const startIndex = d.endpoints.indexOf(first);
  const tries = Math.min(ctx.opts.upstreamTries ?? 3, n);
  const headers = upstreamHeaders(
    req.headers,
    hostOf(req),
    req.socket.remoteAddress ?? "",
    d,
    ctx.scheme,
    ctx.listenPort,
    ctx.requestId,
  );
  // HTTP/2 has no Transfer-Encoding: a body is whatever the stream carries after the headers.
  const h2Body =
    isH2(req) && !(req as unknown as { stream?: { endAfterHeaders?: boolean } }).stream?.endAfterHeaders;
  const hasBody =
    h2Body ||
    req.headers["transfer-encoding"] !== undefined ||
    (req.headers["content-length"] !== undefined && req.headers["content-length"] !== "0");
  if (hasBody && req.headers["content-length"] !== undefined)
    headers["content-length"] = req.headers["content-length"];
  else if (hasBody) headers["transfer-encoding"] = "chunked";
  const mod = cfg.backendProtocol === "HTTPS" ? https : http;
  let bodyStarted = false;
  let clientGone = false;
  let active: http.ClientRequest | PooledRequest | undefined;
  res.once("close", () => {
    if (!res.writableFinished) {
      clientGone = true;
      if (active instanceof http.ClientRequest) active.destroy();
      else active?.abort();
    }
  });
  // Bodyless GET/HEAD to a plain-HTTP upstream (the bulk of traffic) takes the pooled fast path.
  let pooled =
    !hasBody &&
    cfg.backendProtocol !== "HTTPS" &&
    (req.method === "GET" || req.method === "HEAD") &&
    req.headers["content-length"] === undefined &&
    req.headers.expect === undefined;

  const fail = (code: number) => {
    if (clientGone) return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    d.status = code;
    d.action = "respond";
    d.location = undefined;
    reply(res, d, st);
  };

  const onUpstreamError = (err: NodeJS.ErrnoException, k: number, staleRetry: boolean, reused: boolean) => {
    if (clientGone || st.upstreamStatus !== undefined) {
      if (!res.writableFinished) res.destroy();
      return;
    }
    // A pooled keep-alive socket the upstream already closed: retry once on a fresh connection.
    if (reused && !bodyStarted && !staleRetry && err.code === "ECONNRESET") {
      attempt(k, true);
      return;
    }
    if (!bodyStarted && k + 1 < tries && isRetryable(err)) {
      attempt(k + 1, false);
      return;
    }
    st.upstreamEnd = performance.now();
    fail(err.code === UPSTREAM_TIMEOUT ? 504 : 502);
  };

  const attemptPooled = (k: number, staleRetry: boolean, ep: EndpointRef) => {
    const target = ctx.opts.upstream(ep);
    const handle = ctx.pools.request(
      {
        host: target.host,
        port: target.port,
        method: req.method as string,
        path: d.upstreamPath ?? "/",
        headers,
        connectTimeoutMs: cfg.connectTimeoutMs,
        readTimeoutMs: cfg.readTimeoutMs,
      },
      {
        onHeaders: (status, h) => {
          st.upstreamStatus = status;
          st.servedBy = ep;
          if (clientGone) {
            handle.abort();
            return;
          }
          res.writeHead(status, responseHeaders(h.headers, d, ep, ctx.scheme, debugOf(res)));
        },
        onData: (buf, from, to) => {
          st.bytesSent += to - from;
          // (The bytes are borrowed: res keeps a copy until it is written.)
          if (res.write(Buffer.from(buf.subarray(from, to)))) return true;
          res.once("drain", () => handle.resume());
          return false;
        },
        onEnd: () => {
          st.upstreamEnd = performance.now();
          res.end();
        },
        onError: (err) => {
          if (err.code === UNSUPPORTED_BY_POOL && st.upstreamStatus === undefined) {
            // A header or path HTTP/1.1 cannot carry: this request goes through Node's client instead.
            pooled = false;
            st.upstreamAddr = st.upstreamAddr.split(", ").slice(0, -1).join(", ");
            attempt(k, staleRetry);
            return;
          }
          // (A pooled socket may be reused or fresh; a reset before any answer gets the one stale retry either way.)
          onUpstreamError(err, k, staleRetry, true);
        },
      },
    );
    active = handle;
  };

  const attempt = (k: number, staleRetry: boolean) => {
    const ep = d.endpoints[(startIndex + k) % n] as EndpointRef;
    st.upstreamAddr = st.upstreamAddr ? `${st.upstreamAddr}, ${ep.ip}:${ep.port}` : `${ep.ip}:${ep.port}`;
    st.upstreamStart = performance.now();
    if (pooled) {
      attemptPooled(k, staleRetry, ep);
      return;
    }
    const target = ctx.opts.upstream(ep);
    const preq = mod.request({
      host: target.host,
      port: target.port,
      method: req.method ?? "GET",
      path: d.upstreamPath ?? "/",
      headers,
      agent: ctx.agent,
      setHost: false,
      ...(ctx.opts.localAddress ? { localAddress: ctx.opts.localAddress } : {}),
    });
    active = preq;
    let connected = false;
    const connectTimer = setTimeout(
      () => preq.destroy(new UpstreamTimeout("upstream connect timed out")),
      cfg.connectTimeoutMs,
    );
    const onConnected = () => {
      if (connected) return;
      connected = true;
      clearTimeout(connectTimer);
      const onIdle = () => preq.destroy(new UpstreamTimeout("upstream timed out"));
      // proxy-send-timeout while the body goes out, proxy-read-timeout while waiting for the answer (both idle timers, as nginx's).
      preq.setTimeout(hasBody ? cfg.sendTimeoutMs : cfg.readTimeoutMs, onIdle);
      if (!hasBody) {
        preq.end();
        return;
      }
      preq.once("finish", () => preq.setTimeout(cfg.readTimeoutMs));
      bodyStarted = true;
      let bytes = 0;
      req.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > cfg.proxyBodySize) {
          req.unpipe(preq);
          preq.destroy();
          clientGone = false;
          fail(413);
        }
      });
      req.pipe(preq);
    };
    preq.on("socket", (sock: Socket) => {
      if (sock.connecting) sock.once("connect", onConnected);
      else onConnected();
    });
    preq.on("response", (pres) => {
      clearTimeout(connectTimer);
      st.upstreamStatus = pres.statusCode;
      st.servedBy = ep;
      if (clientGone) {
        pres.destroy();
        return;
      }
      const out = responseHeaders(pres.headers, d, ep, ctx.scheme, debugOf(res));
      res.writeHead(pres.statusCode ?? 502, out);
      pres.on("data", (c: Buffer) => {
        st.bytesSent += c.length;
      });
      pres.on("end", () => {
        st.upstreamEnd = performance.now();
      });
      pres.on("error", () => res.destroy());
      pres.pipe(res);
    });
    preq.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(connectTimer);
      onUpstreamError(err, k, staleRetry, preq.reusedSocket);
    });
  };
  attempt(0, false);
}
