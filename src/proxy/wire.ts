/**
 * Bytes the proxy writes itself: header fields as field lines (the
 * exchange's own are built as lines in headers.ts; fieldLines serialises
 * pairs and header objects, strictly for the upstream pool), the
 * conversions to Node's header shapes, the Date value, the controller's
 * own pages shaped like nginx's built-in ones, and complete raw responses
 * for sockets no HTTP server owns (refused upgrades, client errors,
 * timeouts). Received fields travel as flat [lower-case name, value, …]
 * pairs, the shape of Node's rawHeaders.
 */
import { type OutgoingHttpHeaders, STATUS_CODES } from "node:http";
import { isFieldValue, isToken } from "./http1.js";

/** Header fields as flat [lower-case name, value, …] pairs. */
export type Fields = string[];

/** Header fields serialised: `name: value` lines, each ending in CRLF. */
export type FieldLines = string;

export function statusText(code: number): string {
  return STATUS_CODES[code] ?? "Unknown";
}

/** The controller's page for `code` (nginx's built-in error page, signed michi). */
export function errorPage(code: number): string {
  const title = `${code} ${statusText(code)}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>michi</center>\r\n</body>\r\n</html>\r\n`;
}

/**
 * Field lines (each ending in CRLF) of `fields`. Lenient (the default): a
 * value that cannot stay on its line is dropped. Strict: undefined when any
 * name is not a token or any value is not a field value.
 */
export function fieldLines(fields: readonly string[]): string;
export function fieldLines(fields: readonly string[], strict: true): string | undefined;
export function fieldLines(fields: readonly string[], strict = false): string | undefined {
  let s = "";
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i] as string;
    const value = fields[i + 1] as string;
    if (!isFieldValue(value) || (strict && !isToken(name))) {
      if (strict) return undefined;
      continue;
    }
    s += `${name}: ${value}\r\n`;
  }
  return s;
}

/** A header object as pairs, array values repeated. */
export function fieldsOf(h: OutgoingHttpHeaders | Readonly<Record<string, string>>): Fields {
  const out: Fields = [];
  for (const k in h) {
    const v = h[k];
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) out.push(k, String(x));
    else out.push(k, typeof v === "string" ? v : String(v));
  }
  return out;
}

/** Field lines back as pairs (for Node's client and server APIs, off the hot path). */
export function pairsOf(lines: FieldLines): Fields {
  const out: Fields = [];
  let pos = 0;
  while (pos < lines.length) {
    const eol = lines.indexOf("\r\n", pos);
    const end = eol < 0 ? lines.length : eol;
    const colon = lines.indexOf(":", pos);
    if (colon > pos && colon < end) out.push(lines.slice(pos, colon), lines.slice(colon + 2, end));
    pos = end + 2;
  }
  return out;
}

/** Pairs as a header object for Node's response API: repeated names become arrays (one line each on the wire). */
export function headerObject(fields: readonly string[]): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const k = fields[i] as string;
    const v = fields[i + 1] as string;
    const prev = out[k];
    if (prev === undefined) out[k] = v;
    else if (Array.isArray(prev)) prev.push(v);
    else out[k] = [String(prev), v];
  }
  return out;
}

let dateCache = "";
let dateSecond = 0;
/** The Date header value, formatted once a second. */
export function httpDate(): string {
  const now = Date.now();
  const s = Math.floor(now / 1000);
  if (s !== dateSecond) {
    dateSecond = s;
    dateCache = new Date(now).toUTCString();
  }
  return dateCache;
}

/** The status line and field lines of a response, blank line included. */
export function responseHead(status: number, fields: readonly string[]): string {
  return `HTTP/1.1 ${status} ${statusText(status)}\r\n${fieldLines(fields)}\r\n`;
}

/**
 * A whole response written straight to a socket, followed by closing it:
 * the controller's page for `status` (a Location with redirects), or no
 * body at all (`bare`, Node's own 408).
 */
export function rawResponse(status: number, o: { location?: string; bare?: boolean } = {}): string {
  if (o.bare) return `HTTP/1.1 ${status} ${statusText(status)}\r\nConnection: close\r\n\r\n`;
  const body = errorPage(status);
  const loc = o.location !== undefined && isFieldValue(o.location) ? `Location: ${o.location}\r\n` : "";
  return `HTTP/1.1 ${status} ${statusText(status)}\r\n${loc}Content-Type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}
