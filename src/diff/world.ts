/**
 * What the pods and namespaces of a version look like to selectors: every
 * pod's namespace, labels, containerPorts, hostNetwork and workload, and
 * every namespace's labels, as one canonical text. Two versions with the
 * same world differ only in their other objects (policies, Services,
 * Ingresses), which lets the diff skip work that depends on pods alone:
 * findings of unchanged policies, backends of unchanged Services.
 */
import type { Labels } from "../api/types.js";
import type { ClusterState } from "../cluster/state.js";
import { podContainerPorts } from "../policy/ports.js";
import type { WorkloadNamer } from "./workloads.js";

function labelText(l: Labels | undefined): string {
  if (!l) return "";
  return Object.keys(l)
    .sort()
    .map((k) => `${k}=${l[k]}`)
    .join(",");
}

export function podWorld(state: ClusterState, workloadOf: WorkloadNamer): string {
  const lines: string[] = [];
  for (const ns of state.namespaces)
    lines.push(`ns ${ns.metadata?.name ?? ""} ${labelText(ns.metadata?.labels)}`);
  for (const p of state.pods) {
    const ports = podContainerPorts(p.spec)
      .map((c) => `${c.name ?? ""}:${c.containerPort}/${c.protocol ?? "TCP"}`)
      .join(",");
    lines.push(
      `pod ${p.metadata?.namespace ?? "default"} ${workloadOf(p)} ${labelText(p.metadata?.labels)} ${ports} ${p.spec?.hostNetwork === true}`,
    );
  }
  return lines.sort().join("\n");
}
