/**
 * HTTP/1.1 message heads (RFC 9112), parsed strictly from latin1 text: the
 * shared core of the proxy's hand-written front end (requests) and upstream
 * client (responses). Anything outside the strict grammar is refused — the
 * front end then hands the connection to Node's llhttp-based server, which
 * answers it exactly as before; the upstream client reports a bad response.
 */
import type { IncomingHttpHeaders } from "node:http";

/** tchar (RFC 9110 §5.6.2), indexed by char code. */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1;
for (let c = 48; c <= 57; c++) TCHAR[c] = 1;
for (let c = 65; c <= 90; c++) TCHAR[c] = 1;
for (let c = 97; c <= 122; c++) TCHAR[c] = 1;

export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TCHAR[c] !== 1) return false;
  }
  return true;
}

/** field-value bytes: HTAB, SP, VCHAR, obs-text (no CR, LF, NUL or other controls). */
export function isFieldValue(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 9) || c === 0x7f || c > 0xff) return false;
  }
  return true;
}

/** Node's IncomingMessage keeps only the first of these when repeated. */
const FIRST_ONLY = new Set([
  "content-type",
  "content-length",
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

/** Adds one field to `out`, folding repeats exactly as Node's IncomingMessage.headers does. */
export function addHeader(out: IncomingHttpHeaders, name: string, value: string): void {
  const prev = out[name];
  if (prev === undefined) {
    out[name] = name === "set-cookie" ? [value] : value;
  } else if (name === "set-cookie") {
    (prev as string[]).push(value);
  } else if (!FIRST_ONLY.has(name)) {
    out[name] = `${prev as string}${name === "cookie" ? "; " : ", "}${value}`;
  }
}

/** Folds raw [name, value, …] pairs (names lower-case) into Node's IncomingMessage.headers shape. */
export function foldHeaders(raw: readonly string[]): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (let i = 0; i + 1 < raw.length; i += 2) addHeader(out, raw[i] as string, raw[i + 1] as string);
  return out;
}

/**
 * Field lines of a head (`text` from `from` to `end`, the index of the blank
 * line's CRLF) appended to `raw` as [lower-case name, trimmed value] pairs;
 * false when a line is malformed (obs-fold, no colon, bad name or value).
 */
export function parseFieldLines(text: string, from: number, end: number, raw: string[]): boolean {
  let pos = from;
  while (pos < end) {
    let eol = text.indexOf("\r\n", pos);
    if (eol < 0 || eol > end) eol = end;
    const colon = text.indexOf(":", pos);
    if (colon <= pos || colon > eol) return false; // no name, or obs-fold / garbage line
    const name = text.slice(pos, colon);
    if (!isToken(name)) return false;
    let vs = colon + 1;
    let ve = eol;
    while (vs < ve && (text.charCodeAt(vs) === 32 || text.charCodeAt(vs) === 9)) vs++;
    while (ve > vs && (text.charCodeAt(ve - 1) === 32 || text.charCodeAt(ve - 1) === 9)) ve--;
    const value = text.slice(vs, ve);
    if (!isFieldValue(value)) return false;
    raw.push(name.toLowerCase(), value);
    pos = eol + 2;
  }
  return true;
}

/** A parsed response head; `headers` folds the raw pairs on first use. */
export class ResponseHead {
  private folded: IncomingHttpHeaders | undefined;
  constructor(
    readonly status: number,
    /** HTTP/1.x minor version. */
    readonly minor: number,
    /** [lower-case name, value, …] as received. */
    readonly raw: string[],
    /** Content-Length as sent (validated), or undefined. */
    readonly contentLength: number | undefined,
    readonly chunked: boolean,
    /** Transfer-Encoding without a final chunked: the body runs to the close. */
    readonly closeDelimited: boolean,
    readonly keepAlive: boolean,
    /** The Keep-Alive header's timeout=N (seconds), when given. */
    readonly keepAliveTimeout: number | undefined,
  ) {}

  get headers(): IncomingHttpHeaders {
    if (!this.folded) this.folded = foldHeaders(this.raw);
    return this.folded;
  }
}

const DIGITS = /^\d{1,15}$/;
const CLOSE_TOKEN = /(^|,)\s*close\s*(,|$)/i;
const KEEP_ALIVE_TOKEN = /(^|,)\s*keep-alive\s*(,|$)/i;

/** A response head (`text[0..end)`, end = index of the final CRLF CRLF); a string is the reason it is malformed. */
export function parseResponseHead(text: string, end: number): ResponseHead | string {
  const eol = text.indexOf("\r\n");
  const lineEnd = eol < 0 || eol > end ? end : eol;
  // status-line = HTTP-version SP status-code SP [ reason-phrase ]
  if (lineEnd < 12 || !text.startsWith("HTTP/1.") || text.charCodeAt(8) !== 32) return "bad status line";
  const minor = text.charCodeAt(7) - 48;
  if (minor !== 0 && minor !== 1) return "bad HTTP version";
  const c0 = text.charCodeAt(9) - 48;
  const c1 = text.charCodeAt(10) - 48;
  const c2 = text.charCodeAt(11) - 48;
  if (!(c0 >= 1 && c0 <= 9 && c1 >= 0 && c1 <= 9 && c2 >= 0 && c2 <= 9)) return "bad status code";
  if (lineEnd > 12 && text.charCodeAt(12) !== 32) return "bad status line";
  if (lineEnd > 13 && !isFieldValue(text.slice(13, lineEnd))) return "bad reason phrase";
  const raw: string[] = [];
  if (lineEnd < end && !parseFieldLines(text, lineEnd + 2, end, raw)) return "bad header";
  let contentLength: number | undefined;
  let te: string | undefined;
  let conn: string | undefined;
  let keepAliveTimeout: number | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const v = raw[i + 1] as string;
    if (name === "content-length") {
      // Repeats must agree (RFC 9110 §8.6); each may itself be a list of equal values.
      for (const part of v.split(",")) {
        const p = part.trim();
        if (!DIGITS.test(p)) return "bad Content-Length";
        const n = Number(p);
        if (contentLength !== undefined && n !== contentLength) return "conflicting Content-Length";
        contentLength = n;
      }
    } else if (name === "transfer-encoding") te = te === undefined ? v : `${te}, ${v}`;
    else if (name === "connection") conn = conn === undefined ? v : `${conn}, ${v}`;
    else if (name === "keep-alive") {
      const m = /timeout=(\d+)/i.exec(v);
      if (m) keepAliveTimeout = Number(m[1]);
    }
  }
  let chunked = false;
  let closeDelimited = false;
  if (te !== undefined) {
    if (contentLength !== undefined) return "both Content-Length and Transfer-Encoding";
    const codings = te.toLowerCase().split(",");
    chunked = codings[codings.length - 1]?.trim() === "chunked";
    closeDelimited = !chunked;
  }
  const keepAlive =
    minor === 1
      ? conn === undefined || !CLOSE_TOKEN.test(conn)
      : conn !== undefined && KEEP_ALIVE_TOKEN.test(conn);
  const status = c0 * 100 + c1 * 10 + c2;
  return new ResponseHead(
    status,
    minor,
    raw,
    contentLength,
    chunked,
    closeDelimited,
    keepAlive,
    keepAliveTimeout,
  );
}

