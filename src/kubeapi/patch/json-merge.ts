/**
 * JSON merge patch (RFC 7386, application/merge-patch+json): objects merge
 * recursively, `null` removes a member, anything else (lists included)
 * replaces. Custom resources and clients without a schema use this.
 */
import { PatchError } from "./strategic-merge.js";

type M = Record<string, unknown>;

const isObject = (v: unknown): v is M => v !== null && typeof v === "object" && !Array.isArray(v);

export function jsonMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: M = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = jsonMergePatch(out[k], v);
  }
  return out;
}

export function applyJsonMergePatch(target: M, patch: unknown): M {
  if (!isObject(patch)) throw new PatchError("a JSON merge patch for an object must be a JSON object");
  return jsonMergePatch(target, patch) as M;
}
