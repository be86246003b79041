/**
 * What every proxied exchange shares, whichever front end took the request
 * (the hand-written HTTP/1.1 one or Node's http/http2 servers): request IDs,
 * endpoint choice, the headers sent upstream and back, the controller's own
 * answers, and the access-log entry.
 */
import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type { LocationConfig } from "../annotations.js";
import { affinityKey, type RouteDecision } from "../route-request.js";
import type { EndpointRef } from "../route-types.js";
import type { AccessLogEntry } from "./access-log.js";
import { errorPage } from "./error-pages.js";
import { connectionTokens, isHopHeader } from "./hop-headers.js";
import { UPSTREAM_TIMEOUT } from "./upstream-pool.js";

const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

// X-Request-ID values (32 hex digits, like nginx's $request_id), drawn from a pooled random buffer.
let idPool = Buffer.alloc(0);
let idOffset = 0;
export function newRequestId(): string {
  if (idOffset + 16 > idPool.length) {
    idPool = randomBytes(4096);
    idOffset = 0;
  }
  const id = idPool.toString("hex", idOffset, idOffset + 16);
  idOffset += 16;
  return id;
}

/** The client's X-Request-ID when it is a sane token, else a new one. */
export function requestIdFor(incoming: string | string[] | undefined): string {
  return typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : newRequestId();
}

/** Per-request facts for the access log and metrics. */
export interface ReqState {
  bytesSent: number;
  upstreamAddr: string;
  upstreamStatus: number | undefined;
  upstreamStart: number;
  upstreamEnd: number | undefined;
  servedBy: EndpointRef | undefined;
}

export function newReqState(): ReqState {
  return {
    bytesSent: 0,
    upstreamAddr: "",
    upstreamStatus: undefined,
    upstreamStart: 0,
    upstreamEnd: undefined,
    servedBy: undefined,
  };
}

/** The opt-in X-Michi-Route value. */
export function debugValue(d: RouteDecision): string {
  const ing = d.ingress ? `${d.ingress.namespace}/${d.ingress.name}` : "-";
  const rule = d.rule ? `${d.rule.host || "*"}${d.rule.path} ${d.rule.pathType}` : "default-backend";
  const be = d.backend ? `${d.backend.service}:${d.backend.port}` : "-";
  return `ingress=${ing}; rule=${rule}; backend=${be}; status=${d.status}`.replace(/[^\x20-\x7e]/g, "?");
}

/** Round-robin per upstream (or the affinity cookie's endpoint). */
export function pickEndpoint(d: RouteDecision, rr: Map<string, number>): EndpointRef {
  if (d.stickyEndpoint) return d.stickyEndpoint;
  const key = d.backend?.upstream ?? "";
  const n = d.endpoints.length;
  const i = (rr.get(key) ?? 0) % n;
  rr.set(key, (i + 1) % n);
  return d.endpoints[i] as EndpointRef;
}

/** The client's address without the IPv4-mapped prefix. */
export function plainAddress(addr: string): string {
  return addr.startsWith("::ffff:") ? addr.replace(/^::ffff:(?=\d+\.)/, "") : addr;
}

/**
 * Request fields never forwarded: hop-by-hop ones, Host (the controller sets
 * it), httpoxy's Proxy, and the X-Forwarded-* family the controller sets itself.
 */
export function dropRequestField(name: string): boolean {
  return (
    isHopHeader(name) ||
    name === "host" ||
    name === "proxy" ||
    name.startsWith("x-forwarded-") ||
    name === "x-real-ip" ||
    name === "x-request-id" ||
    name === "x-scheme" ||
    name === "x-original-forwarded-for"
  );
}

/** Upstream response fields never passed to the client: hop-by-hop ones, those its Connection names, and its Server and Date (the controller's own). */
export function dropResponseField(name: string, connection: ReadonlySet<string> | undefined): boolean {
  return isHopHeader(name) || connection?.has(name) === true || name === "server" || name === "date";
}

