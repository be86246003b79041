/**
 * Write verbs: create (generateName, AlreadyExists), update (409 on a stale
 * resourceVersion), patch (strategic merge, JSON merge, JSON patch,
 * server-side apply), delete and deletecollection. Every write goes through
 * host.apply/delete — michi's validate → compile → swap — so a refused write
 * is a 422 Invalid whose causes carry the field paths, and nothing changes.
 * Objects michi's controllers derive (pods of a Deployment, EndpointSlices,
 * system objects) are read-only, as a controller owns them.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Diagnostic } from "../api/diagnostics.js";
import type { KubeObject } from "../api/types.js";
import { type ManagedFieldsEntry, recordUpdate, serverSideApply } from "./apply.js";
import type { ApiContext, Target } from "./context.js";
import { recordEvent } from "./events.js";
import { pruneUnknown } from "./field-validation.js";
import type { HostChangeResult } from "./host.js";
import { decodeBody, decodeObject, mediaType, type Query, readBody, sendObject } from "./http-io.js";
import { kindSchemaName } from "./openapi.js";
import { applyJsonMergePatch } from "./patch/json-merge.js";
import { applyJsonPatch } from "./patch/json-patch.js";
import { patchSchemaFor } from "./patch/schema-lookup.js";
import { PatchError, strategicMergePatch } from "./patch/strategic-merge.js";
import { selected } from "./read.js";
import { type Entry, entryKey, stripServerFields } from "./registry.js";
import { type ApiResource, groupVersion } from "./resources.js";
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  invalid,
  notFound,
  type StatusCause,
} from "./status.js";

type M = Record<string, unknown>;

export interface WriteParams {
  dryRun: boolean;
  fieldValidation: "Strict" | "Warn" | "Ignore";
  fieldManager: string | undefined;
  force: boolean;
}

export function writeParams(q: Query): WriteParams {
  const dry = q.get("dryRun");
  if (dry !== undefined && dry !== "All")
    throw badRequest(`dryRun: Unsupported value: "${dry}": supported values: "All"`);
  const fv = q.get("fieldValidation") ?? "Warn";
  if (fv !== "Strict" && fv !== "Warn" && fv !== "Ignore") {
    throw badRequest(
      `fieldValidation: Unsupported value: "${fv}": supported values: "Ignore", "Strict", "Warn"`,
    );
  }
  return {
    dryRun: dry === "All",
    fieldValidation: fv,
    fieldManager: q.get("fieldManager"),
    force: q.flag("force"),
  };
}

const GENERATE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

function generatedName(prefix: string): string {
  let s = prefix;
  for (let i = 0; i < 5; i++) s += GENERATE_ALPHABET[Math.floor(Math.random() * GENERATE_ALPHABET.length)];
  return s;
}

/** Diagnostics of a refused change → the 422's causes. */
function causesOf(diags: readonly Diagnostic[], target: KubeObject): StatusCause[] {
  return diags
    .filter((d) => d.severity === "error")
    .map((d) => {
      const other =
        d.name !== undefined &&
        (d.name !== target.metadata?.name || (d.kind !== undefined && d.kind !== target.kind));
      const ref = other ? `${d.kind ?? ""} ${d.namespace ? `${d.namespace}/` : ""}${d.name}: ` : "";
      return {
        reason: d.code.startsWith("Field") ? d.code : "FieldValueInvalid",
        message: `${ref}${d.message}`,
        ...(d.field ? { field: d.field } : {}),
      };
    });
}

function refused(res: ApiResource, obj: KubeObject, r: HostChangeResult): ApiError {
  const name = obj.metadata?.name ?? "";
  const nf = r.diagnostics.find((d) => d.code === "NotFound");
  if (nf) return notFound(res, name);
  return invalid(res, name, causesOf(r.diagnostics, obj));
}

