/**
 * routeRequest: what the controller does with one request, decided from the
 * compiled RouteTable alone (pure; shared by `michi route` and the proxy).
 * Phases follow nginx's order: server by Host, location by path, then
 * redirects (app-root, permanent/temporal, ssl-redirect), CORS preflight,
 * source ranges, canary selection, endpoints, rewrite.
 */
import { createHash } from "node:crypto";
import { cidrContains, parseIP, unmapIPv4 } from "../api/net.js";
import type { CorsConfig, LocationConfig } from "./annotations.js";
import { rawHeader } from "./raw-header.js";
import { splitTarget } from "./request-path.js";
import type {
  BackendSummary,
  EndpointRef,
  IngressRef,
  Location,
  RouteTable,
  RuleSummary,
  Server,
} from "./route-types.js";

export interface RouteRequest {
  method: string;
  scheme: "http" | "https";
  /** Host header (port allowed) — or the URL's host. */
  host: string;
  /** Request target: path and query. */
  path: string;
  headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Or the fields as raw [lower-case name, value, …] pairs, as the proxy's front end reads them. */
  rawHeaders?: readonly string[];
  sourceIP?: string;
  /** Declared request body length, for proxy-body-size. */
  contentLength?: number;
  /** [0,1): the draw for canary-weight; undefined = explain without drawing. */
  random?: number;
  /** HTTPS port for ssl-redirect locations (omitted from the URL when 443). */
  httpsPort?: number;
  /** Collect human explanations (the CLI does; the proxy doesn't). */
  explain?: boolean;
}

/** Fields are always present (undefined when not applicable): one object shape keeps the per-request path fast. */
export interface RouteDecision {
  status: number;
  action: "proxy" | "redirect" | "respond";
  /** Server that answered: host, `*.suffix`, or "_" (catch-all). */
  server: string;
  ingress: IngressRef | undefined;
  rule: RuleSummary | undefined;
  backend: BackendSummary | undefined;
  endpoints: readonly EndpointRef[];
  /** Endpoint chosen by session affinity (cookie), when valid. */
  stickyEndpoint: EndpointRef | undefined;
  upstreamPath: string | undefined;
  location: string | undefined;
  canary: { ingress: string; used: boolean; reason: string } | undefined;
  annotations: readonly { name: string; value: string }[];
  /** Extra response headers (CORS). */
  responseHeaders: Readonly<Record<string, string>>;
  /** Headers to set on the upstream request (X-Forwarded-Prefix). */
  upstreamHeaders: Readonly<Record<string, string>>;
  /** Host header sent upstream (upstream-vhost overrides the client's). */
  upstreamHost: string | undefined;
  config: LocationConfig;
  reason: string;
  notes: string[];
  /** The matched location (for the proxy). */
  matched: Location | undefined;
}

const NONE: readonly never[] = Object.freeze([]);
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

const LABEL = /^[\w-]+$/;

/** Host header → lower-case host name without port or trailing dot. */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    return end > 0 ? h.slice(0, end + 1) : h;
  }
  const colon = h.indexOf(":");
  if (colon >= 0) h = h.slice(0, colon);
  if (h.endsWith(".")) h = h.slice(0, -1);
  return h;
}

/** Server selection: exact name, then a single-label wildcard, then the catch-all. */
export function findServer(table: RouteTable, host: string): Server {
  const exact = table.servers.get(host);
  if (exact) return exact;
  const dot = host.indexOf(".");
  if (dot > 0 && LABEL.test(host.slice(0, dot))) {
    const w = table.wildcards.get(host.slice(dot + 1));
    if (w) return w;
  }
  return table.catchAll;
}

export function findLocation(server: Server, path: string): Location | undefined {
  if (server.regexMode) {
    for (const l of server.ordered) if (l.regex?.test(path)) return l;
    return undefined;
  }
  const ex = server.exact.get(path);
  if (ex) return ex;
  for (const len of server.prefixLengths) {
    if (len > path.length) continue;
    const l = server.prefixes.get(len === path.length ? path : path.slice(0, len));
    if (l) return l;
  }
  return undefined;
}

function header(req: RouteRequest, name: string): string | undefined {
  if (req.rawHeaders) return rawHeader(req.rawHeaders, name);
  const v = req.headers?.[name];
  return Array.isArray(v) ? v.join(", ") : (v as string | undefined);
}

export function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Opaque, stable cookie value naming an endpoint (ingress-nginx hashes the upstream address too). */
export function affinityKey(ep: EndpointRef): string {
  return createHash("sha1").update(`${ep.ip}:${ep.port}`).digest("hex").slice(0, 32);
}

