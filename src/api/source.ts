/**
 * Where an object came from. Kept beside the object (a WeakMap, so objects
 * stay plain JSON) and used to turn a field path into FILE:LINE:COL only when
 * a diagnostic needs it.
 */
import type { FieldPath } from "./diagnostics.js";

export interface Position {
  line: number;
  col: number;
}

export interface SourceRef {
  file: string;
  /** 0-based index of the YAML document (or List item) in the file. */
  docIndex: number;
  /** Position of the object itself. */
  line: number;
  col: number;
  /** Position of a field (falls back to the nearest existing parent). Computed lazily. */
  locate(path: FieldPath): Position;
  /**
   * Plain scalars that YAML 1.1 (go-yaml, which Kubernetes uses) reads as a
   * different type than YAML 1.2 would: formatted field path → source text
   * (`metadata.labels.enabled` → `yes`). Validation uses it to explain type errors.
   */
  yaml11?: ReadonlyMap<string, string>;
}

const sources = new WeakMap<object, SourceRef>();

export function setSource(obj: object, ref: SourceRef): void {
  sources.set(obj, ref);
}

export function sourceOf(obj: object): SourceRef | undefined {
  return sources.get(obj);
}

/**
 * `copy`, with the source of `original` (if it has one). Controllers copy
 * user objects (namespace defaulting, admission defaults, status); copies
 * keep their original's source so findings about them still print
 * FILE:LINE:COL.
 */
export function keepSource<T extends object>(copy: T, original: object): T {
  const src = sourceOf(original);
  if (src) setSource(copy, src);
  return copy;
}
