/**
 * What the API server's Service REST storage allocates on create: cluster IPs
 * from the service CIDR, NodePorts (and healthCheckNodePort for
 * externalTrafficPolicy Local LoadBalancers) from the NodePort range, plus
 * what a LoadBalancer implementation (MetalLB-style, from a pool) writes into
 * status.loadBalancer.ingress.
 *
 * Precedence is deterministic and matches a running cluster: allocations a
 * previous build made are held first, then requested values in order
 * (michi's system services, then namespace/name), then automatic ones.
 * A Service whose requested IP or port cannot be allocated is rejected as a
 * whole, with the API server's error, and nothing it asked for is kept.
 */
import type { Diagnostic } from "../api/diagnostics.js";
import { cidrSize, formatCIDR, formatIP, parseCIDR, parseIP } from "../api/net.js";
import type { Service, ServicePort } from "../api/types.js";
import type { ClusterConfig } from "./config.js";
import { RangeAllocator, rangeOffset } from "./range-allocator.js";

export interface PreviousServiceAllocations {
  clusterIP?: string;
  /** `port/protocol` → nodePort */
  nodePorts: ReadonlyMap<string, number>;
  healthCheckNodePort?: number;
  lbIP?: string;
}

function keyOf(s: Service): string {
  return `${s.metadata?.namespace ?? "default"}/${s.metadata?.name ?? ""}`;
}

/** Services that get automatic NodePorts. */
const needsNodePorts = (s: Service) =>
  s.spec?.type === "NodePort" ||
  (s.spec?.type === "LoadBalancer" && s.spec.allocateLoadBalancerNodePorts !== false);
/** Services whose requested nodePorts are allocated (a LoadBalancer with allocateLoadBalancerNodePorts false included). */
const keepsNodePorts = (s: Service) => s.spec?.type === "NodePort" || s.spec?.type === "LoadBalancer";
const needsHealthCheck = (s: Service) =>
  s.spec?.type === "LoadBalancer" && s.spec.externalTrafficPolicy === "Local";
const hasClusterIP = (s: Service) => s.spec?.type !== "ExternalName" && s.spec?.clusterIP !== "None";

export class ServiceAllocators {
  readonly ips: RangeAllocator | undefined;
  readonly ports: RangeAllocator;
  readonly lb: RangeAllocator | undefined;
  private readonly family: 4 | 6;
  constructor(readonly config: ClusterConfig) {
    const svc = parseCIDR(config.serviceCIDR);
    this.family = svc?.family ?? 4;
    if (svc) {
      // The network address is never handed out; for IPv4 neither is the broadcast address.
      const size = cidrSize(svc) - (svc.family === 4 ? 2n : 1n);
      this.ips = new RangeAllocator(svc.base + 1n, size, rangeOffset(cidrSize(svc), 16n, 256n, 16n));
    }
    const { min, max } = config.nodePortRange;
    const portSize = BigInt(max - min + 1);
    this.ports = new RangeAllocator(BigInt(min), portSize, rangeOffset(portSize, 16n, 128n, 32n));
    const lb = parseCIDR(config.loadBalancerCIDR);
    if (lb) {
      const size = cidrSize(lb) - (lb.family === 4 && lb.prefix < 31 ? 2n : lb.prefix < 127 ? 1n : 0n);
      // A pool has no static band: requested IPs and automatic ones come from the same addresses.
      this.lb = new RangeAllocator(lb.base + (size < cidrSize(lb) ? 1n : 0n), size, 0n);
    }
  }

  ipText(v: bigint): string {
    if (this.family === 4) {
      // formatIP's text without its BigInt shifts (once per Service).
      const n = Number(v);
      return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
    }
    return formatIP({ family: this.family, value: v });
  }
}

function err(s: Service, field: string, message: string): Diagnostic {
  return {
    severity: "error",
    code: "FieldValueInvalid",
    kind: "Service",
    namespace: s.metadata?.namespace ?? "default",
    name: s.metadata?.name ?? "",
    field,
    message,
  };
}

/**
 * Allocates for every (defaulted) service in place. Returns the services that
 * were accepted, in the input order.
 */
