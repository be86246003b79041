/**
 * Ingress backend → upstream endpoints, as ingress-nginx resolves them: the
 * Service port the Ingress names (by number or name), then the ready
 * endpoints of the Service's EndpointSlices for that port (pod IP + resolved
 * target port), bypassing the cluster IP.
 */
import type { IngressBackend } from "../api/types.js";
import type { ClusterState } from "../cluster/state.js";
import type { BackendRef, EndpointRef } from "./route-types.js";

export function resolveBackend(
  state: ClusterState,
  namespace: string,
  backend: IngressBackend,
): BackendRef | undefined {
  const svcRef = backend.service;
  if (!svcRef) return undefined;
  const portSpec: number | string = svcRef.port?.number ?? svcRef.port?.name ?? "";
  const upstream = `${namespace}-${svcRef.name}-${portSpec}`;
  const summary = (servicePort: number | undefined) => ({
    service: `${namespace}/${svcRef.name}`,
    port: portSpec,
    servicePort,
    upstream,
  });
  const base = { namespace, service: svcRef.name, port: portSpec, upstream, summary: summary(undefined) };
  const svc = state.index.service(namespace, svcRef.name);
  if (!svc) return { ...base, endpoints: [], problem: `service ${namespace}/${svcRef.name} not found` };
  if (svc.spec?.type === "ExternalName") {
    return {
      ...base,
      endpoints: [],
      problem: `service ${namespace}/${svcRef.name} is ExternalName (${svc.spec.externalName ?? ""}); michi does not proxy to names outside the cluster`,
    };
  }
  const sp = (svc.spec?.ports ?? []).find((p) =>
    typeof portSpec === "number" ? p.port === portSpec : p.name === portSpec,
  );
  if (!sp)
    return { ...base, endpoints: [], problem: `service ${namespace}/${svcRef.name} has no port ${portSpec}` };
  if ((sp.protocol ?? "TCP") !== "TCP")
    return {
      ...base,
      servicePort: sp.port,
      summary: summary(sp.port),
      endpoints: [],
      problem: `service port ${portSpec} is ${sp.protocol}, not TCP`,
    };
  const wantName = sp.name ?? "";
  const seen = new Set<string>();
  const endpoints: EndpointRef[] = [];
  let notReady = 0;
  for (const slice of state.index.slicesForService(namespace, svcRef.name)) {
    const port = (slice.ports ?? []).find(
      (p) => (p.name ?? "") === wantName && (p.protocol ?? "TCP") === "TCP",
    );
    if (!port) continue;
    for (const ep of slice.endpoints ?? []) {
      // EndpointSlice semantics: an unset `ready` means unknown, which consumers treat as ready.
      if (ep.conditions?.ready === false) {
        notReady++;
        continue;
      }
      for (const ip of ep.addresses) {
        const key = `${ip}:${port.port}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const ref: EndpointRef = { ip, port: port.port };
        if (ep.targetRef?.kind === "Pod" && ep.targetRef.name)
          ref.pod = `${ep.targetRef.namespace ?? namespace}/${ep.targetRef.name}`;
        endpoints.push(ref);
      }
    }
  }
  const out: BackendRef = { ...base, servicePort: sp.port, summary: summary(sp.port), endpoints };
  if (endpoints.length === 0) {
    out.problem =
      notReady > 0
        ? `service ${namespace}/${svcRef.name} has ${notReady} endpoint(s), none ready`
        : `service ${namespace}/${svcRef.name} has no endpoints`;
  }
  return out;
}
