/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) are connection-scoped: a proxy drops
 * them, plus any header the Connection header names, in both directions.
 */

const HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "proxy-authenticate",
]);

export function isHopHeader(name: string): boolean {
  return HOP.has(name);
}

/** Names listed in Connection (lower-case), which are hop-by-hop for this message only. */
export function connectionTokens(value: string | string[] | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  const v = Array.isArray(value) ? value.join(",") : value;
  const out = new Set<string>();
  for (const t of v.split(",")) {
    const s = t.trim().toLowerCase();
    if (s) out.add(s);
  }
  return out.size > 0 ? out : undefined;
}
