/**
 * Field sets for server-side apply: the leaf fields an object (or an applied
 * configuration) sets, as managedFields' FieldsV1 names them — `f:NAME` for
 * struct fields and map keys, `k:{"name":"x"}` for items of keyed lists,
 * `v:"x"` for set items; atomic lists and scalars are leaves. Paths are
 * arrays of those segments; a set is keyed by the joined path.
 */
import { type FieldFact, SCALAR_MESSAGES, type Schema } from "./schema/schema.js";

type M = Record<string, unknown>;
export type Path = readonly string[];

const isObject = (v: unknown): v is M => v !== null && typeof v === "object" && !Array.isArray(v);

export const pathKey = (p: Path): string => JSON.stringify(p);

function keysOf(f: FieldFact): string[] | undefined {
  if (f.lt === "map" && f.lk) return f.lk;
  if (f.mk && f.lt !== "atomic") return [f.mk];
  return undefined;
}

export function itemKey(item: M, keys: readonly string[]): string {
  const k = Object.fromEntries(
    [...keys]
      .sort()
      .filter((x) => x in item)
      .map((x) => [x, item[x]]),
  );
  return `k:${JSON.stringify(k)}`;
}

function structOf(schema: Schema, t: string | undefined): string | undefined {
  return t && schema.has(t) && !SCALAR_MESSAGES.has(t) ? t : undefined;
}

/** Leaf paths set by `value` (a struct of type `message`). */
export function leafPaths(
  schema: Schema,
  message: string | undefined,
  value: unknown,
  prefix: Path = [],
  out: Path[] = [],
): Path[] {
  if (!isObject(value) || message === undefined) {
    out.push(prefix);
    return out;
  }
  const fields = schema.get(message) ?? [];
  for (const [k, v] of Object.entries(value)) {
    if (prefix.length === 0 && (k === "apiVersion" || k === "kind")) continue;
    if (prefix.length === 1 && prefix[0] === "f:metadata" && (k === "name" || k === "namespace")) continue;
    const p = [...prefix, `f:${k}`];
    const f = fields.find((x) => x.n === k);
    if (!f || v === null || typeof v !== "object") {
      out.push(p);
      continue;
    }
    if (f.t === "map") {
      const vt = structOf(schema, f.m);
      const entries = Object.entries(v as M);
      if (entries.length === 0) out.push(p);
      for (const [mk, mv] of entries) {
        if (vt && isObject(mv)) leafPaths(schema, vt, mv, [...p, `f:${mk}`], out);
        else out.push([...p, `f:${mk}`]);
      }
    } else if (f.r && Array.isArray(v)) {
      const keys = keysOf(f);
      const it = structOf(schema, f.t);
      if (keys && it) {
        if (v.length === 0) out.push(p);
        for (const item of v) {
          if (!isObject(item)) continue;
          const ip = [...p, itemKey(item, keys)];
          out.push([...ip, "."]);
          leafPaths(schema, it, item, ip, out);
        }
      } else if (f.lt === "set") {
        if (v.length === 0) out.push(p);
        for (const item of v) out.push([...p, `v:${JSON.stringify(item)}`]);
      } else out.push(p);
    } else {
      const st = structOf(schema, f.t);
      if (st && isObject(v) && Object.keys(v).length > 0) leafPaths(schema, st, v, p, out);
      else out.push(p);
    }
  }
  return out;
}

