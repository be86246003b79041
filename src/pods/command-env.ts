/**
 * What the kubelet puts in a container's environment — the Service
 * variables, the container's own `env`, the downward-API basics — plus what
 * a local command needs to run at all (PATH, LANG…), for `michi.dev/command`
 * pods.
 */
import type { Pod } from "../api/types.js";
import { serviceEnvFor } from "../cluster/env.js";
import type { ClusterState } from "../cluster/state.js";

export function commandEnvFor(pod: Pod, state: ClusterState): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "LANG", "TERM", "TMPDIR", "NODE_PATH"]) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  for (const { name, value } of serviceEnvFor(pod, state)) env[name] = value;
  for (const c of pod.spec?.containers ?? []) {
    for (const e of c.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  }
  env.HOSTNAME = pod.metadata?.name ?? "";
  env.POD_NAME = pod.metadata?.name ?? "";
  env.POD_NAMESPACE = pod.metadata?.namespace ?? "default";
  env.POD_IP = pod.status?.podIP ?? "";
  env.NODE_NAME = pod.spec?.nodeName ?? "";
  return env;
}
