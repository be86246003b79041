/**
 * Which Ingresses michi's controller serves. The rule itself lives in
 * src/cluster/ingress-classes.ts, so the Ingress status the cluster model
 * writes and the routes this plane compiles can never disagree; this module
 * re-exports it and adds the per-state verdict.
 */
import type { Ingress } from "../api/types.js";
import {
  type ClassOptions,
  type ClassVerdict,
  classifyIngress,
  selectClasses,
} from "../cluster/ingress-classes.js";
import type { ClusterState } from "../cluster/state.js";

export {
  type ClassOptions,
  type ClassVerdict,
  classifyIngress,
  selectClasses,
} from "../cluster/ingress-classes.js";

/** The served/ignored verdict for every Ingress in the state (for status.loadBalancer and `michi get`). */
export function servedIngresses(state: ClusterState, options: ClassOptions = {}): Map<Ingress, ClassVerdict> {
  const sel = selectClasses(state.ingressClasses, options);
  return new Map(state.ingresses.map((ing) => [ing, classifyIngress(ing, sel)]));
}
