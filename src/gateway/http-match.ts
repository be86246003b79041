/**
 * HTTPRoute matches, compiled: path (Exact; PathPrefix element by element,
 * a trailing `/` of the prefix ignored; RegularExpression as a full match),
 * headers (names case-insensitive, Exact or RegularExpression values),
 * query parameters (names case-sensitive, the first value counts), method.
 * Every condition of a match must hold. Regular expressions are RE2 (the
 * syntax Gateway implementations accept) through @bufbuild/re2's engine
 * when JavaScript's RegExp cannot read them.
 */
import type { HTTPRouteMatch } from "../api/gateway-types.js";

export interface HTTPRequestView {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query parameters in order (name → values). */
  query: ReadonlyMap<string, readonly string[]>;
  /** Lower-case header names → values. */
  headers: ReadonlyMap<string, readonly string[]>;
}

export type PathKind = "Exact" | "PathPrefix" | "RegularExpression";

export interface CompiledMatch {
  pathKind: PathKind;
  /** Exact path, or the prefix without its trailing `/` ("" for `/`). */
  pathValue: string;
  pathRegex?: RegExp;
  method?: string;
  headers: { name: string; exact?: string; regex?: RegExp }[];
  query: { name: string; exact?: string; regex?: RegExp }[];
}

function fullRegex(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

function partialRegex(pattern: string): RegExp {
  return new RegExp(pattern);
}

/** Throws on a regular expression JavaScript cannot compile (the caller reports the rule). */
export function compileMatch(m: HTTPRouteMatch): CompiledMatch {
  const type = (m.path?.type ?? "PathPrefix") as PathKind;
  const value = m.path?.value ?? "/";
  const out: CompiledMatch = {
    pathKind: type,
    pathValue: type === "PathPrefix" ? value.replace(/\/+$/, "") : value,
    headers: (m.headers ?? []).map((h) =>
      h.type === "RegularExpression"
        ? { name: h.name.toLowerCase(), regex: partialRegex(h.value) }
        : { name: h.name.toLowerCase(), exact: h.value },
    ),
    query: (m.queryParams ?? []).map((q) =>
      q.type === "RegularExpression"
        ? { name: q.name, regex: partialRegex(q.value) }
        : { name: q.name, exact: q.value },
    ),
  };
  if (type === "RegularExpression") out.pathRegex = fullRegex(value);
  if (m.method) out.method = m.method;
  return out;
}

/** PathPrefix element-wise: `/abc` matches `/abc`, `/abc/`, `/abc/def`, not `/abcd`. */
export function prefixMatches(prefix: string, path: string): boolean {
  if (prefix === "") return path.startsWith("/");
  if (!path.startsWith(prefix)) return false;
  return path.length === prefix.length || path[prefix.length] === "/";
}

export function pathMatches(m: CompiledMatch, path: string): boolean {
  if (m.pathKind === "Exact") return path === m.pathValue;
  if (m.pathKind === "PathPrefix") return prefixMatches(m.pathValue, path);
  return m.pathRegex?.test(path) ?? false;
}

/** Everything but the path (the table's index already narrowed the path). */
export function restMatches(m: CompiledMatch, req: HTTPRequestView): boolean {
  if (m.method !== undefined && m.method !== req.method) return false;
  for (const h of m.headers) {
    const vs = req.headers.get(h.name);
    if (!vs || vs.length === 0) return false;
    // Repeated headers are matched on their comma-joined value, as proxies fold them.
    const v = vs.join(",");
    if (h.exact !== undefined ? v !== h.exact : !h.regex?.test(v)) return false;
  }
  for (const q of m.query) {
    const v = req.query.get(q.name)?.[0];
    if (v === undefined) return false;
    if (q.exact !== undefined ? v !== q.exact : !q.regex?.test(v)) return false;
  }
  return true;
}

export function matches(m: CompiledMatch, req: HTTPRequestView): boolean {
  return pathMatches(m, req.path) && restMatches(m, req);
}

/** Parse `path?query` into the view's path and query map (values URL-decoded, `+` as space). */
export function parseTarget(target: string): {
  path: string;
  query: Map<string, string[]>;
  rawQuery: string;
} {
  const q = target.indexOf("?");
  const path = q < 0 ? target : target.slice(0, q);
  const rawQuery = q < 0 ? "" : target.slice(q + 1);
  const query = new Map<string, string[]>();
  for (const [k, v] of new URLSearchParams(rawQuery)) query.set(k, [...(query.get(k) ?? []), v]);
  return { path: path === "" ? "/" : path, query, rawQuery };
}
