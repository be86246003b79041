/**
 * Picks one endpoint per connection: round-robin (as IPVS's default `rr`; the
 * iptables proxier picks at random with the same long-run spread), with
 * sessionAffinity ClientIP remembered per service port and client IP for the
 * service's timeout — kube-proxy keeps one affinity list per service port that
 * its ClusterIP, NodePort and LoadBalancer rules share, and refreshes it on
 * every new connection.
 *
 * State outlives snapshots: the runtime keeps one Balancer for the process.
 */
import type { ServiceEndpoint, ServiceFrontend } from "./service-table.js";

interface Sticky {
  endpoint: string;
  expires: number;
}

export class Balancer {
  private readonly cursor = new Map<string, number>();
  private readonly sticky = new Map<string, Sticky>();

  constructor(private readonly now: () => number = Date.now) {}

  /** `clientIP` is the model source address (after any SNAT the frontend applies). */
  pick(
    fe: ServiceFrontend,
    candidates: readonly ServiceEndpoint[],
    clientIP: string,
  ): ServiceEndpoint | undefined {
    if (candidates.length === 0) return undefined;
    const svcPort = `${fe.protocol} ${fe.service.namespace}/${fe.service.name}:${fe.portName}`;
    const t = this.now();
    if (fe.affinitySeconds !== undefined) {
      const key = `${svcPort}|${clientIP}`;
      const s = this.sticky.get(key);
      if (s && s.expires > t) {
        const hit = candidates.find((e) => `${e.ip}:${e.port}` === s.endpoint);
        if (hit) {
          s.expires = t + fe.affinitySeconds * 1000;
          return hit;
        }
      }
      const chosen = this.roundRobin(svcPort, candidates);
      this.sticky.set(key, {
        endpoint: `${chosen.ip}:${chosen.port}`,
        expires: t + fe.affinitySeconds * 1000,
      });
      if (this.sticky.size > 100_000) this.sweep(t);
      return chosen;
    }
    return this.roundRobin(svcPort, candidates);
  }

  private roundRobin(key: string, candidates: readonly ServiceEndpoint[]): ServiceEndpoint {
    const i = this.cursor.get(key) ?? 0;
    this.cursor.set(key, (i + 1) % 1_000_000_007);
    return candidates[i % candidates.length] as ServiceEndpoint;
  }

  private sweep(t: number): void {
    for (const [k, s] of this.sticky) if (s.expires <= t) this.sticky.delete(k);
  }
}
