/**
 * Ingress routes whose outcome changes: every request of the generated corpus
 * (request-corpus.ts) routed through both route tables (ingress/route-request.ts);
 * a request differs when its status, backend service and port, upstream path
 * or host, redirect location or added headers differ. Differences are grouped
 * by host and by the pair of outcomes (ingress rule, status, backend) so one
 * added path is one change with the requests it affects.
 */
import { type RouteDecision, routeRequest } from "../ingress/route-request.js";
import type { RouteTable } from "../ingress/route-types.js";
import type { Locator, SourceLocation } from "./locate.js";
import { type CorpusRequest, generateCorpus, requestURL } from "./request-corpus.js";

export interface RouteOutcome {
  status: number;
  /** `ns/name` of the Ingress that answered, null for the controller's default backend. */
  ingress: string | null;
  rule: { host: string; path: string; pathType: string; field: string } | null;
  backend: { service: string; port: number | string } | null;
  upstreamPath: string | null;
  upstreamHost: string | null;
  location: string | null;
  headers: Record<string, string>;
}

export interface RouteRequestDiff {
  request: { method: string; url: string; headers: Record<string, string> };
  base: RouteOutcome;
  head: RouteOutcome;
}

export interface RouteChange {
  /** Lower-case host. */
  host: string;
  base: RouteOutcome;
  head: RouteOutcome;
  /** Every corpus request with this change. */
  requests: RouteRequestDiff[];
  /** One line: the rule that answers now and the one that answered before. */
  cause: string;
  /** The Ingress rule responsible (the new version's when it has one). */
  location?: SourceLocation;
  /** `ns/name` of the Ingress responsible. */
  object?: string;
}

export interface RouteDiff {
  requests: number;
  changes: RouteChange[];
}

/** What a client and the backend would see (shared/CLI.md: verify's comparison). */
export function routeOutcome(d: RouteDecision): RouteOutcome {
  return {
    status: d.status,
    ingress: d.ingress ? `${d.ingress.namespace}/${d.ingress.name}` : null,
    rule: d.rule
      ? { host: d.rule.host, path: d.rule.path, pathType: d.rule.pathType, field: d.rule.field }
      : null,
    backend: d.backend ? { service: d.backend.service, port: d.backend.port } : null,
    upstreamPath: d.upstreamPath ?? null,
    upstreamHost: d.upstreamHost ?? null,
    location: d.location ?? null,
    headers: { ...d.upstreamHeaders, ...d.responseHeaders },
  };
}

const comparable = (o: RouteOutcome) =>
  JSON.stringify([o.status, o.backend, o.upstreamPath, o.upstreamHost, o.location, o.headers]);

/** The part of an outcome a group shares: who answered and how. */
const groupKey = (o: RouteOutcome) =>
  `${o.status}|${o.ingress ?? ""}|${o.rule?.field ?? ""}|${o.backend ? `${o.backend.service}:${o.backend.port}` : ""}`;

export function describeOutcome(o: RouteOutcome): string {
  const by = o.ingress
    ? ` (Ingress ${o.ingress}${o.rule ? ` ${o.rule.field}, ${o.rule.path} ${o.rule.pathType}` : ""})`
    : "";
  if (o.location) return `${o.status} redirect to ${o.location}${by}`;
  if (o.backend) return `${o.status} to service ${o.backend.service}:${o.backend.port}${by}`;
  return o.status === 404 && !o.ingress ? "404 from the default backend" : `${o.status}${by}`;
}

function send(table: RouteTable, r: CorpusRequest): RouteOutcome {
  return routeOutcome(
    routeRequest(table, {
      method: r.method,
      scheme: r.scheme,
      host: r.host,
      path: r.path,
      headers: { ...r.headers, host: r.host },
      sourceIP: "203.0.113.10",
    }),
  );
}

function ruleLocation(locate: Locator, o: RouteOutcome): SourceLocation | undefined {
  if (!o.ingress) return undefined;
  const [ns, name] = o.ingress.split("/") as [string, string];
  const path = o.rule?.field
    ? o.rule.field
        .split(/[.[\]]+/)
        .filter(Boolean)
        .map((s) => (/^\d+$/.test(s) ? Number(s) : s))
    : [];
  return locate("Ingress", ns, name, path);
}

export function diffRoutes(
  base: RouteTable,
  head: RouteTable,
  locate: { base: Locator; head: Locator },
): RouteDiff {
  const corpus = generateCorpus([base, head]);
  const groups = new Map<string, RouteChange>();
  for (const r of corpus) {
    const b = send(base, r);
    const h = send(head, r);
    if (comparable(b) === comparable(h)) continue;
    const host = r.host.toLowerCase();
    const key = `${host}\u0000${groupKey(b)}\u0000${groupKey(h)}`;
    let g = groups.get(key);
    if (!g) {
      const location = ruleLocation(locate.head, h) ?? ruleLocation(locate.base, b);
      const object = h.ingress ?? b.ingress ?? undefined;
      g = {
        host,
        base: b,
        head: h,
        requests: [],
        cause: `was ${describeOutcome(b)}; now ${describeOutcome(h)}`,
        ...(location ? { location } : {}),
        ...(object ? { object } : {}),
      };
      groups.set(key, g);
    }
    g.requests.push({
      request: { method: r.method, url: requestURL(r), headers: r.headers },
      base: b,
      head: h,
    });
  }
  return { requests: corpus.length, changes: [...groups.values()] };
}