export function allocateServices(
  services: readonly Service[],
  config: ClusterConfig,
  previous: ReadonlyMap<string, PreviousServiceAllocations>,
  diagnostics: Diagnostic[],
): Service[] {
  const a = new ServiceAllocators(config);
  const rejected = new Set<Service>();
  const portRange = `${config.nodePortRange.min}-${config.nodePortRange.max}`;

  // 1. Hold what a previous build allocated (for values the new spec does not override).
  for (const s of previous.size > 0 ? services : []) {
    const key = keyOf(s);
    const prev = previous.get(key);
    if (!prev) continue;
    const spec = s.spec ?? {};
    if (hasClusterIP(s) && !spec.clusterIP && prev.clusterIP) {
      const p = parseIP(prev.clusterIP);
      if (p && a.ips?.allocate(p.value, key) === undefined) spec.clusterIP = prev.clusterIP;
    }
    if (needsNodePorts(s)) {
      for (const port of spec.ports ?? []) {
        const np = prev.nodePorts.get(`${port.port}/${port.protocol}`);
        if (
          port.nodePort === undefined &&
          np !== undefined &&
          a.ports.allocate(BigInt(np), key) === undefined
        ) {
          port.nodePort = np;
        }
      }
    }
    if (
      needsHealthCheck(s) &&
      spec.healthCheckNodePort === undefined &&
      prev.healthCheckNodePort !== undefined
    ) {
      if (a.ports.allocate(BigInt(prev.healthCheckNodePort), key) === undefined) {
        spec.healthCheckNodePort = prev.healthCheckNodePort;
      }
    }
  }

  // 2. Requested values, all-or-nothing per service.
  for (const s of services) {
    const key = keyOf(s);
    const spec = s.spec ?? {};
    const errors: Diagnostic[] = [];
    const taken: { alloc: RangeAllocator; v: bigint }[] = [];
    const claim = (alloc: RangeAllocator, v: bigint): ReturnType<RangeAllocator["allocate"]> => {
      const before = alloc.ownerOf(v);
      const e = alloc.allocate(v, key);
      if (e === undefined && before === undefined) taken.push({ alloc, v });
      return e;
    };
    if (hasClusterIP(s) && spec.clusterIP && a.ips) {
      const p = parseIP(spec.clusterIP);
      const list = JSON.stringify(spec.clusterIPs ?? [spec.clusterIP]);
      const e = p ? claim(a.ips, p.value) : "range";
      if (e === "allocated") {
        errors.push(
          err(
            s,
            "spec.clusterIPs",
            `Invalid value: ${list}: failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`,
          ),
        );
      } else if (e === "range") {
        errors.push(
          err(
            s,
            "spec.clusterIPs",
            `Invalid value: ${list}: failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is ${formatCIDR(parseCIDR(config.serviceCIDR) ?? { family: 4, base: 0n, prefix: 0, hostBitsSet: false })}`,
          ),
        );
      }
    }
    const ports = spec.ports ?? [];
    if (keepsNodePorts(s)) {
      ports.forEach((port, i) => {
        if (port.nodePort === undefined) return;
        // The same nodePort on two ports of one service (e.g. 53/TCP and 53/UDP) is one allocation.
        if (a.ports.ownerOf(BigInt(port.nodePort)) === key) return;
        const e = claim(a.ports, BigInt(port.nodePort));
        if (e === "allocated") {
          errors.push(
            err(
              s,
              `spec.ports[${i}].nodePort`,
              `Invalid value: ${port.nodePort}: provided port is already allocated`,
            ),
          );
        } else if (e === "range") {
          errors.push(
            err(
              s,
              `spec.ports[${i}].nodePort`,
              `Invalid value: ${port.nodePort}: provided port is not in the valid range. The range of valid ports is ${portRange}`,
            ),
          );
        }
      });
    }
    if (
      needsHealthCheck(s) &&
      spec.healthCheckNodePort !== undefined &&
      a.ports.ownerOf(BigInt(spec.healthCheckNodePort)) !== key
    ) {
      const e = claim(a.ports, BigInt(spec.healthCheckNodePort));
      if (e !== undefined) {
        errors.push(
          err(
            s,
            "spec.healthCheckNodePort",
            `Invalid value: ${spec.healthCheckNodePort}: failed to allocate requested HealthCheck NodePort ${spec.healthCheckNodePort}: ${e === "allocated" ? "provided port is already allocated" : `provided port is not in the valid range. The range of valid ports is ${portRange}`}`,
          ),
        );
      }
    }
    if (errors.length > 0) {
      for (const t of taken) t.alloc.release(t.v, key);
      diagnostics.push(...errors);
      rejected.add(s);
    }
  }

  const accepted = services.filter((s) => !rejected.has(s));

  // 3. Automatic allocations.
  for (const s of accepted) {
    const key = keyOf(s);
    const spec = s.spec ?? {};
    if (hasClusterIP(s)) {
      if (!spec.clusterIP && a.ips) {
        const v = a.ips.allocateNext(key, key);
        if (v === undefined) {
          diagnostics.push(
            err(s, "spec.clusterIP", "Internal error: failed to allocate a serviceIP: range is full"),
          );
        } else spec.clusterIP = a.ipText(v);
      }
      if (spec.clusterIP) spec.clusterIPs = [spec.clusterIP, ...(spec.clusterIPs ?? []).slice(1)];
    }
    if (needsNodePorts(s)) {
      const byPort = new Map<number, number>();
      // findRequestedNodePort: the first requested nodePort of a port number serves its other protocols.
      for (const p of spec.ports ?? []) {
        if (p.nodePort !== undefined && !byPort.has(p.port)) byPort.set(p.port, p.nodePort);
      }
      for (const p of spec.ports ?? []) {
        if (p.nodePort !== undefined) continue;
        const same = byPort.get(p.port);
        if (same !== undefined) {
          // Upstream reuses one nodePort for the same port number with another protocol.
          p.nodePort = same;
          continue;
        }
        const v = a.ports.allocateNext(`${key}:${p.port}/${p.protocol}`, key);
        if (v === undefined) {
          diagnostics.push(
            err(s, "spec.ports", "Internal error: failed to allocate a nodePort: range is full"),
          );
        } else {
          p.nodePort = Number(v);
          byPort.set(p.port, p.nodePort);
        }
      }
    } else if (!keepsNodePorts(s)) {
      // Only NodePort/LoadBalancer services keep nodePorts.
      for (const p of spec.ports ?? []) delete (p as ServicePort).nodePort;
    }
    if (needsHealthCheck(s) && spec.healthCheckNodePort === undefined) {
      const v = a.ports.allocateNext(`${key}:healthCheck`, key);
      if (v !== undefined) spec.healthCheckNodePort = Number(v);
    }
  }

  // 4. LoadBalancer IPs (the default implementation only: a loadBalancerClass names another one).
  if (a.lb) {
    const lbs = accepted.filter((s) => s.spec?.type === "LoadBalancer" && !s.spec.loadBalancerClass);
    const lbIP = new Map<Service, bigint>();
    for (const s of lbs) {
      const prev = previous.get(keyOf(s))?.lbIP;
      const p = prev ? parseIP(prev) : undefined;
      if (p && !s.spec?.loadBalancerIP && a.lb.allocate(p.value, keyOf(s)) === undefined)
        lbIP.set(s, p.value);
    }
    for (const s of lbs) {
      if (lbIP.has(s) || !s.spec?.loadBalancerIP) continue;
      const p = parseIP(s.spec.loadBalancerIP);
      const e = p ? a.lb.allocate(p.value, keyOf(s)) : "range";
      if (p && e === undefined) lbIP.set(s, p.value);
      else {
        diagnostics.push({
          ...err(s, "spec.loadBalancerIP", ""),
          severity: "warning",
          code: "LoadBalancerIPUnavailable",
          message: `${s.spec.loadBalancerIP} ${e === "allocated" ? "is already assigned to another service" : `is not in the load-balancer pool ${config.loadBalancerCIDR}`}: the service's external IP stays <pending>`,
        });
      }
    }
    for (const s of lbs) {
      if (lbIP.has(s) || s.spec?.loadBalancerIP) continue;
      const v = a.lb.allocateFirstFree(keyOf(s));
      if (v !== undefined) lbIP.set(s, v);
    }
    for (const [s, v] of lbIP) {
      s.status = { loadBalancer: { ingress: [{ ip: a.ipText(v), ipMode: "VIP" }] } };
    }
  }
  return accepted;
}
