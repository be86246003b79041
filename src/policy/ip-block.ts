/**
 * ipBlock peers: `cidr` minus each `except`. Compiled once per policy; IPv4
 * compares plain numbers (the hot path: every pod IP is tested against every
 * distinct ipBlock when classes are built), IPv6 falls back to BigInt.
 *
 * Which IPs an ipBlock can match is where CNIs differ: the upstream e2e suite
 * expects pod IPs to match (`should enforce except clause while egress access
 * to server in CIDR block`), so michi matches pod IPs, node IPs and
 * cluster-external IPs alike.
 */

import { type CIDR, cidrContains, type ParsedIP, parseCIDR, parseIP } from "../api/net.js";
import type { IPBlock } from "../api/types.js";

export interface CompiledIPBlock {
  readonly text: string;
  /** Why an IP does or does not match, for explanations: `undefined` when it matches. */
  miss(ip: string): string | undefined;
  matches(ip: string): boolean;
  /** For an IPv4 block: whether the address (as a number, see ipv4Number) matches; undefined for IPv6 blocks. */
  readonly matches4?: (n: number) => boolean;
}

interface Range4 {
  lo: number;
  hi: number;
}

function range4(c: CIDR): Range4 {
  const lo = Number(c.base);
  const size = 2 ** (32 - c.prefix);
  return { lo, hi: lo + size - 1 };
}

/** A canonical dotted quad as a number (undefined otherwise), for CompiledIPBlock.matches4. */
export function ipv4Number(text: string): number | undefined {
  return ip4(text);
}

function ip4(text: string): number | undefined {
  // Fast parse of a canonical dotted quad; anything else goes through parseIP.
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let v = 0;
  for (const p of parts) {
    if (p.length === 0 || p.length > 3 || (p.length > 1 && p[0] === "0")) return undefined;
    const n = Number(p);
    if (!Number.isInteger(n) || n > 255) return undefined;
    v = v * 256 + n;
  }
  return v;
}

export function compileIPBlock(block: IPBlock): CompiledIPBlock {
  const text = block.except?.length ? `${block.cidr} except ${block.except.join(",")}` : block.cidr;
  const cidr = parseCIDR(block.cidr);
  const excepts = (block.except ?? []).map((e) => ({ text: e, cidr: parseCIDR(e) }));
  if (!cidr) {
    // Validation rejects bad CIDRs; an unparseable block matches nothing.
    return { text, miss: () => `ipBlock ${block.cidr} is not a valid CIDR`, matches: () => false };
  }
  const v4 = cidr.family === 4 ? range4(cidr) : undefined;
  const ex4 = excepts.flatMap((e) =>
    e.cidr && e.cidr.family === 4 ? [{ text: e.text, r: range4(e.cidr) }] : [],
  );
  const generic = (ip: ParsedIP): string | undefined => {
    if (!cidrContains(cidr, ip)) return `${block.cidr} does not contain it`;
    for (const e of excepts) if (e.cidr && cidrContains(e.cidr, ip)) return `it is in except ${e.text}`;
    return undefined;
  };
  const miss = (ip: string): string | undefined => {
    if (v4) {
      const n = ip4(ip);
      if (n !== undefined) {
        if (n < v4.lo || n > v4.hi) return `${block.cidr} does not contain it`;
        for (const e of ex4) if (n >= e.r.lo && n <= e.r.hi) return `it is in except ${e.text}`;
        return undefined;
      }
    }
    const p = parseIP(ip);
    if (!p) return `${ip} is not an IP address`;
    if (p.family !== cidr.family) return `${block.cidr} is IPv${cidr.family}`;
    return generic(p);
  };
  const matches4 = v4
    ? (n: number): boolean => {
        if (n < v4.lo || n > v4.hi) return false;
        for (const e of ex4) if (n >= e.r.lo && n <= e.r.hi) return false;
        // An IPv6 except cannot contain an IPv4 address.
        return true;
      }
    : undefined;
  return matches4
    ? { text, miss, matches: (ip) => miss(ip) === undefined, matches4 }
    : { text, miss, matches: (ip) => miss(ip) === undefined };
}
