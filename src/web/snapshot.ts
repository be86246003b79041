/**
 * What the dashboard reads: a `WebSnapshot` (the ClusterState plus the load
 * diagnostics and, when `michi up` has them, precompiled planes), and the
 * per-state analysis cache. Everything derived is computed once per state
 * object and reused by every request until the state is replaced.
 */
import type { Diagnostic } from "../api/diagnostics.js";
import type { ClusterState } from "../cluster/state.js";
import { compilePolicy, type PolicyEngine } from "../policy/engine.js";
import type { ApiFinding } from "./api-types.js";
import { lintFindings } from "./lint-adapter.js";
import { objectId } from "./object-ids.js";

export interface WebSnapshot {
  state: ClusterState;
  /** Load/validation diagnostics that are not in `state.diagnostics` (LoadClusterResult.diagnostics). */
  diagnostics?: readonly Diagnostic[];
  /** The policy engine the data plane uses, when the caller already compiled it. */
  policy?: PolicyEngine;
  /** Increases on every reload (shown in the summary). */
  version?: number;
}

export interface Analysis {
  readonly snapshot: WebSnapshot;
  readonly engine: PolicyEngine;
  /** Validation diagnostics and lint findings, in a stable order. */
  findings(): readonly ApiFinding[];
  /** Findings by object id. */
  findingsFor(id: string): readonly ApiFinding[];
  /** Anything else a module wants to cache per state (route table, zone…). */
  memo<T>(key: string, make: () => T): T;
}

const cache = new WeakMap<ClusterState, Analysis>();

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

export function analyze(snapshot: WebSnapshot): Analysis {
  const hit = cache.get(snapshot.state);
  if (hit && hit.snapshot.diagnostics === snapshot.diagnostics) return hit;
  const engine = snapshot.policy ?? compilePolicy(snapshot.state);
  const memos = new Map<string, unknown>();
  let findings: ApiFinding[] | undefined;
  let byObject: Map<string, ApiFinding[]> | undefined;
  const all = (): ApiFinding[] => {
    if (!findings) {
      const seen = new Set<string>();
      findings = [];
      for (const d of [...(snapshot.diagnostics ?? []), ...snapshot.state.diagnostics]) {
        const f = diagnosticToFinding(d, "validation");
        const key = JSON.stringify(f);
        if (seen.has(key)) continue;
        seen.add(key);
        findings.push(f);
      }
      findings.push(...lintFindings(a));
    }
    return findings;
  };
  const a: Analysis = {
    snapshot,
    engine,
    findings: all,
    findingsFor(id) {
      if (!byObject) {
        byObject = new Map();
        for (const f of all()) {
          if (!f.object) continue;
          const list = byObject.get(f.object);
          if (list) list.push(f);
          else byObject.set(f.object, [f]);
        }
      }
      return byObject.get(id) ?? [];
    },
    memo<T>(key: string, make: () => T): T {
      if (!memos.has(key)) memos.set(key, make());
      return memos.get(key) as T;
    },
  };
  cache.set(snapshot.state, a);
  return a;
}
