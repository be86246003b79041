/**
 * The `forward . /etc/resolv.conf { max_concurrent 1000 }` + `cache 30` part
 * of kubeadm's Corefile: out-of-zone queries go to upstream servers over the
 * client's transport, with a per-attempt timeout and failover, a cap on
 * queries in flight (over it: REFUSED, as the forward plugin does) and a
 * cache whose TTLs count down and are capped at 30 s.
 */
import dgram from "node:dgram";
import net from "node:net";
import { parseIP } from "../api/net.js";
import type { DnsMetrics } from "./metrics.js";
import { skipName } from "./wire.js";

export interface ForwarderOptions {
  /** `IP`, `IP:PORT` or `[IPv6]:PORT`; port 53 by default. */
  upstreams: readonly string[];
  /** Per-attempt timeout (ms); default 2000. */
  timeoutMs?: number;
  /** Queries in flight before new ones are refused; default 1000 (kubeadm's max_concurrent). */
  maxConcurrent?: number;
  /** Cache capacity in messages; default 10 000 (0 disables). */
  cacheSize?: number;
  /** TTL cap in seconds for cached answers; default 30 (kubeadm's `cache 30`). */
  maxTtl?: number;
  metrics?: DnsMetrics;
  now?: () => number;
}

export type ForwardResult =
  | { kind: "response"; message: Buffer; cached: boolean }
  | { kind: "refused" }
  | { kind: "failed"; reason: string };

interface Upstream {
  host: string;
  port: number;
  family: 4 | 6;
  label: string;
}

interface CacheEntry {
  message: Buffer;
  ttlOffsets: number[];
  ttls: number[];
  stored: number;
  expires: number;
  denial: boolean;
}

export function parseUpstream(text: string): Upstream | undefined {
  let host = text;
  let port = 53;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (v6) {
    host = v6[1]!;
    if (v6[2]) port = Number(v6[2]);
  } else if (/^[^:]+:\d+$/.test(text)) {
    const i = text.lastIndexOf(":");
    host = text.slice(0, i);
    port = Number(text.slice(i + 1));
  }
  const ip = parseIP(host);
  if (!ip || port < 1 || port > 65535) return undefined;
  return { host, port, family: ip.family, label: ip.family === 6 ? `[${host}]:${port}` : `${host}:${port}` };
}

/** Offsets of every TTL field outside OPT, plus the rcode and the minimum TTL, or undefined when malformed. */
function scanTtls(msg: Buffer): { offsets: number[]; ttls: number[]; soaMin?: number } | undefined {
  if (msg.length < 12) return undefined;
  const qd = msg.readUInt16BE(4);
  const rrs = msg.readUInt16BE(6) + msg.readUInt16BE(8) + msg.readUInt16BE(10);
  let off: number | undefined = 12;
  for (let i = 0; i < qd; i++) {
    off = skipName(msg, off!);
    if (off === undefined) return undefined;
    off += 4;
  }
  const offsets: number[] = [];
  const ttls: number[] = [];
  let soaMin: number | undefined;
  for (let i = 0; i < rrs; i++) {
    off = skipName(msg, off!);
    if (off === undefined || off + 10 > msg.length) return undefined;
    const type = msg.readUInt16BE(off);
    const rdlen = msg.readUInt16BE(off + 8);
    if (off + 10 + rdlen > msg.length) return undefined;
    if (type !== 41) {
      offsets.push(off + 4);
      ttls.push(msg.readUInt32BE(off + 4));
      if (type === 6 && rdlen >= 20) soaMin = msg.readUInt32BE(off + 10 + rdlen - 4);
    }
    off += 10 + rdlen;
  }
  return soaMin === undefined ? { offsets, ttls } : { offsets, ttls, soaMin };
}

export class Forwarder {
  readonly upstreams: readonly Upstream[];
  private readonly timeoutMs: number;
  private readonly maxConcurrent: number;
  private readonly cacheSize: number;
  private readonly maxTtl: number;
  private readonly now: () => number;
  private readonly metrics: DnsMetrics | undefined;
  private readonly cache = new Map<string, CacheEntry>();
  private readonly pending = new Map<number, (msg: Buffer) => void>();
  private readonly sockets = new Map<4 | 6, dgram.Socket>();
  private inFlight = 0;
  private next = 0;
  private closed = false;

  constructor(options: ForwarderOptions) {
    this.upstreams = options.upstreams.map((u) => {
      const p = parseUpstream(u);
      if (!p) throw new Error(`invalid upstream DNS server ${JSON.stringify(u)}`);
      return p;
    });
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.maxConcurrent = options.maxConcurrent ?? 1000;
    this.cacheSize = options.cacheSize ?? 10_000;
    this.maxTtl = options.maxTtl ?? 30;
    this.now = options.now ?? Date.now;
    this.metrics = options.metrics;
  }

  get cacheEntries(): number {
    return this.cache.size;
  }

  /** Forwards a client's query (its bytes, its ID) and resolves with the response carrying the client's ID. */
  async forward(query: Buffer, proto: "udp" | "tcp"): Promise<ForwardResult> {
    const key = query.toString("latin1", 2);
    const hit = this.fromCache(key, query);
    if (hit) return { kind: "response", message: hit, cached: true };
    if (this.cacheSize > 0) this.metrics?.cacheMiss();
    if (this.upstreams.length === 0) return { kind: "failed", reason: "no upstream servers" };
    if (this.inFlight >= this.maxConcurrent) {
      this.metrics?.forwardRejected();
      return { kind: "refused" };
    }
    this.inFlight++;
    try {
      let lastError = "timeout";
      for (let attempt = 0; attempt < Math.min(this.upstreams.length, 3); attempt++) {
        const upstream = this.upstreams[(this.next + attempt) % this.upstreams.length]!;
        this.metrics?.forwarded(`${upstream.label}`);
        try {
          const reply =
            proto === "tcp" ? await this.viaTcp(upstream, query) : await this.viaUdp(upstream, query);
          this.store(key, reply);
          return { kind: "response", message: reply, cached: false };
        } catch (err) {
          lastError = (err as Error).message;
        }
      }
      this.next = (this.next + 1) % this.upstreams.length;
      return { kind: "failed", reason: lastError };
    } finally {
      this.inFlight--;
    }
  }

