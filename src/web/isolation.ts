/**
 * NetworkPolicy isolation of a pod, from the policy engine's own selection
 * (so the badge agrees with every verdict): isolated for ingress (egress)
 * when some policy with that direction in its policyTypes selects it.
 */
import type { Pod } from "../api/types.js";
import type { PolicyEngine } from "../policy/engine.js";
import type { ApiIsolation } from "./api-types.js";

export function isolationOf(engine: PolicyEngine, pod: Pod): ApiIsolation {
  const ing = engine.selecting(pod, "ingress");
  const eg = engine.selecting(pod, "egress");
  const policies = [...new Set([...ing, ...eg].map((p) => p.key))].sort();
  return { ingress: ing.length > 0, egress: eg.length > 0, policies };
}
