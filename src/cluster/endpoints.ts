/**
 * The legacy endpoints controller: one Endpoints object per Service with a
 * selector, ready pods in `addresses`, not-ready ones in `notReadyAddresses`
 * (all in `addresses` with publishNotReadyAddresses), terminating pods left
 * out, subsets repacked so addresses offering the same ports share a subset
 * (endpoints.RepackSubsets), capped at 1000 addresses with the over-capacity
 * annotation.
 */
import type { EndpointAddress, EndpointPort, Endpoints, Pod, Service } from "../api/types.js";
import { podRef, shouldPodBeInEndpoints } from "./endpoint-slices.js";
import { findPort } from "./find-port.js";
import { canonicalJSON } from "./hash.js";
import { isPodReady } from "./readiness.js";
import { LABEL_HEADLESS } from "./system-names.js";

export const MAX_ENDPOINTS_ADDRESSES = 1000;

function ipCompare(a: EndpointAddress, b: EndpointAddress): number {
  return a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0;
}

export function endpointsFor(svc: Service, pods: readonly Pod[]): Endpoints {
  const ns = svc.metadata?.namespace ?? "default";
  const svcName = svc.metadata?.name ?? "";
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const family = svc.spec?.ipFamilies?.[0] ?? "IPv4";
  const servicePorts = svc.spec?.ports ?? [];
  // port (as canonical JSON; "-1" for the headless no-port sentinel) → address ip → [address, ready]
  const byPort = new Map<
    string,
    { port: EndpointPort | undefined; addrs: Map<string, [EndpointAddress, boolean]> }
  >();
  const add = (port: EndpointPort | undefined, addr: EndpointAddress, ready: boolean) => {
    const key = port
      ? `${port.name ?? ""}\u0000${port.port}\u0000${port.protocol}\u0000${port.appProtocol ?? ""}`
      : "-1";
    let e = byPort.get(key);
    if (!e) {
      e = { port, addrs: new Map() };
      byPort.set(key, e);
    }
    e.addrs.set(addr.ip, [addr, ready]);
  };
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const ip = pod.status?.podIPs?.find((x) => x.ip.includes(":") === (family === "IPv6"))?.ip;
    if (!ip) continue;
    const addr: EndpointAddress = {
      ip,
      targetRef: podRef(pod),
    };
    if (pod.spec?.nodeName) addr.nodeName = pod.spec.nodeName;
    if (pod.spec?.hostname && pod.spec.subdomain === svcName) addr.hostname = pod.spec.hostname;
    const ready = publishNotReady || isPodReady(pod);
    if (servicePorts.length === 0) {
      if (svc.spec?.clusterIP === "None") add(undefined, addr, ready);
      continue;
    }
    for (const sp of servicePorts) {
      const num = findPort(pod, sp);
      if (num === undefined) continue;
      // Endpoints omit an empty port name (omitempty), unlike EndpointSlices.
      const epp: EndpointPort = sp.name
        ? { name: sp.name, port: num, protocol: sp.protocol ?? "TCP" }
        : { port: num, protocol: sp.protocol ?? "TCP" };
      if (sp.appProtocol !== undefined) epp.appProtocol = sp.appProtocol;
      add(epp, addr, ready);
    }
  }
  // RepackSubsets: ports offered by the same set of addresses (with the same readiness) share a subset.
  const bySet = new Map<string, { ports: EndpointPort[]; addrs: [EndpointAddress, boolean][] }>();
  for (const { port, addrs } of byPort.values()) {
    const list = [...addrs.values()].sort((a, b) => ipCompare(a[0], b[0]));
    const key = list.map(([a, r]) => `${a.ip}/${a.targetRef?.uid}/${r}`).join(",");
    let e = bySet.get(key);
    if (!e) {
      e = { ports: [], addrs: list };
      bySet.set(key, e);
    }
    if (port) e.ports.push(port);
  }
  let subsets: NonNullable<Endpoints["subsets"]> = [...bySet.values()].map(({ ports, addrs }) => {
    const subset: NonNullable<Endpoints["subsets"]>[number] = {};
    const ready = addrs.filter(([, r]) => r).map(([a]) => a);
    const notReady = addrs.filter(([, r]) => !r).map(([a]) => a);
    if (ready.length) subset.addresses = ready;
    if (notReady.length) subset.notReadyAddresses = notReady;
    if (ports.length)
      subset.ports = [...ports].sort((a, b) => canonicalJSON(a).localeCompare(canonicalJSON(b)));
    return subset;
  });
  subsets.sort((a, b) => canonicalJSON(a).localeCompare(canonicalJSON(b)));

  const annotations: Record<string, string> = {};
  let total = 0;
  for (const s of subsets) total += (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0);
  if (total > MAX_ENDPOINTS_ADDRESSES) {
    // The controller keeps the first 1000 addresses (ready ones first) and says so.
    annotations["endpoints.kubernetes.io/over-capacity"] = "truncated";
    subsets = truncate(subsets, MAX_ENDPOINTS_ADDRESSES);
  }
  const labels: Record<string, string> = { ...svc.metadata?.labels };
  if (svc.spec?.clusterIP === "None") labels[LABEL_HEADLESS] = "";
  else delete labels[LABEL_HEADLESS];
  const ep: Endpoints = {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: svcName, namespace: ns, labels },
  };
  if (Object.keys(annotations).length > 0 && ep.metadata) ep.metadata.annotations = annotations;
  if (subsets.length > 0) ep.subsets = subsets;
  return ep;
}

function truncate(
  subsets: NonNullable<Endpoints["subsets"]>,
  max: number,
): NonNullable<Endpoints["subsets"]> {
  let budget = max;
  const out: NonNullable<Endpoints["subsets"]> = subsets.map((s) => ({ ...s }));
  for (const s of out) {
    const take = Math.min(budget, s.addresses?.length ?? 0);
    if (s.addresses) s.addresses = s.addresses.slice(0, take);
    budget -= take;
  }
  for (const s of out) {
    const take = Math.min(budget, s.notReadyAddresses?.length ?? 0);
    if (s.notReadyAddresses) s.notReadyAddresses = s.notReadyAddresses.slice(0, take);
    budget -= take;
  }
  return out.filter((s) => (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0) > 0);
}
