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
 *   http.createServer(async (req, res) => { if (!(await web(req, res))) admin(req, res); });
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody } from "../http/body.js";
import { foreignHost, isLoopback, tokenMatches } from "../http/guards.js";
import { optional, parsePort, parseProtocol, required } from "../http/query.js";
import { HttpError, sendError, sendJSON } from "../http/respond.js";
import { Router } from "../http/router.js";
import type { Snapshot } from "../snapshot/snapshot.js";
import { type Analysis, analyze } from "./analysis.js";
import type { ApiLint, ApiSummary } from "./api-types.js";
import { checkConnection } from "./check.js";
import { dnsQuery } from "./dns.js";
import { liveSummary, streamFlows, type WebLive } from "./live.js";
import { computeMatrix, type MatrixParams } from "./matrix.js";
import { listObjects, objectDetail } from "./objects.js";
import { routeQuery } from "./route.js";
import { defaultStaticDir, isStaticPath, serveStatic } from "./static-files.js";
import { buildTopology } from "./topology.js";

export type { WebLive } from "./live.js";

/** What an apply returns: `ok` false (HTTP 422) when nothing changed because of errors. */
export interface WebApplyResult {
  ok: boolean;
  [field: string]: unknown;
}

export interface WebHandlerOptions {
  /** The current snapshot; undefined while starting (the API answers 503 then). */
  getSnapshot: () => Snapshot | undefined;
  /** Present when a data plane runs (`michi up`): enables the Live view. */
  live?: WebLive;
  /** Required (as `Authorization: Bearer TOKEN` or `X-Michi-Token`) by mutating endpoints. */
  token?: string;
  /** Applies manifests (YAML text) to the running state: POST /api/apply. */
  apply?: (yamlText: string) => Promise<WebApplyResult>;
  /** Where the built front end is (default: dist/dashboard of this package). */
  staticDir?: string;
}

/** Answers the request and resolves true, or resolves false for a path it does not own. */
export type WebHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

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

  const current = (): Snapshot => {
    const snap = options.getSnapshot();
    if (!snap) throw new HttpError(503, "NotReady", "the cluster state is not loaded yet");
    return snap;
  };
  const analysis = (): Analysis => analyze(current());
  const liveOrFail = (): WebLive => {
    if (!options.live)
      throw new HttpError(404, "NotLive", "no data plane runs here: start `michi up` for live data");
    return options.live;
  };

  const router = new Router()
    .get("/api/summary", () => {
      const snap = current();
      const a = analyze(snap);
      const s = snap.state;
      const findings = a.findings();
      const out: ApiSummary = {
        mode: options.live ? "live" : "static",
        version: snap.version,
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
    })
    .get("/api/objects", ({ url }) =>
      listObjects(analysis(), optional(url.searchParams, "kind"), optional(url.searchParams, "namespace")),
    )
    .get("/api/objects/detail", ({ url }) => objectDetail(analysis(), required(url.searchParams, "id")))
    .get("/api/topology", () => {
      const a = analysis();
      return a.memo("topology", () => buildTopology(a));
    })
    .get("/api/matrix", ({ url }) => {
      const a = analysis();
      const p = matrixParams(url.searchParams);
      // The default (declared ports) is cached per snapshot; other ports are computed on demand, so the cache stays bounded.
      if (p.port !== "declared") return computeMatrix(a.engine, p);
      return a.memo(`matrix:${p.level}:${p.protocol}`, () => computeMatrix(a.engine, p));
    })
    .get("/api/check", ({ url }) => {
      const q = url.searchParams;
      return checkConnection(analysis().engine, {
        from: required(q, "from"),
        to: required(q, "to"),
        port: parsePort(required(q, "port")),
        protocol: parseProtocol(optional(q, "protocol")),
      });
    })
    .get("/api/route", ({ url }) => {
      const q = url.searchParams;
      const p: Parameters<typeof routeQuery>[1] = {
        url: required(q, "url"),
        headers: q.getAll("header").filter(Boolean),
      };
      const method = optional(q, "method");
      const from = optional(q, "from");
      if (method) p.method = method;
      if (from) p.from = from;
      return routeQuery(analysis(), p);
    })
    .get("/api/dns", ({ url }) => {
      const q = url.searchParams;
      const p: Parameters<typeof dnsQuery>[1] = { name: required(q, "name") };
      const type = optional(q, "type");
      const from = optional(q, "from");
      if (type) p.type = type;
      if (from) p.from = from;
      return dnsQuery(analysis(), p);
    })
    .get("/api/lint", () => {
      const out: ApiLint = { findings: [...analysis().findings()] };
      return out;
    })
    .get("/api/live", () => liveSummary(liveOrFail()))
    .get("/api/live/flows", ({ url, req, res }) => {
      streamFlows(liveOrFail(), url.searchParams, req, res);
      return undefined;
    });
  if (options.apply) {
    const apply = options.apply;
    router.post("/api/apply", async ({ req, res }) => {
      if (!options.token) throw new HttpError(403, "Forbidden", "apply needs a token: none was configured");
      if (!isLoopback(req.socket.remoteAddress))
        throw new HttpError(403, "Forbidden", "apply is only accepted from loopback");
      if (!tokenMatches(options.token, req))
        throw new HttpError(401, "Unauthorized", "apply needs the token printed at startup");
      const result = await apply(await readBody(req));
      sendJSON(res, result.ok ? 200 : 422, result);
      return undefined;
    });
  }

  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    if (router.owns(path)) {
      const refused = foreignHost(req);
      if (refused) {
        sendError(res, refused);
        return true;
      }
      return router.handle(req, res, url);
    }
    if (isStaticPath(path)) {
      await serveStatic(staticDir, path, req, res).catch((err: unknown) => {
        if (!res.headersSent) sendError(res, err);
      });
      return true;
    }
    return false;
  };
}
