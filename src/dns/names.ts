/**
 * Name helpers shared by the zone, the responder and the stub resolver:
 * zone membership, reverse (PTR) names, the dashed-IP hostnames CoreDNS gives
 * endpoints without a hostname. Names are handled without the trailing dot.
 */
import { formatIP, parseIP } from "../api/net.js";

/** Lower-cases ASCII only: DNS case-insensitivity is ASCII-only (RFC 4343). */
export function lowerName(name: string): string {
  return name.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/** Strips one trailing dot (the root stays ""). */
export function trimDot(name: string): string {
  return name.endsWith(".") ? name.slice(0, -1) : name;
}

/** True when `name` equals `zone` or lies below it (both lower-case, no trailing dot; "" is the root). */
export function isSubdomain(name: string, zone: string): boolean {
  if (zone === "") return true;
  return (
    name === zone ||
    (name.length > zone.length && name.endsWith(zone) && name[name.length - zone.length - 1] === ".")
  );
}

export const IP4_ARPA = "in-addr.arpa";
export const IP6_ARPA = "ip6.arpa";

/** Canonical text form of an IP (RFC 5952 for v6); undefined when not an IP. */
export function canonicalIP(ip: string): string | undefined {
  // Fast path for the common case (a canonical dotted quad): zone builds see 100 000s of them.
  if (V4.test(ip)) {
    let ok = true;
    for (const part of ip.split("."))
      if (Number(part) > 255 || (part.length > 1 && part[0] === "0")) ok = false;
    if (ok) return ip;
  }
  const p = parseIP(ip);
  return p && formatIP(p);
}

const V4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * The address a full reverse name stands for, as CoreDNS's
 * `dnsutil.ExtractAddressFromReverse` reads it; undefined for partial names.
 */
export function addressFromReverse(name: string): string | undefined {
  if (name.endsWith(`.${IP4_ARPA}`)) {
    const labels = name.slice(0, -IP4_ARPA.length - 1).split(".");
    if (labels.length !== 4) return undefined;
    const p = parseIP(labels.reverse().join("."));
    return p && p.family === 4 ? formatIP(p) : undefined;
  }
  if (name.endsWith(`.${IP6_ARPA}`)) {
    const labels = name.slice(0, -IP6_ARPA.length - 1).split(".");
    if (labels.length !== 32 || labels.some((l) => !/^[0-9a-f]$/.test(l))) return undefined;
    const hex = labels.reverse().join("");
    return formatIP({ family: 6, value: BigInt(`0x${hex}`) });
  }
  return undefined;
}

/** The reverse name of an address: `4.3.2.1.in-addr.arpa` or 32 nibbles under ip6.arpa. */
export function reverseName(ip: string): string | undefined {
  const p = parseIP(ip);
  if (!p) return undefined;
  if (p.family === 4) return `${ip.split(".").reverse().join(".")}.${IP4_ARPA}`;
  const hex = p.value.toString(16).padStart(32, "0");
  return `${[...hex].reverse().join(".")}.${IP6_ARPA}`;
}

/** CoreDNS `endpointHostname`: the endpoint's hostname, else its IP with `.`/`:` turned into `-`. */
export function endpointHostname(hostname: string | undefined, ip: string): string {
  if (hostname) return hostname;
  return ip.replace(/[.:]/g, "-");
}

/**
 * The address a pod-record label encodes (`10-244-1-5`, `fd00--1`), read as
 * CoreDNS's findPods does: three dashes and no `--` is IPv4, anything else is
 * tried as IPv6. Undefined when it is not an address.
 */
export function podLabelAddress(label: string): string | undefined {
  const dashes = label.split("-").length - 1;
  const text =
    dashes === 3 && !label.includes("--") ? label.replaceAll("-", ".") : label.replaceAll("-", ":");
  const p = parseIP(text);
  // CoreDNS answers with the text it built (net.ParseIP accepted it); we canonicalise v6 so the wire form is the same.
  return p && (p.family === 4 ? text : formatIP(p));
}
