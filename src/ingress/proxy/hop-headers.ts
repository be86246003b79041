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

// The values nearly every message carries, parsed once.
const KEEP_ALIVE: ReadonlySet<string> = new Set(["keep-alive"]);
const CLOSE: ReadonlySet<string> = new Set(["close"]);

/** Names listed in Connection (lower-case), which are hop-by-hop for this message only. */
export function connectionTokens(value: string | string[] | undefined): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  if (value === "keep-alive") return KEEP_ALIVE;
  if (value === "close") return CLOSE;
  const v = Array.isArray(value) ? value.join(",") : value;
  const out = new Set<string>();
  for (const t of v.split(",")) {
    const s = t.trim().toLowerCase();
    if (s) out.add(s);
  }
  return out.size > 0 ? out : undefined;
}
