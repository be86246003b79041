/**
 * The client side of an exchange on Node's http/http2 server (the fallback
 * front end: bodies, HTTP/1.0, HTTP/2, every head the hand-written front
 * end leaves to llhttp): the response goes out through ServerResponse.
 * Also what the pipeline reads from a Node request (fields, host and
 * target, nginx's refusals of what llhttp accepts) and the server's own
 * error answers (400, 408, 431, 501, 505) and nginx's lingering close after
 * refusing a body.
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import http2 from "node:http2";
import type { Duplex } from "node:stream";
import type { ClientSide } from "./exchange.js";
import { errorPage, type FieldLines, headerObject, pairsOf, rawResponse } from "./wire.js";

/** HTTP/2 requests reach the handler through the compatibility API (with a stream); a few things differ. */
export function isH2(req: IncomingMessage): boolean {
  return req.httpVersionMajor === 2 && (req as { stream?: unknown }).stream !== undefined;
}

/**
 * nginx's answer to a request llhttp accepts but nginx refuses, or
 * undefined: a version other than 1.x on HTTP/1 (505), a repeated Host or
 * Transfer-Encoding (400), Transfer-Encoding on HTTP/1.0 (400) or other
 * than exactly `chunked` (501: nginx implements no other coding).
 */
export function refusal(req: IncomingMessage, raw: readonly string[]): number | undefined {
  if (isH2(req)) return undefined;
  if (req.httpVersionMajor !== 1) return 505;
  let hosts = 0;
  let tes = 0;
  let te = "";
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i];
    if (name === "host") hosts++;
    else if (name === "transfer-encoding") {
      tes++;
      te = raw[i + 1] as string;
    }
  }
  if (hosts > 1 || tes > 1) return 400;
  if (tes === 1) {
    if (req.httpVersionMinor === 0) return 400;
    if (te.trim().toLowerCase() !== "chunked") return 501;
  }
  return undefined;
}

/** Connections whose last answer is a refusal (closing them). */
const refused = new WeakSet<Duplex>();

