/**
 * IP addresses and CIDRs, v4 and v6, as BigInt so one code path serves both.
 * Shared by validation (cidr fields), IPAM, NetworkPolicy ipBlocks, DNS PTR
 * records and the loopback address map.
 */
import { isIPv4, isIPv6 } from "node:net";

export type IPFamily = 4 | 6;

export interface ParsedIP {
  family: IPFamily;
  value: bigint;
}

export interface CIDR {
  family: IPFamily;
  /** Network address (host bits cleared). */
  base: bigint;
  prefix: number;
  /** True when the text had host bits set (`10.0.0.1/24`): the API server rejects that for ipBlock.cidr in newer versions only as a warning. */
  hostBitsSet: boolean;
}

const BITS: Record<IPFamily, number> = { 4: 32, 6: 128 };

/**
 * A socket address as the peer's own: an IPv4 client of a dual-stack socket
 * shows up as `::ffff:a.b.c.d`; this gives `a.b.c.d` (anything else as is).
 */
export function unmapIPv4(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

export function parseIP(text: string): ParsedIP | undefined {
  if (isIPv4(text)) {
    const parts = text.split(".");
    // Node accepts only canonical dotted quads here; reject leading zeros as Go's netip does.
    if (parts.some((p) => p.length > 1 && p.startsWith("0"))) return undefined;
    let v = 0n;
    for (const p of parts) v = (v << 8n) | BigInt(Number(p));
    return { family: 4, value: v };
  }
  if (isIPv6(text)) {
    if (text.includes("%")) return undefined;
    return { family: 6, value: ipv6ToBigInt(text) };
  }
  return undefined;
}

function ipv6ToBigInt(text: string): bigint {
  let head = text;
  let tailV4: string | undefined;
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    tailV4 = text.slice(lastColon + 1);
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [left, right] = head.includes("::") ? head.split("::") : [head, undefined];
  const l = left ? left.split(":").filter((s) => s !== "") : [];
  const r = right !== undefined && right !== "" ? right.split(":") : [];
  const groups = right === undefined ? l : [...l, ...Array(8 - l.length - r.length).fill("0"), ...r];
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(Number.parseInt(g, 16));
  if (tailV4 !== undefined) {
    const t = parseIP(tailV4);
    if (t) v = (v & ~0xffffffffn) | t.value;
  }
  return v;
}

export function formatIP(ip: ParsedIP): string {
  if (ip.family === 4) {
    const v = ip.value;
    return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join(".");
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((ip.value >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run (>= 2) of zero groups.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

export function parseCIDR(text: string): CIDR | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const ip = parseIP(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > BITS[ip.family]) return undefined;
  const mask = prefixMask(ip.family, prefix);
  const base = ip.value & mask;
  return { family: ip.family, base, prefix, hostBitsSet: base !== ip.value };
}

export function prefixMask(family: IPFamily, prefix: number): bigint {
  const bits = BigInt(BITS[family]);
  const all = (1n << bits) - 1n;
  return prefix === 0 ? 0n : (all >> (bits - BigInt(prefix))) << (bits - BigInt(prefix));
}

export function cidrContains(cidr: CIDR, ip: ParsedIP): boolean {
  return cidr.family === ip.family && (ip.value & prefixMask(cidr.family, cidr.prefix)) === cidr.base;
}

/** True when `inner` lies within `outer` (equal counts as within). */
export function cidrWithin(inner: CIDR, outer: CIDR): boolean {
  return (
    inner.family === outer.family &&
    inner.prefix >= outer.prefix &&
    (inner.base & prefixMask(outer.family, outer.prefix)) === outer.base
  );
}

export function cidrSize(cidr: CIDR): bigint {
  return 1n << BigInt(BITS[cidr.family] - cidr.prefix);
}

/** The i-th address of a CIDR (0 = network address). */
export function cidrAddress(cidr: CIDR, i: bigint | number): ParsedIP {
  return { family: cidr.family, value: cidr.base + BigInt(i) };
}

export function formatCIDR(cidr: CIDR): string {
  return `${formatIP({ family: cidr.family, value: cidr.base })}/${cidr.prefix}`;
}

/** Convenience: does the textual IP lie in the textual CIDR? False when either is malformed. */
export function ipInCIDR(ip: string, cidr: string): boolean {
  const p = parseIP(ip);
  const c = parseCIDR(cidr);
  return p !== undefined && c !== undefined && cidrContains(c, p);
}
