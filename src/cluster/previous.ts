/**
 * What a previous build allocated, in the shape the controllers consult to
 * keep allocations sticky on a running instance (`michi up` reloads): pod
 * names per owner, pod placement and IPs, Service IPs/ports, slice names.
 */

import type { PreviousServiceAllocations } from "./service-ipam.js";
import type { ClusterState } from "./state.js";
import { LABEL_MANAGED_BY, LABEL_SERVICE_NAME } from "./system-names.js";

export interface PreviousAllocations {
  /** `ns/Kind/name` of the owner → pod names; `node:ns/pod` → [node]. */
  podNames: Map<string, string[]>;
  podNode: Map<string, string>;
  podIP: Map<string, { node: string; ip: string }>;
  services: Map<string, PreviousServiceAllocations>;
  /** `ns/service` (or `ns/endpoints` for mirrored ones) → slice names, in controller order. */
  sliceNames: Map<string, string[]>;
}

export function previousAllocations(state: ClusterState | undefined): PreviousAllocations {
  const out: PreviousAllocations = {
    podNames: new Map(),
    podNode: new Map(),
    podIP: new Map(),
    services: new Map(),
    sliceNames: new Map(),
  };
  if (!state) return out;
  for (const p of state.pods) {
    const ns = p.metadata?.namespace ?? "default";
    const name = p.metadata?.name ?? "";
    const owner = p.metadata?.ownerReferences?.find((o) => o.controller);
    if (owner) {
      const k = `${ns}/${owner.kind}/${owner.name}`;
      const list = out.podNames.get(k) ?? [];
      list.push(name);
      out.podNames.set(k, list);
    }
    const node = p.spec?.nodeName;
    if (node) {
      out.podNode.set(`${ns}/${name}`, node);
      out.podNames.set(`node:${ns}/${name}`, [node]);
      const ip = p.status?.podIP;
      if (ip && !p.spec?.hostNetwork) out.podIP.set(`${ns}/${name}`, { node, ip });
    }
  }
  for (const list of out.podNames.values()) list.sort();
  for (const s of state.services) {
    const spec = s.spec ?? {};
    const nodePorts = new Map<string, number>();
    for (const p of spec.ports ?? [])
      if (p.nodePort !== undefined) nodePorts.set(`${p.port}/${p.protocol ?? "TCP"}`, p.nodePort);
    const a: PreviousServiceAllocations = { nodePorts };
    if (spec.clusterIP && spec.clusterIP !== "None") a.clusterIP = spec.clusterIP;
    if (spec.healthCheckNodePort !== undefined) a.healthCheckNodePort = spec.healthCheckNodePort;
    const lb = s.status?.loadBalancer?.ingress?.[0]?.ip;
    if (lb) a.lbIP = lb;
    out.services.set(`${s.metadata?.namespace ?? "default"}/${s.metadata?.name ?? ""}`, a);
  }
  for (const sl of state.endpointSlices) {
    const managed = sl.metadata?.labels?.[LABEL_MANAGED_BY];
    const svc = sl.metadata?.labels?.[LABEL_SERVICE_NAME];
    if (!managed || svc === undefined) continue;
    const k = `${sl.metadata?.namespace ?? "default"}/${svc}`;
    const list = out.sliceNames.get(k) ?? [];
    list.push(sl.metadata?.name ?? "");
    out.sliceNames.set(k, list);
  }
  return out;
}
