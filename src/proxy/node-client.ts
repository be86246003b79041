/**
 * The client side of an exchange on Node's http/http2 server (the fallback
 * front end: bodies, HTTP/1.0, HTTP/2, every head the hand-written front
 * end leaves to llhttp): the response goes out through ServerResponse.
 * Also the request's fields as the pipeline reads them, the Node server's own error answers (400, 408, 431) and nginx's
 * lingering close after refusing a body.
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import http2 from "node:http2";
import type { Duplex } from "node:stream";
import type { ClientSide } from "./exchange.js";
import { type Fields, headerObject, rawResponse } from "./wire.js";

/** HTTP/2 requests reach the handler through the compatibility API; a few things differ. */
export function isH2(req: IncomingMessage): boolean {
  return req.httpVersionMajor === 2;
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

  start(status: number, fields: Fields, _contentLength: number | undefined, own: boolean): void {
    if (own && status === 400) this.res.shouldKeepAlive = false;
    if (own && status === 413) lingerDiscard(this.req);
    this.res.writeHead(status, headerObject(fields));
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

/** Node's parser refused a request: its status as nginx would answer, then close. */
export function onClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const code = err.code === "HPE_HEADER_OVERFLOW" ? 431 : err.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
  socket.end(rawResponse(code));
}
