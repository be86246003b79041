/**
 * Patch metadata for a served kind from michi's schema table: the
 * PatchSchema the strategic merge engine walks (sub-message, strategies,
 * merge key per field).
 */
import { fieldMeta, type Schema } from "../schema/schema.js";
import type { FieldPatchMeta, PatchSchema } from "./strategic-merge.js";

const cache = new Map<string, PatchSchema>();

export function patchSchemaFor(schema: Schema, message: string | undefined): PatchSchema | undefined {
  if (message === undefined || !schema.has(message)) return undefined;
  const hit = cache.get(message);
  if (hit) return hit;
  const s: PatchSchema = {
    lookup(field: string): FieldPatchMeta {
      const m = fieldMeta(schema, message, field);
      return {
        schema: patchSchemaFor(schema, m?.type),
        strategies: m?.strategies ?? [],
        mergeKey: m?.mergeKey,
      };
    },
  };
  cache.set(message, s);
  return s;
}
