/**
 * GET /api/route: what the ingress controller does with one request, from
 * the same route table the proxy serves (`compileRoutes` + `routeRequest`),
 * with the explanation notes `michi route` prints.
 */

import { HttpError } from "../http/respond.js";
import { routeRequest } from "../ingress/route-request.js";
import type { Analysis } from "./analysis.js";
import type { ApiRoute } from "./api-types.js";

export interface RouteParams {
  url: string;
  method?: string;
  headers?: readonly string[];
  from?: string;
}

export function routeQuery(a: Analysis, p: RouteParams): ApiRoute {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(p.url) ? p.url : `http://${p.url}`);
  } catch {
    throw new HttpError(400, "BadParameter", `url: not a URL: ${JSON.stringify(p.url)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new HttpError(400, "BadParameter", `url: only http and https URLs are routed, got ${url.protocol}`);
  }
  const headers: Record<string, string> = {};
  for (const h of p.headers ?? []) {
    const i = h.indexOf(":");
    if (i <= 0)
      throw new HttpError(400, "BadParameter", `header: expected "Name: value", got ${JSON.stringify(h)}`);
    headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  const host = headers.host ?? url.host;
  const d = routeRequest(a.snapshot.routes, {
    method: (p.method ?? "GET").toUpperCase(),
    scheme: url.protocol === "https:" ? "https" : "http",
    host,
    path: `${url.pathname}${url.search}`,
    headers: { ...headers, host },
    ...(p.from ? { sourceIP: p.from } : {}),
    explain: true,
  });
  const out: ApiRoute = {
    status: d.status,
    explanation: [...d.notes, ...(d.reason ? [d.reason] : [])],
    endpoints: d.endpoints.map((e) => `${e.pod ?? e.ip} (${e.ip}:${e.port})`),
    raw: {
      status: d.status,
      action: d.action,
      server: d.server,
      ingress: d.ingress,
      rule: d.rule,
      backend: d.backend,
      endpoints: d.endpoints,
      upstreamPath: d.upstreamPath,
      location: d.location,
      canary: d.canary,
      annotations: d.annotations,
      reason: d.reason,
    },
  };
  if (d.ingress) out.ingress = `${d.ingress.namespace}/${d.ingress.name}`;
  if (d.rule) out.rule = { host: d.rule.host, path: d.rule.path, pathType: d.rule.pathType };
  if (d.backend) out.backend = { service: d.backend.service, port: d.backend.port };
  if (d.upstreamPath !== undefined) out.upstreamPath = d.upstreamPath;
  if (d.location !== undefined) out.location = d.location;
  return out;
}
