/**
 * The Kubernetes API server of `michi up --api`: HTTPS on a loopback address
 * with the instance's serving certificate, bearer-token authentication (401
 * with the API server's Status body otherwise), discovery, OpenAPI v3, and
 * the resource paths (`/api/v1/…`, `/apis/GROUP/VERSION/…`, namespaced and
 * cluster-scoped) routed to the read, write and subresource handlers.
 *
 * `startKubeApi(host, {address, stateDir})` is the one entry point `up` calls.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { MichiError } from "../api/diagnostics.js";
import { ApiContext, type Target } from "./context.js";
import { generateCredentials } from "./credentials.js";
import {
  aggregatedContentType,
  aggregatedDiscovery,
  aggregatedVersion,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  type ServedVersion,
  versionInfo,
} from "./discovery.js";
import type { KubeApiHost } from "./host.js";
import { queryOf, sendError, sendJson } from "./http-io.js";
import { defaultKubeconfigPath, kubeconfigText, writeKubeconfig } from "./kubeconfig.js";
import { buildOpenApi, type OpenApiDocs } from "./openapi.js";
import { OPENAPI_V2_PROTOBUF, openapiV2Json, openapiV2Protobuf } from "./openapi-v2.js";
import { getOne, list, watch } from "./read.js";
import { resourceFor } from "./resources.js";
import { ApiError, methodNotAllowed, unauthorized } from "./status.js";
import { handleSubresource } from "./subresources.js";
import { handleUpgrades } from "./upgrades.js";
import { create, patch, remove, removeCollection, update } from "./write.js";

export interface KubeApiOptions {
  /** `HOST:PORT` on loopback (port 0 picks a free one). */
  address: string;
  /** Directory for the kubeconfig (default `$MICHI_STATE_DIR` or `~/.michi`). */
  stateDir?: string;
  /** Write the kubeconfig to this exact path instead. */
  kubeconfigPath?: string;
  /** The Kubernetes version /version reports (default 1.33). */
  version?: ServedVersion;
  /** Watch events kept for resuming watches (default 10 000). */
  eventLogLimit?: number;
  log?: (line: string) => void;
}

export interface KubeApi {
  url: string;
  kubeconfigPath: string;
  /** The bearer token (also in the kubeconfig). */
  token: string;
  caCert: string;
  close(): Promise<void>;
}

function parseAddress(address: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(address);
  if (!m) throw new MichiError("BadAddress", `--api ${address}: expected HOST:PORT`);
  const host = (m[1] as string).replace(/^\[|\]$/g, "");
  if (!/^127\.\d+\.\d+\.\d+$/.test(host) && host !== "localhost" && host !== "::1") {
    throw new MichiError(
      "NotLoopback",
      `--api ${address}: the API server binds to loopback only (127.0.0.0/8)`,
    );
  }
  return { host, port: Number(m[2]) };
}

function tokenOk(req: IncomingMessage, token: Buffer): boolean {
  const h = req.headers.authorization ?? "";
  if (!h.startsWith("Bearer ")) return false;
  const got = Buffer.from(h.slice(7).trim());
  return got.length === token.length && timingSafeEqual(got, token);
}

/** Splits a resource path into its target, or undefined if it is not one. */
export function parseResourcePath(segs: string[]): Target | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === "api" && segs.length >= 3) {
    group = "";
    version = segs[1] as string;
    rest = segs.slice(2);
  } else if (segs[0] === "apis" && segs.length >= 4) {
    group = segs[1] as string;
    version = segs[2] as string;
    rest = segs.slice(3);
  } else return undefined;
  if (rest[0] === "watch") rest = rest.slice(1);
  if (rest[0] === "namespaces" && rest.length >= 3) {
    const res = resourceFor(group, version, rest[2] as string);
    if (res?.namespaced) {
      return { res, namespace: rest[1], name: rest[3], subresource: rest[4] };
    }
  }
  const res = resourceFor(group, version, rest[0] as string);
  if (!res) return undefined;
  return { res, namespace: undefined, name: rest[1], subresource: rest[2] };
}

