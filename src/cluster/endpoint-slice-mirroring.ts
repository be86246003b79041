/**
 * The endpointslicemirroring controller: for a Service without a selector,
 * the user's Endpoints object is mirrored into EndpointSlices (one per subset
 * and address family, at most 1000 endpoints each), labelled as managed by
 * `endpointslicemirroring-controller.k8s.io` and owned by the Endpoints.
 * Endpoints labelled `endpointslice.kubernetes.io/skip-mirror: "true"` and
 * Endpoints of Services that have a selector are not mirrored.
 */
import type { Endpoint, EndpointPort, EndpointSlice, Endpoints, Service } from "../api/types.js";
import { generatedName } from "./hash.js";
import {
  LABEL_MANAGED_BY,
  LABEL_SERVICE_NAME,
  LABEL_SKIP_MIRROR,
  MIRRORING_CONTROLLER,
} from "./system-names.js";

export const MAX_MIRRORED_PER_SUBSET = 1000;

export function shouldMirror(ep: Endpoints, svc: Service | undefined): boolean {
  if (!svc || svc.spec?.selector) return false;
  return ep.metadata?.labels?.[LABEL_SKIP_MIRROR] !== "true";
}

export function mirrorEndpoints(
  ep: Endpoints,
  previousNames: readonly string[],
  nameTaken: (name: string) => boolean,
): EndpointSlice[] {
  const ns = ep.metadata?.namespace ?? "default";
  const name = ep.metadata?.name ?? "";
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(ep.metadata?.labels ?? {})) {
    if (k !== LABEL_MANAGED_BY && k !== LABEL_SERVICE_NAME) labels[k] = v;
  }
  labels[LABEL_SERVICE_NAME] = name;
  labels[LABEL_MANAGED_BY] = MIRRORING_CONTROLLER;
  // Annotations are mirrored too, except the ones describing the Endpoints object itself.
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(ep.metadata?.annotations ?? {})) {
    if (
      k !== "kubectl.kubernetes.io/last-applied-configuration" &&
      k !== "endpoints.kubernetes.io/last-change-trigger-time"
    ) {
      annotations[k] = v;
    }
  }
  const chunks: { family: "IPv4" | "IPv6"; ports: EndpointPort[]; endpoints: Endpoint[] }[] = [];
  for (const subset of ep.subsets ?? []) {
    const ports: EndpointPort[] = (subset.ports ?? []).map((p) => {
      const out: EndpointPort = { name: p.name ?? "", port: p.port, protocol: p.protocol ?? "TCP" };
      if (p.appProtocol !== undefined) out.appProtocol = p.appProtocol;
      return out;
    });
    const byFamily = new Map<"IPv4" | "IPv6", Endpoint[]>();
    const push = (a: NonNullable<typeof subset.addresses>[number], ready: boolean) => {
      const family = a.ip.includes(":") ? "IPv6" : "IPv4";
      const list = byFamily.get(family) ?? [];
      byFamily.set(family, list);
      if (list.length >= MAX_MIRRORED_PER_SUBSET) return;
      const e: Endpoint = { addresses: [a.ip], conditions: { ready } };
      if (a.hostname) e.hostname = a.hostname;
      if (a.nodeName) e.nodeName = a.nodeName;
      if (a.targetRef) e.targetRef = a.targetRef;
      list.push(e);
    };
    for (const a of subset.addresses ?? []) push(a, true);
    for (const a of subset.notReadyAddresses ?? []) push(a, false);
    for (const family of ["IPv4", "IPv6"] as const) {
      const endpoints = byFamily.get(family);
      if (endpoints?.length) chunks.push({ family, ports, endpoints });
    }
  }
  const prefix = `${name}-`;
  const used = new Set<string>();
  return chunks.map((c, i) => {
    let sliceName = previousNames[i];
    if (sliceName === undefined || nameTaken(sliceName) || used.has(sliceName)) {
      sliceName = generatedName(prefix, `${ns}/${name}/mirror/${i}`, (n) => nameTaken(n) || used.has(n));
    }
    used.add(sliceName);
    return {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: {
        name: sliceName,
        generateName: prefix,
        namespace: ns,
        labels: { ...labels },
        ...(Object.keys(annotations).length ? { annotations: { ...annotations } } : {}),
        ownerReferences: [
          {
            apiVersion: "v1",
            kind: "Endpoints",
            name,
            uid: ep.metadata?.uid ?? "",
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      addressType: c.family,
      endpoints: c.endpoints,
      ports: c.ports,
    };
  });
}

/** Mirrors every eligible Endpoints object; `sliceNames` collects the names handed out. */
export function mirrorAll(
  endpoints: readonly Endpoints[],
  services: ReadonlyMap<string, Service>,
  previousNames: ReadonlyMap<string, readonly string[]>,
  taken: (ns: string) => (name: string) => boolean,
  sliceNames: Set<string>,
): EndpointSlice[] {
  const out: EndpointSlice[] = [];
  for (const ep of endpoints) {
    const ns = ep.metadata?.namespace ?? "default";
    const key = `${ns}/${ep.metadata?.name ?? ""}`;
    if (!shouldMirror(ep, services.get(key))) continue;
    for (const s of mirrorEndpoints(ep, previousNames.get(key) ?? [], taken(ns))) {
      sliceNames.add(`${ns}/${s.metadata?.name ?? ""}`);
      out.push(s);
    }
  }
  return out;
}
