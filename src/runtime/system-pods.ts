/**
 * The system pods' servers: the CoreDNS pods run the cluster DNS server, the
 * ingress-nginx controller pod runs the ingress proxy — each on its pod's
 * internal ports, so the data plane judges and forwards connections to them
 * like any pod's, and the proxy's own connections to backends leave from
 * the controller pod's address (policies about "traffic from the ingress
 * controller" see it). Each reads the current snapshot's table per query or
 * request.
 */
import { startDnsServer } from "../dns/server.js";
import type { RouteTable } from "../ingress/route-types.js";
import { type PodRuntime, portKey } from "../pods/pod-runtime.js";
import { startIngressProxy } from "../proxy/ingress-proxy.js";
import type { Snapshot } from "../snapshot/snapshot.js";
import type { PodRole } from "./pod-manager.js";
import { localPort } from "./port-rule.js";
import type { UpSettings } from "./up-view.js";

export interface SystemPodDeps {
  getSnapshot: () => Snapshot | undefined;
  settings: UpSettings;
  /** Upstreams for names outside the cluster (default: the host's resolv.conf). */
  dnsUpstreams?: readonly string[] | undefined;
}

export async function startSystemPodServer(
  deps: SystemPodDeps,
  rt: PodRuntime,
  role: PodRole,
): Promise<() => Promise<void>> {
  if (role === "dns") {
    const dns = rt.internal.get(portKey(53, "UDP")) ?? rt.internal.get(portKey(53, "TCP"));
    if (!dns) return async () => {};
    const server = await startDnsServer({
      host: dns.host,
      port: dns.port,
      getZone: () => deps.getSnapshot()?.zone,
      ...(deps.dnsUpstreams ? { upstreams: deps.dnsUpstreams } : {}),
    });
    return () => server.close();
  }
  const http = rt.internal.get(portKey(80, "TCP"));
  const https = rt.internal.get(portKey(443, "TCP"));
  const { addressMap, portRule } = deps.settings;
  let last: RouteTable | undefined;
  const proxy = await startIngressProxy({
    ...(http ? { http } : {}),
    ...(https ? { https } : {}),
    getTable: () => {
      const t = deps.getSnapshot()?.routes ?? last;
      if (t) last = t;
      return t as RouteTable;
    },
    localAddress: rt.localIP,
    // The proxy listens on internal ports; clients reach it on the pod's model ports 80/443.
    ports: { http: 80, https: 443 },
    // ingress-nginx sends to endpoints directly (not through the ClusterIP): the pod's own address.
    upstream: (ep) => ({ host: addressMap.toLocal(ep.ip) ?? ep.ip, port: localPort(ep.port, portRule) }),
  });
  return () => proxy.close(1000);
}
