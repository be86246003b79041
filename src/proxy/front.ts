/**
 * The proxy's hand-written HTTP/1.1 front end: it reads client connections
 * itself (plain TCP sockets read into one shared buffer through net's
 * `onread`, TLS sockets through 'data'), serves the common request — a
 * bodyless HTTP/1.1 request with a well-formed head (http1.ts) — without
 * Node's http server, and hands the connection to a Node http.Server at the
 * first request it does not take (a body, an upgrade, HTTP/1.0, anything
 * malformed, a route that needs Node's client). Node's server then owns the
 * connection, with its llhttp parser, error answers (400, 431…), smuggling
 * checks, body limits and WebSocket tunnels; the hand-over keeps every
 * unread byte, so nothing is lost or reordered.
 *
 * One request per connection is served at a time; pipelined requests wait
 * in the buffer (reading pauses when it grows) and are served in order.
 */

import type http from "node:http";
import net from "node:net";
import type { ClientSide } from "./exchange.js";
import { parseSimpleRequestHead, type RequestHead } from "./http1.js";
import { SocketBridge } from "./socket-bridge.js";
import { type FieldLines, httpDate, rawResponse, statusText } from "./wire.js";

/** Node's default --max-http-header-size: a longer head goes to Node (431). */
const MAX_HEAD = 16 * 1024;
/** Pipelined bytes buffered while a request is in flight before reading pauses. */
const MAX_BUFFERED = 64 * 1024;

const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** What the front end asks of the proxy for each request it takes. */
export interface FrontHandler {
  /**
   * Serve `head` on `conn` (respond via conn.start/write/end), or return
   * false without writing anything to have Node's server take the
   * connection from this request on.
   */
  serve(conn: FrontConn, head: RequestHead): boolean;
}

export interface FrontOptions {
  handler: FrontHandler;
  /** Takes over connections (never listening itself). */
  fallback: http.Server;
  /** Idle keep-alive connections close after this (Node's keepAliveTimeout). */
  keepAliveTimeoutMs: number;
  /** A head not complete after this gets 408 (Node's headersTimeout). */
  headersTimeoutMs: number;
}

/**
 * One client connection, the client side of the exchanges it carries
 * (exchange.ts): start() writes the status and headers (framing chosen
 * here: Content-Length when given, chunked otherwise), write() body bytes
 * (false = wait for onDrain), end().
 */
export class FrontConn implements ClientSide {
  /** Unparsed request bytes, as latin1 text (one char per byte). */
  private buf = "";
  private busy = false;
  private looping = false;
  private handedOff = false;
  private bridge: SocketBridge | undefined;
  private closeAfter = false;
  /** The client half-closed: finish what was asked, then close. */
  private eof = false;
  private chunked = false;
  private bodyless = false;
  private pendingHead = "";
  /** The current request's method (HEAD responses carry no body). */
  method = "";
  /** The exchange in flight, told when the client goes away mid-response. */
  exchange: { clientGone(): void } | undefined;
  /** Last activity (ms, the front's coarse clock), and when the current head started. */
  lastActive: number;
  headSince = -1;
  closed = false;
  readonly remoteAddress: string;

  constructor(
    readonly sock: net.Socket,
    private readonly front: Front,
  ) {
    this.remoteAddress = sock.remoteAddress ?? "";
    this.lastActive = front.now;
    sock.on("error", () => sock.destroy());
    sock.on("close", () => this.onClose());
    sock.on("end", () => this.onEnd());
  }

  /** Bytes from the client (the buffer may be reused after this returns). */
  onBytes(buf: Buffer, from: number, to: number): void {
    if (this.handedOff) {
      this.bridge?.pushBytes(Buffer.from(buf.subarray(from, to)));
      return;
    }
    if (this.buf.length === 0) this.headSince = this.front.now;
    if (this.eof) return;
    this.buf += buf.toString("latin1", from, to);
    this.lastActive = this.front.now;
    if (this.busy) {
      if (this.buf.length > MAX_BUFFERED) this.sock.pause();
      return;
    }
    this.next();
  }

  private onEnd(): void {
    if (this.handedOff) return; // the bridge ends Node's side
    this.eof = true;
    if (this.busy) this.closeAfter = true;
    else this.next();
  }

