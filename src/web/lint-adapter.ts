/**
 * Adapter over `michi lint` (src/policy/lint.ts): its findings as
 * ApiFindings, with the ingress annotation diagnostics of the route table
 * passed in the way the lint command does.
 */
import { lintCluster } from "../policy/lint.js";
import type { ApiFinding } from "./api-types.js";
import { routeTableOf } from "./route.js";
import { type Analysis, diagnosticToFinding } from "./snapshot.js";

export function lintFindings(a: Analysis): ApiFinding[] {
  return lintCluster(a.engine, routeTableOf(a).diagnostics).map((d) => diagnosticToFinding(d, "lint"));
}
