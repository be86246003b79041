/**
 * Controllers copy user objects (namespace defaulting, admission defaults,
 * status); a copy is a new object, and source positions (api/source.ts) are
 * kept in a WeakMap keyed by the object. Copies of user objects carry their
 * original's source so findings about the derived state still print
 * FILE:LINE:COL.
 */
import { setSource, sourceOf } from "../api/source.js";

/** `copy`, with the source of `original` (if it has one). */
export function keepSource<T extends object>(copy: T, original: object): T {
  const src = sourceOf(original);
  if (src) setSource(copy, src);
  return copy;
}
