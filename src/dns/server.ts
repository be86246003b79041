/**
 * The cluster DNS server: UDP and TCP (length-prefixed, pipelined) on one
 * address, answering from whatever zone `getZone()` returns at the moment a
 * query arrives (so swapping zones is atomic), forwarding the rest upstream.
 * A thin adapter: semantics live in responder.ts, bytes in wire.ts.
 */
import dgram from "node:dgram";
import dns from "node:dns";
import net from "node:net";
import { formatIP, parseIP } from "../api/net.js";
import { buildQuery, Forwarder, type ForwardResult, parseUpstream } from "./forwarder.js";
import { hostNameservers } from "./host-resolv.js";
import { registerInProcessDns } from "./in-process.js";
import { type AnswerHandle, DnsMetrics } from "./metrics.js";
import { canonicalIP } from "./names.js";
import type { ResourceRecord } from "./records.js";
import { RCODE, rcodeName } from "./records.js";
import { answer } from "./responder.js";
import { DNS_TCP_DEFAULTS, type DnsTcpCounters, type DnsTcpLimits, serveDnsTcp } from "./server-tcp.js";
import { type DecodedQuery, decodeQuery, encodeError, encodeResponse } from "./wire.js";
import type { Zone } from "./zone.js";

export interface DnsServerOptions {
  host: string;
  /** 0 picks a free port (the same for UDP and TCP). */
  port: number;
  /** The current zone; undefined (not loaded yet) answers SERVFAIL. */
  getZone: () => Zone | undefined;
  /** Upstreams for out-of-zone names; default: the host's /etc/resolv.conf. `[]` disables forwarding. */
  upstreams?: readonly string[];
  /** Forward for clients outside 127.0.0.0/8 and ::1 too (an open resolver). Default false: they get REFUSED. */
  openResolver?: boolean;
  forwardTimeoutMs?: number;
  maxConcurrentForwards?: number;
  /** UDP socket receive buffer; default 4 MiB (capped by net.core.rmem_max). */
  recvBufferSize?: number;
  /** UDP socket send buffer; default: the system's (net.core.wmem_default). */
  sendBufferSize?: number;
  /** TCP connections idle longer than this are closed; default 10 s. */
  tcpIdleTimeoutMs?: number;
  /** The other TCP limits (server-tcp.ts): per-message read deadline, connections, per-client connections, pipelining. */
  tcp?: Partial<DnsTcpLimits>;
  /**
   * Largest UDP answer, whatever EDNS size the client offers (default 1232, the DNS flag day 2020
   * figure and knot's default); larger answers are truncated with TC set, and the client retries
   * over TCP. It also bounds the amplification of a spoofed query.
   */
  maxUdpAnswerSize?: number;
  /** Share the UDP socket with node:cluster siblings (default true, Node's own default). */
  exclusive?: boolean;
}

export interface DnsServer {
  readonly udpAddress: net.AddressInfo;
  readonly tcpAddress: net.AddressInfo;
  /** `host:port` both transports listen on. */
  readonly address: string;
  readonly forwarder: Forwarder | undefined;
  /** TCP connections refused or closed by the limits, by reason. */
  readonly tcpCounters: Readonly<DnsTcpCounters>;
  metrics(): string;
  close(): Promise<void>;
}

const MEMO_LIMIT = 100_000;

/** Default largest UDP answer (DNS flag day 2020; knot's and CoreDNS's bufsize default). */
export const DEFAULT_MAX_UDP_ANSWER = 1232;

