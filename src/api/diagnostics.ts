/**
 * Diagnostics: the errors and warnings every stage (load, validate, derive,
 * lint) attaches to objects. One shape for all so the CLI and the web UI can
 * show them the same way: `FILE:LINE:COL: KIND NAMESPACE/NAME: FIELD.PATH: message`.
 */

export type Severity = "error" | "warning";

export interface Diagnostic {
  severity: Severity;
  /** Stable machine-readable code, e.g. `FieldValueInvalid`, `YAMLSyntax`, `UnknownKind`. */
  code: string;
  message: string;
  file?: string;
  line?: number;
  col?: number;
  kind?: string;
  namespace?: string;
  name?: string;
  /** Field path as the API server prints it: `spec.ports[0].targetPort`. */
  field?: string;
  suggestion?: string;
}

/** A path into an object: keys and array indexes. */
export type FieldPath = readonly (string | number)[];

/** `["spec","ports",0,"port"]` → `spec.ports[0].port`; map keys with dots as `metadata.labels[app.kubernetes.io/name]`. */
export function formatFieldPath(path: FieldPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (out === "") out = seg;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(seg)) out += `.${seg}`;
    else out += `[${seg}]`;
  }
  return out;
}

/** One line, as `michi validate` prints it on stderr. */
export function formatDiagnostic(d: Diagnostic): string {
  const parts: string[] = [];
  if (d.file !== undefined) {
    parts.push(d.line !== undefined ? `${d.file}:${d.line}:${d.col ?? 1}` : d.file);
  }
  if (d.kind !== undefined) {
    const ref = d.namespace ? `${d.namespace}/${d.name ?? ""}` : (d.name ?? "");
    parts.push(ref ? `${d.kind} ${ref}` : d.kind);
  }
  if (d.field) parts.push(d.field);
  const prefix = parts.join(": ");
  const sev = d.severity === "warning" ? "warning: " : "";
  return prefix ? `${prefix}: ${sev}${d.message}` : `${sev}${d.message}`;
}

/** Error with a stable code, for failures that abort a command (bad flags, unreadable files). */
export class MichiError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = "MichiError";
  }
}
