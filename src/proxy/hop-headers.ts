/**
 * Which fields a proxy never passes on. Hop-by-hop headers (RFC 9110
 * §7.6.1) are connection-scoped: dropped, plus any header the Connection
 * header names, in both directions; on top, the request fields the
 * controller sets itself and the response fields it replaces.
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

/** Tokens of every Connection field in raw [lower-case name, value, …] pairs. */
export function connectionOf(raw: readonly string[]): ReadonlySet<string> | undefined {
  let v: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2)
    if (raw[i] === "connection") v = v === undefined ? raw[i + 1] : `${v}, ${raw[i + 1]}`;
  return v === undefined ? undefined : connectionTokens(v);
}

/**
 * Request fields never forwarded: hop-by-hop ones, Host (the controller sets
 * it), httpoxy's Proxy, and the X-Forwarded-* family the controller sets itself.
 */
export function dropRequestField(name: string): boolean {
  return (
    isHopHeader(name) ||
    name === "host" ||
    name === "proxy" ||
    name.startsWith("x-forwarded-") ||
    name === "x-real-ip" ||
    name === "x-request-id" ||
    name === "x-scheme" ||
    name === "x-original-forwarded-for" ||
    name.charCodeAt(0) === 58 /* ":" HTTP/2 pseudo-header */
  );
}

/** Upstream response fields never passed to the client: hop-by-hop ones, those its Connection names, and its Server and Date (the controller's own). */
export function dropResponseField(name: string, connection: ReadonlySet<string> | undefined): boolean {
  return isHopHeader(name) || connection?.has(name) === true || name === "server" || name === "date";
}
