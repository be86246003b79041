/**
 * The system pods' servers and the kubelet environment, wired to the other
 * planes: CoreDNS pods run the cluster DNS server, the ingress-nginx
 * controller pod runs the ingress proxy — each on its pod's internal ports, so
 * the data plane judges and forwards connections to them like any pod's, and
 * the proxy's own connections to backends leave from the controller pod's
 * address (policies about "traffic from the ingress controller" see it).
 */
import type { Pod } from "../api/types.js";
import { serviceEnvFor } from "../cluster/env.js";
import type { PodRuntime } from "../pods/pod-runtime.js";
import { portKey } from "../pods/pod-runtime.js";
import type { PodRole } from "./dataplane.js";
import { startDnsRole, startIngressRole } from "./planes.js";
import { localPort } from "./port-rule.js";
import type { Snapshot } from "./snapshot.js";
import type { UpInstance } from "./up.js";

export async function startRoleServer(
  up: UpInstance,
  rt: PodRuntime,
  role: PodRole,
): Promise<() => Promise<void>> {
  if (role === "dns") {
    const udp = rt.internal.get(portKey(53, "UDP")) ?? rt.internal.get(portKey(53, "TCP"));
    if (!udp) return async () => {};
    return startDnsRole({
      host: udp.host,
      port: udp.port,
      getSnapshot: () => up.snapshot,
      ...(up.options.dnsUpstreams ? { upstreams: up.options.dnsUpstreams } : {}),
    });
  }
  const http = rt.internal.get(portKey(80, "TCP"));
  const https = rt.internal.get(portKey(443, "TCP"));
  return startIngressRole({
    ...(http ? { http } : {}),
    ...(https ? { https } : {}),
    localAddress: rt.localIP,
    // The proxy listens on internal ports; clients reach it on the pod's model ports 80/443.
    ports: { http: 80, https: 443 },
    getSnapshot: () => up.snapshot,
    // ingress-nginx sends to endpoints directly (not through the ClusterIP): the pod's own address.
    upstream: (ep) => {
      const host = up.options.addressMap.toLocal(ep.ip);
      return { host: host ?? ep.ip, port: localPort(ep.port, up.options.portRule) };
    },
  });
}

/** What the kubelet puts in a container's environment, plus what a local command needs to run at all. */
export function commandEnvFor(pod: Pod, snap: Snapshot): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "LANG", "TERM", "TMPDIR", "NODE_PATH"]) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  for (const { name, value } of serviceEnvFor(pod, snap.state)) env[name] = value;
  for (const c of pod.spec?.containers ?? []) {
    for (const e of c.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  }
  env.HOSTNAME = pod.metadata?.name ?? "";
  env.POD_NAME = pod.metadata?.name ?? "";
  env.POD_NAMESPACE = pod.metadata?.namespace ?? "default";
  env.POD_IP = pod.status?.podIP ?? "";
  env.NODE_NAME = pod.spec?.nodeName ?? "";
  return env;
}