  private fromCache(key: string, query: Buffer): Buffer | undefined {
    const e = this.cache.get(key);
    if (!e) return undefined;
    const now = this.now();
    if (now >= e.expires) {
      this.cache.delete(key);
      return undefined;
    }
    const elapsed = Math.floor((now - e.stored) / 1000);
    const msg = Buffer.from(e.message);
    msg.writeUInt16BE(query.readUInt16BE(0), 0);
    e.ttlOffsets.forEach((off, i) => {
      msg.writeUInt32BE(Math.max(0, Math.min(e.ttls[i]!, this.maxTtl) - elapsed), off);
    });
    this.metrics?.cacheHit(e.denial ? "denial" : "success");
    return msg;
  }

  private store(key: string, msg: Buffer): void {
    if (this.cacheSize === 0 || msg.length < 12) return;
    const flags = msg.readUInt16BE(2);
    const rcode = flags & 0xf;
    if ((flags & 0x0200) !== 0 || (rcode !== 0 && rcode !== 3)) return; // truncated, or an error worth retrying
    const scan = scanTtls(msg);
    if (!scan) return;
    const answers = msg.readUInt16BE(6);
    const denial = rcode === 3 || answers === 0;
    const ttl = denial
      ? Math.min(scan.soaMin ?? 0, ...scan.ttls, this.maxTtl)
      : Math.min(...scan.ttls.slice(0, answers), this.maxTtl);
    if (!(ttl > 0)) return;
    if (this.cache.size >= this.cacheSize) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    const now = this.now();
    this.cache.set(key, {
      message: Buffer.from(msg),
      ttlOffsets: scan.offsets,
      ttls: scan.ttls,
      stored: now,
      expires: now + ttl * 1000,
      denial,
    });
  }

  private socket(family: 4 | 6): dgram.Socket {
    let s = this.sockets.get(family);
    if (s) return s;
    s = dgram.createSocket(family === 6 ? "udp6" : "udp4");
    s.on("message", (msg) => {
      if (msg.length < 12) return;
      this.pending.get(msg.readUInt16BE(0))?.(msg);
    });
    s.on("error", () => {});
    s.unref();
    this.sockets.set(family, s);
    return s;
  }

  private newId(): number {
    for (;;) {
      const id = Math.floor(Math.random() * 65536);
      if (!this.pending.has(id)) return id;
    }
  }

  private viaUdp(up: Upstream, query: Buffer): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error("closed"));
    const id = this.newId();
    const out = Buffer.from(query);
    out.writeUInt16BE(id, 0);
    const question = questionBytes(query);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`timeout after ${this.timeoutMs} ms from ${up.label}`));
      }, this.timeoutMs);
      this.pending.set(id, (msg) => {
        // Anti-spoofing: the answer must repeat our question.
        if (question && !msg.subarray(12, 12 + question.length).equals(question)) return;
        clearTimeout(timer);
        this.pending.delete(id);
        const reply = Buffer.from(msg);
        reply.writeUInt16BE(query.readUInt16BE(0), 0);
        resolve(reply);
      });
      this.socket(up.family).send(out, up.port, up.host, (err) => {
        if (err) {
          clearTimeout(timer);
          this.pending.delete(id);
          reject(err);
        }
      });
    });
  }

  private viaTcp(up: Upstream, query: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host: up.host, port: up.port });
      let buf = Buffer.alloc(0);
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new Error(`timeout after ${this.timeoutMs} ms from ${up.label}`));
      }, this.timeoutMs);
      sock.on("connect", () => {
        const frame = Buffer.alloc(2 + query.length);
        frame.writeUInt16BE(query.length, 0);
        query.copy(frame, 2);
        sock.write(frame);
      });
      sock.on("data", (chunk) => {
        buf = Buffer.concat([buf, chunk]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
          clearTimeout(timer);
          sock.destroy();
          resolve(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        }
      });
      sock.on("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      sock.on("close", () => {
        clearTimeout(timer);
        reject(new Error(`connection to ${up.label} closed`));
      });
    });
  }

  close(): void {
    this.closed = true;
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
    this.pending.clear();
  }
}

function questionBytes(query: Buffer): Buffer | undefined {
  if (query.length < 12 || query.readUInt16BE(4) !== 1) return undefined;
  const end = skipName(query, 12);
  return end === undefined || end + 4 > query.length ? undefined : query.subarray(12, end + 4);
}

/** Builds a plain recursive query for `name`/`type` (used to chase ExternalName targets). */
export function buildQuery(name: string, type: number, id = Math.floor(Math.random() * 65536)): Buffer {
  const labels = name.split(".").filter((l) => l.length > 0);
  const parts: Buffer[] = [Buffer.from([id >> 8, id & 0xff, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0])];
  for (const l of labels) {
    const b = Buffer.from(l, "utf8");
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0, type >> 8, type & 0xff, 0, 1]));
  return Buffer.concat(parts);
}
