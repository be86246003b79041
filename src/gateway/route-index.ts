/**
 * The lookup structure of a compiled Gateway listener: entries (one per
 * route rule match) indexed by hostname (exact, wildcard suffix, any) and,
 * within a hostname, by path (exact map, prefix map keyed by element
 * boundary, regular expressions), each list in the spec's precedence
 * order. A lookup reads the lists for the request's host and path keys
 * only: its cost depends on how many entries share those keys, not on how
 * many routes the listener has.
 */
import type { HTTPRoute, HTTPRouteRule } from "../api/gateway-types.js";
import { isWildcard } from "./hostnames.js";
import { type CompiledMatch, type HTTPRequestView, prefixMatches, restMatches } from "./http-match.js";
import type { CompiledBackend } from "./route-table.js";

export interface Entry {
  route: HTTPRoute;
  ruleIndex: number;
  matchIndex: number;
  rule: HTTPRouteRule;
  match: CompiledMatch;
  /** Precedence key among entries with the same path key (smaller first). */
  order: number;
  /** Why the rule cannot serve (bad regex, unsupported filter): it answers 500. */
  broken?: string;
  backends: CompiledBackend[];
  mirrors: { backend: CompiledBackend; percent: number }[];
}

export class PathIndex {
  readonly exact = new Map<string, Entry[]>();
  readonly prefix = new Map<string, Entry[]>();
  regex: Entry[] = [];

  add(e: Entry): void {
    if (e.match.pathKind === "Exact") push(this.exact, e.match.pathValue, e);
    else if (e.match.pathKind === "PathPrefix") push(this.prefix, e.match.pathValue, e);
    else this.regex.push(e);
  }

  sort(): void {
    for (const l of this.exact.values()) l.sort(byOrder);
    for (const l of this.prefix.values()) l.sort(byOrder);
    // Longer regular expressions first (more specific), then the general precedence.
    this.regex.sort((a, b) => b.match.pathValue.length - a.match.pathValue.length || byOrder(a, b));
  }

  find(req: HTTPRequestView): Entry | undefined {
    const first = (list: Entry[] | undefined) => list?.find((e) => restMatches(e.match, req));
    const exact = first(this.exact.get(req.path));
    if (exact) return exact;
    for (const e of this.regex) if (e.match.pathRegex?.test(req.path) && restMatches(e.match, req)) return e;
    // Prefixes at each element boundary, longest first: "/a/b/c", "/a/b", "/a", "".
    let p = req.path;
    for (;;) {
      const hit = this.prefix.has(p) ? first(this.prefix.get(p)) : undefined;
      if (hit && prefixMatches(p, req.path)) return hit;
      if (p === "") return undefined;
      const slash = p.lastIndexOf("/");
      p = slash <= 0 ? "" : p.slice(0, slash);
      // A path ending in "/" is also an element boundary of itself without the slash.
    }
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

const byOrder = (a: Entry, b: Entry) => a.order - b.order;

export class HostIndex {
  readonly exact = new Map<string, PathIndex>();
  /** Keyed by the suffix after `*` (".example.com"). */
  readonly wildcard = new Map<string, PathIndex>();
  readonly any = new PathIndex();

  add(hostnames: readonly string[] | undefined, e: Entry): void {
    if (hostnames === undefined) {
      this.any.add(e);
      return;
    }
    for (const h of hostnames) {
      const m = isWildcard(h) ? this.wildcard : this.exact;
      const k = isWildcard(h) ? h.slice(1) : h;
      let idx = m.get(k);
      if (!idx) {
        idx = new PathIndex();
        m.set(k, idx);
      }
      idx.add(e);
    }
  }

  sort(): void {
    for (const i of this.exact.values()) i.sort();
    for (const i of this.wildcard.values()) i.sort();
    this.any.sort();
  }

  find(host: string, req: HTTPRequestView): Entry | undefined {
    const ex = this.exact.get(host)?.find(req);
    if (ex) return ex;
    // Wildcard suffixes, most specific first: a.b.example.com → .b.example.com, .example.com, .com
    for (let i = host.indexOf("."); i >= 0; i = host.indexOf(".", i + 1)) {
      const idx = this.wildcard.get(host.slice(i));
      const hit = idx && i > 0 ? idx.find(req) : undefined;
      if (hit) return hit;
    }
    return this.any.find(req);
  }
}