  /** Serves buffered requests in order until one is in flight or the buffer holds no whole head. */
  private next(): void {
    if (this.looping) return;
    this.looping = true;
    try {
      while (!this.busy && !this.closed && !this.handedOff && this.buf.length > 0) {
        const end = this.buf.indexOf("\r\n\r\n");
        if (end < 0) {
          // Wait for the rest of the head unless it is already not one the fast path takes.
          if (this.eof || this.buf.length > MAX_HEAD || !plausibleStart(this.buf)) this.handOff();
          return;
        }
        const head = end < MAX_HEAD ? parseSimpleRequestHead(this.buf, end) : undefined;
        if (!head) {
          this.handOff();
          return;
        }
        const rest = this.buf.slice(end + 4);
        const whole = this.buf;
        this.buf = rest;
        this.busy = true;
        this.method = head.method;
        this.closeAfter = head.close || this.eof;
        if (!this.front.handler.serve(this, head)) {
          // Not ours after all: Node's server gets the request as it came.
          this.busy = false;
          this.buf = whole;
          this.handOff();
          return;
        }
        this.headSince = this.buf.length > 0 ? this.front.now : -1;
      }
      if (this.eof && !this.busy && !this.handedOff && !this.closed) {
        // Half-closed with nothing (or only part of a head) left to serve.
        this.sock.end();
        return;
      }
      if (this.buf.length <= MAX_BUFFERED && !this.closed) this.sock.resume();
    } finally {
      this.looping = false;
    }
  }

  /**
   * Writes the response head: `fields` (Content-Length included when
   * known), to which Date and Connection are added. `contentLength`
   * undefined = the body is sent chunked (no body at all for HEAD/204/304).
   */
  start(status: number, fields: FieldLines, contentLength: number | undefined): void {
    let h = `HTTP/1.1 ${status} ${statusText(status)}\r\n${fields}date: ${httpDate()}\r\n`;
    h += this.closeAfter ? "connection: close\r\n" : this.front.keepAliveLines;
    this.bodyless = this.method === "HEAD" || status === 204 || status === 304;
    this.chunked = !this.bodyless && contentLength === undefined;
    if (this.chunked) h += "transfer-encoding: chunked\r\n";
    // The head waits for the first body bytes (or the end) so both leave in one write.
    this.pendingHead = `${h}\r\n`;
  }

  /** Body bytes `buf[from..to)` (borrowed: copied before this returns); false when the client is not keeping up (wait for onDrain). */
  write(buf: Buffer, from: number, to: number): boolean {
    if (this.closed) return true;
    const sock = this.sock;
    const n = to - from;
    if (this.bodyless || n === 0) {
      this.flushHead();
      return true;
    }
    if (n <= 4096) {
      // Small pieces go as one string with their framing (and the head, if still pending): one syscall.
      const body = buf.toString("latin1", from, to);
      const text = this.chunked ? `${n.toString(16)}\r\n${body}\r\n` : body;
      const ok = sock.write(this.pendingHead ? this.pendingHead + text : text, "latin1");
      this.pendingHead = "";
      return ok;
    }
    const copy = Buffer.allocUnsafe(n);
    buf.copy(copy, 0, from, to);
    sock.cork();
    if (this.pendingHead) {
      sock.write(this.pendingHead, "latin1");
      this.pendingHead = "";
    }
    if (this.chunked) sock.write(`${n.toString(16)}\r\n`, "latin1");
    let ok = sock.write(copy);
    if (this.chunked) ok = sock.write("\r\n", "latin1");
    sock.uncork();
    return ok;
  }

  onDrain(cb: () => void): void {
    this.sock.once("drain", cb);
  }

  private flushHead(): void {
    if (this.pendingHead) {
      this.sock.write(this.pendingHead, "latin1");
      this.pendingHead = "";
    }
  }

  /** The response is complete: the next pipelined request (or close, when asked). */
  end(): void {
    if (this.closed) return;
    const tail = this.chunked ? "0\r\n\r\n" : "";
    if (this.pendingHead || tail) {
      this.sock.write(this.pendingHead + tail, "latin1");
      this.pendingHead = "";
    }
    this.chunked = false;
    this.busy = false;
    this.exchange = undefined;
    this.lastActive = this.front.now;
    if (this.closeAfter) {
      this.sock.end();
      return;
    }
    this.next();
  }

  /** The response cannot be completed (an upstream failed mid-body): cut the connection, as nginx does. */
  destroy(): void {
    this.sock.destroy();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.front.conns.delete(this);
    const ex = this.exchange;
    this.exchange = undefined;
    if (this.busy && ex) ex.clientGone();
  }

  /** Node's server takes the connection, starting with the buffered bytes. */
  private handOff(): void {
    this.handedOff = true;
    this.front.conns.delete(this);
    const bridge = new SocketBridge(this.sock);
    this.bridge = bridge;
    this.front.fallback.emit("connection", bridge);
    if (this.buf.length > 0) bridge.pushBytes(Buffer.from(this.buf, "latin1"));
    this.buf = "";
    this.sock.resume();
  }

