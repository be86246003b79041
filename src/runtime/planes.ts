/**
 * Adapter to the DNS and ingress planes: compiles their tables for a snapshot
 * and starts their servers for the system pods (CoreDNS, the ingress-nginx
 * controller). Kept in one place so the rest of the runtime does not depend
 * on their option shapes.
 */
import type { ClusterState } from "../cluster/state.js";
import { startDnsServer } from "../dns/server.js";
import { buildZone, type Zone } from "../dns/zone.js";
import { compileRoutes } from "../ingress/route-table.js";
import type { RouteTable } from "../ingress/route-types.js";
import { startIngressProxy } from "../proxy/ingress-proxy.js";
import type { Snapshot } from "./snapshot.js";

export interface Planes {
  readonly zone: Zone;
  readonly routes: RouteTable;
}

export function compilePlanes(state: ClusterState): Planes {
  return { zone: buildZone(state), routes: compileRoutes(state) };
}

export interface DnsRoleOptions {
  host: string;
  port: number;
  getSnapshot: () => Snapshot | undefined;
  /** Upstreams for names outside the cluster (default: the host's resolv.conf). */
  upstreams?: readonly string[];
}

export async function startDnsRole(o: DnsRoleOptions): Promise<() => Promise<void>> {
  const server = await startDnsServer({
    host: o.host,
    port: o.port,
    getZone: () => o.getSnapshot()?.planes.zone,
    ...(o.upstreams ? { upstreams: o.upstreams } : {}),
  });
  return () => server.close();
}

export interface IngressRoleOptions {
  http?: { host: string; port: number };
  https?: { host: string; port: number };
  localAddress: string;
  getSnapshot: () => Snapshot | undefined;
  upstream: (ep: { ip: string; port: number }) => { host: string; port: number };
  /** The controller pod's model ports (80/443): what X-Forwarded-Port and ssl-redirect Locations name, as in a cluster. */
  ports?: { http: number; https: number };
}

export async function startIngressRole(o: IngressRoleOptions): Promise<() => Promise<void>> {
  let last: RouteTable | undefined;
  const proxy = await startIngressProxy({
    ...(o.http ? { http: o.http } : {}),
    ...(o.https ? { https: o.https } : {}),
    getTable: () => {
      const t = o.getSnapshot()?.planes.routes ?? last;
      if (t) last = t;
      return t as RouteTable;
    },
    upstream: o.upstream,
    localAddress: o.localAddress,
    ...(o.ports ? { ports: o.ports } : {}),
  });
  return () => proxy.close(1000);
}
