/**
 * The seam between route compilers and the proxy: what the request
 * pipeline needs from a compiled route table. A compiler turns its objects
 * into a CompiledRoutes (the Ingress one, ingress-routes.ts, is the first;
 * the Gateway API's plugs in the same way); the pipeline asks it, once per
 * request, what to do: proxy to backends (with the upstream path, Host and
 * extra header changes), redirect, or answer itself (404, 503, 413, a CORS
 * preflight…). The pipeline never looks inside a route table.
 */
export type Scheme = "http" | "https";

/** A ready backend endpoint (model address; ProxyOptions.upstream maps it to a socket address). */
export interface Endpoint {
  ip: string;
  port: number;
}

/** One request as the router sees it. */
export interface RouteQuery {
  method: string;
  scheme: Scheme;
  /** Host header (port allowed), or the request target's own authority. */
  host: string;
  /** Request target: path and query. */
  path: string;
  /** The request's fields as [lower-case name, value, …] pairs. */
  rawHeaders: readonly string[];
  sourceIP: string;
  /** Declared request body length, for body-size limits. */
  contentLength?: number;
  /** [0,1): the draw for weighted choices (canaries). */
  random: number;
  /** The HTTPS port clients use, for redirects to HTTPS. */
  httpsPort?: number;
}

/** How to talk to the chosen backend. */
export interface UpstreamSettings {
  backendProtocol: "HTTP" | "HTTPS";
  connectTimeoutMs: number;
  /** Idle timer while the request body goes out. */
  sendTimeoutMs: number;
  /** Idle timer while waiting for (and reading) the answer; also a tunnel's idle limit. */
  readTimeoutMs: number;
  /** Bytes; Infinity = unlimited. */
  proxyBodySize: number;
}

/**
 * The router's answer. `action` "proxy": send to `endpoints` (tried in
 * turn from the round-robin position, or `stickyEndpoint` first);
 * "redirect": `status` with `location`; "respond": the controller's own
 * answer with `status` (an empty `endpoints` with "proxy" is a 503).
 */
export interface RouteOutcome {
  status: number;
  action: "proxy" | "redirect" | "respond";
  location: string | undefined;
  endpoints: readonly Endpoint[];
  stickyEndpoint: Endpoint | undefined;
  /** Request target sent upstream (rewrites); undefined = "/". */
  upstreamPath: string | undefined;
  /** Host sent upstream; undefined = the client's. */
  upstreamHost: string | undefined;
  /** Fields set on the upstream request. */
  upstreamHeaders: Readonly<Record<string, string>>;
  /** Fields added to the response (the controller's, overriding the upstream's). */
  responseHeaders: Readonly<Record<string, string>>;
  config: UpstreamSettings;
  // What answered, for access logs and metrics labels (bounded by configuration, never raw request fields).
  /** The server (virtual host) that answered: a host, `*.suffix`, or "_". */
  server: string;
  /** The route object (an Ingress, an HTTPRoute). */
  ingress: { namespace: string; name: string } | undefined;
  rule: { host: string; path: string; pathType: string } | undefined;
  /** `service` is `namespace/name`; `upstream` names the endpoint set (round-robin key, access log). */
  backend: { service: string; upstream: string } | undefined;
  canary: { ingress: string; used: boolean } | undefined;
  /** The matched location, as an identity for caching labels. */
  matched: object | undefined;
}

/** A certificate for a TLS server name (the same object for the same name while one table serves). */
export interface Certificate {
  cert: string;
  key: string;
}

export interface CompiledRoutes {
  route(q: RouteQuery): RouteOutcome;
  /** The certificate for an SNI name; undefined = the default certificate. */
  certificate(serverName: string): Certificate | undefined;
  /** The session-affinity cookie to set on a response `ep` served, if any. */
  affinityCookie(d: RouteOutcome, ep: Endpoint, scheme: Scheme): string | undefined;
  /** The opt-in X-Michi-Route value naming what matched. */
  describe(d: RouteOutcome): string;
}