/** The value at a path, or undefined. */
export function valueAt(obj: unknown, path: Path): unknown {
  let cur: unknown = obj;
  for (const seg of path) {
    if (seg === ".") return cur;
    if (seg.startsWith("f:")) {
      if (!isObject(cur)) return undefined;
      cur = cur[seg.slice(2)];
    } else if (seg.startsWith("k:")) {
      if (!Array.isArray(cur)) return undefined;
      const want = JSON.parse(seg.slice(2)) as M;
      cur = cur.find(
        (i) =>
          isObject(i) && Object.entries(want).every(([k, v]) => JSON.stringify(i[k]) === JSON.stringify(v)),
      );
    } else if (seg.startsWith("v:")) {
      if (!Array.isArray(cur)) return undefined;
      const want = seg.slice(2);
      cur = cur.find((i) => JSON.stringify(i) === want);
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Removes the field at a path (a keyed item or set value when the path ends there). */
export function removeAt(obj: unknown, path: Path): void {
  if (path.length === 0) return;
  const last = path[path.length - 1] === "." ? path.length - 2 : path.length - 1;
  let cur: unknown = obj;
  for (let i = 0; i < last; i++) {
    cur = valueAt(cur, [path[i] as string]);
    if (cur === undefined) return;
  }
  const seg = path[last] as string;
  if (seg.startsWith("f:") && isObject(cur)) delete cur[seg.slice(2)];
  else if ((seg.startsWith("k:") || seg.startsWith("v:")) && Array.isArray(cur)) {
    const hit = valueAt(cur, [seg]);
    const i = cur.indexOf(hit);
    if (i >= 0) cur.splice(i, 1);
  }
}

/** FieldsV1 (`{"f:spec":{"f:replicas":{}}}`) from a set of paths. */
export function toFieldsV1(paths: readonly Path[]): M {
  const root: M = {};
  for (const p of paths) {
    let cur = root;
    for (const seg of p) {
      cur[seg] ??= {};
      cur = cur[seg] as M;
    }
  }
  return root;
}

export function fromFieldsV1(f: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (!isObject(f)) return out;
  const entries = Object.entries(f);
  if (entries.length === 0 && prefix.length > 0) out.push(prefix);
  for (const [seg, sub] of entries) {
    if (seg === ".") out.push([...prefix, "."]);
    else fromFieldsV1(sub, [...prefix, seg], out);
  }
  return out;
}

/**
 * Merges an applied configuration into the live object the way apply does:
 * structs and maps recursively, keyed lists by key, sets as unions, atomic
 * lists and scalars replaced.
 */
export function mergeApplied(
  schema: Schema,
  message: string | undefined,
  live: unknown,
  applied: unknown,
): unknown {
  if (!isObject(applied) || !isObject(live) || message === undefined) return structuredClone(applied);
  const out: M = { ...live };
  const fields = schema.get(message) ?? [];
  for (const [k, v] of Object.entries(applied)) {
    const f = fields.find((x) => x.n === k);
    const lv = out[k];
    if (!f || v === null || lv === undefined) {
      out[k] = structuredClone(v);
      continue;
    }
    if (f.t === "map" && isObject(v) && isObject(lv)) {
      const vt = structOf(schema, f.m);
      const m: M = { ...lv };
      for (const [mk, mv] of Object.entries(v))
        m[mk] = vt ? mergeApplied(schema, vt, m[mk], mv) : structuredClone(mv);
      out[k] = m;
    } else if (f.r && Array.isArray(v) && Array.isArray(lv)) {
      const keys = keysOf(f);
      const it = structOf(schema, f.t);
      if (keys && it) {
        const list = [...lv];
        for (const item of v) {
          if (!isObject(item)) continue;
          const key = itemKey(item, keys);
          const i = list.findIndex((x) => isObject(x) && itemKey(x, keys) === key);
          if (i >= 0) list[i] = mergeApplied(schema, it, list[i], item);
          else list.push(structuredClone(item));
        }
        out[k] = list;
      } else if (f.lt === "set") {
        const seen = new Set(lv.map((x) => JSON.stringify(x)));
        out[k] = [...lv, ...v.filter((x) => !seen.has(JSON.stringify(x)))];
      } else out[k] = structuredClone(v);
    } else {
      const st = structOf(schema, f.t);
      out[k] = st ? mergeApplied(schema, st, lv, v) : structuredClone(v);
    }
  }
  return out;
}
