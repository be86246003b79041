/**
 * `michi lint` of a snapshot: the policy engine's findings (DNS egress,
 * policies, Services, Ingresses), exposure, the Gateway API and Ingress annotation findings, and the
 * snapshot's own load, validation and controller diagnostics, each located
 * at its file:line. The one list the CLI prints and the dashboard shows.
 */
import type { Diagnostic } from "../api/diagnostics.js";
import { lintGateways } from "../gateway/lint.js";
import { lintIngressAnnotations } from "../ingress/lint.js";
import { lintCluster } from "../policy/lint.js";
import { lintExposure } from "../policy/lint-exposure.js";
import { allDiagnostics, type Snapshot } from "./snapshot.js";

export function lintSnapshot(snap: Snapshot): Diagnostic[] {
  return lintCluster(
    snap.policy,
    [
      ...allDiagnostics(snap),
      ...lintIngressAnnotations(snap.state),
      ...lintExposure(snap.policy),
      ...lintGateways(snap.state),
    ],
    snap.objects,
  );
}
