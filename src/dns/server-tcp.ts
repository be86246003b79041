/**
 * DNS over TCP (RFC 7766) for the cluster DNS server, with the limits a
 * server on a shared machine needs (knot's tcp-io-timeout / tcp-idle-timeout,
 * miekg/dns's per-message ReadTimeout, which CoreDNS serves with):
 *
 * - Backpressure: queries of a connection are answered one after another
 *   only while its answers are being read. When the socket's write side is
 *   full, the connection stops reading (pause) until it drains, so a client
 *   that pipelines queries and never reads costs one socket buffer, not
 *   memory without bound. One that does not drain within the idle timeout,
 *   or whose unread answers pass `maxPendingBytes` anyway (forwarded answers
 *   landing at once), is closed.
 * - At most `maxInflight` forwarded (asynchronous) queries per connection;
 *   past that it stops reading until one is answered.
 * - A read deadline per message, not per byte: a message must arrive whole
 *   within `readTimeoutMs` of its first byte; a connection with nothing to
 *   do is closed after `idleTimeoutMs`. A byte every few seconds holds a
 *   connection for one deadline, not forever.
 * - At most `maxConnections` connections, `maxPerClient` from one address.
 * - A frame that is not a query (too short for a header, a response) closes
 *   the connection.
 */
import type net from "node:net";

export interface DnsTcpLimits {
  /** Close a connection with nothing to read or write for this long (default 10 000 ms). */
  idleTimeoutMs: number;
  /** A message must arrive whole within this long of its first byte (default 2 000 ms, miekg/dns's ReadTimeout). */
  readTimeoutMs: number;
  /** Connections at once (default 1 000). */
  maxConnections: number;
  /** Connections at once from one client address (default 100). */
  maxPerClient: number;
  /** Forwarded queries of one connection awaiting their answer (default 100). */
  maxInflight: number;
  /** Answers queued and unread on one connection, in bytes, before it is closed (default 256 KiB). */
  maxPendingBytes: number;
}

export const DNS_TCP_DEFAULTS: DnsTcpLimits = {
  idleTimeoutMs: 10_000,
  readTimeoutMs: 2_000,
  maxConnections: 1_000,
  maxPerClient: 100,
  maxInflight: 100,
  maxPendingBytes: 256 * 1024,
};

/** Why connections were refused or closed early, for metrics. */
export interface DnsTcpCounters {
  refusedPerClient: number;
  readTimeouts: number;
  idleTimeouts: number;
  writeStalls: number;
  pendingOverflows: number;
  malformed: number;
}

export type TcpHandler = (frame: Buffer, remote: string) => Buffer | Promise<Buffer | undefined> | undefined;

/** Serves DNS on a listening TCP server; returns the open connections (closed by the caller on shutdown). */
export function serveDnsTcp(
  server: net.Server,
  handle: TcpHandler,
  limits: DnsTcpLimits,
  counters: DnsTcpCounters,
): Set<net.Socket> {
  const connections = new Set<net.Socket>();
  const perClient = new Map<string, number>();
  server.maxConnections = limits.maxConnections;
  server.on("connection", (sock) => {
    const remote = sock.remoteAddress ?? "";
    const n = perClient.get(remote) ?? 0;
    if (n >= limits.maxPerClient) {
      counters.refusedPerClient++;
      sock.destroy();
      return;
    }
    perClient.set(remote, n + 1);
    connections.add(sock);
    sock.on("close", () => {
      connections.delete(sock);
      const left = (perClient.get(remote) ?? 1) - 1;
      if (left <= 0) perClient.delete(remote);
      else perClient.set(remote, left);
    });
    sock.on("error", () => {});
    sock.setNoDelay(true);
    new Connection(sock, remote, handle, limits, counters).start();
  });
  return connections;
}

