/**
 * The dashboard's HTTP handler: the built front end (dist/dashboard) and a
 * read-only JSON API under /api over the same pure modules the CLI uses
 * (policy engine, route table, DNS zone), plus — when a data plane runs — the
 * flow stream, counters, and an apply endpoint guarded by loopback + token.
 *
 * Mount it on any node:http server; it returns false for paths it does not
 * own (anything but the endpoints below), so `michi up` can serve /readyz
 * and its admin API (/api/flows, /api/up/…) beside it:
 *
 *   const web = createWebHandler({ getSnapshot: () => current });
 *   http.createServer((req, res) => { if (!web(req, res)) admin(req, res); });
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiLint, ApiSummary } from "./api-types.js";
import { checkConnection } from "./check.js";
import { dnsQuery } from "./dns.js";
import {
  HttpError,
  isLoopback,
  optional,
  parsePort,
  parseProtocol,
  readBody,
  required,
  sendError,
  sendJSON,
} from "./http-util.js";
import { liveSummary, streamFlows, type WebLive } from "./live.js";
import { computeMatrix, type MatrixParams } from "./matrix.js";
import { listObjects, objectDetail } from "./objects.js";
import { routeQuery } from "./route.js";
import { type Analysis, analyze, type WebSnapshot } from "./snapshot.js";
import { defaultStaticDir, isStaticPath, serveStatic } from "./static-files.js";
import { buildTopology } from "./topology.js";

export type { WebLive } from "./live.js";
export type { WebSnapshot } from "./snapshot.js";

/** What an apply returns: `ok` false (HTTP 422) when nothing changed because of errors. */
export interface WebApplyResult {
  ok: boolean;
  [field: string]: unknown;
}

export interface WebHandlerOptions {
  /** The current state; undefined while starting (the API answers 503 then). */
  getSnapshot: () => WebSnapshot | undefined;
  /** Present when a data plane runs (`michi up`): enables the Live view. */
  live?: WebLive;
  /** Required (as `Authorization: Bearer TOKEN` or `X-Michi-Token`) by mutating endpoints. */
  token?: string;
  /** Applies manifests (YAML text) to the running state: POST /api/apply. */
  apply?: (yamlText: string) => Promise<WebApplyResult>;
  /** Where the built front end is (default: dist/dashboard of this package). */
  staticDir?: string;
}

export type WebHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Host names a browser may use to reach us: IP literals and localhost (guards against DNS rebinding). */
function hostAllowed(host: string | undefined): boolean {
  if (!host) return true;
  const h = host
    .replace(/:\d+$/, "")
    .replace(/^\[|\]$/g, "")
    .toLowerCase();
  return h === "localhost" || h.endsWith(".localhost") || /^[\d.]+$/.test(h) || h.includes(":");
}

