/**
 * Which workload a pod belongs to, following ownerReferences the way
 * `kubectl` shows them: Pod → ReplicaSet → Deployment, Pod → StatefulSet,
 * Pod → DaemonSet; a bare pod is its own group.
 */
import type { Pod } from "../api/types.js";
import type { ClusterState } from "../cluster/state.js";

export interface WorkloadRef {
  /** Object id: `deployment/ns/name`, `statefulset/ns/name`, … or `pod/ns/name` for a bare pod. */
  id: string;
  kind: string;
  namespace: string;
  name: string;
}

export function workloadOf(state: ClusterState, pod: Pod): WorkloadRef {
  const ns = pod.metadata?.namespace ?? "default";
  const owner =
    pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
  if (owner) {
    if (owner.kind === "ReplicaSet") {
      const rs = state.replicaSets.find(
        (r) => r.metadata?.namespace === ns && r.metadata?.name === owner.name,
      );
      const dep = rs?.metadata?.ownerReferences?.find((o) => o.kind === "Deployment");
      if (dep)
        return { id: `deployment/${ns}/${dep.name}`, kind: "Deployment", namespace: ns, name: dep.name };
    }
    return {
      id: `${owner.kind.toLowerCase()}/${ns}/${owner.name}`,
      kind: owner.kind,
      namespace: ns,
      name: owner.name,
    };
  }
  const name = pod.metadata?.name ?? "";
  return { id: `pod/${ns}/${name}`, kind: "Pod", namespace: ns, name };
}
