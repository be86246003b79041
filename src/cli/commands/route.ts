/**
 * `michi route -f PATH... URL`: what the ingress controller does with one
 * request, computed from the same route table the proxy serves (no sockets).
 * JSON shape per shared/CLI.md; the human output explains each step.
 */
import type { Command } from "commander";
import { MichiError } from "../../api/diagnostics.js";
import { parseIP } from "../../api/net.js";
import { type RouteDecision, routeRequest } from "../../ingress/route-request.js";
import { compileRoutes } from "../../ingress/route-table.js";
import type { RouteTable } from "../../ingress/route-types.js";
import { addManifestOptions, loadFromOptions, type ManifestOptions, printJSON } from "../common.js";
import { gatewayFor, printGatewayRoute } from "./route-gateway.js";

interface RouteOptions extends ManifestOptions {
  header: string[];
  method: string;
  from: string;
  output?: string;
  ingressClass?: string[];
  contentLength?: string;
  gateway?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export interface ParsedURL {
  scheme: "http" | "https";
  host: string;
  target: string;
}

/** Keeps the path exactly as typed (no dot-segment or escape normalisation): the controller does that itself. */
export function parseRequestURL(url: string): ParsedURL {
  const m = /^(https?):\/\/([^/?#]*)([^#]*)/i.exec(url);
  if (!m)
    throw new MichiError(
      "BadArgument",
      `URL: expected http://HOST/PATH or https://HOST/PATH, got ${JSON.stringify(url)}`,
    );
  const target = m[3] ?? "";
  return {
    scheme: (m[1] ?? "http").toLowerCase() as "http" | "https",
    host: m[2] ?? "",
    target: target === "" ? "/" : target.startsWith("?") ? `/${target}` : target,
  };
}

export function routeJSON(d: RouteDecision, table: RouteTable, host: string): Record<string, unknown> {
  const hostName = host.replace(/:\d+$/, "").toLowerCase();
  return {
    status: d.status,
    ingress: d.ingress ? `${d.ingress.namespace}/${d.ingress.name}` : null,
    rule: d.rule
      ? { host: d.rule.host, path: d.rule.path, pathType: d.rule.pathType, field: d.rule.field }
      : null,
    backend: d.backend
      ? {
          service: d.backend.service,
          port: d.backend.port,
          ...(d.backend.servicePort !== undefined ? { servicePort: d.backend.servicePort } : {}),
          upstream: d.backend.upstream,
        }
      : null,
    upstreamPath: d.upstreamPath ?? null,
    location: d.location ?? null,
    endpoints: d.endpoints.map((e) => ({ ip: e.ip, port: e.port, ...(e.pod ? { pod: e.pod } : {}) })),
    ...(d.stickyEndpoint ? { stickyEndpoint: d.stickyEndpoint } : {}),
    annotations: d.annotations,
    ...(d.canary ? { canary: d.canary } : {}),
    ...(Object.keys(d.responseHeaders).length ? { responseHeaders: d.responseHeaders } : {}),
    ...(Object.keys(d.upstreamHeaders).length ? { upstreamHeaders: d.upstreamHeaders } : {}),
    ...(d.upstreamHost ? { upstreamHost: d.upstreamHost } : {}),
    server: d.server,
    reason: d.reason,
    explanation: d.notes,
    ignoredIngresses: ignoredFor(table, hostName),
  };
}

/** Ingresses with a rule for this host that the controller does not serve (another class, invalid annotations). */
function ignoredFor(table: RouteTable, host: string): { ingress: string; reason: string }[] {
  return table.ingresses
    .filter((i) => !i.served && i.hosts?.includes(host))
    .map((i) => ({ ingress: `${i.namespace}/${i.name}`, reason: i.reason }));
}

export function formatRoute(
  method: string,
  url: string,
  d: RouteDecision,
  table: RouteTable,
  host: string,
): string {
  const lines: string[] = [];
  const verdict =
    d.action === "proxy"
      ? "proxied"
      : d.action === "redirect"
        ? `redirect → ${d.location ?? ""}`
        : "answered by the controller";
  lines.push(`${method} ${url} → ${d.status} ${verdict}`);
  const row = (k: string, v: string) => lines.push(`  ${`${k}:`.padEnd(15)}${v}`);
  row("server", d.server === "_" ? "_ (catch-all)" : d.server);
  if (d.ingress)
    row("ingress", `${d.ingress.namespace}/${d.ingress.name}${d.rule ? ` (${d.rule.field})` : ""}`);
  if (d.rule) row("rule", `host ${d.rule.host || "(any)"}, path ${d.rule.path} (${d.rule.pathType})`);
  if (d.backend)
    row("backend", `service ${d.backend.service} port ${d.backend.port} (upstream ${d.backend.upstream})`);
  if (d.canary)
    row("canary", `${d.canary.ingress}: ${d.canary.used ? "used" : "not used"} — ${d.canary.reason}`);
  if (d.backend)
    row(
      "endpoints",
      d.endpoints.length
        ? d.endpoints.map((e) => `${e.ip}:${e.port}${e.pod ? ` (${e.pod})` : ""}`).join(", ")
        : "none ready",
    );
  if (d.upstreamPath !== undefined) row("upstream path", d.upstreamPath);
  if (d.upstreamHost) row("upstream Host", d.upstreamHost);
  for (const [k, v] of Object.entries(d.upstreamHeaders)) row("upstream hdr", `${k}: ${v}`);
  for (const [k, v] of Object.entries(d.responseHeaders)) row("response hdr", `${k}: ${v}`);
  if (d.location) row("location", d.location);
  for (const a of d.annotations) row("annotation", `${a.name}=${JSON.stringify(a.value)}`);
  if (d.reason) row("result", d.reason);
  if (d.notes.length) {
    lines.push("  why:");
    for (const n of d.notes) lines.push(`    - ${n}`);
  }
  for (const i of ignoredFor(table, host.replace(/:\d+$/, "").toLowerCase()))
    lines.push(`  note: Ingress ${i.ingress} has a rule for this host but is not served: ${i.reason}`);
  return `${lines.join("\n")}\n`;
}

export function register(program: Command): void {
  const cmd = program
    .command("route")
    .description(
      "show what the ingress controller does with a request: rule, backend, endpoints, rewrite, redirect, annotations",
    )
    .argument("<url>", "request URL, e.g. http://myapp.example.com/api/users")
    .option(
      "-H, --header <header>",
      "request header 'Name: value' (repeatable; Host overrides the URL's host)",
      collect,
      [],
    )
    .option("-X, --method <method>", "request method", "GET")
    .option("--from <ip>", "client source IP (for whitelist/denylist-source-range)", "127.0.0.1")
    .option("--content-length <bytes>", "declared request body size (for proxy-body-size)")
    .option(
      "--ingress-class <name>",
      "serve exactly these IngressClass names (repeatable; default: nginx-controller classes)",
      collect,
    )
    .option(
      "--gateway <ns/name>",
      "route through this Gateway (default: the only Gateway when there is no Ingress)",
    )
    .option("-o, --output <format>", "json for machine-readable output");
  addManifestOptions(cmd).action(async (url: string, opts: RouteOptions) => {
    if (opts.output !== undefined && opts.output !== "json")
      throw new MichiError("BadFlag", `-o: expected json, got ${JSON.stringify(opts.output)}`);
    if (!parseIP(opts.from))
      throw new MichiError("BadFlag", `--from: expected an IP address, got ${JSON.stringify(opts.from)}`);
    const u = parseRequestURL(url);
    const headers: Record<string, string> = {};
    for (const h of opts.header) {
      const i = h.indexOf(":");
      if (i <= 0)
        throw new MichiError("BadFlag", `--header: expected 'Name: value', got ${JSON.stringify(h)}`);
      const name = h.slice(0, i).trim().toLowerCase();
      const value = h.slice(i + 1).trim();
      headers[name] =
        headers[name] !== undefined ? `${headers[name]}${name === "cookie" ? "; " : ", "}${value}` : value;
    }
    let contentLength: number | undefined;
    if (opts.contentLength !== undefined) {
      contentLength = Number(opts.contentLength);
      if (!Number.isInteger(contentLength) || contentLength < 0)
        throw new MichiError(
          "BadFlag",
          `--content-length: expected a byte count, got ${JSON.stringify(opts.contentLength)}`,
        );
    }
    const loaded = await loadFromOptions(opts);
    const gateway = gatewayFor(loaded.state, opts.gateway);
    if (gateway !== undefined) {
      printGatewayRoute(
        loaded.state,
        gateway,
        u,
        opts.method.toUpperCase(),
        headers,
        opts.output === "json",
        url,
      );
      return;
    }
    const table = compileRoutes(loaded.state, opts.ingressClass ? { classes: opts.ingressClass } : {});
    const host = headers.host ?? u.host;
    const method = opts.method.toUpperCase();
    const d = routeRequest(table, {
      method,
      scheme: u.scheme,
      host,
      path: u.target,
      headers: { ...headers, host },
      sourceIP: opts.from,
      ...(contentLength !== undefined ? { contentLength } : {}),
      explain: true,
    });
    if (opts.output === "json") printJSON(routeJSON(d, table, host));
    else process.stdout.write(formatRoute(method, url, d, table, host));
  });
}
