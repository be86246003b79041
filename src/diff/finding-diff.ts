/**
 * Lint and validation findings added and resolved between two versions.
 * A finding is the same finding when its severity, code, object and message
 * are: its line moves as the file is edited and its field path as earlier
 * rules are added or removed (`egress[3]` becomes `egress[2]`), so neither is
 * compared (the one reported is the new version's for added findings, the
 * old version's for resolved ones). Counts are kept: two equal findings
 * before and one after is one resolved.
 */
import type { Diagnostic } from "../api/diagnostics.js";

export interface FindingDiff {
  added: Diagnostic[];
  resolved: Diagnostic[];
}

export function findingKey(d: Diagnostic): string {
  return [d.severity, d.code, d.kind ?? "", d.namespace ?? "", d.name ?? "", d.message].join("\u0000");
}

/** Multiset difference: a finding present twice before and once after is resolved once. */
function minus(a: readonly Diagnostic[], b: readonly Diagnostic[]): Diagnostic[] {
  const counts = new Map<string, number>();
  for (const d of b) {
    const k = findingKey(d);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const out: Diagnostic[] = [];
  for (const d of a) {
    const k = findingKey(d);
    const n = counts.get(k) ?? 0;
    if (n > 0) counts.set(k, n - 1);
    else out.push(d);
  }
  return out;
}

export function diffFindings(base: readonly Diagnostic[], head: readonly Diagnostic[]): FindingDiff {
  return { added: minus(head, base), resolved: minus(base, head) };
}
