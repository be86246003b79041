/**
 * The dashboard's findings: exactly `michi lint`'s (src/snapshot/lint.ts) as
 * ApiFindings — the one adapter from Diagnostic to what the front end shows.
 */
import type { Diagnostic } from "../api/diagnostics.js";
import { lintSnapshot } from "../snapshot/lint.js";
import { allDiagnostics, type Snapshot } from "../snapshot/snapshot.js";
import type { ApiFinding } from "./api-types.js";
import { objectId } from "./object-ids.js";

export function diagnosticToFinding(d: Diagnostic, source: ApiFinding["source"]): ApiFinding {
  const f: ApiFinding = { severity: d.severity, code: d.code, message: d.message, source };
  if (d.kind !== undefined && d.name !== undefined) {
    f.object = objectId({
      kind: d.kind,
      metadata: d.namespace ? { name: d.name, namespace: d.namespace } : { name: d.name },
    });
  }
  if (d.field) f.field = d.field;
  if (d.file !== undefined) f.file = d.file;
  if (d.line !== undefined) f.line = d.line;
  if (d.suggestion !== undefined) f.suggestion = d.suggestion;
  return f;
}

const identity = (d: Diagnostic) =>
  [d.severity, d.code, d.message, d.kind, d.namespace, d.name, d.field].join("\0");

/**
 * Exactly what `michi lint` finds for the snapshot, in its order; the ones
 * that are the snapshot's own load/validation/controller diagnostics are
 * marked as such.
 */
export function snapshotFindings(snap: Snapshot): ApiFinding[] {
  const input = new Set(allDiagnostics(snap).map(identity));
  return lintSnapshot(snap).map((d) =>
    diagnosticToFinding(d, input.has(identity(d)) ? "validation" : "lint"),
  );
}
