/**
 * The L4 service table: what kube-proxy programs on every node, computed from
 * the cluster state (pure, no I/O). One frontend per address/port/protocol a
 * client can connect to — the cluster IP, every node's address for a NodePort
 * (plus the host's own address, as kube-proxy serves NodePorts on localhost),
 * each LoadBalancer ingress IP and spec.externalIPs — each with the endpoints
 * of its service port as the EndpointSlices list them, named targetPorts
 * already resolved per pod by the EndpointSlice controller.
 *
 * Headless and ExternalName services get no frontend: they exist in DNS only.
 */
import type { Protocol, Service, ServicePort } from "../api/types.js";
import type { ClusterState } from "../cluster/state.js";

export type FrontendKind = "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalIP";

export interface ServiceEndpoint {
  /** Model address of the endpoint (usually a pod IP). */
  ip: string;
  /** Target port resolved for this endpoint. */
  port: number;
  nodeName?: string;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /** The pod behind the endpoint, when the slice names one. */
  pod?: { namespace: string; name: string };
}

export interface ServiceRef {
  namespace: string;
  name: string;
}

export interface ServiceFrontend {
  /** Stable identity: `TCP 10.96.0.12:80` (model address) or `TCP host 127.0.0.1:30080`. */
  key: string;
  kind: FrontendKind;
  /** Model address clients connect to (cluster IP, node IP, LB IP); absent for the host-local NodePort. */
  ip?: string;
  /** Already-local address (the host's own NodePort address); set instead of `ip`. */
  localIP?: string;
  /** For NodePort frontends: the node whose address this is. */
  node?: string;
  port: number;
  protocol: Protocol;
  service: ServiceRef;
  /** `spec.ports[].name` (empty string when unnamed). */
  portName: string;
  /** The service port (`spec.ports[].port`), which policies never see but flows show. */
  servicePort: number;
  endpoints: readonly ServiceEndpoint[];
  externalTrafficPolicy: "Cluster" | "Local";
  internalTrafficPolicy: "Cluster" | "Local";
  /** sessionAffinity ClientIP timeout in seconds; undefined when affinity is None. */
  affinitySeconds?: number;
}

export interface ServiceTable {
  readonly frontends: readonly ServiceFrontend[];
  readonly byKey: ReadonlyMap<string, ServiceFrontend>;
}

export interface ServiceTableOptions {
  /** Local address that also serves every NodePort (kube-proxy's localhost NodePorts); none when undefined. */
  hostIP?: string;
}

/** kube-proxy's default for sessionAffinityConfig.clientIP.timeoutSeconds (3 hours). */
export const DEFAULT_AFFINITY_SECONDS = 10800;

export function isHeadless(svc: Service): boolean {
  return svc.spec?.clusterIP === "None";
}

export function compileServiceTable(state: ClusterState, options: ServiceTableOptions = {}): ServiceTable {
  const frontends: ServiceFrontend[] = [];
  const nodes = state.nodes
    .map((n) => ({
      name: n.metadata?.name ?? "",
      ip: n.status?.addresses?.find((a) => a.type === "InternalIP")?.address,
    }))
    .filter((n): n is { name: string; ip: string } => n.name !== "" && n.ip !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const svc of state.services) {
    const spec = svc.spec;
    const ns = svc.metadata?.namespace ?? "default";
    const name = svc.metadata?.name ?? "";
    if (!spec || spec.type === "ExternalName" || isHeadless(svc)) continue;
    const clusterIP = spec.clusterIP;
    if (!clusterIP) continue;
    const base = {
      service: { namespace: ns, name },
      externalTrafficPolicy:
        spec.externalTrafficPolicy === "Local" ? ("Local" as const) : ("Cluster" as const),
      internalTrafficPolicy:
        spec.internalTrafficPolicy === "Local" ? ("Local" as const) : ("Cluster" as const),
    };
    const affinity =
      spec.sessionAffinity === "ClientIP"
        ? {
            affinitySeconds: spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS,
          }
        : {};
    const type = spec.type ?? "ClusterIP";
    for (const sp of spec.ports ?? []) {
      const protocol = sp.protocol ?? "TCP";
      const endpoints = endpointsFor(state, ns, name, sp);
      const common = {
        ...base,
        ...affinity,
        protocol,
        portName: sp.name ?? "",
        servicePort: sp.port,
        endpoints,
      };
      const add = (fe: Omit<ServiceFrontend, keyof typeof common>) => {
        frontends.push({ ...common, ...fe } as ServiceFrontend);
      };
      add({ key: `${protocol} ${clusterIP}:${sp.port}`, kind: "ClusterIP", ip: clusterIP, port: sp.port });
      for (const ip of spec.externalIPs ?? []) {
        add({ key: `${protocol} ${ip}:${sp.port}`, kind: "ExternalIP", ip, port: sp.port });
      }
      if ((type === "NodePort" || type === "LoadBalancer") && sp.nodePort) {
        for (const node of nodes) {
          add({
            key: `${protocol} ${node.ip}:${sp.nodePort}`,
            kind: "NodePort",
            ip: node.ip,
            node: node.name,
            port: sp.nodePort,
          });
        }
        if (options.hostIP && nodes[0]) {
          // Localhost NodePorts behave as the first node's (the host stands in for a node).
          add({
            key: `${protocol} host ${options.hostIP}:${sp.nodePort}`,
            kind: "NodePort",
            localIP: options.hostIP,
            node: nodes[0].name,
            port: sp.nodePort,
          });
        }
      }
      if (type === "LoadBalancer") {
        for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
          if (ing.ip)
            add({ key: `${protocol} ${ing.ip}:${sp.port}`, kind: "LoadBalancer", ip: ing.ip, port: sp.port });
        }
      }
    }
  }
  // Duplicate keys (two services claiming one external IP) keep the first, as the API server would refuse the second.
  const byKey = new Map<string, ServiceFrontend>();
  for (const fe of frontends) if (!byKey.has(fe.key)) byKey.set(fe.key, fe);
  return { frontends: [...byKey.values()], byKey };
}

/** The endpoints of one service port, from the service's EndpointSlices (one entry per address). */
function endpointsFor(state: ClusterState, ns: string, name: string, sp: ServicePort): ServiceEndpoint[] {
  const out: ServiceEndpoint[] = [];
  const seen = new Set<string>();
  const protocol = sp.protocol ?? "TCP";
  for (const slice of state.index.slicesForService(ns, name)) {
    if (slice.addressType === "FQDN") continue;
    const port = (slice.ports ?? []).find(
      (p) => (p.name ?? "") === (sp.name ?? "") && (p.protocol ?? "TCP") === protocol,
    );
    if (!port || typeof port.port !== "number") continue;
    for (const ep of slice.endpoints ?? []) {
      const c = ep.conditions ?? {};
      // EndpointSlice semantics: nil ready means ready; serving defaults to ready.
      const ready = c.ready ?? true;
      const serving = c.serving ?? ready;
      const terminating = c.terminating ?? false;
      for (const ip of ep.addresses) {
        const id = `${ip}:${port.port}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const e: ServiceEndpoint = { ip, port: port.port, ready, serving, terminating };
        if (ep.nodeName) e.nodeName = ep.nodeName;
        if (ep.targetRef?.kind === "Pod" && ep.targetRef.name) {
          e.pod = { namespace: ep.targetRef.namespace ?? ns, name: ep.targetRef.name };
        }
        out.push(e);
      }
    }
  }
  return out.sort((a, b) =>
    a.ip === b.ip ? a.port - b.port : a.ip.localeCompare(b.ip, "en", { numeric: true }),
  );
}
