/**
 * What the dashboard derives from a snapshot (src/snapshot/snapshot.ts),
 * computed once per snapshot and reused by every request until the snapshot
 * is replaced: the findings, by object, and a memo for the views' own
 * tables (topology, matrices). The planes themselves (policy engine, route
 * table, DNS zone) are the snapshot's: the dashboard never recompiles them.
 */
import type { PolicyEngine } from "../policy/engine.js";
import type { Snapshot } from "../snapshot/snapshot.js";
import type { ApiFinding } from "./api-types.js";
import { snapshotFindings } from "./findings.js";

export interface Analysis {
  readonly snapshot: Snapshot;
  readonly engine: PolicyEngine;
  /** Validation diagnostics and lint findings, in a stable order. */
  findings(): readonly ApiFinding[];
  /** Findings by object id. */
  findingsFor(id: string): readonly ApiFinding[];
  /** Anything else a view wants to cache per snapshot (topology, matrices…). */
  memo<T>(key: string, make: () => T): T;
}

const cache = new WeakMap<Snapshot, Analysis>();

export function analyze(snapshot: Snapshot): Analysis {
  const hit = cache.get(snapshot);
  if (hit) return hit;
  const memos = new Map<string, unknown>();
  let findings: ApiFinding[] | undefined;
  let byObject: Map<string, ApiFinding[]> | undefined;
  const all = (): ApiFinding[] => {
    findings ??= snapshotFindings(snapshot);
    return findings;
  };
  const a: Analysis = {
    snapshot,
    engine: snapshot.policy,
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
  cache.set(snapshot, a);
  return a;
}