function tokenMatches(expected: string, req: IncomingMessage): boolean {
  const auth = req.headers.authorization;
  const given = auth?.startsWith("Bearer ") ? auth.slice(7).trim() : req.headers["x-michi-token"];
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function matrixParams(q: URLSearchParams): MatrixParams {
  const level = optional(q, "level") ?? "workload";
  if (level !== "namespace" && level !== "workload" && level !== "pod") {
    throw new HttpError(
      400,
      "BadParameter",
      `level: expected namespace, workload or pod, got ${JSON.stringify(level)}`,
    );
  }
  const p = optional(q, "port") ?? "declared";
  return {
    level,
    port: p === "declared" ? "declared" : parsePort(p),
    protocol: parseProtocol(optional(q, "protocol")),
  };
}

export function createWebHandler(options: WebHandlerOptions): WebHandler {
  const staticDir = options.staticDir ?? defaultStaticDir();

  const analysis = (): Analysis => {
    const snap = options.getSnapshot();
    if (!snap) throw new HttpError(503, "NotReady", "the cluster state is not loaded yet");
    return analyze(snap);
  };

  const readOnly: Record<string, (q: URLSearchParams, req: IncomingMessage, res: ServerResponse) => unknown> =
    {
      summary: () => {
        const snap = options.getSnapshot();
        if (!snap) throw new HttpError(503, "NotReady", "the cluster state is not loaded yet");
        const a = analyze(snap);
        const s = snap.state;
        const findings = a.findings();
        const out: ApiSummary = {
          mode: options.live ? "live" : "static",
          version: snap.version ?? 1,
          clusterDomain: s.config.clusterDomain,
          counts: {
            namespaces: s.namespaces.length,
            nodes: s.nodes.length,
            pods: s.pods.length,
            services: s.services.length,
            ingresses: s.ingresses.length,
            networkpolicies: s.networkPolicies.length,
          },
          errors: findings.filter((f) => f.severity === "error").length,
          warnings: findings.filter((f) => f.severity === "warning").length,
          canApply: options.apply !== undefined && options.token !== undefined,
        };
        return out;
      },
      objects: (q) => listObjects(analysis(), optional(q, "kind"), optional(q, "namespace")),
      "objects/detail": (q) => objectDetail(analysis(), required(q, "id")),
      topology: () => {
        const a = analysis();
        return a.memo("topology", () => buildTopology(a));
      },
      matrix: (q) => {
        const a = analysis();
        const p = matrixParams(q);
        // The default (declared ports) is cached per state; other ports are computed on demand, so the cache stays bounded.
        if (p.port !== "declared") return computeMatrix(a.engine, p);
        return a.memo(`matrix:${p.level}:${p.protocol}`, () => computeMatrix(a.engine, p));
      },
      check: (q) =>
        checkConnection(analysis().engine, {
          from: required(q, "from"),
          to: required(q, "to"),
          port: parsePort(required(q, "port")),
          protocol: parseProtocol(optional(q, "protocol")),
        }),
      route: (q) => {
        const p: Parameters<typeof routeQuery>[1] = {
          url: required(q, "url"),
          headers: q.getAll("header").filter(Boolean),
        };
        const method = optional(q, "method");
        const from = optional(q, "from");
        if (method) p.method = method;
        if (from) p.from = from;
        return routeQuery(analysis(), p);
      },
      dns: (q) => {
        const p: Parameters<typeof dnsQuery>[1] = { name: required(q, "name") };
        const type = optional(q, "type");
        const from = optional(q, "from");
        if (type) p.type = type;
        if (from) p.from = from;
        return dnsQuery(analysis(), p);
      },
      lint: () => {
        const out: ApiLint = { findings: [...analysis().findings()] };
        return out;
      },
      live: () => {
        if (!options.live)
          throw new HttpError(404, "NotLive", "no data plane runs here: start `michi up` for live data");
        return liveSummary(options.live);
      },
      "live/flows": (q, req, res) => {
        if (!options.live)
          throw new HttpError(404, "NotLive", "no data plane runs here: start `michi up` for live data");
        streamFlows(options.live, q, req, res);
        return undefined;
      },
    };

  const handleApply = async (req: IncomingMessage, res: ServerResponse) => {
    if (!options.apply || !options.token)
      throw new HttpError(403, "Forbidden", "apply needs a token: none was configured");
    if (!isLoopback(req.socket.remoteAddress))
      throw new HttpError(403, "Forbidden", "apply is only accepted from loopback");
    if (!tokenMatches(options.token, req))
      throw new HttpError(401, "Unauthorized", "apply needs the token printed at startup");
    const body = await readBody(req);
    const result = await options.apply(body);
    sendJSON(res, result.ok ? 200 : 422, result);
  };

  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    if (path === "/api" || path.startsWith("/api/")) {
      const route = path.slice(5);
      // Paths this handler does not own fall through (the `up` admin API serves /api/flows, /api/up/…).
      if (route === "apply" ? !options.apply : !Object.hasOwn(readOnly, route)) return false;
      void (async () => {
        try {
          if (!hostAllowed(req.headers.host)) {
            throw new HttpError(
              403,
              "Forbidden",
              `host ${JSON.stringify(req.headers.host)} is not a loopback name or address`,
            );
          }
          if (route === "apply") {
            if (req.method !== "POST") throw new HttpError(405, "MethodNotAllowed", "use POST");
            await handleApply(req, res);
            return;
          }
          const h = readOnly[route]!;
          if (req.method !== "GET" && req.method !== "HEAD")
            throw new HttpError(405, "MethodNotAllowed", "the API is read-only: use GET");
          const body = h(url.searchParams, req, res);
          if (!res.headersSent) sendJSON(res, 200, body);
        } catch (err) {
          if (!res.headersSent) sendError(res, err);
          else res.end();
        }
      })();
      return true;
    }
    if (isStaticPath(path)) {
      serveStatic(staticDir, path, req, res).catch((err: unknown) => {
        if (!res.headersSent) sendError(res, err);
      });
      return true;
    }
    return false;
  };
}
