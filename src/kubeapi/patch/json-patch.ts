/**
 * JSON patch (RFC 6902, application/json-patch+json) through fast-json-patch:
 * operations are validated first, `test` failures and bad paths become a
 * PatchError (the API server answers 422 for them), and the target is never
 * modified in place.
 */
import fjp from "fast-json-patch";
import { PatchError } from "./strategic-merge.js";

type M = Record<string, unknown>;

export function applyJsonPatch(target: M, ops: unknown): M {
  if (!Array.isArray(ops)) throw new PatchError("a JSON patch must be a list of operations");
  try {
    const doc = JSON.parse(JSON.stringify(target)) as M;
    const err = fjp.validate(ops as fjp.Operation[], doc);
    if (err) throw err;
    return fjp.applyPatch(doc, ops as fjp.Operation[], false, true).newDocument as M;
  } catch (err) {
    if (err instanceof PatchError) throw err;
    const e = err as { name?: string; message?: string };
    throw new PatchError(`the JSON patch could not be applied: ${(e.message ?? String(err)).split("\n")[0]}`);
  }
}