/** Methods the front end takes itself (all known to llhttp); others go to Node's server. */
const FAST_METHODS = new Set(["GET", "HEAD", "DELETE", "OPTIONS", "POST", "PUT", "PATCH"]);

export interface RequestHead {
  method: string;
  /** origin-form request target. */
  target: string;
  /** [lower-case name, value, …] as received. */
  raw: string[];
  host: string;
  /** Connection: close was asked for. */
  close: boolean;
  /** A Content-Length: 0 was sent. */
  contentLengthZero: boolean;
}

/**
 * A request head the front end can serve itself: HTTP/1.1, origin-form
 * target of visible ASCII, a known method, well-formed fields, exactly one
 * Host, and no body (no Transfer-Encoding; Content-Length absent or a single
 * 0), no Upgrade and no Expect. Undefined for anything else, which Node's
 * server then handles (including every error response).
 */
export function parseSimpleRequestHead(text: string, end: number): RequestHead | undefined {
  let eol = text.indexOf("\r\n");
  if (eol < 0 || eol > end) eol = end;
  const sp1 = text.indexOf(" ");
  if (sp1 <= 0 || sp1 > eol) return undefined;
  const method = text.slice(0, sp1);
  if (!FAST_METHODS.has(method)) return undefined;
  const sp2 = text.indexOf(" ", sp1 + 1);
  if (sp2 < 0 || sp2 + 9 !== eol) return undefined;
  if (text.charCodeAt(sp1 + 1) !== 47 /* "/" */) return undefined;
  for (let i = sp1 + 1; i < sp2; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return undefined;
  }
  if (!text.startsWith("HTTP/1.1", sp2 + 1)) return undefined;
  const raw: string[] = [];
  if (eol < end && !parseFieldLines(text, eol + 2, end, raw)) return undefined;
  let host: string | undefined;
  let hosts = 0;
  let close = false;
  let contentLengthZero = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    switch (name) {
      case "host":
        hosts++;
        host = raw[i + 1];
        break;
      case "content-length":
        if (contentLengthZero || raw[i + 1] !== "0") return undefined;
        contentLengthZero = true;
        break;
      case "transfer-encoding":
      case "upgrade":
      case "expect":
        return undefined;
      case "connection":
        if (CLOSE_TOKEN.test(raw[i + 1] as string)) close = true;
        break;
    }
  }
  if (hosts !== 1 || host === undefined) return undefined;
  return { method, target: text.slice(sp1 + 1, sp2), raw, host, close, contentLengthZero };
}
