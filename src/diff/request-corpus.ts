/**
 * The generated request corpus: the requests whose routing outcome can tell
 * two route tables apart. For every host any table serves (exact names, a
 * probe name under each wildcard, an unknown host for the catch-all server,
 * and each in upper case), every path boundary of that host's and the
 * catch-all's locations (the path, with and without a trailing slash, one
 * segment deeper, the same prefix continued without a slash, upper case),
 * over http and https, plus the header and cookie values canary rules look
 * at. Shared by `michi diff` and `michi verify`: one implementation.
 */
import type { Location, RouteTable, Server } from "../ingress/route-types.js";

export interface CorpusRequest {
  method: string;
  scheme: "http" | "https";
  host: string;
  /** Path and query, as sent. */
  path: string;
  headers: Record<string, string>;
}

export interface CorpusOptions {
  /** Default GET. */
  methods?: readonly string[];
  schemes?: readonly ("http" | "https")[];
  /** Host used for the catch-all server (a name no rule claims). */
  unknownHost?: string;
}

/** A name under `*.suffix` that no exact rule is likely to claim. */
const WILDCARD_PROBE = "michi-probe";
const UNKNOWN_HOST = "unknown.michi.invalid";

export function requestURL(r: CorpusRequest): string {
  return `${r.scheme}://${r.host}${r.path}`;
}

/** The literal part of a path: regex-mode paths up to their first metacharacter. */
function literalPath(l: Location): string {
  if (!l.regex && !l.config.useRegex) return l.path;
  const m = /^[^\\^$.|?*+()[\]{}]*/.exec(l.path);
  return m?.[0] || "/";
}

function locationsOf(s: Server): Location[] {
  return [...s.exact.values(), ...s.prefixes.values(), ...s.ordered];
}

/** Every path boundary of a location path. */
export function pathVariants(path: string): string[] {
  const p = path.startsWith("/") ? path : `/${path}`;
  const trimmed = p.length > 1 ? p.replace(/\/+$/, "") : p;
  const out = new Set<string>([p, trimmed]);
  if (trimmed !== "/") {
    out.add(`${trimmed}/`);
    out.add(`${trimmed}/x`);
    out.add(`${trimmed}x`);
    out.add(trimmed.toUpperCase());
    out.add(`${trimmed.toUpperCase()}/`);
  } else out.add("/x");
  return [...out];
}

function canaryHeaders(locs: readonly Location[]): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const l of locs) {
    const c = l.canary?.config;
    if (!c) continue;
    if (c.header) {
      out.push({ [c.header.toLowerCase()]: c.headerValue ?? "always" });
      out.push({ [c.header.toLowerCase()]: "never" });
    }
    if (c.cookie) {
      out.push({ cookie: `${c.cookie}=always` });
      out.push({ cookie: `${c.cookie}=never` });
    }
  }
  return out;
}

export function generateCorpus(tables: readonly RouteTable[], opts: CorpusOptions = {}): CorpusRequest[] {
  const methods = opts.methods ?? ["GET"];
  const schemes = opts.schemes ?? ["http", "https"];
  const unknown = opts.unknownHost ?? UNKNOWN_HOST;
  // Host → the servers (one per table) that answer it; the catch-all answers every host too.
  const hosts = new Map<string, Server[]>();
  const add = (host: string, s: Server) => {
    const l = hosts.get(host);
    if (l) l.push(s);
    else hosts.set(host, [s]);
  };
  for (const t of tables) {
    for (const [host, s] of t.servers) add(host, s);
    for (const [suffix, s] of t.wildcards) add(`${WILDCARD_PROBE}.${suffix}`, s);
  }
  if (!hosts.has(unknown)) hosts.set(unknown, []);
  const catchAll = tables.flatMap((t) => locationsOf(t.catchAll));
  const out: CorpusRequest[] = [];
  const seen = new Set<string>();
  for (const host of [...hosts.keys()].sort()) {
    const locs = [...(hosts.get(host) ?? []).flatMap(locationsOf), ...catchAll];
    const paths = new Set<string>(["/"]);
    for (const l of locs) for (const v of pathVariants(literalPath(l))) paths.add(v);
    const headerSets: Record<string, string>[] = [{}, ...canaryHeaders(locs)];
    const hostVariants = host === host.toUpperCase() ? [host] : [host, host.toUpperCase()];
    for (const h of hostVariants) {
      for (const scheme of schemes) {
        for (const method of methods) {
          for (const path of [...paths].sort()) {
            for (const headers of headerSets) {
              const key = `${method} ${scheme}://${h}${path} ${JSON.stringify(headers)}`;
              if (seen.has(key)) continue;
              seen.add(key);
              out.push({ method, scheme, host: h, path, headers: { ...headers } });
            }
          }
        }
      }
    }
  }
  return out;
}
