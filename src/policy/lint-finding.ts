/**
 * Building lint findings as Diagnostics: the object's kind, namespace and
 * name, the field path as the API server prints it, and FILE:LINE:COL of that
 * field when the loader recorded where the object came from.
 */
import { type Diagnostic, type FieldPath, formatFieldPath, type Severity } from "../api/diagnostics.js";
import { sourceOf } from "../api/source.js";
import type { KubeObject } from "../api/types.js";

/** The raw field path of each finding, for locating it later in the object as loaded. */
const paths = new WeakMap<Diagnostic, FieldPath>();

export function finding(
  obj: KubeObject,
  severity: Severity,
  code: string,
  path: FieldPath,
  message: string,
  suggestion?: string,
): Diagnostic {
  const d: Diagnostic = { severity, code, message, kind: obj.kind ?? "" };
  if (obj.metadata?.namespace !== undefined) d.namespace = obj.metadata.namespace;
  if (obj.metadata?.name !== undefined) d.name = obj.metadata.name;
  if (path.length > 0) d.field = formatFieldPath(path);
  if (suggestion !== undefined) d.suggestion = suggestion;
  paths.set(d, path);
  locateIn(d, obj);
  return d;
}

/** The inverse of formatFieldPath: `spec.ports[0].targetPort`, `metadata.annotations[a.b/c]`. */
export function parseFieldPath(text: string): FieldPath {
  const out: (string | number)[] = [];
  const re = /([^.[\]]+)|\[([^\]]*)\]/g;
  for (const m of text.matchAll(re)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(/^\d+$/.test(m[2]) ? Number(m[2]) : m[2]);
  }
  return out;
}

/** Fill FILE:LINE:COL from where `obj` (the finding's object, as loaded) came from. */
export function locateIn(d: Diagnostic, obj: KubeObject): void {
  const src = sourceOf(obj);
  if (!src || d.file !== undefined) return;
  d.file = src.file;
  try {
    const pos = src.locate(paths.get(d) ?? (d.field ? parseFieldPath(d.field) : []));
    d.line = pos.line;
    d.col = pos.col;
  } catch {
    d.line = src.line;
    d.col = src.col;
  }
}

/**
 * Controllers copy objects, and copies carry no source: look each finding's
 * object up among the objects as loaded (by kind, namespace and name).
 */
export function locateFindings(ds: readonly Diagnostic[], loaded: readonly KubeObject[]): void {
  const byKey = new Map<string, KubeObject>();
  for (const o of loaded) byKey.set(`${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`, o);
  for (const d of ds) {
    if (d.file !== undefined || d.kind === undefined) continue;
    const o =
      byKey.get(`${d.kind}/${d.namespace ?? ""}/${d.name ?? ""}`) ??
      (d.namespace === "default" ? byKey.get(`${d.kind}//${d.name ?? ""}`) : undefined);
    if (o) locateIn(d, o);
  }
}

/** Stable order: errors first, then by file/line, then object. */
export function sortFindings(ds: Diagnostic[]): Diagnostic[] {
  const rank = (d: Diagnostic) => (d.severity === "error" ? 0 : 1);
  return ds.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.file ?? "").localeCompare(b.file ?? "") ||
      (a.line ?? 0) - (b.line ?? 0) ||
      `${a.kind}/${a.namespace}/${a.name}`.localeCompare(`${b.kind}/${b.namespace}/${b.name}`) ||
      (a.field ?? "").localeCompare(b.field ?? ""),
  );
}