  /** Shutdown: a connection between requests closes now. */
  closeIfIdle(): void {
    if (!this.busy && !this.handedOff && this.buf.length === 0) this.sock.destroy();
  }

  /** Called by the front's ticker: idle and slow-head timeouts. */
  check(now: number): void {
    if (this.busy || this.handedOff) return;
    if (this.headSince >= 0 && this.buf.length > 0) {
      if (now - this.headSince > this.front.headersTimeoutMs) {
        // Node's answer to a head that never completes.
        this.sock.end(rawResponse(408, { bare: true }));
        this.closed = true;
        this.front.conns.delete(this);
      }
    } else if (now - this.lastActive > this.front.keepAliveTimeoutMs) {
      this.sock.destroy();
    }
  }
}

const BARE_LF = /(^|[^\r])\n/;

/** Could `s` (an incomplete head) still become a request the fast path takes? */
function plausibleStart(s: string): boolean {
  const c = s.charCodeAt(0);
  if (c < 65 || c > 90) return false; // methods are upper-case tokens; anything else (CRLF, junk) is Node's
  if (BARE_LF.test(s)) return false; // lines must end in CRLF here; Node's parser judges the rest
  const eol = s.indexOf("\r\n");
  return eol < 0 || s.endsWith(" HTTP/1.1", eol);
}

/** The connections of one listener, with the ticker that runs their timeouts. */
export class Front {
  readonly conns = new Set<FrontConn>();
  /** Every socket taken, handed over or not (closed on shutdown). */
  readonly sockets = new Set<net.Socket>();
  readonly handler: FrontHandler;
  readonly fallback: http.Server;
  readonly keepAliveTimeoutMs: number;
  readonly headersTimeoutMs: number;
  /** The Connection/Keep-Alive lines of a keep-alive response. */
  readonly keepAliveLines: string;
  now = performance.now();
  private readonly ticker: NodeJS.Timeout;

  constructor(o: FrontOptions) {
    this.handler = o.handler;
    this.fallback = o.fallback;
    this.keepAliveTimeoutMs = o.keepAliveTimeoutMs;
    this.headersTimeoutMs = o.headersTimeoutMs;
    this.keepAliveLines = `connection: keep-alive\r\nkeep-alive: timeout=${Math.floor(o.keepAliveTimeoutMs / 1000)}\r\n`;
    this.ticker = setInterval(() => {
      this.now = performance.now();
      for (const c of this.conns) c.check(this.now);
    }, 1000);
    this.ticker.unref();
  }

  /**
   * A plain TCP connection from a net.Server created with pauseOnConnect:
   * its handle moves into a socket that reads into the shared buffer (no
   * stream machinery per read). Falls back to 'data' events if the handle
   * cannot be moved.
   */
  adoptTCP(orig: net.Socket): void {
    const handle = (orig as unknown as { _handle?: { readStart?: unknown } | null })._handle;
    if (!handle || typeof handle.readStart !== "function") {
      this.adoptStream(orig);
      return;
    }
    (orig as unknown as { _handle: unknown })._handle = null;
    orig.destroy();
    let conn: FrontConn | undefined;
    const sock = new net.Socket({
      handle,
      // As Node's http.Server: a client's FIN ends its requests, not our answers.
      allowHalfOpen: true,
      readable: true,
      writable: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (n: number, buf: Uint8Array) => {
          conn?.onBytes(buf as Buffer, 0, n);
          return undefined as unknown as boolean;
        },
      },
    } as net.SocketConstructorOpts);
    sock.setNoDelay(true);
    conn = this.track(sock);
    sock.resume();
  }

  /** A socket read through 'data' events (TLS). */
  adoptStream(sock: net.Socket): void {
    if (typeof sock.setNoDelay === "function") sock.setNoDelay(true);
    const conn = this.track(sock);
    sock.on("data", (d: Buffer) => conn.onBytes(d, 0, d.length));
    sock.resume();
  }

  private track(sock: net.Socket): FrontConn {
    const conn = new FrontConn(sock, this);
    this.conns.add(conn);
    this.sockets.add(sock);
    sock.once("close", () => this.sockets.delete(sock));
    return conn;
  }

  /** Closes connections with no request in flight (shutdown). */
  closeIdle(): void {
    for (const c of this.conns) c.closeIfIdle();
  }

  close(): void {
    clearInterval(this.ticker);
    for (const s of this.sockets) s.destroy();
  }
}