class Connection {
  private buf: Buffer = Buffer.alloc(0);
  private inflight = 0;
  /** Waiting for 'drain': nothing more is answered or read until then. */
  private blocked = false;
  private messageTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private stallTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sock: net.Socket,
    private readonly remote: string,
    private readonly handle: TcpHandler,
    private readonly limits: DnsTcpLimits,
    private readonly counters: DnsTcpCounters,
  ) {}

  start(): void {
    const sock = this.sock;
    sock.on("data", (chunk: Buffer) => {
      this.clear("idle");
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      this.pump();
    });
    sock.on("drain", () => {
      this.blocked = false;
      this.clear("stall");
      this.pump();
    });
    sock.on("close", () => {
      this.clear("message");
      this.clear("idle");
      this.clear("stall");
    });
    this.arm();
  }

  /** Answers every complete query it may, then decides whether to read on and which timer runs. */
  private pump(): void {
    const sock = this.sock;
    if (sock.destroyed) return;
    // Pipelined queries: replies may come back out of order (RFC 7766 §6.2.1.1).
    while (!this.blocked && this.inflight < this.limits.maxInflight && this.buf.length >= 2) {
      const len = this.buf.readUInt16BE(0);
      if (this.buf.length < 2 + len) break;
      const frame = this.buf.subarray(2, 2 + len);
      this.buf = this.buf.subarray(2 + len);
      // The message deadline covers one message: the next one starts its own.
      this.clear("message");
      const r = this.handle(frame, this.remote);
      if (r instanceof Promise) {
        this.inflight++;
        r.then(
          (out) => this.answered(out),
          () => this.answered(undefined),
        );
      } else if (r === undefined) {
        // Not a query (shorter than a header, or a response): a TCP stream out of step, as miekg/dns
        // closes it. It also keeps empty frames from restarting the message deadline forever.
        this.counters.malformed++;
        sock.destroy();
        return;
      } else this.write(r);
    }
    if (sock.destroyed) return;
    if (this.blocked || this.inflight >= this.limits.maxInflight) sock.pause();
    else sock.resume();
    this.arm();
  }

  private answered(out: Buffer | undefined): void {
    this.inflight--;
    this.write(out);
    this.pump();
  }

  private write(out: Buffer | undefined): void {
    const sock = this.sock;
    if (!out || sock.destroyed) return;
    const framed = Buffer.allocUnsafe(2 + out.length);
    framed.writeUInt16BE(out.length, 0);
    out.copy(framed, 2);
    if (!sock.write(framed)) this.blocked = true;
    if (sock.writableLength > this.limits.maxPendingBytes) {
      this.counters.pendingOverflows++;
      sock.destroy();
    }
  }

  /** Exactly one of: a message deadline (a query is arriving), a stall timer (answers unread), an idle timer. */
  private arm(): void {
    if (this.sock.destroyed) return;
    if (this.blocked) {
      this.clear("idle");
      this.clear("message");
      this.stallTimer ??= setTimeout(() => {
        this.counters.writeStalls++;
        this.sock.destroy();
      }, this.limits.idleTimeoutMs);
      return;
    }
    this.clear("stall");
    if (this.buf.length > 0 && this.inflight < this.limits.maxInflight) {
      this.clear("idle");
      this.messageTimer ??= setTimeout(() => {
        this.counters.readTimeouts++;
        this.sock.destroy();
      }, this.limits.readTimeoutMs);
      return;
    }
    this.clear("message");
    if (this.inflight > 0) {
      this.clear("idle");
      return;
    }
    this.idleTimer ??= setTimeout(() => {
      this.counters.idleTimeouts++;
      this.sock.destroy();
    }, this.limits.idleTimeoutMs);
  }

  private clear(which: "message" | "idle" | "stall"): void {
    if (which === "message" && this.messageTimer) {
      clearTimeout(this.messageTimer);
      this.messageTimer = undefined;
    } else if (which === "idle" && this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    } else if (which === "stall" && this.stallTimer) {
      clearTimeout(this.stallTimer);
      this.stallTimer = undefined;
    }
  }
}