const ABSOLUTE = /^https?:\/\/([^/?#]*)([^#]*)/i;

/**
 * The host and origin-form path a request is for. An absolute-form target
 * (`GET http://host/path HTTP/1.1`) names its own host, which replaces the
 * Host header (RFC 9112 §3.2.2), as nginx routes it.
 */
export function requestTarget(req: IncomingMessage): { host: string; path: string } {
  const url = req.url ?? "/";
  const m = url.charCodeAt(0) === 47 /* "/" */ || isH2(req) ? null : ABSOLUTE.exec(url);
  if (!m) return { host: hostOf(req), path: url };
  const authority = m[1] as string;
  let path = m[2] || "/";
  if (path.charCodeAt(0) !== 47) path = `/${path}`;
  return { host: authority.slice(authority.lastIndexOf("@") + 1), path };
}

/**
 * The controller's page for `status` on Node's server, for requests
 * answered before routing: refused ones (`close`: the connection closes
 * after it) and those arriving before the first table compiled (503).
 */
export function answerBeforeRouting(res: ServerResponse, status: number, close: boolean): void {
  if (close) {
    res.shouldKeepAlive = false;
    // The parser may still fail on what follows (llhttp judges some Transfer-Encodings after the head): one answer.
    if (res.socket) refused.add(res.socket);
  }
  const body = errorPage(status);
  res.writeHead(status, {
    "content-type": "text/html",
    "content-length": Buffer.byteLength(body),
    server: "michi",
  });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

/** Host header, or HTTP/2's :authority. */
export function hostOf(req: IncomingMessage): string {
  const h = req.headers.host ?? req.headers[":authority"];
  return typeof h === "string" ? h : "";
}

/**
 * A Node request's fields as lower-case pairs. HTTP/2 cookie crumbs are
 * joined into one field, as RFC 9113 §8.2.3 requires before forwarding
 * over HTTP/1.1.
 */
export function rawFields(req: IncomingMessage): string[] {
  const r = req.rawHeaders;
  const out: string[] = [];
  const h2 = isH2(req);
  let cookie = -1;
  for (let i = 0; i + 1 < r.length; i += 2) {
    const name = (r[i] as string).toLowerCase();
    const v = r[i + 1] as string;
    if (h2 && name === "cookie") {
      if (cookie >= 0) {
        out[cookie] = `${out[cookie]}; ${v}`;
        continue;
      }
      cookie = out.length + 1;
    }
    out.push(name, v);
  }
  return out;
}

export class NodeClient implements ClientSide {
  exchange: { clientGone(): void } | undefined;
  private ended = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    res.once("close", () => {
      if (this.ended) return;
      this.ended = true;
      const ex = this.exchange;
      this.exchange = undefined;
      ex?.clientGone();
    });
  }

  start(status: number, fields: FieldLines, _contentLength: number | undefined, own: boolean): void {
    if (own && status === 400) this.res.shouldKeepAlive = false;
    if (own && status === 413) lingerDiscard(this.req);
    this.res.writeHead(status, headerObject(pairsOf(fields)));
  }

  write(buf: Buffer, from: number, to: number): boolean {
    // (The bytes are borrowed: res keeps a copy until it is written.)
    return this.res.write(Buffer.from(buf.subarray(from, to)));
  }

  onDrain(cb: () => void): void {
    this.res.once("drain", cb);
  }

  end(): void {
    this.ended = true;
    this.exchange = undefined;
    this.res.end();
  }

  destroy(): void {
    this.ended = true;
    this.exchange = undefined;
    this.res.destroy();
  }
}

/**
 * Like nginx's lingering close: after refusing a body, keep reading (and
 * discarding) it so the client sees the response instead of a reset; give
 * up (close) after 5 s or 64 MiB.
 */
function lingerDiscard(req: IncomingMessage): void {
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

/** The request line and field lines of the head a refused packet starts with (latin1). */
function headOf(packet: Buffer | undefined): string {
  if (!packet) return "";
  const end = packet.indexOf("\r\n\r\n");
  return packet.toString("latin1", 0, end < 0 ? Math.min(packet.length, 16 * 1024) : end);
}

/** The status nginx answers for what llhttp refuses. */
function clientErrorStatus(err: Error & { code?: string; rawPacket?: Buffer }): number {
  switch (err.code) {
    case "HPE_HEADER_OVERFLOW":
      return 431;
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return 408;
    case "HPE_INVALID_TRANSFER_ENCODING": {
      // nginx: a coding other than exactly "chunked" is not implemented (501); chunked with Content-Length is a 400.
      const te = /\r\ntransfer-encoding:[ \t]*([^\r]*)/i.exec(headOf(err.rawPacket))?.[1];
      return te !== undefined && te.trim().toLowerCase() === "chunked" ? 400 : 501;
    }
    case "HPE_INVALID_VERSION": {
      const major = / HTTP\/(\d+)\.\d+(\r\n|$)/.exec(headOf(err.rawPacket).split("\r\n", 1)[0] ?? "")?.[1];
      return major !== undefined && Number(major) > 1 ? 505 : 400;
    }
    default:
      return 400;
  }
}

/**
 * Node's parser refused a request: its status as nginx would answer, then
 * close. A response still owed to an earlier request on the connection
 * goes first (pipelining keeps order): the error waits until it is written.
 */
export function onClientError(err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex): void {
  // The parser reports its error again for every later read: the connection is answered once.
  if (refused.has(socket)) return;
  refused.add(socket);
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status = clientErrorStatus(err);
  const answer = () => {
    const pending = (socket as { _httpMessage?: ServerResponse | null })._httpMessage;
    if (pending && !pending.writableFinished && !pending.destroyed) {
      let again = false;
      const next = () => {
        if (again) return;
        again = true;
        setImmediate(answer);
      };
      pending.once("finish", next);
      pending.once("close", next);
      return;
    }
    if (socket.writable) socket.end(rawResponse(status));
    else socket.destroy();
  };
  answer();
}
