/**
 * The Ingress route table (src/ingress: route-table.ts compiles it,
 * route-request.ts decides a request) as the proxy's CompiledRoutes, and
 * startIngressProxy: the proxy serving whatever table `getTable` returns.
 */
import type { LocationConfig } from "../ingress/annotations.js";
import {
  affinityKey,
  findServer,
  normalizeHost,
  type RouteDecision,
  routeRequest,
} from "../ingress/route-request.js";
import type { EndpointRef, RouteTable } from "../ingress/route-types.js";
import type { ProxyOptions, RunningProxy } from "./options.js";
import { startProxy } from "./proxy.js";
import type { Certificate, CompiledRoutes, Endpoint, RouteOutcome, RouteQuery, Scheme } from "./routes.js";

/** The affinity cookie for the endpoint that answered. */
export function cookieHeader(
  cfg: LocationConfig,
  d: RouteDecision,
  ep: Endpoint,
  scheme: string,
): string | undefined {
  const a = cfg.affinity;
  if (!a) return undefined;
  const path = a.path ?? (d.matched?.regex ? "/" : (d.matched?.path ?? "/"));
  let c = `${a.cookieName}=${affinityKey(ep)}; Path=${path}`;
  if (a.expires !== undefined) c += `; Expires=${new Date(Date.now() + a.expires * 1000).toUTCString()}`;
  if (a.maxAge !== undefined) c += `; Max-Age=${a.maxAge}`;
  if (a.domain) c += `; Domain=${a.domain}`;
  if (a.sameSite) c += `; SameSite=${a.sameSite}`;
  if (a.secure || (a.sameSite === "None" && scheme === "https")) c += "; Secure";
  return `${c}; HttpOnly`;
}

/** The opt-in X-Michi-Route value. */
export function debugValue(d: RouteDecision): string {
  const ing = d.ingress ? `${d.ingress.namespace}/${d.ingress.name}` : "-";
  const rule = d.rule ? `${d.rule.host || "*"}${d.rule.path} ${d.rule.pathType}` : "default-backend";
  const be = d.backend ? `${d.backend.service}:${d.backend.port}` : "-";
  return `ingress=${ing}; rule=${rule}; backend=${be}; status=${d.status}`.replace(/[^\x20-\x7e]/g, "?");
}

/** One compiled Ingress route table. Its outcomes are RouteDecisions (route-request.ts). */
export class IngressRoutes implements CompiledRoutes {
  constructor(readonly table: RouteTable) {}

  route(q: RouteQuery): RouteDecision {
    return routeRequest(this.table, q);
  }

  certificate(serverName: string): Certificate | undefined {
    const t = findServer(this.table, normalizeHost(serverName)).tls;
    return t?.cert && t.key ? (t as Certificate) : undefined;
  }

  affinityCookie(o: RouteOutcome, ep: Endpoint, scheme: Scheme): string | undefined {
    const d = o as RouteDecision;
    if (!d.config.affinity || d.stickyEndpoint === (ep as EndpointRef)) return undefined;
    return cookieHeader(d.config, d, ep, scheme);
  }

  describe(o: RouteOutcome): string {
    return debugValue(o as RouteDecision);
  }
}

export interface IngressProxyOptions extends Omit<ProxyOptions, "routes"> {
  /** The Ingress route table to serve (read once per request); undefined before the first compile (503). */
  getTable: () => RouteTable | undefined;
}

export type IngressProxy = RunningProxy;

export function startIngressProxy(opts: IngressProxyOptions): Promise<IngressProxy> {
  const { getTable, ...rest } = opts;
  let table: RouteTable | undefined;
  let routes: IngressRoutes | undefined;
  return startProxy({
    ...rest,
    routes: () => {
      const t = getTable();
      if (t !== table) {
        table = t;
        routes = t ? new IngressRoutes(t) : undefined;
      }
      return routes;
    },
  });
}
