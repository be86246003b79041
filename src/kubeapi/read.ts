/**
 * GET verbs: get one object, list (label/field selectors, limit/continue,
 * Table output) and watch (newline-delimited events from a resourceVersion,
 * the initial ADDED set, BOOKMARKs, timeoutSeconds, 410 for a compacted
 * version; headers flushed at once, tables in events too).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { KubeObject } from "../api/types.js";
import type { ApiContext, Target } from "./context.js";
import { type Query, sendJson, sendObject } from "./http-io.js";
import { entryKey, type RegistryEvent } from "./registry.js";
import { groupVersion } from "./resources.js";
import { fieldMatcher, labelMatcher, type Matcher } from "./selectors.js";
import { badRequest, gone, notFound } from "./status.js";
import { columnDefinitions, type IncludeObject, table, tableRow, wantsTable } from "./table.js";

export const TABLE_TYPE = "application/json;as=Table;v=v1;g=meta.k8s.io";

function includeOf(q: Query): IncludeObject {
  const v = q.get("includeObject");
  return v === "None" || v === "Object" ? v : "Metadata";
}

export function getOne(
  ctx: ApiContext,
  t: Target,
  req: IncomingMessage,
  res: ServerResponse,
  q: Query,
): void {
  const name = t.name as string;
  const e = ctx.registry.get(entryKey(t.res, t.namespace, name));
  if (!e) throw notFound(t.res, name);
  if (wantsTable(req.headers.accept)) {
    const body = table(t.res, [e.object], ctx.tableContext(), includeOf(q), {
      resourceVersion: String(e.resourceVersion),
    });
    sendJson(res, 200, body, { "Content-Type": TABLE_TYPE });
    return;
  }
  sendObject(req, res, 200, e.object);
}

export function matcherOf(t: Target, q: Query): Matcher {
  const l = labelMatcher(q.get("labelSelector"));
  const f = fieldMatcher(q.get("fieldSelector"), t.res.kind, t.res.plural);
  return (o) => (!l || l(o)) && (!f || f(o));
}

function decodeContinue(token: string | undefined): number {
  if (!token) return 0;
  try {
    const v = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { o?: number };
    if (typeof v.o === "number" && v.o >= 0) return v.o;
  } catch {
    // fall through
  }
  throw badRequest("the continue token is not valid (it must come from a previous list)");
}

export function selected(ctx: ApiContext, t: Target, q: Query): KubeObject[] {
  const match = matcherOf(t, q);
  return ctx.registry
    .list(t.res, t.res.namespaced ? t.namespace : undefined)
    .map((e) => e.object)
    .filter(match);
}

export function list(ctx: ApiContext, t: Target, req: IncomingMessage, res: ServerResponse, q: Query): void {
  const all = selected(ctx, t, q);
  const offset = decodeContinue(q.get("continue"));
  const limit = Number(q.get("limit") ?? 0);
  const page = limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset);
  const next = offset + page.length;
  const meta: Record<string, string> = { resourceVersion: String(ctx.registry.resourceVersion) };
  const more = limit > 0 && next < all.length;
  if (more) meta.continue = Buffer.from(JSON.stringify({ o: next })).toString("base64url");
  if (wantsTable(req.headers.accept)) {
    const body = table(t.res, page, ctx.tableContext(), includeOf(q), meta);
    if (more) (body as { metadata: Record<string, unknown> }).metadata.remainingItemCount = all.length - next;
    sendJson(res, 200, body, { "Content-Type": TABLE_TYPE });
    return;
  }
  sendJson(res, 200, {
    kind: `${t.res.kind}List`,
    apiVersion: groupVersion(t.res),
    metadata: more ? { ...meta, remainingItemCount: all.length - next } : meta,
    items: page,
  });
}

/** A watch stream; ends on timeoutSeconds, client close or server close. */
export function watch(
  ctx: ApiContext,
  t: Target,
  req: IncomingMessage,
  res: ServerResponse,
  q: Query,
  closing: Set<() => void>,
): void {
  const match = matcherOf(t, q);
  const asTable = wantsTable(req.headers.accept);
  const include = includeOf(q);
  const bookmarks = q.flag("allowWatchBookmarks");
  const rvParam = q.get("resourceVersion");
  res.writeHead(200, {
    "Content-Type": asTable ? TABLE_TYPE : "application/json",
    "Transfer-Encoding": "chunked",
    "Cache-Control": "no-cache, private",
  });
  res.flushHeaders();
  let columnsSent = false;
  const known = new Set<string>();
  const keyOf = (o: KubeObject) => entryKey(t.res, o.metadata?.namespace, o.metadata?.name ?? "");
  const inScope = (o: KubeObject) =>
    !t.res.namespaced || t.namespace === undefined || o.metadata?.namespace === t.namespace;
  const nameOk = (o: KubeObject) => t.name === undefined || o.metadata?.name === t.name;
  const send = (type: string, o: KubeObject) => {
    let object: unknown = o;
    if (asTable && type !== "BOOKMARK" && type !== "ERROR") {
      object = {
        kind: "Table",
        apiVersion: "meta.k8s.io/v1",
        metadata: { resourceVersion: o.metadata?.resourceVersion ?? "" },
        columnDefinitions: columnsSent ? [] : columnDefinitions(t.res),
        rows: [tableRow(t.res, o, ctx.tableContext(), include)],
      };
      columnsSent = true;
    }
    res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const deliver = (ev: RegistryEvent) => {
    if (ev.resource !== t.res || !inScope(ev.object) || !nameOk(ev.object)) return;
    const k = keyOf(ev.object);
    const was = known.has(k);
    if (ev.type === "DELETED") {
      if (was) {
        known.delete(k);
        send("DELETED", ev.object);
      }
      return;
    }
    const now = match(ev.object);
    if (now && !was) {
      known.add(k);
      send("ADDED", ev.object);
    } else if (now && was) send("MODIFIED", ev.object);
    else if (!now && was) {
      known.delete(k);
      send("DELETED", ev.object);
    }
  };
  const bookmark = () =>
    send("BOOKMARK", {
      kind: t.res.kind,
      apiVersion: groupVersion(t.res),
      metadata: { resourceVersion: String(ctx.registry.resourceVersion) },
    });
  // Current objects, for the "known" set (and as ADDED events when starting from now).
  const current = ctx.registry
    .list(t.res, t.res.namespaced ? t.namespace : undefined)
    .map((e) => e.object)
    .filter((o) => nameOk(o) && match(o));
  if (rvParam === undefined || rvParam === "" || rvParam === "0") {
    for (const o of current) {
      known.add(keyOf(o));
      send("ADDED", o);
    }
  } else {
    const rv = Number(rvParam);
    const events = Number.isFinite(rv) ? ctx.registry.since(rv) : "expired";
    if (events === "expired") {
      const err = gone(`too old resource version: ${rvParam} (${ctx.registry.resourceVersion})`);
      res.write(`${JSON.stringify({ type: "ERROR", object: err.status })}\n`);
      res.end();
      return;
    }
    // Objects that existed at rv: the current ones minus those the replayed events introduced.
    const added = new Set(events.filter((e) => e.type === "ADDED").map((e) => keyOf(e.object)));
    for (const o of current) if (!added.has(keyOf(o))) known.add(keyOf(o));
    const deletedLater = events.filter((e) => e.type === "DELETED" && e.resource === t.res);
    for (const e of deletedLater) if (!added.has(keyOf(e.object))) known.add(keyOf(e.object));
    for (const e of events) deliver(e);
  }
  if (bookmarks) bookmark();
  const unsubscribe = ctx.registry.subscribe((events) => {
    for (const e of events) deliver(e);
  });
  const release = ctx.registry.watching(t.res);
  const timers: NodeJS.Timeout[] = [];
  if (bookmarks) timers.push(setInterval(bookmark, 30_000));
  const timeout = Number(q.get("timeoutSeconds") ?? 0);
  const stop = () => {
    unsubscribe();
    release();
    for (const tm of timers) clearInterval(tm);
    closing.delete(stop);
    if (!res.writableEnded) res.end();
  };
  if (timeout > 0) timers.push(setTimeout(stop, timeout * 1000));
  closing.add(stop);
  req.on("close", stop);
  res.on("close", stop);
}
