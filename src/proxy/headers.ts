/**
 * The fields a proxied exchange sends, built once for both client sides:
 * the upstream request's (the client's minus hop-by-hop ones, plus
 * X-Forwarded-*, X-Real-IP and X-Request-ID as ingress-nginx sets them),
 * the client response's (the upstream's minus hop-by-hop ones and its
 * Server/Date, plus the route's and the affinity cookie), and the
 * controller's own answers (redirects, error pages, CORS preflights).
 * Repeated fields are forwarded as they came, as nginx does. They are
 * built as serialised field lines (one string, the form both HTTP/1.1
 * writers send; wire.ts pairsOf turns them into pairs for Node's APIs).
 */
import { randomBytes } from "node:crypto";
import { connectionOf, dropRequestField, dropResponseField } from "./hop-headers.js";
import { isFieldValue } from "./http1.js";
import type { RouteOutcome, Scheme } from "./routes.js";
import { errorPage, type FieldLines } from "./wire.js";

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

/** One field line, or nothing when the (controller-supplied) value cannot stay on its line. */
function line(name: string, value: string): string {
  return isFieldValue(value) ? `${name}: ${value}\r\n` : "";
}

/** The upstream request's field lines. */
export function upstreamFields(f: ForwardFacts, requestId: string, d: RouteOutcome): FieldLines {
  const raw = f.raw;
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
  const remote = plainAddress(f.remoteAddress);
  const host = f.host;
  const scheme = f.scheme;
  const upHost = d.upstreamHost !== undefined && isFieldValue(d.upstreamHost) ? d.upstreamHost : host;
  // ingress-nginx default (use-forwarded-headers false): the client's own X-Forwarded-For is not trusted.
  s += `host: ${upHost}\r\nx-request-id: ${requestId}\r\nx-real-ip: ${remote}\r\nx-forwarded-for: ${remote}\r\n`;
  if (xff !== undefined) s += `x-original-forwarded-for: ${xff}\r\n`;
  s += `x-forwarded-host: ${host}\r\nx-forwarded-port: ${f.port}\r\nx-forwarded-proto: ${scheme}\r\nx-forwarded-scheme: ${scheme}\r\nx-scheme: ${scheme}\r\n`;
  const extra = d.upstreamHeaders;
  for (const k in extra) s += line(k, extra[k] as string);
  return s;
}

/**
 * The client response's field lines from the upstream's raw pairs:
 * Content-Length as the upstream framed it (undefined: chunked or
 * close-delimited), then the controller's Server and route fields, the
 * affinity `cookie` and the X-Michi-Route `debug` value when given.
 */
export function responseFields(
  raw: readonly string[],
  contentLength: number | undefined,
  d: RouteOutcome,
  cookie: string | undefined,
  debug: string | undefined,
): FieldLines {
  const conn = connectionOf(raw);
  const extra = d.responseHeaders;
  let s = "";
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (dropResponseField(name, conn) || name === "content-length" || extra[name] !== undefined) continue;
    s += `${name}: ${raw[i + 1]}\r\n`;
  }
  if (contentLength !== undefined) s += `content-length: ${contentLength}\r\n`;
  s += "server: michi\r\n";
  for (const k in extra) s += line(k, extra[k] as string);
  if (cookie !== undefined) s += line("set-cookie", cookie);
  if (debug !== undefined) s += line("x-michi-route", debug);
  return s;
}

/** The controller's own answer (redirect, error page, CORS preflight): field lines and body. */
export function controllerReply(
  status: number,
  d: RouteOutcome | undefined,
  debug: string | undefined,
): { fields: FieldLines; body: string } {
  let s = "";
  if (d) for (const k in d.responseHeaders) s += line(k, d.responseHeaders[k] as string);
  s += "server: michi\r\n";
  if (debug !== undefined) s += line("x-michi-route", debug);
  if (status === 204)
    return { fields: `${s}content-type: text/plain charset=UTF-8\r\ncontent-length: 0\r\n`, body: "" };
  const body = errorPage(status);
  if (d?.location) s += line("location", d.location);
  return { fields: `${s}content-type: text/html\r\ncontent-length: ${Buffer.byteLength(body)}\r\n`, body };
}
