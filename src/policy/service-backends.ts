/**
 * Translating a Service destination to what NetworkPolicy actually judges:
 * the backend pods and their target ports, read from the Service's
 * EndpointSlices as kube-proxy does (ready endpoints only, port matched by
 * the service port's name and protocol). Policies never see the cluster IP.
 */
import type { Pod, Protocol, Service, ServicePort } from "../api/types.js";
import type { ClusterState } from "../cluster/state.js";
import { podContainerPorts } from "./ports.js";
import { compileSelector } from "./selector.js";

export interface Backend {
  /** The backend pod, when the endpoint is one (selector-less services may point anywhere). */
  pod: Pod | undefined;
  ip: string;
  /** Target port on the backend. */
  port: number;
  protocol: Protocol;
}

export interface ServiceTranslation {
  service: Service;
  /** The service port the connection used; undefined when the service has no such port. */
  servicePort: ServicePort | undefined;
  backends: Backend[];
}

/** The service port a connection to `port`/`protocol` uses. */
export function findServicePort(svc: Service, port: number, protocol: Protocol): ServicePort | undefined {
  return svc.spec?.ports?.find((p) => p.port === port && (p.protocol ?? "TCP") === protocol);
}

export function serviceBackends(
  state: ClusterState,
  svc: Service,
  port: number,
  protocol: Protocol,
): ServiceTranslation {
  const servicePort = findServicePort(svc, port, protocol);
  if (!servicePort) return { service: svc, servicePort, backends: [] };
  const ns = svc.metadata?.namespace ?? "default";
  const name = svc.metadata?.name ?? "";
  const slices = state.index.slicesForService(ns, name);
  const backends: Backend[] = [];
  const seen = new Set<string>();
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  if (slices.length > 0) {
    for (const slice of slices) {
      const sp = slice.ports?.find(
        (p) => (p.name ?? "") === (servicePort.name ?? "") && (p.protocol ?? "TCP") === protocol,
      );
      if (!sp) continue;
      for (const ep of slice.endpoints ?? []) {
        if (!publishNotReady && ep.conditions?.ready === false) continue;
        for (const ip of ep.addresses) {
          const key = `${ip}:${sp.port}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const ref = ep.targetRef;
          const pod =
            ref?.kind === "Pod" && ref.name
              ? (state.index.pod(ref.namespace ?? ns, ref.name) ?? state.index.podByIP(ip))
              : state.index.podByIP(ip);
          backends.push({ pod, ip, port: sp.port, protocol });
        }
      }
    }
    return { service: svc, servicePort, backends };
  }
  // No slices (controllers not run): derive them from the selector as the EndpointSlice controller would.
  if (!svc.spec?.selector) return { service: svc, servicePort, backends };
  const sel = compileSelector({ matchLabels: svc.spec.selector });
  for (const pod of state.index.podsInNamespace(ns)) {
    if (!sel.matches(pod.metadata?.labels ?? {}) || !pod.status?.podIP) continue;
    const tp = servicePort.targetPort ?? servicePort.port;
    const target =
      typeof tp === "number"
        ? tp
        : podContainerPorts(pod.spec).find((cp) => cp.name === tp && (cp.protocol ?? "TCP") === protocol)
            ?.containerPort;
    if (target === undefined) continue;
    backends.push({ pod, ip: pod.status.podIP, port: target, protocol });
  }
  return { service: svc, servicePort, backends };
}