/** Fills apiVersion/kind, checks they and the namespace match the URL. */
function normalize(t: Target, obj: KubeObject): KubeObject {
  const gv = groupVersion(t.res);
  if (obj.apiVersion === undefined) obj.apiVersion = gv;
  if (obj.kind === undefined) obj.kind = t.res.kind;
  if (obj.apiVersion !== gv || obj.kind !== t.res.kind) {
    throw badRequest(
      `the API version in the data (${obj.apiVersion}) does not match the expected API version (${gv}) or kind ${obj.kind} is not ${t.res.kind}`,
    );
  }
  obj.metadata ??= {};
  if (t.res.namespaced) {
    const ns = obj.metadata.namespace;
    if (ns !== undefined && ns !== "" && t.namespace !== undefined && ns !== t.namespace) {
      throw badRequest(
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    }
    obj.metadata.namespace = t.namespace ?? ns ?? "default";
  } else delete obj.metadata.namespace;
  return obj;
}

/** Applies fieldValidation: prunes unknown fields; Strict refuses them, Warn reports them. */
function validateFields(
  ctx: ApiContext,
  t: Target,
  obj: KubeObject,
  p: WriteParams,
  warnings: string[],
): void {
  const unknown = pruneUnknown(ctx.schema, kindSchemaName(t.res), obj).map((f) => f.replace(/^\./, ""));
  if (unknown.length === 0 || p.fieldValidation === "Ignore") return;
  if (p.fieldValidation === "Strict") {
    throw badRequest(
      `${t.res.kind} in version "${t.res.version}" cannot be handled as a ${t.res.kind}: strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(", ")}`,
    );
  }
  for (const f of unknown) warnings.push(`unknown field "${f}"`);
}

function warningHeaders(warnings: string[]): Record<string, string> {
  if (warnings.length === 0) return {};
  return { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(", ") };
}

/** What the host stores: no server metadata, no controller-written status. */
function forHost(res: ApiResource, obj: KubeObject): KubeObject {
  const o = stripServerFields(obj);
  if (res.kind !== "Node") delete (o as M).status;
  return o;
}

/** The manager a write is recorded for: `fieldManager`, else the client's User-Agent program. */
function managerOf(req: IncomingMessage, p: WriteParams): string {
  if (p.fieldManager) return p.fieldManager;
  const ua = req.headers["user-agent"] ?? "unknown";
  return (ua.split("/")[0] ?? "unknown").slice(0, 128);
}

/**
 * Hands the object to the host and returns it as now served. `managed` is the
 * object's managedFields after this write; it is kept only if the write succeeds.
 */
async function store(
  ctx: ApiContext,
  t: Target,
  obj: KubeObject,
  p: WriteParams,
  managed?: ManagedFieldsEntry[],
): Promise<KubeObject> {
  const key = entryKey(t.res, obj.metadata?.namespace, obj.metadata?.name ?? "");
  const before = ctx.registry.get(key)?.resourceVersion;
  const previous = ctx.registry.managedFields.get(key);
  // Set first: the host may announce the new snapshot (and the registry diff it) before apply resolves.
  if (managed && !p.dryRun) ctx.registry.managedFields.set(key, managed);
  const r = await ctx.host.apply([forHost(t.res, obj)], { dryRun: p.dryRun });
  if (!r.ok || p.dryRun) {
    if (previous) ctx.registry.managedFields.set(key, previous);
    else ctx.registry.managedFields.delete(key);
    if (!r.ok) {
      const err = refused(t.res, obj, r);
      const live = ctx.registry.get(key);
      if (live && !p.dryRun)
        recordEvent(
          ctx.registry,
          live.object,
          "Warning",
          "FailedValidation",
          `michi refused the change: ${err.message}`,
          "michi-apiserver",
        );
      throw err;
    }
    return obj;
  }
  ctx.sync();
  const e = ctx.registry.get(key);
  // Same content, new owners: still a change of the object (its managedFields).
  if (e && managed && e.resourceVersion === before && JSON.stringify(previous) !== JSON.stringify(managed)) {
    ctx.registry.touch(key);
  }
  return ctx.registry.get(key)?.object ?? obj;
}

function writable(t: Target, e: Entry): void {
  if (!e.desired) {
    const owner = e.object.metadata?.ownerReferences?.[0];
    const why = owner
      ? `it is managed by michi's controllers for ${owner.kind} ${owner.name}: change the ${owner.kind} instead`
      : "it is a system object michi's controllers maintain";
    throw forbidden(t.res, e.object.metadata?.name ?? "", why);
  }
}

export async function create(
  ctx: ApiContext,
  t: Target,
  req: IncomingMessage,
  res: ServerResponse,
  q: Query,
): Promise<void> {
  const p = writeParams(q);
  const obj = normalize(t, decodeObject(await readBody(req), mediaType(req)));
  const warnings: string[] = [];
  validateFields(ctx, t, obj, p, warnings);
  await ctx.exclusive(async () => {
    const meta = obj.metadata ?? {};
    if (!meta.name && meta.generateName) meta.name = generatedName(meta.generateName);
    if (!meta.name) {
      throw invalid(t.res, "", [
        {
          reason: "FieldValueRequired",
          message: "Required value: name or generateName is required",
          field: "metadata.name",
        },
      ]);
    }
    if (ctx.registry.get(entryKey(t.res, meta.namespace, meta.name))) throw alreadyExists(t.res, meta.name);
    if (meta.resourceVersion) {
      throw badRequest("resourceVersion should not be set on objects to be created");
    }
    const stored = await store(ctx, t, obj, p, recordUpdate(ctx, t, undefined, obj, managerOf(req, p)));
    const out = p.dryRun
      ? {
          ...stored,
          metadata: {
            ...stored.metadata,
            uid: randomUUID(),
            creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
          },
        }
      : stored;
    sendObject(req, res, 201, out, warningHeaders(warnings));
  });
}

function current(ctx: ApiContext, t: Target): Entry {
  const name = t.name as string;
  const e = ctx.registry.get(entryKey(t.res, t.namespace, name));
  if (!e) throw notFound(t.res, name);
  return e;
}

export async function update(
  ctx: ApiContext,
  t: Target,
  req: IncomingMessage,
  res: ServerResponse,
  q: Query,
): Promise<void> {
  const p = writeParams(q);
  const obj = normalize(t, decodeObject(await readBody(req), mediaType(req)));
  if (obj.metadata?.name !== t.name) {
    throw badRequest(
      `the name of the object (${obj.metadata?.name ?? ""}) does not match the name on the URL (${t.name})`,
    );
  }
  const warnings: string[] = [];
  validateFields(ctx, t, obj, p, warnings);
  await ctx.exclusive(async () => {
    const e = current(ctx, t);
    writable(t, e);
    const rv = obj.metadata?.resourceVersion;
    if (rv && rv !== String(e.resourceVersion)) {
      throw conflict(
        t.res,
        t.name as string,
        "the object has been modified; please apply your changes to the latest version and try again",
      );
    }
    const managed = recordUpdate(ctx, t, e.object, obj, managerOf(req, p));
    sendObject(req, res, 200, await store(ctx, t, obj, p, managed), warningHeaders(warnings));
  });
}

export function applyPatch(
  ctx: ApiContext,
  t: Target,
  base: KubeObject,
  type: string,
  body: Buffer,
): KubeObject {
  const patch = decodeBody(body, type === "application/json-patch+json" ? "application/json" : type);
  try {
    if (type === "application/json-patch+json") return applyJsonPatch(base as M, patch) as KubeObject;
    if (type === "application/merge-patch+json") return applyJsonMergePatch(base as M, patch) as KubeObject;
    if (type === "application/strategic-merge-patch+json") {
      const s = patchSchemaFor(ctx.schema, kindSchemaName(t.res));
      if (!s)
        throw new ApiError(
          415,
          "UnsupportedMediaType",
          `strategic merge patch is not supported for ${t.res.kind}: use a JSON merge patch`,
        );
      if (patch === null || typeof patch !== "object" || Array.isArray(patch))
        throw new PatchError("a strategic merge patch must be a JSON object");
      return strategicMergePatch(base as M, patch as M, s) as KubeObject;
    }
  } catch (err) {
    if (err instanceof PatchError) throw new ApiError(422, "Invalid", err.message);
    throw err;
  }
  throw new ApiError(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${type})`,
  );
}

export async function patch(
  ctx: ApiContext,
  t: Target,
  req: IncomingMessage,
  res: ServerResponse,
  q: Query,
): Promise<void> {
  const p = writeParams(q);
  const type = mediaType(req);
  const body = await readBody(req);
  await ctx.exclusive(async () => {
    const key = entryKey(t.res, t.namespace, t.name as string);
    const e = ctx.registry.get(key);
    if (type === "application/apply-patch+yaml") {
      if (!p.fieldManager)
        throw badRequest(
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        );
      if (e) writable(t, e);
      const result = serverSideApply(ctx, t, e?.object, decodeObject(body, type), p);
      const obj = normalize(t, result.object);
      const warnings: string[] = [];
      validateFields(ctx, t, obj, p, warnings);
      const stored = await store(ctx, t, obj, p, result.managedFields);
      sendObject(req, res, e ? 200 : 201, stored, warningHeaders(warnings));
      return;
    }
    if (!e) throw notFound(t.res, t.name as string);
    writable(t, e);
    const patched = normalize(t, applyPatch(ctx, t, e.object, type, body));
    if (patched.metadata?.name !== t.name) throw badRequest("a patch may not change the object's name");
    const rv = patched.metadata?.resourceVersion;
    if (rv && rv !== String(e.resourceVersion)) {
      throw conflict(
        t.res,
        t.name as string,
        "the object has been modified; please apply your changes to the latest version and try again",
      );
    }
    const warnings: string[] = [];
    validateFields(ctx, t, patched, p, warnings);
    const managed = recordUpdate(ctx, t, e.object, patched, managerOf(req, p));
    sendObject(req, res, 200, await store(ctx, t, patched, p, managed), warningHeaders(warnings));
  });
}

function identity(o: KubeObject): KubeObject {
  return {
    ...(o.apiVersion ? { apiVersion: o.apiVersion } : {}),
    ...(o.kind ? { kind: o.kind } : {}),
    metadata: {
      name: o.metadata?.name ?? "",
      ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}),
    },
  };
}

/** Objects a namespace deletion takes with it: the user's objects in it. */
function inNamespace(ctx: ApiContext, ns: string): KubeObject[] {
  return (ctx.registry.snapshot?.objects ?? []).filter(
    (o) => o.kind !== "Namespace" && o.metadata?.namespace === ns,
  );
}

export async function remove(
  ctx: ApiContext,
  t: Target,
  req: IncomingMessage,
  res: ServerResponse,
  q: Query,
): Promise<void> {
  const p = writeParams(q);
  await ctx.exclusive(async () => {
    const e = current(ctx, t);
    writable(t, e);
    const targets = [identity(e.object)];
    if (t.res.kind === "Namespace")
      targets.push(...inNamespace(ctx, e.object.metadata?.name ?? "").map(identity));
    const r = await ctx.host.delete(targets, { dryRun: p.dryRun });
    if (!r.ok) throw refused(t.res, e.object, r);
    if (!p.dryRun) ctx.sync();
    sendObject(req, res, 200, e.object);
  });
}

export async function removeCollection(
  ctx: ApiContext,
  t: Target,
  req: IncomingMessage,
  res: ServerResponse,
  q: Query,
): Promise<void> {
  const p = writeParams(q);
  await ctx.exclusive(async () => {
    const items = selected(ctx, t, q).filter((o) => {
      const e = ctx.registry.get(entryKey(t.res, o.metadata?.namespace, o.metadata?.name ?? ""));
      return e?.desired === true;
    });
    if (items.length > 0) {
      const r = await ctx.host.delete(items.map(identity), { dryRun: p.dryRun });
      if (!r.ok) throw refused(t.res, items[0] as KubeObject, r);
      if (!p.dryRun) ctx.sync();
    }
    sendObject(req, res, 200, {
      kind: `${t.res.kind}List`,
      apiVersion: groupVersion(t.res),
      metadata: { resourceVersion: String(ctx.registry.resourceVersion) },
      items,
    });
  });
}
