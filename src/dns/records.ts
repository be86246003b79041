/**
 * DNS resource records as michi's DNS plane passes them around: plain data
 * whose `data` shapes match dns-packet's (so tests can compare decoded wire
 * answers directly), plus the zone-file presentation the CLI prints.
 */

export type RRType = "A" | "AAAA" | "CNAME" | "PTR" | "NS" | "SRV" | "TXT" | "SOA" | "MX";

export interface SrvData {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

export interface SoaData {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

export interface MxData {
  preference: number;
  exchange: string;
}

interface RRBase {
  /** Owner name without the trailing dot, in the case the client asked with. */
  name: string;
  ttl: number;
}

export type ResourceRecord =
  | (RRBase & { type: "A" | "AAAA" | "CNAME" | "PTR" | "NS"; data: string })
  | (RRBase & { type: "SRV"; data: SrvData })
  | (RRBase & { type: "TXT"; data: string[] })
  | (RRBase & { type: "SOA"; data: SoaData })
  | (RRBase & { type: "MX"; data: MxData });

/** Numeric RR type codes (RFC 1035, 3596, 2782, 6891) of the types michi serves, and the transfers it refuses. */
export const TYPE = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  IXFR: 251,
  AXFR: 252,
} as const satisfies Record<RRType, number> & Record<string, number>;

/** Every type mnemonic michi knows, by code (for parsing and printing queries). */
export const TYPE_CODES: Readonly<Record<string, number>> = {
  ...TYPE,
  HINFO: 13,
  NAPTR: 35,
  DS: 43,
  OPT: 41,
  RRSIG: 46,
  DNSKEY: 48,
  HTTPS: 65,
  SVCB: 64,
  CAA: 257,
  ANY: 255,
};

/** Mnemonic or `TYPEnnn` → code; undefined when unknown. */
export function typeCode(name: string): number | undefined {
  const upper = name.toUpperCase();
  const known = TYPE_CODES[upper];
  if (known !== undefined) return known;
  const m = /^TYPE(\d{1,5})$/.exec(upper);
  if (m && Number(m[1]) <= 65535) return Number(m[1]);
  return undefined;
}

export const RCODE_NAMES: readonly string[] = [
  "NOERROR",
  "FORMERR",
  "SERVFAIL",
  "NXDOMAIN",
  "NOTIMP",
  "REFUSED",
  "YXDOMAIN",
  "YXRRSET",
  "NXRRSET",
  "NOTAUTH",
  "NOTZONE",
];

export const RCODE = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  BADVERS: 16,
} as const;

export function rcodeName(code: number): string {
  if (code === 16) return "BADVERS";
  return RCODE_NAMES[code] ?? `RCODE${code}`;
}

function fqdn(name: string): string {
  return name.endsWith(".") ? name : `${name}.`;
}

function quoteTxt(s: string): string {
  return `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** The record's RDATA in zone-file presentation (SRV: `PRIORITY WEIGHT PORT TARGET.`). */
export function presentData(rr: ResourceRecord): string {
  switch (rr.type) {
    case "A":
    case "AAAA":
      return rr.data;
    case "CNAME":
    case "PTR":
    case "NS":
      return fqdn(rr.data);
    case "SRV":
      return `${rr.data.priority} ${rr.data.weight} ${rr.data.port} ${fqdn(rr.data.target)}`;
    case "TXT":
      return rr.data.map(quoteTxt).join(" ");
    case "MX":
      return `${rr.data.preference} ${fqdn(rr.data.exchange)}`;
    case "SOA": {
      const s = rr.data;
      return `${fqdn(s.mname)} ${fqdn(s.rname)} ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`;
    }
  }
}

/** One zone-file line, as dig prints it: `name. TTL IN TYPE data`. */
export function presentRecord(rr: ResourceRecord): string {
  return `${fqdn(rr.name)}\t${rr.ttl}\tIN\t${rr.type}\t${presentData(rr)}`;
}