/** A ready answer to one exact query (every byte after the ID, so the client's case, flags and EDNS). */
interface CachedAnswer {
  readonly out: Buffer;
  readonly qtype: number;
  readonly rcode: number;
  /** The metric series a hit moves, per client address family; resolved on the first hit. */
  m4: AnswerHandle | undefined;
  m6: AnswerHandle | undefined;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

let lastLiteral = "";
let lastLiteralFamily = 4;
/**
 * dgram passes every send's address through `lookup`; dns.lookup answers even an IP literal on
 * the next tick, which costs a tick per reply. Replies go to IP literals: answer those at once.
 */
function literalLookup(address: string, family: unknown, callback: LookupCallback): void {
  if (address !== lastLiteral) {
    const f = net.isIP(address);
    if (f === 0) {
      dns.lookup(address, family as dns.LookupOneOptions, callback);
      return;
    }
    lastLiteral = address;
    lastLiteralFamily = f;
  }
  callback(null, address, lastLiteralFamily);
}

/** Loopback clients (127.0.0.0/8, ::1, v4-mapped loopback) may use the forwarder; others only with `openResolver`. */
export function isLoopback(ip: string): boolean {
  const p = parseIP(ip.startsWith("::ffff:") ? ip.slice(7) : ip);
  if (!p) return false;
  return p.family === 4 ? p.value >> 24n === 127n : p.value === 1n;
}

function chaseRecords(msg: Buffer): ResourceRecord[] {
  // A small reader for A/AAAA/CNAME answers from an upstream message.
  const out: ResourceRecord[] = [];
  const readName = (start: number): [string, number] | undefined => {
    const labels: string[] = [];
    let off = start;
    let end: number | undefined;
    for (let hops = 0; hops < 64; hops++) {
      if (off >= msg.length) return undefined;
      const len = msg[off]!;
      if (len === 0) return [labels.join("."), end ?? off + 1];
      if ((len & 0xc0) === 0xc0) {
        if (off + 1 >= msg.length) return undefined;
        end ??= off + 2;
        off = ((len & 0x3f) << 8) | msg[off + 1]!;
        continue;
      }
      if (off + 1 + len > msg.length) return undefined;
      labels.push(msg.toString("latin1", off + 1, off + 1 + len));
      off += 1 + len;
    }
    return undefined;
  };
  if (msg.length < 12) return out;
  const an = msg.readUInt16BE(6);
  let off = 12;
  const q = readName(off);
  if (!q) return out;
  off = q[1] + 4;
  for (let i = 0; i < an; i++) {
    const n = readName(off);
    if (!n || n[1] + 10 > msg.length) return out;
    off = n[1];
    const type = msg.readUInt16BE(off);
    const ttl = msg.readUInt32BE(off + 4);
    const rdlen = msg.readUInt16BE(off + 8);
    const rd = off + 10;
    if (rd + rdlen > msg.length) return out;
    if (type === 1 && rdlen === 4)
      out.push({ name: n[0], type: "A", ttl, data: [...msg.subarray(rd, rd + 4)].join(".") });
    else if (type === 28 && rdlen === 16) {
      let v = 0n;
      for (let b = 0; b < 16; b++) v = (v << 8n) | BigInt(msg[rd + b]!);
      out.push({ name: n[0], type: "AAAA", ttl, data: formatIP({ family: 6, value: v }) });
    } else if (type === 5) {
      const t = readName(rd);
      if (t) out.push({ name: n[0], type: "CNAME", ttl, data: t[0] });
    }
    off = rd + rdlen;
  }
  return out;
}

export async function startDnsServer(options: DnsServerOptions): Promise<DnsServer> {
  const udpCap = Math.max(512, Math.min(options.maxUdpAnswerSize ?? DEFAULT_MAX_UDP_ANSWER, 65535));
  const upstreams = options.upstreams ?? hostNameservers();
  let udp: dgram.Socket | undefined;
  let tcp: net.Server | undefined;
  const family = net.isIPv6(options.host) ? 6 : 4;

  // UDP first (port 0 picks one), then TCP on the same port; retry when TCP finds it taken.
  for (let attempt = 0; ; attempt++) {
    udp = dgram.createSocket({
      type: family === 6 ? "udp6" : "udp4",
      recvBufferSize: options.recvBufferSize ?? 4 * 1024 * 1024,
      ...(options.sendBufferSize !== undefined ? { sendBufferSize: options.sendBufferSize } : {}),
      lookup: literalLookup,
    });
    const u = udp;
    await new Promise<void>((resolve, reject) => {
      u.once("error", reject);
      u.bind({ address: options.host, port: options.port, exclusive: options.exclusive === true }, () => {
        u.off("error", reject);
        resolve();
      });
    });
    const port = u.address().port;
    const t = net.createServer({ pauseOnConnect: false });
    try {
      await new Promise<void>((resolve, reject) => {
        t.once("error", reject);
        t.listen({ host: options.host, port, exclusive: options.exclusive === true }, () => {
          t.off("error", reject);
          resolve();
        });
      });
      tcp = t;
      break;
    } catch (err) {
      u.close();
      if (options.port !== 0 || attempt >= 5) throw err;
    }
  }
  const udpSock = udp;
  const tcpServer = tcp;
  const udpAddress = udpSock.address();
  const tcpAddress = tcpServer.address() as net.AddressInfo;
  const serverLabel = `dns://${family === 6 ? `[${options.host}]` : options.host}:${udpAddress.port}`;
  const metrics = new DnsMetrics(serverLabel);
  // Never forward to ourselves: CoreDNS's `loop` plugin would stop the server; we just skip that upstream.
  const usable = upstreams.filter((u) => {
    const p = parseUpstream(u);
    return !p || p.port !== udpAddress.port || canonicalIP(p.host) !== canonicalIP(options.host);
  });
  const forwarder =
    usable.length > 0
      ? new Forwarder({
          upstreams: usable,
          ...(options.forwardTimeoutMs !== undefined ? { timeoutMs: options.forwardTimeoutMs } : {}),
          ...(options.maxConcurrentForwards !== undefined
            ? { maxConcurrent: options.maxConcurrentForwards }
            : {}),
          metrics,
        })
      : undefined;
  if (forwarder) metrics.cacheEntries = () => forwarder.cacheEntries;

  // Encoded answers per zone, keyed by everything but the ID: the hot path is a Map lookup and a copy.
  let memoZone: Zone | undefined;
  const memo = new Map<string, Buffer>();
  // And keyed by the raw message minus its ID: a repeat of a query skips even the decoding. Both
  // belong to `memoZone` and are dropped together the moment getZone() returns another zone.
  // One map per transport (UDP answers are truncated to the client's size, TCP ones are not).
  const rawMemo = { udp: new Map<string, CachedAnswer>(), tcp: new Map<string, CachedAnswer>() };
  const remember = (proto: "udp" | "tcp", rawKey: string | undefined, out: Buffer, qtype: number) => {
    if (rawKey === undefined) return;
    const m = rawMemo[proto];
    if (m.size >= MEMO_LIMIT) m.clear();
    m.set(rawKey, { out, qtype, rcode: out[3]! & 0xf, m4: undefined, m6: undefined });
  };
  /** A copy of a cached answer with the query's ID (never the cached buffer: a queued send may still hold it). */
  const withId = (cached: Buffer, msg: Buffer): Buffer => {
    const out = Buffer.allocUnsafe(cached.length);
    cached.copy(out);
    out[0] = msg[0]!;
    out[1] = msg[1]!;
    return out;
  };

  const finish = (
    proto: "udp" | "tcp",
    fam: 4 | 6,
    qtype: number,
    start: number,
    out: Buffer,
    plugin: string,
    rcode = out.length >= 4 ? out[3]! & 0xf : RCODE.SERVFAIL,
  ) => {
    metrics.request(proto, fam, qtype);
    metrics.response(rcodeName(rcode), plugin, qtype, (performance.now() - start) / 1000);
    return out;
  };

  const handle = (
    msg: Buffer,
    proto: "udp" | "tcp",
    remote: string,
  ): Buffer | Promise<Buffer | undefined> | undefined => {
    const start = performance.now();
    const fam: 4 | 6 = remote.includes(":") && !remote.startsWith("::ffff:") ? 6 : 4;
    // Each query reads the zone once: the cache only answers for the zone it was filled from.
    const zone = options.getZone();
    const rawKey = msg.length >= 12 && msg.length <= 512 ? msg.toString("latin1", 2) : undefined;
    if (rawKey !== undefined && zone !== undefined && memoZone === zone) {
      const hit = rawMemo[proto].get(rawKey);
      if (hit !== undefined) {
        const out = withId(hit.out, msg);
        let h = fam === 4 ? hit.m4 : hit.m6;
        if (h === undefined) {
          h = metrics.answerHandle(proto, fam, hit.qtype, rcodeName(hit.rcode), "kubernetes");
          if (fam === 4) hit.m4 = h;
          else hit.m6 = h;
        }
        metrics.answered(h, (performance.now() - start) / 1000);
        return out;
      }
    }
    const d = decodeQuery(msg);
    if (d.kind === "drop") return undefined;
    if (d.kind === "reject") {
      const h = d.questionEnd !== undefined ? { ...d, questionEnd: d.questionEnd } : d;
      return finish(proto, fam, 0, start, encodeError(msg, h, d.rcode), "");
    }
    const q: DecodedQuery = d;
    if (q.edns && q.edns.version > 0) {
      // RFC 6891 §6.1.3: unknown EDNS version → BADVERS with an OPT of version 0.
      const out = encodeError(msg, { ...q, edns: { ...q.edns, version: 0 } }, RCODE.BADVERS);
      return finish(proto, fam, q.type, start, out, "", RCODE.BADVERS);
    }
    if (!zone) return finish(proto, fam, q.type, start, encodeError(msg, q, RCODE.SERVFAIL), "kubernetes");
    const maxSize = proto === "tcp" ? 65535 : Math.max(512, Math.min(q.edns?.udpSize ?? 512, udpCap));
    if (memoZone !== zone) {
      memo.clear();
      rawMemo.udp.clear();
      rawMemo.tcp.clear();
      memoZone = zone;
    }
    const key = `${proto === "tcp" ? "t" : maxSize}|${q.edns ? (q.edns.dnssecOk ? "D" : "E") : "-"}|${msg.toString("latin1", 2, 4)}${msg.toString("latin1", 12, q.questionEnd)}`;
    const cached = memo.get(key);
    if (cached) {
      remember(proto, rawKey, cached, q.type);
      return finish(proto, fam, q.type, start, withId(cached, msg), "kubernetes");
    }
    const resp = answer(zone, { name: q.name, type: q.type });
    if (resp.forward) {
      if (!forwarder) return finish(proto, fam, q.type, start, encodeError(msg, q, RCODE.SERVFAIL), "");
      if (!options.openResolver && !isLoopback(remote)) {
        return finish(proto, fam, q.type, start, encodeError(msg, q, RCODE.REFUSED), "");
      }
      return forwarder.forward(msg, proto).then((r: ForwardResult) => {
        if (r.kind === "response" && r.message.length > maxSize) {
          // An upstream answer over the UDP cap: the header and question with TC, as for our own answers.
          const cut = encodeResponse({
            id: q.id,
            opcode: q.opcode,
            rd: q.rd,
            cd: q.cd,
            rcode: r.message.length >= 4 ? r.message[3]! & 0xf : RCODE.SERVFAIL,
            authoritative: false,
            recursionAvailable: r.message.length >= 4 && (r.message[3]! & 0x80) !== 0,
            query: msg,
            questionEnd: q.questionEnd,
            questionName: q.name,
            answers: [],
            ...(q.edns ? { edns: { ...q.edns, udpSize: Math.min(q.edns.udpSize, udpCap) } } : {}),
            maxSize,
          });
          cut[2] = cut[2]! | 0x02;
          return finish(proto, fam, q.type, start, cut, "forward");
        }
        if (r.kind === "response")
          return finish(proto, fam, q.type, start, r.message, r.cached ? "cache" : "forward");
        const rcode = r.kind === "refused" ? RCODE.REFUSED : RCODE.SERVFAIL;
        return finish(proto, fam, q.type, start, encodeError(msg, q, rcode), "forward");
      });
    }
    const encode = (answers: ResourceRecord[]) =>
      encodeResponse({
        id: q.id,
        opcode: q.opcode,
        rd: q.rd,
        cd: q.cd,
        rcode: resp.rcode,
        authoritative: resp.authoritative,
        query: msg,
        questionEnd: q.questionEnd,
        questionName: q.name,
        answers,
        authority: resp.authority,
        additional: resp.additional,
        // The OPT we send states our own limit, as CoreDNS does with its bufsize plugin.
        ...(q.edns ? { edns: { ...q.edns, udpSize: Math.min(q.edns.udpSize, udpCap) } } : {}),
        maxSize,
      });
    if (resp.chase && forwarder && (options.openResolver || isLoopback(remote))) {
      const chase = resp.chase;
      return forwarder.forward(buildQuery(chase.name, chase.type), proto).then((r) => {
        const extra = r.kind === "response" ? chaseRecords(r.message) : [];
        return finish(proto, fam, q.type, start, encode([...resp.answers, ...extra]), "kubernetes");
      });
    }
    const out = encode(resp.answers);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(key, out);
    remember(proto, rawKey, out, q.type);
    return finish(proto, fam, q.type, start, Buffer.from(out), "kubernetes");
  };

  const safeHandle = (
    msg: Buffer,
    proto: "udp" | "tcp",
    remote: string,
  ): Buffer | Promise<Buffer | undefined> | undefined => {
    try {
      const r = handle(msg, proto, remote);
      if (r instanceof Promise) return r.catch(() => servfail(msg));
      return r;
    } catch {
      return servfail(msg);
    }
  };

  const servfail = (msg: Buffer): Buffer | undefined => {
    const d = decodeQuery(msg);
    if (d.kind !== "query") return undefined;
    return encodeError(msg, d, RCODE.SERVFAIL);
  };

  const sendUdp = (out: Buffer | undefined, port: number, address: string): void => {
    if (out === undefined) return;
    try {
      // No callback: Node then tries a synchronous send (uv_udp_try_send) instead of queueing a
      // SendWrap; with literalLookup the send happens right here, not on the next tick.
      udpSock.send(out, port, address);
    } catch {
      // A spoofed source (port 0) makes send throw synchronously; such a client gets nothing.
    }
  };
  // No closure per packet on the synchronous path (the zone answers): one only for forwarded ones.
  udpSock.on("message", (msg, rinfo) => {
    const r = safeHandle(msg, "udp", rinfo.address);
    if (r instanceof Promise)
      r.then(
        (out) => sendUdp(out, rinfo.port, rinfo.address),
        () => {},
      );
    else sendUdp(r, rinfo.port, rinfo.address);
  });
  udpSock.on("error", () => {});
  // The data plane of this process may hand UDP queries over directly (in-process.ts).
  const unregister = registerInProcessDns(options.host, udpAddress.port, (msg, remote) =>
    safeHandle(msg, "udp", remote),
  );

  const tcpLimits: DnsTcpLimits = {
    ...DNS_TCP_DEFAULTS,
    ...(options.tcpIdleTimeoutMs !== undefined ? { idleTimeoutMs: options.tcpIdleTimeoutMs } : {}),
    ...options.tcp,
  };
  const tcpCounters: DnsTcpCounters = {
    refusedPerClient: 0,
    readTimeouts: 0,
    idleTimeouts: 0,
    writeStalls: 0,
    pendingOverflows: 0,
    malformed: 0,
  };
  const connections = serveDnsTcp(
    tcpServer,
    (frame, remote) => safeHandle(frame, "tcp", remote),
    tcpLimits,
    tcpCounters,
  );
  tcpServer.on("error", () => {});

  return {
    udpAddress,
    tcpAddress,
    address: family === 6 ? `[${options.host}]:${udpAddress.port}` : `${options.host}:${udpAddress.port}`,
    forwarder,
    tcpCounters,
    metrics: () => metrics.render(),
    close: async () => {
      unregister();
      forwarder?.close();
      for (const c of connections) c.destroy();
      await Promise.all([
        new Promise<void>((resolve) => udpSock.close(() => resolve())),
        new Promise<void>((resolve) => tcpServer.close(() => resolve())),
      ]);
    },
  };
}
