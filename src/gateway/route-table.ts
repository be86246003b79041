/**
 * The compiled HTTP route table of one Gateway: what its data plane does
 * with a request, as immutable data built once per configuration and read
 * per request by the proxy and by `michi route --gateway`.
 *
 * Interface for a proxy:
 *
 *   const table = compileGatewayRoutes(state, "ns/gateway");
 *   const outcome = table.route({ scheme, port, host, method, target, headers });
 *
 * `outcome.kind` is one of
 *   - "proxy": `backends` (service, port, weight, ready `endpoints`, or a
 *     `problem` that makes its share of requests answer 500), `pickBackend`
 *     chooses one by weight; send `upstreamPath` (with query) and
 *     `upstreamHost` as Host, the request headers after `requestHeaders`
 *     edits (and the chosen backend's own `filters` edits); apply
 *     `responseHeaders` (and `cors` headers) to the answer; copy to
 *     `mirrors`; honour `timeouts`.
 *   - "redirect": answer `status` with `location` (and `responseHeaders`).
 *   - "fixed": answer `status` (404 no route, 500 no valid backend or an
 *     unsupported filter, 200 for a CORS preflight with `responseHeaders`);
 *     503 is the proxy's when the chosen backend has no ready endpoint.
 * Every outcome names the listener, and for a match the route, rule and
 * match index, for logs and explanations.
 *
 * The listener is chosen as the spec says: by port (and TLS-ness), then
 * the most specific listener hostname matching the Host (exact, longest
 * wildcard, none); only routes attached to that listener are considered.
 * Within it, candidates are indexed by hostname (exact, wildcard suffixes,
 * any) and by path (exact map, prefixes by element, regexes), so a lookup
 * reads only the entries sharing the request's host and path keys, not
 * every route. Ties break by the spec's precedence.
 */
import type { HTTPBackendRef, HTTPRoute, HTTPRouteFilter } from "../api/gateway-types.js";
import type { ClusterState } from "../cluster/state.js";
import { resolveBackend } from "../ingress/backends.js";
import type { EndpointRef } from "../ingress/route-types.js";
import type { Attachment } from "./attachment.js";
import { type AttachContext, resolveBackendRef } from "./attachment.js";
import { keyOf, nsOf } from "./common.js";
import { hostMatches, isWildcard, requestHostname } from "./hostnames.js";
import {
  applyHeaderEdits,
  corsHeaders,
  type HeaderEdits,
  headerEdits,
  modifyPath,
  redirectLocation,
} from "./http-filters.js";
import { type CompiledMatch, compileMatch, type HTTPRequestView, parseTarget } from "./http-match.js";
import type { ListenerRecord } from "./listeners.js";
import { ReferenceGrants } from "./reference-grants.js";
import { type Entry, HostIndex } from "./route-index.js";

export { applyHeaderEdits, type HeaderEdits } from "./http-filters.js";

export interface GatewayRequest {
  scheme: "http" | "https";
  port: number;
  /** Host header (port allowed). */
  host: string;
  method: string;
  /** Path with query string. */
  target: string;
  /** Header name → value(s); names in any case. */
  headers: Readonly<Record<string, string | readonly string[]>>;
}

export interface CompiledBackend {
  /** `namespace/name`. */
  service: string;
  port: number;
  weight: number;
  endpoints: readonly EndpointRef[];
  /** Why this backend answers 500 (invalid reference) or has no endpoints. */
  problem?: string;
  /** True when the reference itself is invalid (its share answers 500). */
  invalid: boolean;
  requestHeaders?: HeaderEdits;
  responseHeaders?: HeaderEdits;
}

export interface RouteRef {
  kind: "HTTPRoute";
  /** `namespace/name`. */
  name: string;
  rule: number;
  match: number;
  ruleName?: string;
}

interface OutcomeBase {
  gateway: string;
  listener: string;
  route?: RouteRef;
  /** Response header edits (ResponseHeaderModifier) and CORS headers to add. */
  responseHeaders: HeaderEdits;
  cors?: Record<string, string>;
}

export interface ProxyOutcome extends OutcomeBase {
  kind: "proxy";
  status: 200;
  backends: readonly CompiledBackend[];
  upstreamPath: string;
  upstreamHost: string;
  requestHeaders: HeaderEdits;
  mirrors: readonly { backend: CompiledBackend; percent: number }[];
  timeouts?: { request?: string; backendRequest?: string };
}

