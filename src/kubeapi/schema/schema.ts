/**
 * michi's schema table for the kinds the API serves: per message, its fields
 * with JSON name, protobuf number, type and list semantics (patch strategy,
 * merge key, list type). One table feeds the OpenAPI documents, the strategic
 * merge patch engine, server-side apply and the protobuf codec.
 */
import { TYPES_JSON } from "./types-table.js";

export interface FieldFact {
  /** JSON (and protobuf) field name. */
  n: string;
  /** Protobuf field number. */
  f: number;
  /** Scalar (`string`, `int32`, `int64`, `bool`, `bytes`, `double`), `map`, or a message name. */
  t: string;
  /** Repeated (a JSON list). */
  r?: 1;
  /** map<string, V>: V. */
  m?: string;
  /** `+patchStrategy`: `merge`, `replace`, `retainKeys`, `merge,retainKeys`. */
  ps?: string;
  /** `+patchMergeKey`. */
  mk?: string;
  /** `+listType`: `atomic`, `set`, `map`. */
  lt?: string;
  lk?: string[];
}

export type Schema = ReadonlyMap<string, readonly FieldFact[]>;

let cached: Map<string, readonly FieldFact[]> | undefined;

/** The table, parsed once. */
export function schemaTable(): Schema {
  cached ??= new Map(Object.entries(JSON.parse(TYPES_JSON) as Record<string, FieldFact[]>));
  return cached;
}

const META = "io.k8s.apimachinery.pkg.apis.meta.v1";

/** Messages whose JSON form is a scalar (a string, a number or either). */
export const SCALAR_MESSAGES: ReadonlyMap<string, "date-time" | "int-or-string" | "quantity" | "raw"> =
  new Map([
    [`${META}.Time`, "date-time"],
    [`${META}.MicroTime`, "date-time"],
    ["io.k8s.apimachinery.pkg.util.intstr.IntOrString", "int-or-string"],
    ["io.k8s.apimachinery.pkg.api.resource.Quantity", "quantity"],
    ["io.k8s.apimachinery.pkg.runtime.RawExtension", "raw"],
    [`${META}.FieldsV1`, "raw"],
  ]);

/** `io.k8s.api.core.v1` + `Service` for a group/version/kind. */
export function schemaName(group: string, version: string, kind: string): string {
  const pkg = group === "" ? "core" : group.replace(/\.k8s\.io$/, "");
  return `io.k8s.api.${pkg}.${version}.${kind}`;
}

/** What the strategic merge patch engine needs to know about a field. */
export interface PatchMeta {
  /** Message type of the field's value (or of a list's items / a map's values). */
  type: string | undefined;
  list: boolean;
  map: boolean;
  strategies: readonly string[];
  mergeKey: string | undefined;
}

/** Lookup of a field of a message for the patch engines; `undefined` for unknown fields. */
export function fieldMeta(schema: Schema, message: string | undefined, field: string): PatchMeta | undefined {
  if (message === undefined) return undefined;
  const f = schema.get(message)?.find((x) => x.n === field);
  if (!f) return undefined;
  const valueType = f.t === "map" ? f.m : f.t;
  return {
    type: valueType && schema.has(valueType) && !SCALAR_MESSAGES.has(valueType) ? valueType : undefined,
    list: f.r === 1,
    map: f.t === "map",
    strategies: f.ps ? f.ps.split(",") : [],
    mergeKey: f.mk,
  };
}
