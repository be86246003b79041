/**
 * One thing a CI format reports: a rule id (stable, documented in
 * docs/ci.md), a level, a message, the object it is about and where it is.
 * Validation errors, lint findings and diff changes all become ReportItems,
 * so SARIF, JUnit and GitHub workflow commands are written by one formatter
 * each for every command.
 */
import type { Diagnostic } from "../api/diagnostics.js";

export type ReportLevel = "error" | "warning" | "note";

export interface ReportItem {
  ruleId: string;
  level: ReportLevel;
  /** The whole message, one line: `KIND NS/NAME: FIELD: message`. */
  message: string;
  /** The object, `KIND NS/NAME` (cluster-scoped: `KIND NAME`), when there is one. */
  object?: string;
  file?: string;
  line?: number;
  col?: number;
  /** For SARIF's baselineState in a diff: a finding new in this version, or gone from it. */
  baseline?: "new" | "absent";
}

export function objectName(d: { kind?: string; namespace?: string; name?: string }): string | undefined {
  if (d.kind === undefined || d.kind === "") return undefined;
  const ref = d.namespace ? `${d.namespace}/${d.name ?? ""}` : (d.name ?? "");
  return ref ? `${d.kind} ${ref}` : d.kind;
}

/** A validation or lint diagnostic; the suggestion, when there is one, ends the message. */
export function diagnosticItem(d: Diagnostic): ReportItem {
  const object = objectName(d);
  const text = [object, d.field, d.message].filter((x) => x !== undefined && x !== "").join(": ");
  const item: ReportItem = {
    ruleId: d.code,
    level: d.severity,
    message: d.suggestion ? `${text} (suggestion: ${d.suggestion})` : text,
  };
  if (object !== undefined) item.object = object;
  if (d.file !== undefined) item.file = d.file;
  if (d.line !== undefined) item.line = d.line;
  if (d.col !== undefined) item.col = d.col;
  return item;
}
