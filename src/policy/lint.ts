/**
 * `michi lint`: every check over one compiled state, in a stable order.
 * Annotation checks live with the ingress plane and are passed in by the
 * command (the policy module does not depend on the ingress module).
 */
import type { Diagnostic } from "../api/diagnostics.js";
import type { KubeObject } from "../api/types.js";
import type { PolicyEngine } from "./engine.js";
import { lintClusterPolicies } from "./lint-cluster.js";
import { lintDNSEgress } from "./lint-dns.js";
import { locateFindings, sortFindings } from "./lint-finding.js";
import { lintPolicies } from "./lint-policies.js";
import { lintIngresses, lintServices } from "./lint-services.js";

/** `loaded`: the objects as read, so findings get FILE:LINE:COL even though controllers copied them. */
export function lintCluster(
  engine: PolicyEngine,
  extra: readonly Diagnostic[] = [],
  loaded: readonly KubeObject[] = [],
): Diagnostic[] {
  const own = [
    ...lintDNSEgress(engine),
    ...lintPolicies(engine),
    ...lintClusterPolicies(engine),
    ...lintServices(engine.state),
    ...lintIngresses(engine.state),
  ];
  const all = [...own, ...extra.map((d) => ({ ...d }))];
  locateFindings(all, loaded);
  return sortFindings(all);
}