export async function startKubeApi(host: KubeApiHost, options: KubeApiOptions): Promise<KubeApi> {
  const { host: bindHost, port } = parseAddress(options.address);
  const creds = await generateCredentials(bindHost);
  const served = options.version ?? { major: "1", minor: "33" };
  const gitVersion = `v${served.major}.${served.minor}.0`;
  const openapi: OpenApiDocs = buildOpenApi(gitVersion);
  const ctx = new ApiContext(host, options.eventLogLimit);
  const token = Buffer.from(creds.token);
  const closing = new Set<() => void>();
  const sockets = new Set<Socket>();
  let serverAddress = "";

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "https://localhost");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    if (path === "/livez" || path === "/readyz" || path === "/healthz") {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("ok");
      return;
    }
    if (!tokenOk(req, token)) throw unauthorized();
    const method = req.method ?? "GET";
    const q = queryOf(url);
    if (method === "GET") {
      if (path === "/version") return sendJson(res, 200, versionInfo(served));
      if (path === "/api" || path === "/apis") {
        const agg = aggregatedVersion(req.headers.accept);
        if (agg) {
          return sendJson(res, 200, aggregatedDiscovery(path === "/api", agg), {
            "Content-Type": aggregatedContentType(agg),
            Vary: "Accept",
          });
        }
        return sendJson(res, 200, path === "/api" ? apiVersions(serverAddress) : apiGroupList(), {
          Vary: "Accept",
        });
      }
      if (path === "/openapi/v3") return sendJson(res, 200, openapi.index);
      if (path === "/openapi/v2") {
        if ((req.headers.accept ?? "").includes("protobuf")) {
          const body = openapiV2Protobuf(gitVersion);
          res.writeHead(200, { "Content-Type": OPENAPI_V2_PROTOBUF, "Content-Length": body.length });
          res.end(body);
          return;
        }
        return sendJson(res, 200, openapiV2Json(gitVersion));
      }
      if (path.startsWith("/openapi/v3/")) {
        const doc = openapi.docs.get(path.slice("/openapi/v3/".length));
        if (!doc) throw new ApiError(404, "NotFound", `the OpenAPI document ${path} is not served`);
        res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "public, immutable" });
        res.end(doc);
        return;
      }
    }
    const segs = path.split("/").filter((s) => s !== "");
    if (method === "GET" && segs[0] === "api" && segs.length === 2) {
      const l = apiResourceList("", segs[1] as string);
      if (l) return sendJson(res, 200, l);
    }
    if (method === "GET" && segs[0] === "apis" && segs.length === 2) {
      const g = apiGroup(segs[1] as string);
      if (g) return sendJson(res, 200, g);
    }
    if (method === "GET" && segs[0] === "apis" && segs.length === 3) {
      const l = apiResourceList(segs[1] as string, segs[2] as string);
      if (l) return sendJson(res, 200, l);
    }
    const t = parseResourcePath(segs);
    if (!t) throw new ApiError(404, "NotFound", "the server could not find the requested resource");
    const legacyWatch = segs.includes("watch") && segs.indexOf("watch") <= 3;
    ctx.registry.ensure(t.res);
    if (t.subresource) return handleSubresource(ctx, t, req, res, q);
    if (t.name === undefined) {
      if (method === "GET") {
        if (q.flag("watch") || legacyWatch) return watch(ctx, t, req, res, q, closing);
        return list(ctx, t, req, res, q);
      }
      if (method === "POST") return create(ctx, t, req, res, q);
      if (method === "DELETE") return removeCollection(ctx, t, req, res, q);
      throw methodNotAllowed(`${method} is not supported on a collection of ${t.res.plural}`);
    }
    switch (method) {
      case "GET":
        if (q.flag("watch") || legacyWatch) return watch(ctx, t, req, res, q, closing);
        return getOne(ctx, t, req, res, q);
      case "PUT":
        return update(ctx, t, req, res, q);
      case "PATCH":
        return patch(ctx, t, req, res, q);
      case "DELETE":
        return remove(ctx, t, req, res, q);
      default:
        throw methodNotAllowed(`${method} is not supported on ${t.res.plural}`);
    }
  };

  const server: Server = createServer({ cert: creds.cert, key: creds.key, ca: creds.caCert }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof ApiError) {
        sendError(res, err);
        return;
      }
      options.log?.(`kubeapi: ${req.method} ${req.url}: ${(err as Error).stack ?? String(err)}`);
      sendError(
        res,
        new ApiError(500, "InternalError", `Internal error occurred: ${(err as Error).message}`),
      );
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  handleUpgrades(server, ctx, token);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, bindHost, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const hostPart = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  serverAddress = `${hostPart}:${addr.port}`;
  const url = `https://${serverAddress}`;
  const kubeconfigPath = options.kubeconfigPath ?? defaultKubeconfigPath(options.stateDir);
  try {
    await writeKubeconfig(kubeconfigPath, kubeconfigText(url, creds.caCert, creds.token));
  } catch (err) {
    server.close();
    throw err;
  }
  return {
    url,
    kubeconfigPath,
    token: creds.token,
    caCert: creds.caCert,
    async close() {
      for (const stop of [...closing]) stop();
      ctx.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}