function corsHeaders(cors: CorsConfig, origin: string | undefined): Record<string, string> | undefined {
  let allow: string | undefined;
  if (cors.allowOrigin.includes("*")) allow = "*";
  else if (origin !== undefined) {
    const o = origin.toLowerCase();
    for (const a of cors.allowOrigin) {
      const al = a.toLowerCase();
      const wild = al.indexOf("://*.");
      if (al === o) allow = origin;
      else if (wild >= 0) {
        const scheme = al.slice(0, wild + 3);
        const suffix = al.slice(wild + 4);
        if (o.startsWith(scheme) && o.endsWith(suffix) && o.length > scheme.length + suffix.length)
          allow = origin;
      }
      if (allow) break;
    }
  }
  if (allow === undefined) return undefined;
  const h: Record<string, string> = {
    "access-control-allow-origin": allow,
    "access-control-allow-methods": cors.allowMethods,
    "access-control-allow-headers": cors.allowHeaders,
    "access-control-max-age": String(cors.maxAge),
  };
  if (cors.allowCredentials) h["access-control-allow-credentials"] = "true";
  if (cors.exposeHeaders) h["access-control-expose-headers"] = cors.exposeHeaders;
  return h;
}

/** nginx rewrite: the whole URI becomes the replacement ($1…$9 from the match), original args appended. */
export function applyRewrite(
  re: RegExp,
  target: string,
  path: string,
  query: string,
  hasQuery: boolean,
): string | undefined {
  const m = re.exec(path);
  if (!m) return undefined;
  const out = target.replace(
    /\$\{(\d)\}|\$(\d)/g,
    (_s, a: string | undefined, b: string | undefined) => m[Number(a ?? b)] ?? "",
  );
  if (out.endsWith("?")) return out.slice(0, -1);
  if (!hasQuery || query === "") return out;
  return out.includes("?") ? `${out}&${query}` : `${out}?${query}`;
}

