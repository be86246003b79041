/**
 * Adapter over src/cluster's kubelet views of a pod: the injected service
 * environment (`serviceEnvFor`) and /etc/resolv.conf (`resolvConfFor`).
 */
import type { Pod } from "../api/types.js";
import { serviceEnvFor } from "../cluster/env.js";
import { formatResolvConf, resolvConfFor } from "../cluster/resolv-conf.js";
import type { ClusterState } from "../cluster/state.js";

export function podEnv(pod: Pod, state: ClusterState): { name: string; value: string }[] {
  return serviceEnvFor(pod, state).map((e) => ({ name: e.name, value: e.value }));
}

export function podResolvConf(pod: Pod, state: ClusterState): string {
  return formatResolvConf(resolvConfFor(pod, state));
}
