/**
 * Strict grammars for ingress-nginx annotation values. Every annotation is a
 * typed value checked here; nothing a user writes ever becomes configuration
 * text (the lesson of ingress-nginx's snippet CVEs). Each parser returns the
 * value or an error message that names the expected grammar.
 */
import { type CIDR, parseCIDR, parseIP } from "../api/net.js";

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** Go's strconv.ParseBool, which ingress-nginx uses for boolean annotations. */
export function parseBool(text: string): Parsed<boolean> {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return ok(true);
  if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) return ok(false);
  return bad(`expected a boolean ("true" or "false"), got ${JSON.stringify(text)}`);
}

export function parseNonNegativeInt(text: string, max = 2_147_483_647): Parsed<number> {
  if (!/^\d{1,10}$/.test(text) || Number(text) > max)
    return bad(`expected an integer 0-${max}, got ${JSON.stringify(text)}`);
  return ok(Number(text));
}

const SIZE_UNITS: Record<string, number> = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** nginx size (`client_max_body_size`): digits with an optional k/m/g unit. 0 means unlimited. */
export function parseSize(text: string): Parsed<number> {
  const m = /^(\d{1,12})([bBkKmMgG]?)$/.exec(text);
  if (!m) return bad(`expected an nginx size such as 1m, 512k or 0 (unlimited), got ${JSON.stringify(text)}`);
  const n = Number(m[1]) * (SIZE_UNITS[(m[2] ?? "").toLowerCase()] ?? 1);
  return ok(n === 0 ? Number.POSITIVE_INFINITY : n);
}

/** A URL path as nginx would accept in a directive without quoting tricks: no whitespace, quotes, `;`, braces. */
const PATH_CHARS = /^\/[A-Za-z0-9\-._~!$&'()*+,=:@%/]*$/;

export function parsePath(text: string): Parsed<string> {
  if (!PATH_CHARS.test(text) || text.includes("'"))
    return bad(`expected a URL path starting with "/", got ${JSON.stringify(text)}`);
  return ok(text);
}

/** rewrite-target: a path template with `$1`…`$9` capture references (or `${1}`), optionally a query. */
export function parseRewriteTarget(text: string): Parsed<string> {
  if (!/^\/?[A-Za-z0-9\-._~!$&*+,=:@%/?{}]*$/.test(text) || text.length === 0) {
    return bad(`expected a path such as / or /$2 (capture groups $1-$9), got ${JSON.stringify(text)}`);
  }
  return ok(text);
}

/** An absolute http(s) URL for redirects. */
export function parseRedirectURL(text: string): Parsed<string> {
  if (/[\s"'`;{}\\<>]/.test(text))
    return bad(`URL contains characters nginx would not accept: ${JSON.stringify(text)}`);
  try {
    const u = new URL(text);
    if (u.protocol !== "http:" && u.protocol !== "https:")
      return bad(`expected an http or https URL, got ${JSON.stringify(text)}`);
  } catch {
    return bad(`expected an absolute URL such as https://example.com/new, got ${JSON.stringify(text)}`);
  }
  return ok(text);
}

export function parseRedirectCode(text: string): Parsed<number> {
  if (!/^3\d\d$/.test(text) || Number(text) > 308)
    return bad(`expected a redirect status code 300-308, got ${JSON.stringify(text)}`);
  return ok(Number(text));
}

/** Comma-separated CIDRs or bare IPs, as whitelist-source-range takes them. */
export function parseCIDRList(text: string): Parsed<CIDR[]> {
  const out: CIDR[] = [];
  for (const raw of text.split(",")) {
    const item = raw.trim();
    if (item === "") continue;
    const ip = parseIP(item);
    const cidr = ip ? parseCIDR(`${item}/${ip.family === 4 ? 32 : 128}`) : parseCIDR(item);
    if (!cidr)
      return bad(`expected comma-separated CIDRs (10.0.0.0/8, 192.168.1.1), got ${JSON.stringify(item)}`);
    out.push(cidr);
  }
  if (out.length === 0) return bad("expected at least one CIDR");
  return ok(out);
}

/** A header or cookie name: an RFC 7230 token. */
export function parseToken(text: string): Parsed<string> {
  if (!/^[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,256}$/.test(text))
    return bad(`expected a header/cookie name token, got ${JSON.stringify(text)}`);
  return ok(text);
}

/** Printable header value without control characters. */
export function parseHeaderValue(text: string): Parsed<string> {
  if (!/^[\x20-\x7e]{1,1024}$/.test(text) || /["'`;{}\\]/.test(text))
    return bad(`expected a plain header value, got ${JSON.stringify(text)}`);
  return ok(text);
}

/**
 * Nested quantifiers (`(a+)+`, `(\w*)*`) can backtrack exponentially on a
 * hostile path or header. nginx's PCRE gives up at its match limit; a
 * JavaScript RegExp would block the proxy, so such patterns are flagged.
 */
export function hasNestedQuantifier(pattern: string): boolean {
  return /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]/.test(pattern);
}

/** A user regular expression; compiled once so bad syntax is reported at compile time. */
export function parseRegex(text: string, flags = ""): Parsed<RegExp> {
  try {
    return ok(new RegExp(text, flags));
  } catch (e) {
    return bad(`invalid regular expression ${JSON.stringify(text)}: ${(e as Error).message}`);
  }
}

/** Host name, optionally with a port (upstream-vhost); no nginx variables. */
export function parseHostPort(text: string): Parsed<string> {
  if (
    !/^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?(?::\d{1,5})?$/.test(
      text,
    )
  ) {
    return bad(`expected a host name (optionally :port), got ${JSON.stringify(text)}`);
  }
  return ok(text);
}

/** CORS origins: `*` or a comma-separated list of scheme://host[:port], with `*.` wildcards allowed as ingress-nginx does. */
export function parseOrigins(text: string): Parsed<string[]> {
  const items = text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (items.length === 0) return bad("expected * or a list of origins");
  for (const it of items) {
    if (it === "*") continue;
    if (!/^https?:\/\/(?:\*\.)?[A-Za-z0-9.-]+(?::\d{1,5})?$/.test(it))
      return bad(`expected * or origins like https://example.com, got ${JSON.stringify(it)}`);
  }
  return ok(items);
}

/** Comma-separated list of header names or methods. */
export function parseNameList(text: string): Parsed<string> {
  if (!/^[A-Za-z0-9\-_.*]+(?:\s*,\s*[A-Za-z0-9\-_.*]+)*$/.test(text.trim()))
    return bad(`expected a comma-separated list of names, got ${JSON.stringify(text)}`);
  return ok(text.trim());
}

export function parseEnum<T extends string>(
  text: string,
  values: readonly T[],
  caseInsensitive = false,
): Parsed<T> {
  const found = values.find((v) => (caseInsensitive ? v.toLowerCase() === text.toLowerCase() : v === text));
  return found !== undefined
    ? ok(found)
    : bad(`expected one of ${values.join(", ")}, got ${JSON.stringify(text)}`);
}
