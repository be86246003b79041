/**
 * `fieldValidation=Strict|Warn|Ignore`: fields the schema does not declare are
 * refused (Strict, 400 "strict decoding error"), reported as a `Warning:`
 * header (Warn) or dropped silently (Ignore) — in every case they are pruned,
 * as the API server drops what it cannot store.
 */
import type { KubeObject } from "../api/types.js";
import { SCALAR_MESSAGES, type Schema } from "./schema/schema.js";

type M = Record<string, unknown>;

/** Removes undeclared fields; returns their paths (`.spec.foo`). */
export function pruneUnknown(schema: Schema, message: string | undefined, obj: KubeObject): string[] {
  const unknown: string[] = [];
  if (!message || !schema.has(message)) return unknown;
  walk(schema, message, obj as M, "", unknown, true);
  return unknown;
}

function walk(schema: Schema, message: string, obj: M, path: string, out: string[], top: boolean): void {
  if (SCALAR_MESSAGES.has(message)) return;
  const fields = schema.get(message);
  if (!fields) return;
  for (const key of Object.keys(obj)) {
    if (top && (key === "apiVersion" || key === "kind")) continue;
    const f = fields.find((x) => x.n === key);
    if (!f) {
      out.push(`${path}.${key}`);
      delete obj[key];
      continue;
    }
    const v = obj[key];
    if (v === null || typeof v !== "object") continue;
    if (f.t === "map") {
      if (f.m && schema.has(f.m)) {
        for (const [mk, mv] of Object.entries(v as M)) {
          if (mv && typeof mv === "object" && !Array.isArray(mv))
            walk(schema, f.m, mv as M, `${path}.${key}.${mk}`, out, false);
        }
      }
    } else if (f.r && Array.isArray(v)) {
      if (schema.has(f.t)) {
        v.forEach((item, i) => {
          if (item && typeof item === "object" && !Array.isArray(item))
            walk(schema, f.t, item as M, `${path}.${key}[${i}]`, out, false);
        });
      }
    } else if (!Array.isArray(v) && schema.has(f.t)) {
      walk(schema, f.t, v as M, `${path}.${key}`, out, false);
    }
  }
}
