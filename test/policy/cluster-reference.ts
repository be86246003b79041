/**
 * A brute-force reference for the cluster tiers, written from the
 * network-policy-api documentation and sharing no code with src/policy: per
 * pod pair and side it walks the raw ClusterNetworkPolicy /
 * AdminNetworkPolicy / BaselineAdminNetworkPolicy manifests — Admin tier by
 * (priority, name, kind), rules in order, first match decides, Pass leaves
 * the tier; then NetworkPolicy (reference.ts) for pods it isolates; then the
 * Baseline tier; then allow.
 */
import type { AnyClusterNetworkPolicy, ContainerPort, Pod, Protocol } from "../../src/api/types.js";
import type { ClusterState } from "../../src/cluster/state.js";
import { type End, inCidr, isolated, nsLabels, portsOf, selectorMatches, sideAllowed } from "./reference.js";

type Raw = Record<string, unknown>;
const KIND_RANK: Record<string, number> = {
  ClusterNetworkPolicy: 0,
  AdminNetworkPolicy: 1,
  BaselineAdminNetworkPolicy: 2,
};

function tiers(state: ClusterState): {
  admin: AnyClusterNetworkPolicy[];
  baseline: AnyClusterNetworkPolicy[];
} {
  const m = new Map<string, AnyClusterNetworkPolicy>();
  for (const p of state.clusterNetworkPolicies ?? []) {
    const k = `${p.kind}/${p.metadata?.name}`;
    m.delete(k);
    m.set(k, p);
  }
  const prio = (p: AnyClusterNetworkPolicy) =>
    p.kind === "BaselineAdminNetworkPolicy"
      ? Number.POSITIVE_INFINITY
      : ((p.spec as { priority?: number })?.priority ?? 0);
  const cmp = (a: AnyClusterNetworkPolicy, b: AnyClusterNetworkPolicy) =>
    prio(a) - prio(b) ||
    ((a.metadata?.name ?? "") < (b.metadata?.name ?? "")
      ? -1
      : (a.metadata?.name ?? "") > (b.metadata?.name ?? "")
        ? 1
        : 0) ||
    KIND_RANK[a.kind ?? ""]! - KIND_RANK[b.kind ?? ""]!;
  const all = [...m.values()];
  const isAdmin = (p: AnyClusterNetworkPolicy) =>
    p.kind === "AdminNetworkPolicy" ||
    (p.kind === "ClusterNetworkPolicy" && (p.spec as { tier?: string })?.tier === "Admin");
  return { admin: all.filter(isAdmin).sort(cmp), baseline: all.filter((p) => !isAdmin(p)).sort(cmp) };
}

function subjectSelects(state: ClusterState, p: AnyClusterNetworkPolicy, pod: Pod): boolean {
  if (pod.spec?.hostNetwork) return false;
  const s = (p.spec?.subject ?? {}) as Raw;
  const ns = nsLabels(state, pod.metadata?.namespace ?? "default");
  const labels = pod.metadata?.labels ?? {};
  if (s.namespaces) return selectorMatches(s.namespaces as never, ns);
  if (s.pods) {
    const pods = s.pods as { namespaceSelector?: never; podSelector?: never };
    return (
      selectorMatches(pods.namespaceSelector ?? {}, ns) && selectorMatches(pods.podSelector ?? {}, labels)
    );
  }
  return false;
}

function peerMatches(state: ClusterState, peer: Raw, e: End): boolean {
  if (peer.namespaces)
    return (
      !!e.pod &&
      selectorMatches(peer.namespaces as never, nsLabels(state, e.pod.metadata?.namespace ?? "default"))
    );
  if (peer.pods) {
    if (!e.pod) return false;
    const p = peer.pods as { namespaceSelector?: never; podSelector?: never };
    return (
      selectorMatches(p.namespaceSelector ?? {}, nsLabels(state, e.pod.metadata?.namespace ?? "default")) &&
      selectorMatches(p.podSelector ?? {}, e.pod.metadata?.labels ?? {})
    );
  }
  if (Array.isArray(peer.networks))
    return !!e.ip && (peer.networks as string[]).some((c) => inCidr(e.ip as string, c));
  if (peer.nodes) {
    if (e.node === undefined) return false;
    const node = state.nodes.find((n) => n.metadata?.name === e.node);
    return !!node && selectorMatches(peer.nodes as never, node.metadata?.labels ?? {});
  }
  return false;
}

