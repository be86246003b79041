/**
 * podutil.FindPort: the container port a Service port's targetPort names on
 * one pod. A number stands for itself; a name is looked up among every
 * container's ports with the same protocol. Pods of one Service may resolve a
 * name differently, which is why EndpointSlices group endpoints by port set.
 */
import type { Pod, ServicePort } from "../api/types.js";

export function findPort(pod: Pod, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === "number") return target;
  const protocol = port.protocol ?? "TCP";
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? "TCP") === protocol) return p.containerPort;
    }
  }
  return undefined;
}
