/**
 * A fake upstream DNS server on a 127.0.0.x address (UDP and TCP) for the
 * forwarding tests: fixed A records, NXDOMAIN for the rest, optionally
 * silent (to test timeouts and the concurrency cap). Counts what it is asked.
 */
import dgram from "node:dgram";
import net from "node:net";
import * as packet from "dns-packet";

export interface FakeUpstream {
  address: string;
  host: string;
  port: number;
  queries: { name: string; type: string; proto: "udp" | "tcp" }[];
  close(): Promise<void>;
}

export async function startFakeUpstream(
  host: string,
  records: Record<string, string>,
  { silent = false, ttl = 300 }: { silent?: boolean; ttl?: number } = {},
): Promise<FakeUpstream> {
  const queries: FakeUpstream["queries"] = [];
  const reply = (msg: Buffer, proto: "udp" | "tcp"): Buffer | undefined => {
    const q = packet.decode(msg);
    const question = q.questions?.[0];
    if (!question) return undefined;
    queries.push({ name: question.name, type: question.type, proto });
    if (silent) return undefined;
    const ip = records[question.name.toLowerCase()];
    const answers: packet.Answer[] =
      ip && question.type === "A" ? [{ name: question.name, type: "A", ttl, data: ip }] : [];
    const flags = packet.RECURSION_DESIRED | packet.RECURSION_AVAILABLE | (ip ? 0 : 3);
    return packet.encode({ type: "response", id: q.id ?? 0, flags, questions: [question], answers });
  };
  const udp = dgram.createSocket("udp4");
  udp.on("message", (msg, rinfo) => {
    const out = reply(msg, "udp");
    if (out) udp.send(out, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => udp.bind(0, host, () => resolve()));
  const port = udp.address().port;
  const tcp = net.createServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on("data", (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const frame = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + frame.length);
        const out = reply(frame, "tcp");
        if (out) sock.write(Buffer.concat([Buffer.from([out.length >> 8, out.length & 255]), out]));
      }
    });
    sock.on("error", () => {});
  });
  await new Promise<void>((resolve) => tcp.listen(port, host, () => resolve()));
  return {
    address: `${host}:${port}`,
    host,
    port,
    queries,
    close: async () => {
      await new Promise<void>((r) => udp.close(() => r()));
      await new Promise<void>((r) => tcp.close(() => r()));
    },
  };
}
