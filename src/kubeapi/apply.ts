/**
 * Server-side apply (`application/apply-patch+yaml`) and field ownership:
 * each manager owns the leaf fields it applied or changed (managedFields,
 * FieldsV1). Applying a value that differs from the live one in a field
 * another manager owns is a conflict (409, one cause per field, as kubectl
 * prints them) unless `force=true`, which takes the field over; fields a
 * manager applied before and no longer applies are removed unless someone
 * else owns them. Other writes record an `Update` entry for their manager.
 */
import type { KubeObject } from "../api/types.js";
import type { ApiContext, Target } from "./context.js";
import {
  fromFieldsV1,
  leafPaths,
  mergeApplied,
  type Path,
  pathKey,
  removeAt,
  toFieldsV1,
  valueAt,
} from "./field-set.js";
import { kindSchemaName } from "./openapi.js";
import { stripServerFields } from "./registry.js";
import { groupVersion } from "./resources.js";
import { ApiError, badRequest, type StatusCause } from "./status.js";

type M = Record<string, unknown>;

export interface ManagedFieldsEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time: string;
  fieldsType: "FieldsV1";
  fieldsV1: M;
}

interface Owned {
  entry: ManagedFieldsEntry;
  paths: Map<string, Path>;
}

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, "Z");
}

function owned(entries: unknown): Owned[] {
  if (!Array.isArray(entries)) return [];
  return (entries as ManagedFieldsEntry[]).map((entry) => ({
    entry,
    paths: new Map(fromFieldsV1(entry.fieldsV1).map((p) => [pathKey(p), p])),
  }));
}

function toEntries(list: Owned[]): ManagedFieldsEntry[] {
  return list
    .filter((o) => o.paths.size > 0)
    .map((o) => ({ ...o.entry, fieldsV1: toFieldsV1([...o.paths.values()]) }));
}

/** `.spec.ports[port=80,protocol="TCP"].targetPort`, as the API server prints a field path. */
export function formatPath(p: Path): string {
  let s = "";
  for (const seg of p) {
    if (seg === ".") continue;
    if (seg.startsWith("f:")) s += `.${seg.slice(2)}`;
    else if (seg.startsWith("k:")) {
      const k = JSON.parse(seg.slice(2)) as M;
      s += `[${Object.entries(k)
        .map(([a, b]) => `${a}=${JSON.stringify(b)}`)
        .join(",")}]`;
    } else if (seg.startsWith("v:")) s += `[=${seg.slice(2)}]`;
  }
  return s;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export interface ApplyResult {
  object: KubeObject;
  managedFields: ManagedFieldsEntry[];
}

export function serverSideApply(
  ctx: ApiContext,
  t: Target,
  live: KubeObject | undefined,
  applied: KubeObject,
  p: { fieldManager: string | undefined; force: boolean },
): ApplyResult {
  const manager = p.fieldManager as string;
  if (applied.metadata?.name !== undefined && applied.metadata.name !== t.name) {
    throw badRequest(
      `the name of the object (${applied.metadata.name}) does not match the name on the URL (${t.name})`,
    );
  }
  const message = kindSchemaName(t.res);
  const schema = ctx.schema;
  const all = owned((live?.metadata as { managedFields?: unknown } | undefined)?.managedFields);
  let mine = all.find((o) => o.entry.manager === manager && o.entry.operation === "Apply");
  const others = all.filter((o) => o !== mine);
  const appliedPaths = leafPaths(schema, schema.has(message) ? message : undefined, applied);
  const conflicts: { path: Path; owner: ManagedFieldsEntry }[] = [];
  for (const path of appliedPaths) {
    const k = pathKey(path);
    for (const o of others) {
      if (!o.paths.has(k)) continue;
      if (!same(valueAt(applied, path), valueAt(live, path))) conflicts.push({ path, owner: o.entry });
    }
  }
  if (conflicts.length > 0 && !p.force) {
    const causes: StatusCause[] = conflicts.map((c) => ({
      reason: "FieldManagerConflict",
      message: `conflict with "${c.owner.manager}"${c.owner.operation === "Update" ? ` using ${c.owner.apiVersion}` : ""}`,
      field: formatPath(c.path),
    }));
    const list = causes.map((c) => `${c.message}: ${c.field}`).join("\n");
    throw new ApiError(
      409,
      "Conflict",
      `Apply failed with ${conflicts.length} conflict${conflicts.length === 1 ? "" : "s"}: ${list}`,
      { name: t.name as string, ...(t.res.group ? { group: t.res.group } : {}), kind: t.res.plural, causes },
    );
  }
  for (const c of conflicts) for (const o of others) o.paths.delete(pathKey(c.path));
  const base = live ? (stripServerFields(live) as M) : {};
  const result = mergeApplied(schema, schema.has(message) ? message : undefined, base, applied) as KubeObject;
  const appliedKeys = new Set(appliedPaths.map(pathKey));
  if (mine) {
    for (const [k, path] of mine.paths) {
      if (appliedKeys.has(k) || others.some((o) => o.paths.has(k))) continue;
      removeAt(result, path);
    }
  }
  mine = {
    entry: {
      manager,
      operation: "Apply",
      apiVersion: groupVersion(t.res),
      time: now(),
      fieldsType: "FieldsV1",
      fieldsV1: {},
    },
    paths: new Map(appliedPaths.map((x) => [pathKey(x), x])),
  };
  return { object: result, managedFields: toEntries([...others, mine]) };
}

/** managedFields after a non-apply write by `manager`: it owns what it changed. */
export function recordUpdate(
  ctx: ApiContext,
  t: Target,
  before: KubeObject | undefined,
  after: KubeObject,
  manager: string,
): ManagedFieldsEntry[] {
  const message = kindSchemaName(t.res);
  const schema = ctx.schema;
  const all = owned((before?.metadata as { managedFields?: unknown } | undefined)?.managedFields);
  const changed = leafPaths(
    schema,
    schema.has(message) ? message : undefined,
    stripServerFields(after),
  ).filter((path) => !before || !same(valueAt(before, path), valueAt(after, path)));
  if (changed.length === 0) return toEntries(all);
  let mine = all.find((o) => o.entry.manager === manager && o.entry.operation === "Update");
  for (const o of all) if (o !== mine) for (const path of changed) o.paths.delete(pathKey(path));
  if (!mine) {
    mine = {
      entry: {
        manager,
        operation: "Update",
        apiVersion: groupVersion(t.res),
        time: now(),
        fieldsType: "FieldsV1",
        fieldsV1: {},
      },
      paths: new Map(),
    };
    all.push(mine);
  }
  mine.entry = { ...mine.entry, time: now() };
  for (const path of changed) mine.paths.set(pathKey(path), path);
  return toEntries(all);
}