export function routeRequest(table: RouteTable, req: RouteRequest): RouteDecision {
  const explain = req.explain === true;
  const notes: string[] = explain ? [] : (NONE as unknown as string[]);
  const host = normalizeHost(req.host);
  const server = findServer(table, host);
  const d: RouteDecision = {
    status: 0,
    action: "respond",
    server: server.host,
    ingress: undefined,
    rule: undefined,
    backend: undefined,
    endpoints: NONE,
    stickyEndpoint: undefined,
    upstreamPath: undefined,
    location: undefined,
    canary: undefined,
    annotations: NONE,
    responseHeaders: NO_HEADERS,
    upstreamHeaders: NO_HEADERS,
    upstreamHost: undefined,
    config: (server.ordered[0] as Location).config,
    reason: "",
    notes,
    matched: undefined,
  };
  const done = (status: number, action: RouteDecision["action"], reason: string): RouteDecision => {
    d.status = status;
    d.action = action;
    d.reason = reason;
    return d;
  };
  if (explain) {
    if (server.host === "_")
      notes.push(`host ${JSON.stringify(host)} matches no rule host: the catch-all server answers`);
    else if (server.host.startsWith("*."))
      notes.push(`host ${host} matches wildcard ${server.host} (one label)`);
    else notes.push(`host ${host} matches rule host ${server.host}`);
  }
  const target = splitTarget(req.path);
  if (!target) return done(400, "respond", "malformed request target");
  const loc = findLocation(server, target.path);
  if (!loc) return done(404, "respond", "no location matched: default backend (404)");
  const cfg = loc.config;
  d.config = cfg;
  d.annotations = loc.annotations;
  d.matched = loc;
  d.ingress = loc.ingress;
  d.rule = loc.rule;
  if (explain) {
    if (loc.isDefault)
      notes.push(
        `path ${target.path} matches no path of this host: the controller's default backend answers 404`,
      );
    else if (loc.field === "spec.defaultBackend")
      notes.push(
        `no path matched; Ingress ${loc.ingress?.namespace}/${loc.ingress?.name} spec.defaultBackend answers`,
      );
    else
      notes.push(
        `path ${target.path} matches ${loc.pathType} ${loc.path} (${loc.ingress?.namespace}/${loc.ingress?.name} ${loc.field})${server.regexMode ? ` as case-insensitive regex ^${loc.path} — use-regex/rewrite-target on this host turns every path into a regex` : ""}`,
      );
  }

  // 413: nginx checks a declared Content-Length against client_max_body_size as soon as the location is known.
  if (req.contentLength !== undefined && req.contentLength > cfg.proxyBodySize) {
    return done(
      413,
      "respond",
      `request body ${req.contentLength} bytes exceeds proxy-body-size (${cfg.proxyBodySize} bytes)`,
    );
  }
  if (cfg.appRoot !== undefined && target.path === "/") {
    d.location = `${req.scheme}://${req.host}${cfg.appRoot}`;
    return done(302, "redirect", `app-root redirects / to ${cfg.appRoot}`);
  }
  if (cfg.redirect) {
    d.location = cfg.redirect.url;
    return done(cfg.redirect.code, "redirect", `${cfg.redirect.kind}-redirect`);
  }
  if (req.scheme === "http" && (cfg.forceSslRedirect || (cfg.sslRedirect && server.tls !== undefined))) {
    const port = req.httpsPort !== undefined && req.httpsPort !== 443 ? `:${req.httpsPort}` : "";
    d.location = `https://${host}${port}${req.path.startsWith("/") ? req.path : `${target.rawPath}${target.hasQuery ? `?${target.query}` : ""}`}`;
    return done(
      308,
      "redirect",
      cfg.forceSslRedirect
        ? "force-ssl-redirect"
        : "ssl-redirect: the host has TLS, so plain HTTP is redirected (308)",
    );
  }
  if (cfg.cors) {
    const h = corsHeaders(cfg.cors, header(req, "origin"));
    if (h) {
      d.responseHeaders = h;
      if (req.method === "OPTIONS")
        return done(204, "respond", "CORS preflight answered by the controller (enable-cors)");
    }
  }
  if (cfg.allowSourceRange || cfg.denySourceRange) {
    const ip = req.sourceIP !== undefined ? parseIP(unmapIPv4(req.sourceIP)) : undefined;
    if (ip && cfg.denySourceRange?.some((c) => cidrContains(c, ip)))
      return done(403, "respond", `source ${req.sourceIP} is in denylist-source-range`);
    if (cfg.allowSourceRange && !(ip && cfg.allowSourceRange.some((c) => cidrContains(c, ip)))) {
      return done(
        403,
        "respond",
        `source ${req.sourceIP ?? "(unknown)"} is not in whitelist/allowlist-source-range`,
      );
    }
  }
  if (!loc.backend) return done(404, "respond", "default backend: no Ingress rule matched (404)");

  let backend = loc.backend;
  if (loc.canary) {
    const c = loc.canary;
    const decision = canaryDecision(c.config, req);
    const useCanary = decision.use && c.backend.endpoints.length > 0;
    d.canary = {
      ingress: `${c.ingress.namespace}/${c.ingress.name}`,
      used: useCanary,
      reason:
        decision.use && !useCanary
          ? `${decision.reason}, but the canary has no ready endpoints`
          : decision.reason,
    };
    if (useCanary) backend = c.backend;
  }
  d.backend = backend.summary;
  d.endpoints = backend.endpoints;
  if (backend.endpoints.length === 0) return done(503, "respond", backend.problem ?? "no ready endpoints");

  if (loc.rewriteRegex && cfg.rewriteTarget !== undefined) {
    d.upstreamPath =
      applyRewrite(loc.rewriteRegex, cfg.rewriteTarget, target.path, target.query, target.hasQuery) ??
      req.path;
  } else {
    d.upstreamPath = target.hasQuery ? `${target.rawPath}?${target.query}` : target.rawPath;
  }
  if (cfg.xForwardedPrefix) d.upstreamHeaders = { "x-forwarded-prefix": cfg.xForwardedPrefix };
  d.upstreamHost = cfg.upstreamVhost;
  if (cfg.affinity) {
    const v = cookieValue(header(req, "cookie"), cfg.affinity.cookieName);
    if (v !== undefined) d.stickyEndpoint = backend.endpoints.find((e) => affinityKey(e) === v);
  }
  return done(200, "proxy", explain ? `proxied to ${backend.summary.service}:${backend.port}` : "proxied");
}

export function canaryDecision(
  c: import("./annotations.js").CanaryConfig,
  req: RouteRequest,
): { use: boolean; reason: string } {
  if (c.header !== undefined) {
    const v = header(req, c.header.toLowerCase());
    if (v !== undefined) {
      if (c.headerValue !== undefined) {
        if (v === c.headerValue)
          return { use: true, reason: `header ${c.header} equals canary-by-header-value` };
      } else if (c.headerPattern !== undefined) {
        if (c.headerPattern.test(v))
          return { use: true, reason: `header ${c.header} matches canary-by-header-pattern` };
      } else if (v === "always") return { use: true, reason: `header ${c.header}: always` };
      else if (v === "never") return { use: false, reason: `header ${c.header}: never` };
    }
  }
  if (c.cookie !== undefined) {
    const v = cookieValue(header(req, "cookie"), c.cookie);
    if (v === "always") return { use: true, reason: `cookie ${c.cookie}=always` };
    if (v === "never") return { use: false, reason: `cookie ${c.cookie}=never` };
  }
  if (c.weight > 0) {
    if (req.random === undefined)
      return {
        use: false,
        reason: `canary-weight ${c.weight}/${c.weightTotal}: this share of requests goes to the canary`,
      };
    // Lua: math.random(total) <= weight, i.e. a uniform draw in 1..total.
    const draw = Math.floor(req.random * c.weightTotal) + 1;
    return { use: draw <= c.weight, reason: `canary-weight ${c.weight}/${c.weightTotal} (draw ${draw})` };
  }
  return { use: false, reason: "no canary rule matched" };
}
