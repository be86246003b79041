/**
 * A minimal DNS client for the hostile tests: one query over UDP (with an
 * optional EDNS buffer size and source address) or over TCP, returning the
 * rcode, answer count, TC flag and the raw answer size.
 */
import { createSocket } from "node:dgram";
import { connect } from "node:net";
import dnsPacket from "dns-packet";

export type DnsReply =
  | { ok: true; rcode: string; answers: number; truncated: boolean; bytes: number }
  | { ok: false; error: string };

export function encodeQuery(name: string, type: string, id: number, edns?: number): Buffer {
  return dnsPacket.encode({
    type: "query",
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: type as "A", name }],
    ...(edns ? { additionals: [{ type: "OPT", name: ".", udpPayloadSize: edns } as dnsPacket.Answer] } : {}),
  });
}

export function decodeReply(m: Buffer): DnsReply {
  try {
    const r = dnsPacket.decode(m) as dnsPacket.Packet & { rcode?: string; flag_tc?: boolean };
    return {
      ok: true,
      rcode: r.rcode ?? "NOERROR",
      answers: (r.answers ?? []).length,
      truncated: ((r.flags ?? 0) & dnsPacket.TRUNCATED_RESPONSE) !== 0,
      bytes: m.length,
    };
  } catch (err) {
    return { ok: false, error: `undecodable (${(err as Error).message})` };
  }
}

export function dnsAsk(
  host: string,
  port: number,
  name: string,
  type: string,
  opts: { edns?: number; localAddress?: string; timeoutMs?: number } = {},
): Promise<DnsReply> {
  return new Promise((res) => {
    const s = createSocket("udp4");
    const id = Math.floor(Math.random() * 65000);
    const t = setTimeout(() => {
      s.close();
      res({ ok: false, error: "timeout" });
    }, opts.timeoutMs ?? 3000);
    s.on("message", (m) => {
      clearTimeout(t);
      s.close();
      res(decodeReply(m));
    });
    s.on("error", (e) => {
      clearTimeout(t);
      s.close();
      res({ ok: false, error: e.message });
    });
    s.bind({ address: opts.localAddress ?? "127.0.0.1", port: 0 }, () =>
      s.send(encodeQuery(name, type, id, opts.edns), port, host),
    );
  });
}

export function dnsAskTcp(
  host: string,
  port: number,
  name: string,
  type: string,
  opts: { timeoutMs?: number; localAddress?: string } = {},
): Promise<DnsReply> {
  return new Promise((res) => {
    const q = encodeQuery(name, type, 7);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(q.length);
    const sock = connect({ host, port, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) });
    let buf = Buffer.alloc(0);
    const t = setTimeout(() => {
      sock.destroy();
      res({ ok: false, error: "timeout" });
    }, opts.timeoutMs ?? 3000);
    sock.on("connect", () => sock.write(Buffer.concat([len, q])));
    sock.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        clearTimeout(t);
        sock.destroy();
        res(decodeReply(buf.subarray(2, 2 + buf.readUInt16BE(0))));
      }
    });
    sock.on("error", (e) => {
      clearTimeout(t);
      res({ ok: false, error: e.message });
    });
  });
}