export interface RedirectOutcome extends OutcomeBase {
  kind: "redirect";
  status: number;
  location: string;
}

export interface FixedOutcome extends OutcomeBase {
  kind: "fixed";
  status: number;
  reason: string;
}

export type RouteOutcome = ProxyOutcome | RedirectOutcome | FixedOutcome;

interface CompiledListener {
  record: ListenerRecord;
  name: string;
  port: number;
  tls: boolean;
  hostname?: string;
  hosts: HostIndex;
}

export interface GatewayRouteTable {
  readonly gateway: string;
  readonly listeners: readonly { name: string; port: number; protocol: string; hostname?: string }[];
  route(req: GatewayRequest): RouteOutcome;
}

const NO_EDITS: HeaderEdits = { set: [], add: [], remove: [] };

function created(r: HTTPRoute): string {
  return r.metadata?.creationTimestamp ?? "";
}

/** Order of routes for the spec's tie-break: oldest, then namespace/name. */
function routeRank(routes: readonly HTTPRoute[]): Map<HTTPRoute, number> {
  const sorted = [...routes].sort(
    (a, b) => created(a).localeCompare(created(b)) || keyOf(a).localeCompare(keyOf(b)),
  );
  return new Map(sorted.map((r, i) => [r, i]));
}

function unsupportedFilter(filters: readonly HTTPRouteFilter[] | undefined): string | undefined {
  const f = (filters ?? []).find((x) => x.type === "ExtensionRef");
  return f
    ? `filter ExtensionRef ${f.extensionRef?.kind ?? ""}/${f.extensionRef?.name ?? ""} is not supported by michi`
    : undefined;
}

/** resolveBackend, once per Service port and state (a table compile asks for the same ones per rule). */
const endpointCache = new WeakMap<ClusterState, Map<string, ReturnType<typeof resolveBackend>>>();
function resolvedEndpoints(
  state: ClusterState,
  ns: string,
  name: string,
  port: number,
): ReturnType<typeof resolveBackend> {
  let m = endpointCache.get(state);
  if (!m) {
    m = new Map();
    endpointCache.set(state, m);
  }
  const k = `${ns}/${name}:${port}`;
  if (!m.has(k)) m.set(k, resolveBackend(state, ns, { service: { name, port: { number: port } } }));
  return m.get(k);
}

function compileBackends(
  state: ClusterState,
  route: HTTPRoute,
  refs: readonly HTTPBackendRef[] | undefined,
  ctx: AttachContext,
): CompiledBackend[] {
  return (refs ?? []).map((ref) => {
    const ns = ref.namespace ?? nsOf(route);
    const port = ref.port ?? 0;
    const weight = ref.weight ?? 1;
    const check = resolveBackendRef(route, "HTTPRoute", ref, ctx);
    const own = (ref.filters ?? []).find((f) => f.type === "RequestHeaderModifier")?.requestHeaderModifier;
    const ownResp = (ref.filters ?? []).find(
      (f) => f.type === "ResponseHeaderModifier",
    )?.responseHeaderModifier;
    const base: CompiledBackend = {
      service: `${ns}/${ref.name}`,
      port,
      weight,
      endpoints: [],
      invalid: !check.ok,
    };
    if (own) base.requestHeaders = headerEdits(own);
    if (ownResp) base.responseHeaders = headerEdits(ownResp);
    if (!check.ok) return { ...base, problem: check.message };
    const b = resolvedEndpoints(state, ns, ref.name, port);
    const out = { ...base, endpoints: b?.endpoints ?? [] };
    if (b?.problem) out.problem = b.problem;
    return out;
  });
}

