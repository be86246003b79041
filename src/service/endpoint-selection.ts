/**
 * Which endpoints a connection to a service frontend may use, following
 * kube-proxy's CategorizeEndpoints (pkg/proxy/topology.go):
 *
 * - cluster endpoints: the ready ones; when none is ready anywhere, the ones
 *   that are serving and terminating (KEP-1669).
 * - local endpoints (traffic policy Local): the node-local ready ones, else the
 *   node-local serving+terminating ones.
 * - a service with no usable endpoint anywhere REJECTs (the client sees
 *   "connection refused"); a Local policy with endpoints elsewhere but none on
 *   this node DROPs.
 *
 * Internal traffic (to a ClusterIP) honours internalTrafficPolicy; external
 * traffic (NodePort, LoadBalancer, externalIPs) honours externalTrafficPolicy.
 * As in kube-proxy, pods reaching an eTP=Local service's external address are
 * short-circuited to the cluster endpoints.
 */
import type { ServiceEndpoint, ServiceFrontend } from "./service-table.js";

export type Selection =
  | { outcome: "forward"; endpoints: readonly ServiceEndpoint[]; local: boolean }
  | { outcome: "reject"; reason: string }
  | { outcome: "drop"; reason: string };

export interface SelectionContext {
  /** Node the traffic is on: the client pod's node (internal) or the frontend's node (NodePort). */
  node?: string;
  /** True when the client is a pod of the cluster. */
  fromPod: boolean;
}

export function clusterEndpoints(all: readonly ServiceEndpoint[]): ServiceEndpoint[] {
  const ready = all.filter((e) => e.ready);
  return ready.length > 0 ? ready : all.filter((e) => e.serving && e.terminating);
}

export function localEndpoints(all: readonly ServiceEndpoint[], node: string | undefined): ServiceEndpoint[] {
  const mine = all.filter((e) => e.nodeName !== undefined && e.nodeName === node);
  const ready = mine.filter((e) => e.ready);
  return ready.length > 0 ? ready : mine.filter((e) => e.serving && e.terminating);
}

export function selectEndpoints(fe: ServiceFrontend, ctx: SelectionContext): Selection {
  const cluster = clusterEndpoints(fe.endpoints);
  if (cluster.length === 0) {
    return {
      outcome: "reject",
      reason: `service ${fe.service.namespace}/${fe.service.name} has no endpoints`,
    };
  }
  const external = fe.kind !== "ClusterIP";
  let useLocal: boolean;
  if (!external) useLocal = fe.internalTrafficPolicy === "Local";
  else useLocal = fe.externalTrafficPolicy === "Local" && !ctx.fromPod;
  if (!useLocal) return { outcome: "forward", endpoints: cluster, local: false };
  if (fe.kind === "LoadBalancer" || fe.kind === "ExternalIP") {
    // The load balancer health-checks nodes and sends only to those with local
    // endpoints; each node then uses its own: together, every node-local set.
    const nodes = new Set(fe.endpoints.map((e) => e.nodeName).filter((n): n is string => n !== undefined));
    const union = [...nodes].flatMap((n) => localEndpoints(fe.endpoints, n));
    return union.length > 0
      ? { outcome: "forward", endpoints: union, local: true }
      : { outcome: "drop", reason: "no node has local endpoints" };
  }
  const local = localEndpoints(fe.endpoints, ctx.node);
  if (local.length === 0) {
    return { outcome: "drop", reason: `no local endpoints on node ${ctx.node ?? "(unknown)"}` };
  }
  return { outcome: "forward", endpoints: local, local: true };
}
