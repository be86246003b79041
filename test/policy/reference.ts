/**
 * A brute-force reference evaluator written straight from the Kubernetes
 * NetworkPolicy documentation, sharing no code with src/policy: it walks the
 * raw manifests for every question. The fast engine and the class matrix
 * must agree with it on every pair (see matrix.property.test.ts).
 */
import type {
  ContainerPort,
  LabelSelector,
  Labels,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  Pod,
  Protocol,
} from "../../src/api/types.js";
import type { ClusterState } from "../../src/cluster/state.js";

export function selectorMatches(sel: LabelSelector, labels: Labels): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const val = labels[e.key];
    const vals = e.values ?? [];
    if (e.operator === "In" && !(has && vals.includes(val as string))) return false;
    if (e.operator === "NotIn" && has && vals.includes(val as string)) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

function ipToNum(ip: string): number | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return undefined;
  return ((Number(m[1]) * 256 + Number(m[2])) * 256 + Number(m[3])) * 256 + Number(m[4]);
}

export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/");
  const a = ipToNum(ip);
  const b = ipToNum(base ?? "");
  if (a === undefined || b === undefined) return false;
  const size = 2 ** (32 - Number(bits));
  return Math.floor(a / size) === Math.floor(b / size);
}

export interface End {
  pod?: Pod; // a pod in the pod network
  ip: string | undefined;
  node?: string; // node traffic (hostNetwork pod)
}

export function nsLabels(state: ClusterState, ns: string): Labels {
  return {
    ...(state.namespaces.find((n) => n.metadata?.name === ns)?.metadata?.labels ?? {}),
    "kubernetes.io/metadata.name": ns,
  };
}

function peerMatches(state: ClusterState, policy: NetworkPolicy, peer: NetworkPolicyPeer, e: End): boolean {
  if (peer.ipBlock) {
    if (!e.ip || !inCidr(e.ip, peer.ipBlock.cidr)) return false;
    return !(peer.ipBlock.except ?? []).some((x) => inCidr(e.ip as string, x));
  }
  if (!peer.podSelector && !peer.namespaceSelector) return false;
  if (!e.pod) return false;
  const podNs = e.pod.metadata?.namespace ?? "default";
  if (peer.namespaceSelector) {
    if (!selectorMatches(peer.namespaceSelector, nsLabels(state, podNs))) return false;
  } else if (podNs !== (policy.metadata?.namespace ?? "default")) return false;
  return selectorMatches(peer.podSelector ?? {}, e.pod.metadata?.labels ?? {});
}

function portOk(
  entry: NetworkPolicyPort,
  port: number,
  proto: Protocol,
  dstPorts: ContainerPort[] | undefined,
): boolean {
  if ((entry.protocol ?? "TCP") !== proto) return false;
  if (entry.port === undefined) return true;
  if (typeof entry.port === "number") return port >= entry.port && port <= (entry.endPort ?? entry.port);
  return (dstPorts ?? []).some(
    (cp) => cp.name === entry.port && (cp.protocol ?? "TCP") === proto && cp.containerPort === port,
  );
}

/** Whether any NetworkPolicy selects the pod for this direction. */
export function isolated(state: ClusterState, dir: "Ingress" | "Egress", subject: Pod): boolean {
  const ns = subject.metadata?.namespace ?? "default";
  return policies(state).some(
    (p) =>
      (p.metadata?.namespace ?? "default") === ns &&
      selectorMatches(p.spec?.podSelector ?? {}, subject.metadata?.labels ?? {}) &&
      types(p).includes(dir),
  );
}

function types(p: NetworkPolicy): string[] {
  if (p.spec?.policyTypes?.length) return p.spec.policyTypes;
  return p.spec?.egress?.length ? ["Ingress", "Egress"] : ["Ingress"];
}

function policies(state: ClusterState): NetworkPolicy[] {
  const m = new Map<string, NetworkPolicy>();
  for (const p of state.networkPolicies) {
    const k = `${p.metadata?.namespace}/${p.metadata?.name}`;
    m.delete(k);
    m.set(k, p);
  }
  return [...m.values()];
}

export function sideAllowed(
  state: ClusterState,
  dir: "Ingress" | "Egress",
  subject: Pod,
  other: End,
  port: number,
  proto: Protocol,
  dstPorts: ContainerPort[] | undefined,
): boolean {
  const ns = subject.metadata?.namespace ?? "default";
  const selecting = policies(state).filter(
    (p) =>
      (p.metadata?.namespace ?? "default") === ns &&
      selectorMatches(p.spec?.podSelector ?? {}, subject.metadata?.labels ?? {}) &&
      types(p).includes(dir),
  );
  if (selecting.length === 0) return true;
  return selecting.some((p) =>
    (dir === "Ingress" ? (p.spec?.ingress ?? []) : (p.spec?.egress ?? [])).some((rule) => {
      const peers =
        dir === "Ingress"
          ? (rule as { from?: NetworkPolicyPeer[] }).from
          : (rule as { to?: NetworkPolicyPeer[] }).to;
      const peerOk = !peers || peers.length === 0 || peers.some((x) => peerMatches(state, p, x, other));
      const portsOk =
        !rule.ports || rule.ports.length === 0 || rule.ports.some((e) => portOk(e, port, proto, dstPorts));
      return peerOk && portsOk;
    }),
  );
}

export const portsOf = (p: Pod): ContainerPort[] => (p.spec?.containers ?? []).flatMap((c) => c.ports ?? []);

export function referenceAllowed(
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
  // Traffic to and from the pod's own node is always allowed.
  const egress = s.pod
    ? (d.node !== undefined && d.node === src.spec?.nodeName) ||
      sideAllowed(state, "Egress", src, d, port, proto, dstPorts)
    : true;
  let ingress = true;
  if (d.pod) {
    ingress =
      s.node !== undefined && s.node === dst.spec?.nodeName
        ? true
        : sideAllowed(state, "Ingress", dst, s, port, proto, dstPorts);
  }
  return egress && ingress;
}
