/**
 * HTTPRoute filters as data transformations: RequestRedirect's Location
 * (scheme, hostname, port with the spec's default-port rules, path), the
 * path modifiers of RequestRedirect and URLRewrite (ReplaceFullPath,
 * ReplacePrefixMatch with the spec's table), header modifiers
 * (set/add/remove, names case-insensitive), and CORS response headers.
 */
import type {
  HTTPCORSFilter,
  HTTPHeaderFilter,
  HTTPPathModifier,
  HTTPRequestRedirectFilter,
} from "../api/gateway-types.js";

/**
 * ReplacePrefixMatch: the matched prefix (trailing `/` ignored, element-wise) is replaced, and the
 * result never has `//` at the joint nor loses the leading `/` (the spec's table).
 */
export function replacePrefix(path: string, matchedPrefix: string, replacement: string): string {
  const prefix = matchedPrefix.replace(/\/+$/, "");
  const rest = path.slice(prefix.length); // "" or "/..."
  const repl = replacement.replace(/\/+$/, "");
  if (rest === "" || rest === "/") {
    if (repl === "") return "/";
    return rest === "/" ? `${repl}/` : repl;
  }
  return `${repl}${rest}`;
}

export function modifyPath(
  path: string,
  mod: HTTPPathModifier | undefined,
  matchedPrefix: string | undefined,
): string {
  if (!mod) return path;
  if (mod.type === "ReplaceFullPath") return mod.replaceFullPath ?? path;
  if (matchedPrefix === undefined) return path;
  return replacePrefix(path, matchedPrefix, mod.replacePrefixMatch ?? "");
}

export interface RedirectInput {
  scheme: "http" | "https";
  host: string;
  listenerPort: number;
  path: string;
  rawQuery: string;
  matchedPrefix: string | undefined;
}

/** The Location header and status of a RequestRedirect. */
export function redirectLocation(
  f: HTTPRequestRedirectFilter,
  req: RedirectInput,
): { status: number; location: string } {
  const scheme = f.scheme ?? req.scheme;
  const host = f.hostname ?? req.host;
  let port: number;
  if (f.port !== undefined) port = f.port;
  else if (f.scheme !== undefined) port = f.scheme === "https" ? 443 : 80;
  else port = req.listenerPort;
  const defaultPort = (scheme === "http" && port === 80) || (scheme === "https" && port === 443);
  const path = modifyPath(req.path, f.path, req.matchedPrefix);
  const query = req.rawQuery ? `?${req.rawQuery}` : "";
  const hostPart = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return {
    status: f.statusCode ?? 302,
    location: `${scheme}://${hostPart}${defaultPort ? "" : `:${port}`}${path}${query}`,
  };
}

export interface HeaderEdits {
  set: readonly (readonly [string, string])[];
  add: readonly (readonly [string, string])[];
  remove: readonly string[];
}

export function headerEdits(f: HTTPHeaderFilter | undefined): HeaderEdits {
  return {
    set: (f?.set ?? []).map((h) => [h.name, h.value] as const),
    add: (f?.add ?? []).map((h) => [h.name, h.value] as const),
    remove: f?.remove ?? [],
  };
}

/** Apply edits to a header map (lower-case names → values): set replaces, add appends, remove deletes. */
export function applyHeaderEdits(headers: Map<string, string[]>, edits: HeaderEdits): void {
  for (const [n, v] of edits.set) headers.set(n.toLowerCase(), [v]);
  for (const [n, v] of edits.add) {
    const k = n.toLowerCase();
    headers.set(k, [...(headers.get(k) ?? []), v]);
  }
  for (const n of edits.remove) headers.delete(n.toLowerCase());
}

function originAllowed(allow: readonly string[], origin: string): boolean {
  return allow.some((a) => {
    if (a === "*" || a === origin) return true;
    if (!a.includes("*")) return false;
    const re = new RegExp(`^${a.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`);
    return re.test(origin);
  });
}

/**
 * CORS: for a request with an allowed Origin, the response headers to add; `preflight` when the
 * request is a CORS preflight (OPTIONS with Access-Control-Request-Method), answered by the gateway.
 */
export function corsHeaders(
  f: HTTPCORSFilter,
  method: string,
  headers: ReadonlyMap<string, readonly string[]>,
): { preflight: boolean; headers: Record<string, string> } | undefined {
  const origin = headers.get("origin")?.[0];
  if (origin === undefined || !originAllowed(f.allowOrigins ?? [], origin)) return undefined;
  const preflight = method === "OPTIONS" && headers.has("access-control-request-method");
  const out: Record<string, string> = {};
  const wildcard = (f.allowOrigins ?? []).includes("*") && !f.allowCredentials;
  out["access-control-allow-origin"] = wildcard ? "*" : origin;
  if (f.allowCredentials) out["access-control-allow-credentials"] = "true";
  if (preflight) {
    const methods = f.allowMethods ?? [];
    out["access-control-allow-methods"] = methods.includes("*")
      ? (headers.get("access-control-request-method")?.[0] ?? "*")
      : methods.join(", ");
    const allowH = f.allowHeaders ?? [];
    if (allowH.length > 0)
      out["access-control-allow-headers"] = allowH.includes("*")
        ? (headers.get("access-control-request-headers")?.[0] ?? "*")
        : allowH.join(", ");
    out["access-control-max-age"] = String(f.maxAge ?? 5);
  } else if ((f.exposeHeaders ?? []).length > 0) {
    out["access-control-expose-headers"] = (f.exposeHeaders ?? []).join(", ");
  }
  return { preflight, headers: out };
}
