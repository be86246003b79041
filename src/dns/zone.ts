/**
 * buildZone: the cluster DNS zone compiled from a ClusterState — the trimmed,
 * indexed view CoreDNS's kubernetes plugin keeps (`object.Service`,
 * `object.Endpoints`, `svcIPIndex`, `epIPIndex`), so the responder never walks
 * raw manifests on the hot path. Pure and deterministic; immutable once built.
 */
import type { EndpointSlice, Service } from "../api/types.js";
import type { ClusterConfig } from "../cluster/config.js";
import type { ClusterState } from "../cluster/state.js";
import { canonicalIP, endpointHostname, lowerName, trimDot } from "./names.js";

export interface ZonePort {
  /** Port name ("" when unnamed). */
  name: string;
  /** Upper-case protocol ("" for CoreDNS's no-ports sentinel). */
  protocol: string;
  /** -1 is CoreDNS's sentinel for an EndpointSlice without ports (A records yes, SRV no). */
  port: number;
}

export interface ZoneEndpoint {
  ip: string;
  family: 4 | 6;
  /** endpoint hostname, or the dashed IP when the endpoint has none. */
  hostname: string;
  ports: readonly ZonePort[];
}

export interface ZoneService {
  name: string;
  namespace: string;
  kind: "ClusterIP" | "Headless" | "ExternalName";
  clusterIPs: readonly string[];
  ports: readonly ZonePort[];
  /** Lower-case, no trailing dot. */
  externalName?: string;
  /** Ready endpoints only (conditions.ready unset counts as ready, as in CoreDNS). */
  endpoints: readonly ZoneEndpoint[];
}

export type PodsMode = ClusterConfig["podsMode"];

export interface Zone {
  /** The cluster domain, lower-case, no trailing dot. */
  readonly origin: string;
  /** Reverse zones served with fallthrough (kubeadm's Corefile: `in-addr.arpa ip6.arpa`). */
  readonly reverseZones: readonly string[];
  readonly ttl: number;
  readonly serial: number;
  readonly podsMode: PodsMode;
  /** Addresses of ns.dns.ZONE (the kube-dns service's cluster IPs). */
  readonly nameservers: readonly string[];
  readonly namespaces: ReadonlySet<string>;
  /** Key `name.namespace`. */
  readonly services: ReadonlyMap<string, ZoneService>;
  /** Namespace → pod IPs (for `pods verified`). */
  readonly podIPs: ReadonlyMap<string, ReadonlySet<string>>;
  /** Cluster IP → the first service holding it (PTR). */
  readonly byClusterIP: ReadonlyMap<string, ZoneService>;
  /** Endpoint IP → PTR targets `hostname.svc.ns.svc.ZONE` (every service's ready endpoints). */
  readonly byEndpointIP: ReadonlyMap<string, readonly string[]>;
  readonly stats: { services: number; endpoints: number; pods: number };
}

export interface BuildZoneOptions {
  /** SOA serial; default: a hash of the zone's content (CoreDNS uses the last-modified time). */
  serial?: number;
}

const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

function slicePorts(slice: EndpointSlice): ZonePort[] {
  const ports = slice.ports ?? [];
  if (ports.length === 0) return [{ name: "", protocol: "", port: -1 }];
  return ports.map((p) => ({ name: p.name ?? "", protocol: p.protocol ?? "TCP", port: p.port }));
}

function serviceKind(svc: Service): ZoneService["kind"] {
  if (svc.spec?.type === "ExternalName") return "ExternalName";
  return svc.spec?.clusterIP === "None" ? "Headless" : "ClusterIP";
}