function namedOk(
  name: string,
  port: number,
  proto: Protocol,
  dstPorts: ContainerPort[] | undefined,
): boolean {
  return (dstPorts ?? []).some(
    (cp) => cp.name === name && cp.containerPort === port && (cp.protocol ?? "TCP") === proto,
  );
}

function protocolOk(
  entry: Raw,
  port: number,
  proto: Protocol,
  dstPorts: ContainerPort[] | undefined,
): boolean {
  if (typeof entry.destinationNamedPort === "string")
    return namedOk(entry.destinationNamedPort, port, proto, dstPorts);
  const l4 = entry[proto.toLowerCase()] as
    | { destinationPort?: { number?: number; range?: { start: number; end: number } } }
    | undefined;
  const dp = l4?.destinationPort;
  if (!dp) return false;
  if (dp.number !== undefined) return dp.number === port;
  return !!dp.range && port >= dp.range.start && port <= dp.range.end;
}

function v1alpha1PortOk(
  entry: Raw,
  port: number,
  proto: Protocol,
  dstPorts: ContainerPort[] | undefined,
): boolean {
  if (typeof entry.namedPort === "string") return namedOk(entry.namedPort, port, proto, dstPorts);
  const n = entry.portNumber as { protocol?: Protocol; port: number } | undefined;
  if (n) return (n.protocol ?? "TCP") === proto && n.port === port;
  const r = entry.portRange as { protocol?: Protocol; start: number; end: number } | undefined;
  return !!r && (r.protocol ?? "TCP") === proto && port >= r.start && port <= r.end;
}

/** "Accept" | "Deny" | "Pass" | undefined (no rule matched) for one tier. */
function tierVerdict(
  state: ClusterState,
  list: AnyClusterNetworkPolicy[],
  dir: "Ingress" | "Egress",
  subject: Pod,
  other: End,
  port: number,
  proto: Protocol,
  dstPorts: ContainerPort[] | undefined,
): string | undefined {
  for (const p of list) {
    const rules = ((dir === "Ingress" ? p.spec?.ingress : p.spec?.egress) ?? []) as Raw[];
    if (rules.length === 0 || !subjectSelects(state, p, subject)) continue;
    const v1 = p.kind !== "ClusterNetworkPolicy";
    for (const r of rules) {
      const peers = ((dir === "Ingress" ? r.from : r.to) ?? []) as Raw[];
      if (!peers.some((x) => peerMatches(state, x, other))) continue;
      const entries = (v1 ? r.ports : r.protocols) as Raw[] | undefined;
      if (entries && !entries.some((e) => (v1 ? v1alpha1PortOk : protocolOk)(e, port, proto, dstPorts)))
        continue;
      return r.action === "Allow" ? "Accept" : (r.action as string);
    }
  }
  return undefined;
}

function side(
  state: ClusterState,
  dir: "Ingress" | "Egress",
  subject: Pod,
  other: End,
  ownNode: boolean,
  port: number,
  proto: Protocol,
  dstPorts: ContainerPort[] | undefined,
): boolean {
  const t = tiers(state);
  const a = tierVerdict(state, t.admin, dir, subject, other, port, proto, dstPorts);
  if (a === "Accept") return true;
  if (a === "Deny") return false;
  if (isolated(state, dir, subject))
    return ownNode || sideAllowed(state, dir, subject, other, port, proto, dstPorts);
  return tierVerdict(state, t.baseline, dir, subject, other, port, proto, dstPorts) !== "Deny";
}

export function referenceTieredAllowed(
  state: ClusterState,
  src: Pod,
  dst: Pod,
  port: number,
  proto: Protocol,
): boolean {
  if (src === dst) return true;
  const end = (p: Pod): End =>
    p.spec?.hostNetwork
      ? { ip: p.status?.podIP, node: p.spec.nodeName ?? "" }
      : { pod: p, ip: p.status?.podIP };
  const s = end(src);
  const d = end(dst);
  const dstPorts = d.pod ? portsOf(dst) : undefined;
  const egress = s.pod
    ? side(
        state,
        "Egress",
        src,
        d,
        d.node !== undefined && d.node === src.spec?.nodeName,
        port,
        proto,
        dstPorts,
      )
    : true;
  const ingress = d.pod
    ? side(
        state,
        "Ingress",
        dst,
        s,
        s.node !== undefined && s.node === dst.spec?.nodeName,
        port,
        proto,
        dstPorts,
      )
    : true;
  return egress && ingress;
}
