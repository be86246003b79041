/**
 * Pod readiness in the model. A real kubelet decides readiness from probes;
 * michi has no containers to probe, so a pod is ready unless its manifest
 * says otherwise (docs/model.md "Readiness"):
 *   - a bare Pod with `status.conditions: [{type: Ready, status: "False"}]`
 *     or annotation `michi.dev/ready: "false"` is not ready;
 *   - `michi.dev/terminating: "true"` (pod/template) or
 *     `michi.dev/terminating-replicas: "T"` (workload) marks pods terminating
 *     (the last T replicas), which EndpointSlices show as terminating and,
 *     while still ready, serving;
 *   - a workload with `michi.dev/unready-replicas: "N"` (on the workload or its
 *     pod template) has the N replicas before those not ready;
 *     `michi.dev/ready: "false"` on the template makes every replica not ready.
 */
import type { ObjectMeta, Pod } from "../api/types.js";
import {
  READY_ANNOTATION,
  TERMINATING_ANNOTATION,
  TERMINATING_REPLICAS_ANNOTATION,
  UNREADY_REPLICAS_ANNOTATION,
} from "./system-names.js";

export interface PodHealth {
  ready: boolean;
  terminating: boolean;
}

function count(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

const HEALTH: Record<string, PodHealth> = {
  "true/false": Object.freeze({ ready: true, terminating: false }),
  "false/false": Object.freeze({ ready: false, terminating: false }),
  "true/true": Object.freeze({ ready: true, terminating: true }),
  "false/true": Object.freeze({ ready: false, terminating: true }),
};

/**
 * Health of replica `i` of `replicas` for a workload (returned as a function
 * of `i`: the annotations are read once per workload, not once per pod).
 */
export function replicaHealth(
  workload: ObjectMeta | undefined,
  template: ObjectMeta | undefined,
  replicas: number,
): (i: number) => PodHealth {
  const a = { ...template?.annotations, ...workload?.annotations };
  const unready = count(a[UNREADY_REPLICAS_ANNOTATION]);
  const terminating = count(a[TERMINATING_REPLICAS_ANNOTATION]);
  const allUnready = template?.annotations?.[READY_ANNOTATION] === "false";
  const allTerminating = template?.annotations?.[TERMINATING_ANNOTATION] === "true";
  // The last T replicas are terminating; the N before them are not ready (so both can be shown at once).
  return (i) => {
    const t = allTerminating || i >= replicas - terminating;
    const r = !allUnready && (i < replicas - terminating - unready || i >= replicas - terminating);
    return HEALTH[`${r}/${t}`] ?? { ready: r, terminating: t };
  };
}

/** Health of a bare pod from its manifest. */
export function bareHealth(pod: Pod): PodHealth {
  const readyCond = pod.status?.conditions?.find((c) => c.type === "Ready");
  return {
    ready: readyCond?.status !== "False" && pod.metadata?.annotations?.[READY_ANNOTATION] !== "false",
    terminating: pod.metadata?.annotations?.[TERMINATING_ANNOTATION] === "true",
  };
}

/** What kubectl's READY column and the endpoint controllers read. */
export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}
