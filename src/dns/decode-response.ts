/**
 * Reads a whole response message (an upstream's, or ours in tests) into the
 * DnsResponse shape `michi dns` prints. Not on the server's hot path, so it
 * leans on dns-packet for the many record types.
 */
import { decode } from "dns-packet";
import type { ResourceRecord } from "./records.js";
import type { DnsResponse } from "./responder.js";

type Decoded = ReturnType<typeof decode>;
type Answer = NonNullable<Decoded["answers"]>[number];

function toRecord(a: Answer): ResourceRecord | undefined {
  const base = { name: a.name, ttl: "ttl" in a && typeof a.ttl === "number" ? a.ttl : 0 };
  const data = (a as { data?: unknown }).data;
  switch (a.type) {
    case "A":
    case "AAAA":
    case "CNAME":
    case "PTR":
    case "NS":
      return typeof data === "string" ? { ...base, type: a.type, data } : undefined;
    case "SRV": {
      const d = data as { priority?: number; weight?: number; port?: number; target?: string };
      return {
        ...base,
        type: "SRV",
        data: { priority: d.priority ?? 0, weight: d.weight ?? 0, port: d.port ?? 0, target: d.target ?? "" },
      };
    }
    case "MX": {
      const d = data as { preference?: number; exchange?: string };
      return { ...base, type: "MX", data: { preference: d.preference ?? 0, exchange: d.exchange ?? "" } };
    }
    case "TXT": {
      const parts = Array.isArray(data) ? data : [data];
      return {
        ...base,
        type: "TXT",
        data: parts.map((p) => (Buffer.isBuffer(p) ? p.toString("utf8") : String(p))),
      };
    }
    case "SOA": {
      const d = data as {
        mname: string;
        rname: string;
        serial?: number;
        refresh?: number;
        retry?: number;
        expire?: number;
        minimum?: number;
      };
      return {
        ...base,
        type: "SOA",
        data: {
          mname: d.mname,
          rname: d.rname,
          serial: d.serial ?? 0,
          refresh: d.refresh ?? 0,
          retry: d.retry ?? 0,
          expire: d.expire ?? 0,
          minimum: d.minimum ?? 0,
        },
      };
    }
    default:
      return undefined;
  }
}

function records(list: readonly Answer[] | undefined): ResourceRecord[] {
  const out: ResourceRecord[] = [];
  for (const a of list ?? []) {
    const r = toRecord(a);
    if (r) out.push(r);
  }
  return out;
}

/** Decodes a response message; throws on malformed input. */
export function decodeResponse(msg: Buffer): DnsResponse {
  const p = decode(msg);
  const flags = p.flags ?? 0;
  return {
    rcode: flags & 0xf,
    authoritative: (flags & 0x0400) !== 0,
    answers: records(p.answers),
    authority: records(p.authorities),
    additional: records(p.additionals),
  };
}
