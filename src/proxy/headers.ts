/**
 * The fields a proxied exchange sends, built once for both client sides:
 * the upstream request's (the client's minus hop-by-hop ones, plus
 * X-Forwarded-*, X-Real-IP and X-Request-ID as ingress-nginx sets them),
 * the client response's (the upstream's minus hop-by-hop ones and its
 * Server/Date, plus the route's and the affinity cookie), and the
 * controller's own answers (redirects, error pages, CORS preflights).
 * Repeated fields are forwarded as they came, as nginx does.
 */
import { randomBytes } from "node:crypto";
import { connectionOf, dropRequestField, dropResponseField } from "./hop-headers.js";
import { isFieldValue } from "./http1.js";
import type { RouteOutcome, Scheme } from "./routes.js";
import { errorPage, type Fields } from "./wire.js";

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
export function requestIdFor(incoming: string | undefined): string {
  return incoming !== undefined && REQUEST_ID.test(incoming) ? incoming : newRequestId();
}

/** The client's address without the IPv4-mapped prefix. */
export function plainAddress(addr: string): string {
  return addr.startsWith("::ffff:") ? addr.replace(/^::ffff:(?=\d+\.)/, "") : addr;
}

/** What the upstream request's fields are built from. */
export interface ForwardFacts {
  /** The client's fields, [lower-case name, value, …]. */
  raw: readonly string[];
  host: string;
  remoteAddress: string;
  scheme: Scheme;
  /** The port the client connected to (X-Forwarded-Port). */
  port: number;
}

/** The upstream request's fields. */
export function upstreamFields(f: ForwardFacts, requestId: string, d: RouteOutcome): Fields {
  const raw = f.raw;
  const conn = connectionOf(raw);
  const out: Fields = [];
  let xff: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const v = raw[i + 1] as string;
    if (name === "x-forwarded-for") xff = xff === undefined ? v : `${xff}, ${v}`;
    if (dropRequestField(name) || conn?.has(name)) continue;
    out.push(name, v);
  }
  const remote = plainAddress(f.remoteAddress);
  const host = f.host;
  const scheme = f.scheme;
  const upHost = d.upstreamHost !== undefined && isFieldValue(d.upstreamHost) ? d.upstreamHost : host;
  // ingress-nginx default (use-forwarded-headers false): the client's own X-Forwarded-For is not trusted.
  out.push("host", upHost, "x-request-id", requestId, "x-real-ip", remote, "x-forwarded-for", remote);
  if (xff !== undefined) out.push("x-original-forwarded-for", xff);
  out.push(
    "x-forwarded-host",
    host,
    "x-forwarded-port",
    String(f.port),
    "x-forwarded-proto",
    scheme,
    "x-forwarded-scheme",
    scheme,
    "x-scheme",
    scheme,
  );
  const extra = d.upstreamHeaders;
  for (const k in extra) out.push(k, extra[k] as string);
  return out;
}

/**
 * The client response's fields from the upstream's raw pairs: Content-Length
 * as the upstream framed it (undefined: chunked or close-delimited), then
 * the controller's Server and route fields, the affinity `cookie` and the
 * X-Michi-Route `debug` value when given.
 */
export function responseFields(
  raw: readonly string[],
  contentLength: number | undefined,
  d: RouteOutcome,
  cookie: string | undefined,
  debug: string | undefined,
): Fields {
  const conn = connectionOf(raw);
  const extra = d.responseHeaders;
  const out: Fields = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (dropResponseField(name, conn) || name === "content-length" || extra[name] !== undefined) continue;
    out.push(name, raw[i + 1] as string);
  }
  if (contentLength !== undefined) out.push("content-length", String(contentLength));
  out.push("server", "michi");
  for (const k in extra) out.push(k, extra[k] as string);
  if (cookie !== undefined && isFieldValue(cookie)) out.push("set-cookie", cookie);
  if (debug !== undefined) out.push("x-michi-route", debug);
  return out;
}

/** The controller's own answer (redirect, error page, CORS preflight): fields and body. */
export function controllerReply(
  status: number,
  d: RouteOutcome | undefined,
  debug: string | undefined,
): { fields: Fields; body: string } {
  const fields: Fields = [];
  if (d) for (const k in d.responseHeaders) fields.push(k, d.responseHeaders[k] as string);
  fields.push("server", "michi");
  if (debug !== undefined) fields.push("x-michi-route", debug);
  if (status === 204) {
    fields.push("content-type", "text/plain charset=UTF-8", "content-length", "0");
    return { fields, body: "" };
  }
  const body = errorPage(status);
  if (d?.location) fields.push("location", d.location);
  fields.push("content-type", "text/html", "content-length", String(Buffer.byteLength(body)));
  return { fields, body };
}