/** Compile the HTTP listeners of one Gateway (`ns/name`) from the controller's attachments. */
export function compileGatewayRoutes(state: ClusterState, gatewayKey: string): GatewayRouteTable {
  const api = state.gatewayApi;
  const records = api?.listeners.get(gatewayKey) ?? [];
  const grants = new ReferenceGrants(api?.referenceGrants ?? []);
  const ctx: AttachContext = {
    parents: new Map(),
    namespaces: new Map(),
    services: new Map(state.services.map((s) => [keyOf(s), s])),
    grants,
  };
  const attachments = (api?.attachments ?? []).filter(
    (a): a is Attachment & { route: HTTPRoute } => a.kind === "HTTPRoute",
  );
  const rank = routeRank([...new Set(attachments.map((a) => a.route as HTTPRoute))]);
  const backendCache = new Map<HTTPBackendRef[], CompiledBackend[]>();
  const listeners: CompiledListener[] = [];
  for (const rec of records) {
    const protocol = rec.listener.protocol;
    if (!rec.accepted || (protocol !== "HTTP" && protocol !== "HTTPS")) continue;
    const hosts = new HostIndex();
    for (const a of attachments.filter((x) => x.listener === rec)) {
      const route = a.route as HTTPRoute;
      const r = rank.get(route) ?? 0;
      (route.spec?.rules ?? []).forEach((rule, ruleIndex) => {
        const refs = rule.backendRefs ?? [];
        let backends = backendCache.get(refs);
        if (!backends) {
          backends = compileBackends(state, route, refs, ctx);
          backendCache.set(refs, backends);
        }
        const mirrors = (rule.filters ?? [])
          .filter((f) => f.type === "RequestMirror" && f.requestMirror)
          .map((f) => {
            const m = f.requestMirror as NonNullable<HTTPRouteFilter["requestMirror"]>;
            const percent =
              m.percent ??
              (m.fraction ? (100 * m.fraction.numerator) / (m.fraction.denominator ?? 100) : 100);
            return {
              percent,
              backend: compileBackends(state, route, [m.backendRef], ctx)[0] as CompiledBackend,
            };
          });
        const matchList = rule.matches && rule.matches.length > 0 ? rule.matches : [{}];
        matchList.forEach((m, matchIndex) => {
          let match: CompiledMatch;
          let broken = unsupportedFilter(rule.filters);
          try {
            match = compileMatch(m);
          } catch (e) {
            // A regular expression JavaScript cannot read: the rule answers 500 for its literal path.
            match = { pathKind: "Exact", pathValue: m.path?.value ?? "/", headers: [], query: [] };
            broken = `invalid regular expression: ${e instanceof Error ? e.message : String(e)}`;
          }
          // Precedence within one path key: method, more headers, more query params, older route,
          // namespace/name, rule order, match order.
          const order =
            (match.method ? 0 : 1) * 1e12 +
            (64 - match.headers.length) * 1e10 +
            (64 - match.query.length) * 1e8 +
            r * 1e4 +
            ruleIndex * 100 +
            matchIndex;
          const e: Entry = { route, ruleIndex, matchIndex, rule, match, order, backends, mirrors };
          if (broken) e.broken = broken;
          hosts.add(a.hostnames, e);
        });
      });
    }
    hosts.sort();
    const cl: CompiledListener = {
      record: rec,
      name: rec.listener.name,
      port: rec.listener.port,
      tls: protocol === "HTTPS",
      hosts,
    };
    if (rec.listener.hostname) cl.hostname = rec.listener.hostname;
    listeners.push(cl);
  }
  return {
    gateway: gatewayKey,
    listeners: listeners.map((l) => ({
      name: l.name,
      port: l.port,
      protocol: l.tls ? "HTTPS" : "HTTP",
      ...(l.hostname ? { hostname: l.hostname } : {}),
    })),
    route: (req) => routeRequest(gatewayKey, listeners, req),
  };
}

/** The listener a request reaches: same port and TLS-ness, most specific hostname. */
function chooseListener(
  listeners: readonly CompiledListener[],
  req: GatewayRequest,
  host: string,
): CompiledListener | undefined {
  let best: CompiledListener | undefined;
  let bestScore = -1;
  for (const l of listeners) {
    if (l.port !== req.port || l.tls !== (req.scheme === "https")) continue;
    let score: number;
    if (l.hostname === undefined) score = 0;
    else if (!isWildcard(l.hostname)) score = l.hostname === host ? 100000 : -1;
    else score = hostMatches(l.hostname, host) ? l.hostname.length : -1;
    if (score > bestScore) {
      best = l;
      bestScore = score;
    }
  }
  return best;
}

function headerMap(h: GatewayRequest["headers"]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const [k, v] of Object.entries(h)) m.set(k.toLowerCase(), typeof v === "string" ? [v] : [...v]);
  return m;
}

