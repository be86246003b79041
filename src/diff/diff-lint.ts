/**
 * The findings of both versions, for the findings diff. They are what
 * `michi lint` reports (policy/lint.ts `lintCluster` plus the load,
 * validation, ingress-annotation and exposure findings). When the two versions'
 * pods and namespaces are the same (world.ts), a NetworkPolicy present
 * unchanged in both has the same policy findings in both, which cancel out:
 * only the changed policies are linted then, which turns the O(policies ×
 * pods) check into O(changed × pods) on large clusters. Everything else is
 * linted in full. The parts mirror lintCluster's; diff-lint.test.ts checks
 * both paths give the same diff.
 */
import type { Diagnostic } from "../api/diagnostics.js";
import { lintIngressAnnotations } from "../ingress/lint.js";
import type { PolicyEngine } from "../policy/engine.js";
import { lintCluster } from "../policy/lint.js";
import { lintDNSEgress } from "../policy/lint-dns.js";
import { lintExposure } from "../policy/lint-exposure.js";
import { locateFindings, sortFindings } from "../policy/lint-finding.js";
import { lintPolicies } from "../policy/lint-policies.js";
import { lintIngresses, lintServices } from "../policy/lint-services.js";
import type { Snapshot } from "../snapshot/snapshot.js";

export interface LintSide {
  loaded: Snapshot;
  engine: PolicyEngine;
}

/** The findings `michi lint` prints for one version. */
export function lintFindings(loaded: Snapshot, engine: PolicyEngine): Diagnostic[] {
  return lintCluster(engine, [...extraFindings(loaded), ...lintExposure(engine)], loaded.objects);
}

/** What the lint command adds to lintCluster's own checks (besides exposure). */
function extraFindings(loaded: Snapshot): Diagnostic[] {
  return [...loaded.diagnostics, ...loaded.state.diagnostics, ...lintIngressAnnotations(loaded.state)];
}

function partial(side: LintSide, changed: ReadonlySet<string>): Diagnostic[] {
  const only: PolicyEngine = {
    ...side.engine,
    policies: side.engine.policies.filter((p) => changed.has(p.key)),
  };
  const own = [
    ...lintDNSEgress(side.engine),
    ...lintPolicies(only),
    ...lintExposure(side.engine),
    ...lintServices(side.engine.state),
    ...lintIngresses(side.engine.state),
  ];
  const all = [...own, ...extraFindings(side.loaded).map((d) => ({ ...d }))];
  locateFindings(all, side.loaded.objects);
  return sortFindings(all);
}

/**
 * Findings of both sides. `sameWorld`: the pods and namespaces are the same;
 * `changed`: the keys of policies added, removed or edited.
 */
export function lintBoth(
  base: LintSide,
  head: LintSide,
  sameWorld: boolean,
  changed: ReadonlySet<string>,
): { base: Diagnostic[]; head: Diagnostic[] } {
  if (!sameWorld)
    return { base: lintFindings(base.loaded, base.engine), head: lintFindings(head.loaded, head.engine) };
  return { base: partial(base, changed), head: partial(head, changed) };
}
