/**
 * Service defaulting as the API server does it (SetDefaults_Service plus the
 * REST strategy's IP family handling), for a single-stack cluster whose
 * family is the service CIDR's: type ClusterIP, sessionAffinity None,
 * port protocol TCP, targetPort = port, internalTrafficPolicy Cluster,
 * externalTrafficPolicy Cluster for NodePort/LoadBalancer,
 * allocateLoadBalancerNodePorts true for LoadBalancer, ipFamilies/ipFamilyPolicy.
 * Returns a copy; IPs and ports are allocated later (service-ipam.ts).
 */

import { keepSource } from "../api/source.js";
import type { Service } from "../api/types.js";
import { shallowCopy } from "./shallow-copy.js";

export function defaultService(svc: Service, family: "IPv4" | "IPv6"): Service {
  // Copies of exactly what defaulting and allocation change; the input is never mutated.
  // Copies built for the defaults added next (shallow-copy.ts); same keys and order as spreads.
  const s: Service = keepSource(shallowCopy(svc), svc);
  s.metadata = shallowCopy(svc.metadata);
  s.apiVersion = "v1";
  s.kind = "Service";
  const spec = shallowCopy(svc.spec);
  if (spec.sessionAffinityConfig) {
    spec.sessionAffinityConfig = {
      ...spec.sessionAffinityConfig,
      clientIP: { ...spec.sessionAffinityConfig.clientIP },
    };
  }
  if (spec.clusterIPs) spec.clusterIPs = [...spec.clusterIPs];
  spec.type ??= "ClusterIP";
  spec.sessionAffinity ??= "None";
  if (spec.sessionAffinity === "ClientIP") {
    spec.sessionAffinityConfig ??= {};
    spec.sessionAffinityConfig.clientIP ??= {};
    spec.sessionAffinityConfig.clientIP.timeoutSeconds ??= 10800;
  }
  if (spec.ports)
    spec.ports = spec.ports.map((p) => {
      const q = shallowCopy(p);
      q.protocol = p.protocol ?? "TCP";
      // SetDefaults_Service: an unset targetPort defaults to port, for every type.
      q.targetPort = p.targetPort ?? p.port;
      return q;
    });
  if (spec.type === "ExternalName") {
    // ExternalName services get no IPs, families or internalTrafficPolicy.
    delete spec.clusterIP;
    delete spec.clusterIPs;
    delete spec.ipFamilies;
    delete spec.ipFamilyPolicy;
  } else {
    spec.internalTrafficPolicy ??= "Cluster";
    if (spec.clusterIP === undefined && spec.clusterIPs?.[0] !== undefined)
      spec.clusterIP = spec.clusterIPs[0];
    const headless = spec.clusterIP === "None";
    if (headless) spec.clusterIPs = ["None"];
    // Headless without selector defaults to RequireDualStack; everything else to SingleStack.
    spec.ipFamilyPolicy ??= headless && !spec.selector ? "RequireDualStack" : "SingleStack";
    spec.ipFamilies ??= [family];
  }
  if (spec.type === "NodePort" || spec.type === "LoadBalancer") {
    spec.externalTrafficPolicy ??= "Cluster";
  }
  if (spec.type === "LoadBalancer") spec.allocateLoadBalancerNodePorts ??= true;
  s.spec = spec;
  // Every Service reads back with an (empty) status.loadBalancer.
  s.status = { loadBalancer: {} };
  return s;
}