/** Headers for the upstream request: the client's minus hop-by-hop ones, plus X-Forwarded-* and X-Request-ID. */
export function upstreamHeaders(
  h: IncomingHttpHeaders,
  host: string,
  remoteAddress: string,
  d: RouteDecision,
  scheme: string,
  listenPort: number,
  requestId: string,
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const conn = connectionTokens(h.connection);
  for (const k in h) {
    const v = h[k];
    if (
      v === undefined ||
      dropRequestField(k) ||
      conn?.has(k) ||
      k.charCodeAt(0) === 58 /* ":" HTTP/2 pseudo-header */
    )
      continue;
    out[k] = v;
  }
  const remote = plainAddress(remoteAddress);
  out.host = d.upstreamHost ?? host;
  out["x-request-id"] = requestId;
  out["x-real-ip"] = remote;
  // ingress-nginx default (use-forwarded-headers false): the client's own X-Forwarded-For is not trusted.
  out["x-forwarded-for"] = remote;
  const xff = h["x-forwarded-for"];
  if (xff !== undefined) out["x-original-forwarded-for"] = xff;
  out["x-forwarded-host"] = host;
  out["x-forwarded-port"] = String(listenPort);
  out["x-forwarded-proto"] = scheme;
  out["x-forwarded-scheme"] = scheme;
  out["x-scheme"] = scheme;
  for (const k in d.upstreamHeaders) out[k] = d.upstreamHeaders[k];
  return out;
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

/** The affinity cookie for the endpoint that answered. */
export function cookieHeader(
  cfg: LocationConfig,
  d: RouteDecision,
  ep: EndpointRef,
  scheme: string,
): string | undefined {
  const a = cfg.affinity;
  if (!a) return undefined;
  const path = a.path ?? (d.matched?.regex ? "/" : (d.matched?.path ?? "/"));
  let c = `${a.cookieName}=${affinityKey(ep)}; Path=${path}`;
  if (a.expires !== undefined) c += `; Expires=${new Date(Date.now() + a.expires * 1000).toUTCString()}`;
  if (a.maxAge !== undefined) c += `; Max-Age=${a.maxAge}`;
  if (a.domain) c += `; Domain=${a.domain}`;
  if (a.sameSite) c += `; SameSite=${a.sameSite}`;
  if (a.secure || (a.sameSite === "None" && scheme === "https")) c += "; Secure";
  return `${c}; HttpOnly`;
}

/**
 * The response head sent to the client: upstream headers minus hop-by-hop
 * ones (and its Server/Date), plus the controller's; `debug` is the
 * X-Michi-Route value when that header is on.
 */
export function responseHeaders(
  h: IncomingHttpHeaders,
  d: RouteDecision,
  ep: EndpointRef,
  scheme: string,
  debug: string | undefined,
): OutgoingHttpHeaders {
  const cfg = d.config;
  const out: OutgoingHttpHeaders = {};
  const conn = connectionTokens(h.connection);
  for (const key in h) {
    const v = h[key];
    if (v === undefined || dropResponseField(key, conn)) continue;
    out[key] = v;
  }
  out.server = "michi";
  for (const key in d.responseHeaders) out[key] = d.responseHeaders[key];
  if (cfg.affinity && (d.stickyEndpoint === undefined || d.stickyEndpoint !== ep)) {
    const c = cookieHeader(cfg, d, ep, scheme);
    if (c) {
      const prev = out["set-cookie"];
      out["set-cookie"] = prev === undefined ? [c] : [...(Array.isArray(prev) ? prev : [String(prev)]), c];
    }
  }
  if (debug !== undefined) out["x-michi-route"] = `${debug}; endpoint=${ep.ip}:${ep.port}`;
  return out;
}

/** The controller's own answer (redirect, error page, CORS preflight): status, headers and body. */
export function controllerReply(d: RouteDecision): { headers: OutgoingHttpHeaders; body: string } {
  const headers: OutgoingHttpHeaders = { ...d.responseHeaders, server: "michi" };
  if (d.status === 204) {
    headers["content-type"] = "text/plain charset=UTF-8";
    headers["content-length"] = "0";
    return { headers, body: "" };
  }
  const body = errorPage(d.status);
  if (d.location) headers.location = d.location;
  headers["content-type"] = "text/html";
  headers["content-length"] = Buffer.byteLength(body);
  return { headers, body };
}

/** The access-log entry for a finished request. */
export function accessEntry(
  d: RouteDecision,
  r: {
    remoteAddr: string;
    method: string;
    uri: string;
    httpVersion: string;
    status: number;
    headers: IncomingHttpHeaders;
    host: string;
    requestId: string;
    requestTimeMs: number;
  },
  st: ReqState,
): AccessLogEntry {
  const rule = d.rule ? `${d.rule.host || "*"}${d.rule.path} (${d.rule.pathType})` : "";
  return {
    time: new Date(),
    remoteAddr: r.remoteAddr || "-",
    method: r.method,
    uri: r.uri,
    httpVersion: r.httpVersion,
    status: r.status,
    bodyBytesSent: st.bytesSent,
    referer: String(r.headers.referer ?? ""),
    userAgent: String(r.headers["user-agent"] ?? ""),
    requestLength: Number(r.headers["content-length"] ?? 0),
    requestTimeMs: r.requestTimeMs,
    upstreamName: d.action === "proxy" && d.backend ? d.backend.upstream : "",
    alternativeUpstreamName: "",
    upstreamAddr: st.upstreamAddr,
    upstreamResponseLength: st.upstreamStatus !== undefined ? st.bytesSent : undefined,
    upstreamResponseTimeMs: st.upstreamEnd !== undefined ? st.upstreamEnd - st.upstreamStart : undefined,
    upstreamStatus: st.upstreamStatus,
    requestId: r.requestId,
    host: r.host,
    ingress: d.ingress ? `${d.ingress.namespace}/${d.ingress.name}` : "",
    service: d.backend?.service ?? "",
    rule,
  };
}
