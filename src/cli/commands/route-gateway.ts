/**
 * `michi route URL --gateway NS/NAME`: what that Gateway does with one
 * request, from the compiled route table its data plane serves
 * (src/gateway/route-table.ts). The listener is chosen by the URL's scheme
 * and port and the Host; the JSON adds to route's shape the gateway,
 * listener, route/rule/match, weighted backends, upstream path and Host,
 * the headers the backend receives and the response header edits.
 */
import { MichiError } from "../../api/diagnostics.js";
import type { ClusterState } from "../../cluster/state.js";
import {
  applyHeaderEdits,
  backendStatus,
  compileGatewayRoutes,
  type GatewayRequest,
  pickBackend,
  type RouteOutcome,
  upstreamHeaders,
} from "../../gateway/route-table.js";
import { printJSON } from "../common.js";
import type { ParsedURL } from "./route.js";

/** The Gateway a request is routed through: `--gateway`, else the only one when there is no Ingress. */
export function gatewayFor(state: ClusterState, flag: string | undefined): string | undefined {
  const gateways = state.gatewayApi?.gateways ?? [];
  const keys = gateways.map((g) => `${g.metadata?.namespace}/${g.metadata?.name}`);
  if (flag !== undefined) {
    const parts = flag.replace(/^gateways?\//i, "").split("/");
    const key = parts.length === 1 ? `default/${parts[0]}` : parts.join("/");
    if (!keys.includes(key))
      throw new MichiError("NotFound", `--gateway: no Gateway ${key} (known: ${keys.join(", ") || "none"})`);
    return key;
  }
  const userIngresses = state.ingresses.length;
  if (keys.length === 0 || userIngresses > 0) return undefined;
  if (keys.length > 1)
    throw new MichiError(
      "BadFlag",
      `several Gateways (${keys.join(", ")}): choose one with --gateway NS/NAME`,
    );
  return keys[0];
}

function record(h: Map<string, string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of h) out[k] = v.join(", ");
  return out;
}

function responseHeaderMap(
  o: RouteOutcome,
  backendEdits?: Parameters<typeof applyHeaderEdits>[1],
): Record<string, string> {
  const h = new Map<string, string[]>();
  for (const [k, v] of Object.entries(o.cors ?? {})) h.set(k, [v]);
  applyHeaderEdits(h, o.responseHeaders);
  if (backendEdits) applyHeaderEdits(h, backendEdits);
  if (o.kind === "redirect") h.set("location", [o.location]);
  return record(h);
}

export function gatewayRouteJSON(
  state: ClusterState,
  gateway: string,
  req: GatewayRequest,
): Record<string, unknown> {
  const table = compileGatewayRoutes(state, gateway);
  const o = table.route(req);
  const route = state.gatewayApi?.httpRoutes.find(
    (r) => `${r.metadata?.namespace}/${r.metadata?.name}` === o.route?.name,
  );
  const match = o.route ? route?.spec?.rules?.[o.route.rule]?.matches?.[o.route.match] : undefined;
  const base: Record<string, unknown> = {
    status: o.status,
    gateway,
    listener: o.listener || null,
    ingress: null,
    route: o.route ?? null,
    rule: match ? { path: match.path?.value ?? "/", pathType: match.path?.type ?? "PathPrefix" } : null,
    backend: null,
    backends: [],
    upstreamPath: null,
    upstreamHost: null,
    requestHeaders: {},
    responseHeaders: responseHeaderMap(o),
    location: o.kind === "redirect" ? o.location : null,
    endpoints: [],
    reason: o.kind === "fixed" ? o.reason : null,
  };
  if (o.kind !== "proxy") return base;
  const chosen = pickBackend(o, 0);
  const status = backendStatus(chosen);
  return {
    ...base,
    status,
    backend: chosen ? { service: chosen.service, port: chosen.port } : null,
    backends: o.backends.map((b) => ({
      service: b.service,
      port: b.port,
      weight: b.weight,
      ...(b.problem ? { problem: b.problem } : {}),
    })),
    upstreamPath: o.upstreamPath,
    upstreamHost: o.upstreamHost,
    requestHeaders: record(upstreamHeaders(req, o, chosen)),
    responseHeaders: responseHeaderMap(o, chosen?.responseHeaders),
    endpoints: (chosen?.endpoints ?? []).map((e) => ({
      ip: e.ip,
      port: e.port,
      ...(e.pod ? { pod: e.pod } : {}),
    })),
    mirrors: o.mirrors.map((m) => ({ service: m.backend.service, port: m.backend.port, percent: m.percent })),
    ...(o.timeouts ? { timeouts: o.timeouts } : {}),
    reason:
      status === 500
        ? (chosen?.problem ?? "no valid backend")
        : status === 503
          ? `no ready endpoints for ${chosen?.service}`
          : null,
  };
}

function formatGatewayRoute(method: string, url: string, j: Record<string, unknown>): string {
  const lines = [
    `${method} ${url} → ${String(j.status)}${j.location ? ` redirect → ${String(j.location)}` : ""} (Gateway ${String(j.gateway)})`,
  ];
  const row = (k: string, v: string) => lines.push(`  ${`${k}:`.padEnd(15)}${v}`);
  row("listener", String(j.listener ?? "(none)"));
  const r = j.route as { kind: string; name: string; rule: number; match: number; ruleName?: string } | null;
  if (r)
    row(
      "route",
      `${r.kind} ${r.name} rule ${r.rule}${r.ruleName ? ` (${r.ruleName})` : ""} match ${r.match}`,
    );
  for (const b of (j.backends as { service: string; port: number; weight: number; problem?: string }[]) ?? [])
    row("backend", `${b.service}:${b.port} weight ${b.weight}${b.problem ? ` — ${b.problem}` : ""}`);
  const eps = j.endpoints as { ip: string; port: number; pod?: string }[];
  if (j.backend)
    row(
      "endpoints",
      eps.length ? eps.map((e) => `${e.ip}:${e.port}${e.pod ? ` (${e.pod})` : ""}`).join(", ") : "none ready",
    );
  if (j.upstreamPath) row("upstream path", String(j.upstreamPath));
  if (j.upstreamHost) row("upstream Host", String(j.upstreamHost));
  for (const [k, v] of Object.entries(j.requestHeaders as Record<string, string>))
    row("backend hdr", `${k}: ${v}`);
  for (const [k, v] of Object.entries(j.responseHeaders as Record<string, string>))
    row("response hdr", `${k}: ${v}`);
  if (j.reason) row("result", String(j.reason));
  return `${lines.join("\n")}\n`;
}

/** Print the Gateway's answer to one request (`-o json` or the explanation). */
export function printGatewayRoute(
  state: ClusterState,
  gateway: string,
  u: ParsedURL,
  method: string,
  headers: Record<string, string>,
  json: boolean,
  url: string,
): void {
  const host = headers.host ?? u.host;
  const m = /:(\d+)$/.exec(host);
  const port = m ? Number(m[1]) : u.scheme === "https" ? 443 : 80;
  const req: GatewayRequest = {
    scheme: u.scheme,
    port,
    host,
    method,
    target: u.target,
    headers: { ...headers, host },
  };
  const j = gatewayRouteJSON(state, gateway, req);
  if (json) printJSON(j);
  else process.stdout.write(formatGatewayRoute(method, url, j));
}