function fnv(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export function buildZone(state: ClusterState, options: BuildZoneOptions = {}): Zone {
  const config = state.config;
  const origin = lowerName(trimDot(config.clusterDomain));
  let hash = 2166136261;

  const namespaces = new Set<string>();
  for (const ns of state.namespaces) if (ns.metadata?.name) namespaces.add(ns.metadata.name);

  // Ready endpoints per service, from the EndpointSlices (as CoreDNS watches them).
  const endpointsBySvc = new Map<string, ZoneEndpoint[]>();
  const seenEndpoint = new Map<string, Set<string>>();
  let endpointCount = 0;
  for (const slice of state.endpointSlices) {
    if (slice.addressType !== "IPv4" && slice.addressType !== "IPv6") continue;
    const svcName = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    const ns = slice.metadata?.namespace ?? "default";
    if (!svcName) continue;
    const key = `${svcName}.${ns}`;
    const ports = slicePorts(slice);
    const portsKey = ports.map((p) => `${p.name}/${p.protocol}/${p.port}`).join(",");
    let list = endpointsBySvc.get(key);
    if (!list) {
      list = [];
      endpointsBySvc.set(key, list);
      seenEndpoint.set(key, new Set());
    }
    const seen = seenEndpoint.get(key)!;
    for (const ep of slice.endpoints ?? []) {
      if (ep.conditions?.ready === false) continue;
      for (const raw of ep.addresses) {
        const ip = canonicalIP(raw);
        if (!ip) continue;
        const hostname = endpointHostname(ep.hostname, ip);
        // The same address in two slices (e.g. mirrored) would give duplicate records; CoreDNS dedups them later.
        const dedup = `${ip}|${hostname}|${portsKey}`;
        if (seen.has(dedup)) continue;
        seen.add(dedup);
        list.push({ ip, family: ip.includes(":") ? 6 : 4, hostname, ports });
        endpointCount++;
      }
    }
  }

  const services = new Map<string, ZoneService>();
  const byClusterIP = new Map<string, ZoneService>();
  const byEndpointIP = new Map<string, string[]>();
  for (const svc of state.services) {
    const name = svc.metadata?.name;
    const namespace = svc.metadata?.namespace ?? "default";
    if (!name) continue;
    namespaces.add(namespace);
    const key = `${name}.${namespace}`;
    const kind = serviceKind(svc);
    const spec = svc.spec ?? {};
    const clusterIPs: string[] = [];
    if (kind === "ClusterIP") {
      for (const raw of spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])) {
        const ip = canonicalIP(raw);
        if (ip) clusterIPs.push(ip);
      }
    }
    const zs: ZoneService = {
      name,
      namespace,
      kind,
      clusterIPs,
      ports: (spec.ports ?? []).map((p) => ({
        name: p.name ?? "",
        protocol: p.protocol ?? "TCP",
        port: p.port,
      })),
      endpoints: kind === "ExternalName" ? [] : (endpointsBySvc.get(key) ?? []),
    };
    if (kind === "ExternalName" && spec.externalName) zs.externalName = lowerName(trimDot(spec.externalName));
    services.set(key, zs);
    hash = fnv(
      hash,
      `${key}|${kind}|${clusterIPs.join(",")}|${zs.externalName ?? ""}|${zs.endpoints.length}`,
    );
    for (const ip of clusterIPs) if (!byClusterIP.has(ip)) byClusterIP.set(ip, zs);
    for (const ep of zs.endpoints) {
      const target = `${ep.hostname}.${name}.${namespace}.svc.${origin}`;
      const list = byEndpointIP.get(ep.ip);
      if (!list) byEndpointIP.set(ep.ip, [target]);
      else if (!list.includes(target)) list.push(target);
    }
  }

  const podIPs = new Map<string, Set<string>>();
  for (const pod of state.pods) {
    const ns = pod.metadata?.namespace ?? "default";
    namespaces.add(ns);
    const ip = pod.status?.podIP && canonicalIP(pod.status.podIP);
    if (!ip) continue;
    let set = podIPs.get(ns);
    if (!set) {
      set = new Set();
      podIPs.set(ns, set);
    }
    set.add(ip);
  }

  // ns.dns.ZONE points at the kube-dns service (CoreDNS nsAddrs); fall back to the configured DNS IP.
  const kubeDns = services.get("kube-dns.kube-system");
  const nameservers = kubeDns && kubeDns.clusterIPs.length > 0 ? kubeDns.clusterIPs : [config.dnsServiceIP];

  return Object.freeze({
    origin,
    reverseZones: ["in-addr.arpa", "ip6.arpa"],
    ttl: config.dnsTTL,
    serial: options.serial ?? (hash || 1),
    podsMode: config.podsMode,
    nameservers,
    namespaces,
    services,
    podIPs,
    byClusterIP,
    byEndpointIP,
    stats: { services: services.size, endpoints: endpointCount, pods: state.pods.length },
  });
}
