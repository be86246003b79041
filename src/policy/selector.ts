/**
 * Label selectors as NetworkPolicy uses them: compiled once into a predicate
 * (matchLabels AND every matchExpression), plus the kubectl-style text the
 * explanations and lint print. An empty selector ({}) matches everything;
 * a missing one is handled by the caller, because "nil" means different
 * things in different NetworkPolicy fields.
 */
import type { LabelSelector, Labels } from "../api/types.js";

export type LabelPredicate = (labels: Labels) => boolean;

export interface CompiledSelector {
  readonly matches: LabelPredicate;
  /** True when the selector has no requirements and so matches every object. */
  readonly matchesAll: boolean;
  /** kubectl-style text: `app=web,env in (a,b),!legacy`; `{}` for match-all. */
  readonly text: string;
  /** The matchLabels keys and values (for indexes and lint). */
  readonly equalities: readonly (readonly [string, string])[];
}

const ALL: CompiledSelector = Object.freeze({
  matches: () => true,
  matchesAll: true,
  text: "{}",
  equalities: [],
});

export function compileSelector(sel: LabelSelector | undefined): CompiledSelector {
  if (!sel) return ALL;
  const eq = Object.entries(sel.matchLabels ?? {});
  const exprs = sel.matchExpressions ?? [];
  if (eq.length === 0 && exprs.length === 0) return ALL;
  const tests: LabelPredicate[] = [];
  const text: string[] = [];
  for (const [k, v] of eq) {
    tests.push((l) => l[k] === v);
    text.push(`${k}=${v}`);
  }
  for (const e of exprs) {
    const values = new Set(e.values ?? []);
    const list = [...values].join(",");
    switch (e.operator) {
      case "In":
        tests.push((l) => {
          const v = l[e.key];
          return v !== undefined && values.has(v);
        });
        text.push(`${e.key} in (${list})`);
        break;
      case "NotIn":
        // As in apimachinery: a missing key satisfies NotIn.
        tests.push((l) => {
          const v = l[e.key];
          return v === undefined || !values.has(v);
        });
        text.push(`${e.key} notin (${list})`);
        break;
      case "Exists":
        tests.push((l) => l[e.key] !== undefined);
        text.push(e.key);
        break;
      case "DoesNotExist":
        tests.push((l) => l[e.key] === undefined);
        text.push(`!${e.key}`);
        break;
      default:
        // Validation rejects unknown operators; matching nothing is the safe reading.
        tests.push(() => false);
        text.push(`${e.key} ${String(e.operator)} ?`);
    }
  }
  const matches: LabelPredicate =
    tests.length === 1 ? (tests[0] as LabelPredicate) : (l) => tests.every((t) => t(l));
  return { matches, matchesAll: false, text: text.join(","), equalities: eq };
}

/** `k=v,k2=v2` for printing an object's labels. */
export function formatLabels(labels: Labels | undefined): string {
  const e = Object.entries(labels ?? {});
  return e.length === 0 ? "<none>" : e.map(([k, v]) => `${k}=${v}`).join(",");
}