function routeRequest(
  gateway: string,
  listeners: readonly CompiledListener[],
  req: GatewayRequest,
): RouteOutcome {
  const host = requestHostname(req.host);
  const listener = chooseListener(listeners, req, host);
  const base = { gateway, listener: listener?.name ?? "", responseHeaders: NO_EDITS };
  if (!listener)
    return {
      ...base,
      kind: "fixed",
      status: 404,
      reason: `no HTTP listener of ${gateway} on port ${req.port} serves host ${host}`,
    };
  const { path, query, rawQuery } = parseTarget(req.target);
  const headers = headerMap(req.headers);
  const view: HTTPRequestView = { method: req.method.toUpperCase(), path, query, headers };
  const e = listener.hosts.find(host, view);
  if (!e)
    return { ...base, kind: "fixed", status: 404, reason: `no route of listener ${listener.name} matches` };
  const route: RouteRef = { kind: "HTTPRoute", name: keyOf(e.route), rule: e.ruleIndex, match: e.matchIndex };
  if (e.rule.name) route.ruleName = e.rule.name;
  const withRoute = { ...base, route };
  if (e.broken) return { ...withRoute, kind: "fixed", status: 500, reason: e.broken };
  const filters = e.rule.filters ?? [];
  const get = <K extends keyof HTTPRouteFilter>(type: string, k: K) =>
    filters.find((f) => f.type === type)?.[k];
  const responseHeaders = headerEdits(get("ResponseHeaderModifier", "responseHeaderModifier"));
  const out = { ...withRoute, responseHeaders };
  const matchedPrefix = e.match.pathKind === "PathPrefix" ? e.match.pathValue : undefined;
  const corsF = get("CORS", "cors");
  const cors = corsF ? corsHeaders(corsF, view.method, headers) : undefined;
  if (cors?.preflight)
    return {
      ...out,
      kind: "fixed",
      status: 200,
      reason: "CORS preflight answered by the gateway",
      cors: cors.headers,
    };
  const corsPart = cors ? { cors: cors.headers } : {};
  const redirect = get("RequestRedirect", "requestRedirect");
  if (redirect) {
    const r = redirectLocation(redirect, {
      scheme: req.scheme,
      host,
      listenerPort: listener.port,
      path,
      rawQuery,
      matchedPrefix,
    });
    return { ...out, ...corsPart, kind: "redirect", status: r.status, location: r.location };
  }
  const live = e.backends.filter((b) => b.weight > 0);
  if (live.length === 0) {
    const reason = e.backends.length === 0 ? "the rule has no backendRefs" : "every backendRef has weight 0";
    return { ...out, ...corsPart, kind: "fixed", status: 500, reason };
  }
  const rewrite = get("URLRewrite", "urlRewrite");
  const upstreamPath = modifyPath(path, rewrite?.path, matchedPrefix) + (rawQuery ? `?${rawQuery}` : "");
  const upstreamHost = rewrite?.hostname ?? req.host;
  const proxy: ProxyOutcome = {
    ...out,
    ...corsPart,
    kind: "proxy",
    status: 200,
    backends: live,
    upstreamPath,
    upstreamHost,
    requestHeaders: headerEdits(get("RequestHeaderModifier", "requestHeaderModifier")),
    mirrors: e.mirrors,
  };
  if (e.rule.timeouts) proxy.timeouts = e.rule.timeouts;
  return proxy;
}

/**
 * The backend a request goes to, by weight (`random` in [0, 1)). An invalid reference keeps its
 * share: the caller answers 500 for it; a valid one without ready endpoints answers 503.
 */
export function pickBackend(outcome: ProxyOutcome, random: number): CompiledBackend | undefined {
  const total = outcome.backends.reduce((n, b) => n + b.weight, 0);
  let x = random * total;
  for (const b of outcome.backends) {
    if (x < b.weight) return b;
    x -= b.weight;
  }
  return outcome.backends[outcome.backends.length - 1];
}

/** The status the client gets for a proxied request once the backend is chosen. */
export function backendStatus(b: CompiledBackend | undefined): 200 | 500 | 503 {
  if (!b || b.invalid) return 500;
  return b.endpoints.length === 0 ? 503 : 200;
}

/** The request headers the backend receives: the client's, Host rewritten, then the rule's and the backend's edits. */
export function upstreamHeaders(
  req: GatewayRequest,
  outcome: ProxyOutcome,
  backend: CompiledBackend | undefined,
): Map<string, string[]> {
  const h = headerMap(req.headers);
  h.set("host", [outcome.upstreamHost]);
  applyHeaderEdits(h, outcome.requestHeaders);
  if (backend?.requestHeaders) applyHeaderEdits(h, backend.requestHeaders);
  return h;
}
