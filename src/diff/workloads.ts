/**
 * Which workload a pod belongs to, named as the CLI names objects
 * (`deployment/NS/NAME`, `statefulset/NS/NAME`, `pod/NS/NAME` for bare pods):
 * its controller owner, a ReplicaSet resolved to its Deployment. Indexed once
 * per state so a 50 000-pod cluster is named in one pass.
 */
import type { Pod } from "../api/types.js";
import type { ClusterState } from "../cluster/state.js";

export type WorkloadNamer = (pod: Pod) => string;

export function workloadNamer(state: ClusterState): WorkloadNamer {
  const rsOwner = new Map<string, string>();
  for (const rs of state.replicaSets) {
    const dep = rs.metadata?.ownerReferences?.find((o) => o.kind === "Deployment");
    if (dep) rsOwner.set(`${rs.metadata?.namespace ?? "default"}/${rs.metadata?.name ?? ""}`, dep.name);
  }
  const cache = new WeakMap<Pod, string>();
  return (pod) => {
    let w = cache.get(pod);
    if (w !== undefined) return w;
    const ns = pod.metadata?.namespace ?? "default";
    const refs = pod.metadata?.ownerReferences;
    const owner = refs?.find((o) => o.controller) ?? refs?.[0];
    if (!owner) w = `pod/${ns}/${pod.metadata?.name ?? ""}`;
    else if (owner.kind === "ReplicaSet" && rsOwner.has(`${ns}/${owner.name}`))
      w = `deployment/${ns}/${rsOwner.get(`${ns}/${owner.name}`)}`;
    else w = `${owner.kind.toLowerCase()}/${ns}/${owner.name}`;
    cache.set(pod, w);
    return w;
  };
}
