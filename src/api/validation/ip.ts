/**
 * IP and CIDR checks with the API server's messages. Go's "sloppy" parsers
 * accept IPv4 octets with leading zeros (read as decimal) and warn that they
 * will become invalid, so we accept them with a warning too.
 */
import { formatCIDR, formatIP, type ParsedIP, parseCIDR, parseIP } from "../net.js";
import { type FieldError, invalid } from "./errors.js";
import type { Path } from "./path.js";

const IP_MSG = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
const CIDR_MSG = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

function stripLeadingZeros(text: string): string | undefined {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) return undefined;
  return text
    .split(".")
    .map((o) => String(Number(o)))
    .join(".");
}

/** Parses as netutils.ParseIPSloppy does; `sloppy` is true when only leading zeros made it non-standard. */
export function parseIPSloppy(text: string): { ip: ParsedIP; sloppy: boolean } | undefined {
  const ip = parseIP(text);
  if (ip) return { ip, sloppy: false };
  const stripped = stripLeadingZeros(text);
  const again = stripped === undefined ? undefined : parseIP(stripped);
  return again && again.value <= 0xffffffffn ? { ip: again, sloppy: true } : undefined;
}

function warning(path: Path, detail: string): FieldError {
  return { type: "FieldValueInvalid", path, detail, severity: "warning" };
}

export function validateIP(path: Path, value: string): FieldError[] {
  const p = parseIPSloppy(value);
  if (!p) return [invalid(path, value, IP_MSG)];
  if (p.sloppy) {
    return [
      warning(
        path,
        `non-standard IP address ${JSON.stringify(value)} will be considered invalid in a future Kubernetes release: use ${JSON.stringify(formatIP(p.ip))}`,
      ),
    ];
  }
  return [];
}

export function validateIPv4(path: Path, value: string): FieldError[] {
  const p = parseIPSloppy(value);
  return p && p.ip.family === 4 ? [] : [invalid(path, value, "must be a valid IPv4 address")];
}

export function validateIPv6(path: Path, value: string): FieldError[] {
  const p = parseIPSloppy(value);
  return p && p.ip.family === 6 ? [] : [invalid(path, value, "must be a valid IPv6 address")];
}

export function parseCIDRSloppy(text: string) {
  const c = parseCIDR(text);
  if (c) return c;
  const slash = text.indexOf("/");
  const stripped = slash < 0 ? undefined : stripLeadingZeros(text.slice(0, slash));
  return stripped === undefined ? undefined : parseCIDR(`${stripped}${text.slice(slash)}`);
}

export function validateCIDR(path: Path, value: string): FieldError[] {
  const c = parseCIDRSloppy(value);
  if (!c) return [invalid(path, value, CIDR_MSG)];
  if (c.hostBitsSet) {
    // Upstream accepts it and warns (GetWarningsForCIDR): the bits after the prefix are ignored.
    const ip = formatIP({ family: c.family, value: parseCIDRHost(value) ?? c.base });
    const bits = c.family === 4 ? 32 : 128;
    return [
      warning(
        path,
        `CIDR value ${JSON.stringify(value)} is ambiguous in this context (should be ${JSON.stringify(formatCIDR(c))} or ${JSON.stringify(`${ip}/${bits}`)}?)`,
      ),
    ];
  }
  return [];
}

function parseCIDRHost(value: string): bigint | undefined {
  const slash = value.indexOf("/");
  return parseIPSloppy(value.slice(0, slash))?.ip.value;
}

/**
 * ValidateNonSpecialIP: endpoints and external IPs may not be unspecified,
 * loopback or link-local (they would point at the node itself).
 */
export function validateNonSpecialIP(path: Path, value: string): FieldError[] {
  const p = parseIPSloppy(value);
  if (!p) return [invalid(path, value, "must be a valid IP address")];
  const { family, value: v } = p.ip;
  const errs: FieldError[] = [];
  const in4 = (base: number, prefix: number) =>
    family === 4 && v >> BigInt(32 - prefix) === BigInt(base) >> BigInt(32 - prefix);
  const in6 = (base: bigint, prefix: number) =>
    family === 6 && v >> BigInt(128 - prefix) === base >> BigInt(128 - prefix);
  // Upstream prints the address itself here (0.0.0.0 or ::).
  if (v === 0n) errs.push(invalid(path, value, `may not be unspecified (${value})`));
  if (in4(0x7f000000, 8) || (family === 6 && v === 1n)) {
    errs.push(invalid(path, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
  }
  if (in4(0xa9fe0000, 16) || in6(0xfe80n << 112n, 10)) {
    errs.push(invalid(path, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
  }
  // Go's IsLinkLocalMulticast: 224.0.0.0/24, or ff?2::/16 (any flags nibble, link-local scope).
  const v6LinkLocalMulticast = family === 6 && ((v >> 112n) & 0xff0fn) === 0xff02n;
  if (in4(0xe0000000, 24) || v6LinkLocalMulticast) {
    errs.push(invalid(path, value, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
  }
  return errs;
}
