/**
 * Subresources: `pods/log` (a command pod's output; `follow`, `tailLines`,
 * `limitBytes`), the status subresources (read), and `deployments|statefulsets|replicasets/scale`
 * (autoscaling/v1 Scale: get, update, patch — what `kubectl scale` uses).
 * `pods/portforward` arrives as an upgrade (upgrades.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { KubeObject } from "../api/types.js";
import type { ApiContext, Target } from "./context.js";
import { decodeObject, mediaType, type Query, readBody, sendJson, sendObject } from "./http-io.js";
import { applyJsonMergePatch } from "./patch/json-merge.js";
import { applyJsonPatch } from "./patch/json-patch.js";
import { entryKey } from "./registry.js";
import { groupVersion } from "./resources.js";
import { ApiError, badRequest, conflict, invalid, notFound } from "./status.js";
import { writeParams } from "./write.js";

type M = Record<string, unknown>;

function entryOf(ctx: ApiContext, t: Target) {
  const e = ctx.registry.get(entryKey(t.res, t.namespace, t.name as string));
  if (!e) throw notFound(t.res, t.name as string);
  return e;
}

function tail(text: string, lines: number): string {
  if (lines < 0) return text;
  const parts = text.split("\n");
  const hasTrailing = parts[parts.length - 1] === "";
  if (hasTrailing) parts.pop();
  const kept = lines === 0 ? [] : parts.slice(-lines);
  return kept.length ? `${kept.join("\n")}${hasTrailing ? "\n" : ""}` : "";
}

function podLog(ctx: ApiContext, t: Target, req: IncomingMessage, res: ServerResponse, q: Query): void {
  entryOf(ctx, t);
  const source = ctx.host.podLogs?.(t.namespace ?? "default", t.name as string);
  if (!source) {
    throw badRequest(
      `pod ${t.name} runs michi's built-in server, which writes no log (pods with a michi.dev/command annotation do)`,
    );
  }
  const tailLines = q.get("tailLines");
  let text = source.text();
  if (tailLines !== undefined) text = tail(text, Number(tailLines));
  const limit = Number(q.get("limitBytes") ?? 0);
  if (limit > 0) text = text.slice(0, limit);
  res.writeHead(200, { "Content-Type": "text/plain", "Transfer-Encoding": "chunked" });
  res.write(text);
  if (!q.flag("follow") || !source.follow) {
    res.end();
    return;
  }
  res.flushHeaders();
  const stop = source.follow((chunk) => res.write(chunk));
  req.on("close", stop);
  res.on("close", stop);
}

function scaleOf(o: KubeObject, t: Target): M {
  const spec = (o.spec ?? {}) as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  const status = (o.status ?? {}) as { replicas?: number };
  const sel = Object.entries(spec.selector?.matchLabels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: o.metadata?.name,
      namespace: o.metadata?.namespace,
      uid: o.metadata?.uid,
      resourceVersion: o.metadata?.resourceVersion,
      creationTimestamp: o.metadata?.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 1 },
    status: { replicas: status.replicas ?? 0, ...(sel ? { selector: sel } : {}) },
    _kind: t.res.kind,
  };
}

async function scale(
  ctx: ApiContext,
  t: Target,
  req: IncomingMessage,
  res: ServerResponse,
  q: Query,
): Promise<void> {
  const method = req.method ?? "GET";
  if (method === "GET") {
    const { _kind, ...s } = scaleOf(entryOf(ctx, t).object, t);
    void _kind;
    return sendJson(res, 200, s);
  }
  if (method !== "PUT" && method !== "PATCH")
    throw new ApiError(405, "MethodNotAllowed", `${method} is not supported on scale`);
  const p = writeParams(q);
  const body = await readBody(req);
  await ctx.exclusive(async () => {
    const e = entryOf(ctx, t);
    if (!e.desired)
      throw badRequest(`${t.res.kind} ${t.name} is derived by michi's controllers: scale its owner`);
    const { _kind, ...current } = scaleOf(e.object, t);
    void _kind;
    let next: M;
    const type = mediaType(req);
    if (method === "PUT") next = decodeObject(body, type) as M;
    else if (type === "application/json-patch+json")
      next = applyJsonPatch(current, JSON.parse(body.toString("utf8")));
    else next = applyJsonMergePatch(current, JSON.parse(body.toString("utf8")));
    const rv = (next.metadata as M | undefined)?.resourceVersion;
    if (method === "PUT" && rv && rv !== String(e.resourceVersion)) {
      throw conflict(
        t.res,
        t.name as string,
        "the object has been modified; please apply your changes to the latest version and try again",
      );
    }
    const replicas = (next.spec as M | undefined)?.replicas;
    if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
      throw invalid({ group: "autoscaling", plural: "scale", kind: "Scale" }, t.name as string, [
        {
          reason: "FieldValueInvalid",
          message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
          field: "spec.replicas",
        },
      ]);
    }
    const obj = { ...e.object, spec: { ...(e.object.spec as M), replicas } } as KubeObject;
    const meta = { ...obj.metadata } as M;
    for (const f of ["uid", "resourceVersion", "creationTimestamp", "generation", "managedFields"])
      delete meta[f];
    const forHost = { ...obj, metadata: meta } as KubeObject;
    delete (forHost as M).status;
    const r = await ctx.host.apply([forHost], { dryRun: p.dryRun });
    if (!r.ok) {
      throw invalid(
        t.res,
        t.name as string,
        r.diagnostics
          .filter((d) => d.severity === "error")
          .map((d) => ({
            reason: "FieldValueInvalid",
            message: d.message,
            ...(d.field ? { field: d.field } : {}),
          })),
      );
    }
    if (!p.dryRun) ctx.sync();
    const { _kind: k2, ...s } = scaleOf(entryOf(ctx, t).object, t);
    void k2;
    sendJson(res, 200, p.dryRun ? { ...s, spec: { replicas } } : s);
  });
}

export async function handleSubresource(
  ctx: ApiContext,
  t: Target,
  req: IncomingMessage,
  res: ServerResponse,
  q: Query,
): Promise<void> {
  const sub = t.subresource;
  if (sub === "log" && t.res.kind === "Pod" && req.method === "GET") return podLog(ctx, t, req, res, q);
  if (sub === "status" && req.method === "GET") return sendObject(req, res, 200, entryOf(ctx, t).object);
  if (sub === "scale" && ["Deployment", "StatefulSet", "ReplicaSet"].includes(t.res.kind))
    return scale(ctx, t, req, res, q);
  if (sub === "status") {
    throw new ApiError(
      405,
      "MethodNotAllowed",
      `${groupVersion(t.res)} ${t.res.plural}/status is written by michi's controllers`,
    );
  }
  throw new ApiError(
    404,
    "NotFound",
    `the server could not find the requested resource (${t.res.plural}/${sub ?? ""})`,
  );
}
