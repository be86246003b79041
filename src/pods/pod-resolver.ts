/**
 * A pod's stub resolver, as glibc runs it inside the pod: the resolv.conf the
 * kubelet wrote (nameservers, search list, ndots), real DNS queries over UDP
 * sent from the pod's own local address to the nameserver's local address —
 * so they cross the kube-dns service and the policy enforcement like a real
 * pod's queries do — and every query tried kept for `michi curl -v`.
 *
 * Search order (resolv.conf(5)): a name with a trailing dot is absolute; a
 * name with at least `ndots` dots is tried as-is first, then with each search
 * domain; otherwise the search domains come first. The first answer wins.
 */
import { createSocket } from "node:dgram";
import { isIP } from "node:net";
import dnsPacket from "dns-packet";

export interface Nameserver {
  /** Model address (from resolv.conf). */
  ip: string;
  /** Where it is served locally. */
  local: string;
  port: number;
}

export interface PodResolvConf {
  nameservers: readonly Nameserver[];
  searches: readonly string[];
  ndots: number;
}

export interface QueryTrace {
  name: string;
  type: string;
  nameserver: string;
  rcode: string;
  answers: string[];
  error?: string;
}

export interface Resolution {
  addresses: string[];
  queries: QueryTrace[];
  /** The name that answered. */
  name?: string;
}

export function candidateNames(name: string, rc: Pick<PodResolvConf, "searches" | "ndots">): string[] {
  if (name.endsWith(".")) return [name.slice(0, -1)];
  const dots = name.split(".").length - 1;
  const searched = rc.searches.map((s) => `${name}.${s.replace(/\.$/, "")}`);
  return dots >= rc.ndots ? [name, ...searched] : [...searched, name];
}

export async function queryOnce(
  name: string,
  type: "A" | "AAAA" | "SRV" | "TXT" | "PTR",
  ns: Nameserver,
  localAddress: string | undefined,
  timeoutMs: number,
): Promise<{ rcode: string; answers: { type: string; data: unknown }[] }> {
  const sock = createSocket("udp4");
  const id = Math.floor(Math.random() * 65535);
  const packet = dnsPacket.encode({
    type: "query",
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type, name }],
  });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("timed out")), timeoutMs);
      sock.on("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      sock.on("message", (msg) => {
        let res: ReturnType<typeof dnsPacket.decode>;
        try {
          res = dnsPacket.decode(msg);
        } catch {
          return;
        }
        if (res.id !== id) return;
        clearTimeout(timer);
        resolve({
          rcode: (res as { rcode?: string }).rcode ?? "NOERROR",
          answers: (res.answers ?? []).map((a) => ({ type: a.type, data: (a as { data?: unknown }).data })),
        });
      });
      const send = () => sock.send(packet, ns.port, ns.local);
      if (localAddress) sock.bind({ address: localAddress, port: 0 }, send);
      else send();
    });
  } finally {
    sock.close();
  }
}

/** Resolves `name` to IPv4 addresses as the pod would. */
export async function resolveAsPod(
  name: string,
  rc: PodResolvConf,
  localAddress: string | undefined,
  timeoutMs = 2000,
): Promise<Resolution> {
  if (isIP(name)) return { addresses: [name], queries: [] };
  const queries: QueryTrace[] = [];
  for (const candidate of candidateNames(name, rc)) {
    for (const ns of rc.nameservers) {
      try {
        const r = await queryOnce(candidate, "A", ns, localAddress, timeoutMs);
        const addrs = r.answers.filter((a) => a.type === "A").map((a) => String(a.data));
        queries.push({
          name: candidate,
          type: "A",
          nameserver: ns.ip,
          rcode: r.rcode,
          answers: r.answers.map(
            (a) => `${a.type} ${typeof a.data === "string" ? a.data : JSON.stringify(a.data)}`,
          ),
        });
        if (addrs.length > 0) return { addresses: addrs, queries, name: candidate };
        // NXDOMAIN / NODATA: glibc moves on to the next search domain.
        break;
      } catch (err) {
        queries.push({
          name: candidate,
          type: "A",
          nameserver: ns.ip,
          rcode: "TIMEOUT",
          answers: [],
          error: (err as Error).message,
        });
        // Unanswered: try the next nameserver, as glibc does.
      }
    }
  }
  return { addresses: [], queries };
}
