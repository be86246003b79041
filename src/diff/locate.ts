/**
 * FILE:LINE:COL of a field of an object as it was loaded. Controllers copy
 * objects (and copies may carry no source), so a diff names causes by kind,
 * namespace and name and looks them up among the objects as read.
 */
import type { FieldPath } from "../api/diagnostics.js";
import { sourceOf } from "../api/source.js";
import type { KubeObject } from "../api/types.js";

export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

export type Locator = (
  kind: string,
  namespace: string | undefined,
  name: string,
  path?: FieldPath,
) => SourceLocation | undefined;

export function makeLocator(loaded: readonly KubeObject[]): Locator {
  const byKey = new Map<string, KubeObject>();
  for (const o of loaded) {
    const k = `${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
    if (!byKey.has(k)) byKey.set(k, o);
  }
  return (kind, namespace, name, path = []) => {
    const o =
      byKey.get(`${kind}/${namespace ?? ""}/${name}`) ??
      (namespace === "default" ? byKey.get(`${kind}//${name}`) : undefined);
    const src = o ? sourceOf(o) : undefined;
    if (!src) return undefined;
    try {
      const pos = src.locate(path);
      return { file: src.file, line: pos.line, col: pos.col };
    } catch {
      return { file: src.file, line: src.line, col: src.col };
    }
  };
}

export function formatLocation(l: SourceLocation | undefined): string {
  return l ? `${l.file}:${l.line}:${l.col}` : "";
}
