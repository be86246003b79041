/**
 * ClusterNetworkPolicy (v1alpha2) and its v1alpha1 predecessors compiled for
 * the tiered engine. AdminNetworkPolicy maps onto the Admin tier and
 * BaselineAdminNetworkPolicy onto the Baseline tier (Allow → Accept, `ports`
 * → protocols), so one evaluator serves all three kinds.
 *
 * Order inside a tier: priority ascending, then name, then kind
 * (ClusterNetworkPolicy before AdminNetworkPolicy); a
 * BaselineAdminNetworkPolicy (it has no priority) comes after every Baseline
 * ClusterNetworkPolicy. The API leaves same-priority overlaps to the
 * implementation; this is michi's documented order and `lint` warns where it
 * matters. Rules keep their manifest order and indexes.
 *
 * Fail closed (API docs on peers): a peer or protocol with no field michi
 * understands makes an Accept rule match nothing, and a Deny or Pass rule a
 * Deny of everything.
 */
import type {
  AdminNetworkPolicyPort,
  AdminNetworkPolicyRule,
  AnyClusterNetworkPolicy,
  ClusterNetworkPolicyPeer,
  ClusterNetworkPolicyProtocol,
  ClusterNetworkPolicyRule,
  LabelSelector,
  Protocol,
} from "../api/types.js";
import type { Direction } from "./compiled-policy.js";
import { type CompiledIPBlock, compileIPBlock } from "./ip-block.js";
import type { CompiledPort } from "./ports.js";
import { type CompiledSelector, compileSelector } from "./selector.js";

export type Tier = "Admin" | "Baseline";
export type ClusterAction = "Accept" | "Deny" | "Pass";
export type ClusterKind = "ClusterNetworkPolicy" | "AdminNetworkPolicy" | "BaselineAdminNetworkPolicy";

export interface CompiledClusterPeer {
  readonly index: number;
  readonly kind: "namespaces" | "pods" | "nodes" | "networks" | "domainNames" | "unknown";
  /** namespaces/pods: the namespace selector; nodes: the node selector. */
  readonly namespace: CompiledSelector;
  /** pods: the pod selector (match-all otherwise). */
  readonly pod: CompiledSelector;
  readonly networks: readonly CompiledIPBlock[];
  readonly domainNames: readonly string[];
  readonly text: string;
}

export interface CompiledClusterProtocol {
  readonly index: number;
  /** `TCP/80`, `UDP/5000-5999`, `named port dns`. */
  readonly text: string;
  /** The entry as NetworkPolicy-style ports (a named port is tried for every protocol). */
  readonly ports: readonly CompiledPort[];
}

export interface CompiledClusterRule {
  readonly index: number;
  readonly name: string | undefined;
  /** Normalised action (v1alpha1 Allow → Accept). */
  readonly action: ClusterAction;
  /** The action as written (Allow for v1alpha1). */
  readonly written: string;
  readonly peers: readonly CompiledClusterPeer[];
  /** undefined: every protocol and port. */
  readonly protocols: readonly CompiledClusterProtocol[] | undefined;
  /** Flattened protocols[].ports (undefined: every port). */
  readonly ports: readonly CompiledPort[] | undefined;
  /** An unknown peer or protocol: Accept matches nothing, Deny/Pass deny everything. */
  readonly failClosed: boolean;
}

export interface CompiledClusterPolicy {
  /** `ClusterNetworkPolicy/name` (cluster-scoped, so never confused with a `namespace/name`). */
  readonly key: string;
  readonly kind: ClusterKind;
  readonly name: string;
  readonly tier: Tier;
  /** undefined for a BaselineAdminNetworkPolicy (no priority field). */
  readonly priority: number | undefined;
  /** Subject: pods in namespaces matching `namespace` whose labels match `pod`; `none` selects nothing (unknown subject). */
  readonly subject: { namespace: CompiledSelector; pod: CompiledSelector; none: boolean; text: string };
  readonly ingress: readonly CompiledClusterRule[];
  readonly egress: readonly CompiledClusterRule[];
  /** Position in its tier's evaluation order. */
  readonly order: number;
  readonly source: AnyClusterNetworkPolicy;
}

const PROTOCOLS: readonly Protocol[] = ["TCP", "UDP", "SCTP"];
const KIND_RANK: Record<ClusterKind, number> = {
  ClusterNetworkPolicy: 0,
  AdminNetworkPolicy: 1,
  BaselineAdminNetworkPolicy: 2,
};

const NONE_SELECTOR: CompiledSelector = Object.freeze({
  matches: () => false,
  matchesAll: false,
  text: "<none>",
  equalities: [],
});

function rangePort(protocol: Protocol, start: number, end: number): CompiledPort {
  return {
    protocol,
    kind: "range",
    port: start,
    endPort: Math.max(start, end),
    name: "",
    text: start === end ? `${protocol}/${start}` : `${protocol}/${start}-${end}`,
  };
}

function namedPorts(name: string): CompiledPort[] {
  return PROTOCOLS.map((protocol) => ({
    protocol,
    kind: "named" as const,
    port: 0,
    endPort: 0,
    name,
    text: `${protocol}/${name}`,
  }));
}

function compileProtocol(
  p: ClusterNetworkPolicyProtocol,
  index: number,
): CompiledClusterProtocol | undefined {
  const keys = Object.keys(p).filter((k) => p[k] !== undefined);
  if (keys.length !== 1) return undefined;
  if (typeof p.destinationNamedPort === "string")
    return { index, text: `named port ${p.destinationNamedPort}`, ports: namedPorts(p.destinationNamedPort) };
  for (const protocol of PROTOCOLS) {
    const l4 = p[protocol.toLowerCase() as "tcp" | "udp" | "sctp"];
    if (!l4) continue;
    const dp = l4.destinationPort;
    if (typeof dp?.number === "number") {
      const port = rangePort(protocol, dp.number, dp.number);
      return { index, text: port.text, ports: [port] };
    }
    if (dp?.range && typeof dp.range.start === "number" && typeof dp.range.end === "number") {
      const port = rangePort(protocol, dp.range.start, dp.range.end);
      return { index, text: port.text, ports: [port] };
    }
    return undefined;
  }
  return undefined;
}

function compileV1Alpha1Port(p: AdminNetworkPolicyPort, index: number): CompiledClusterProtocol | undefined {
  const keys = Object.keys(p).filter((k) => p[k] !== undefined);
  if (keys.length !== 1) return undefined;
  if (typeof p.namedPort === "string")
    return { index, text: `named port ${p.namedPort}`, ports: namedPorts(p.namedPort) };
  if (p.portNumber && typeof p.portNumber.port === "number") {
    const port = rangePort(p.portNumber.protocol ?? "TCP", p.portNumber.port, p.portNumber.port);
    return { index, text: port.text, ports: [port] };
  }
  if (p.portRange && typeof p.portRange.start === "number" && typeof p.portRange.end === "number") {
    const port = rangePort(p.portRange.protocol ?? "TCP", p.portRange.start, p.portRange.end);
    return { index, text: port.text, ports: [port] };
  }
  return undefined;
}

const sel = (s: LabelSelector | undefined) => compileSelector(s ?? {});

function compilePeer(p: ClusterNetworkPolicyPeer, index: number, dir: Direction): CompiledClusterPeer {
  const base = { index, namespace: sel({}), pod: sel({}), networks: [], domainNames: [] };
  const keys = Object.keys(p ?? {}).filter((k) => p[k] !== undefined);
  const unknown: CompiledClusterPeer = { ...base, kind: "unknown", text: "a peer michi does not understand" };
  if (keys.length !== 1) return unknown;
  if (p.namespaces) {
    const ns = sel(p.namespaces);
    return { ...base, kind: "namespaces", namespace: ns, text: `namespaces ${ns.text}` };
  }
  if (p.pods) {
    const ns = sel(p.pods.namespaceSelector);
    const pod = sel(p.pods.podSelector);
    return { ...base, kind: "pods", namespace: ns, pod, text: `pods ${pod.text} in namespaces ${ns.text}` };
  }
  if (dir === "ingress") return unknown;
  if (p.nodes) {
    const n = sel(p.nodes);
    return { ...base, kind: "nodes", namespace: n, text: `nodes ${n.text}` };
  }
  if (Array.isArray(p.networks)) {
    const networks = p.networks.map((cidr) => compileIPBlock({ cidr }));
    return { ...base, kind: "networks", networks, text: `networks ${p.networks.join(",")}` };
  }
  if (Array.isArray(p.domainNames)) {
    return {
      ...base,
      kind: "domainNames",
      domainNames: p.domainNames.map((d) => d.toLowerCase().replace(/\.$/, "")),
      text: `domainNames ${p.domainNames.join(",")}`,
    };
  }
  return unknown;
}

function compileRule(
  r: ClusterNetworkPolicyRule | AdminNetworkPolicyRule,
  index: number,
  dir: Direction,
  v1alpha1: boolean,
): CompiledClusterRule {
  const written = String(r.action ?? "");
  const action: ClusterAction | undefined =
    written === "Accept" && !v1alpha1
      ? "Accept"
      : written === "Allow" && v1alpha1
        ? "Accept"
        : written === "Deny" || written === "Pass"
          ? written
          : undefined;
  const peers = ((dir === "ingress" ? r.from : r.to) ?? []).map((p, i) => compilePeer(p, i, dir));
  const list = v1alpha1
    ? (r as AdminNetworkPolicyRule).ports?.map(compileV1Alpha1Port)
    : (r as ClusterNetworkPolicyRule).protocols?.map(compileProtocol);
  const protocols = list?.filter((p): p is CompiledClusterProtocol => p !== undefined);
  const failClosed =
    action === undefined ||
    peers.length === 0 ||
    peers.some((p) => p.kind === "unknown") ||
    (list !== undefined && (list.length === 0 || protocols?.length !== list.length));
  return {
    index,
    name: typeof r.name === "string" && r.name !== "" ? r.name : undefined,
    // An action michi does not know fails closed as a Deny.
    action: action ?? "Deny",
    written,
    peers,
    protocols,
    ports: protocols?.flatMap((p) => p.ports),
    failClosed,
  };
}

function compileOne(o: AnyClusterNetworkPolicy): Omit<CompiledClusterPolicy, "order"> {
  const kind = (o.kind ?? "ClusterNetworkPolicy") as ClusterKind;
  const name = o.metadata?.name ?? "";
  const spec = o.spec ?? {};
  const v1alpha1 = kind !== "ClusterNetworkPolicy";
  const tier: Tier =
    kind === "AdminNetworkPolicy"
      ? "Admin"
      : kind === "BaselineAdminNetworkPolicy"
        ? "Baseline"
        : (spec as { tier?: string }).tier === "Baseline"
          ? "Baseline"
          : "Admin";
  const priority =
    kind === "BaselineAdminNetworkPolicy" ? undefined : ((spec as { priority?: number }).priority ?? 0);
  const s = spec.subject ?? {};
  const subjectKeys = Object.keys(s).filter((k) => (s as Record<string, unknown>)[k] !== undefined);
  let subject: CompiledClusterPolicy["subject"];
  if (subjectKeys.length === 1 && s.namespaces) {
    const ns = sel(s.namespaces);
    subject = { namespace: ns, pod: sel({}), none: false, text: `pods in namespaces ${ns.text}` };
  } else if (subjectKeys.length === 1 && s.pods) {
    const ns = sel(s.pods.namespaceSelector);
    const pod = sel(s.pods.podSelector);
    subject = { namespace: ns, pod, none: false, text: `pods ${pod.text} in namespaces ${ns.text}` };
  } else
    subject = { namespace: NONE_SELECTOR, pod: NONE_SELECTOR, none: true, text: "no pods (unknown subject)" };
  return {
    key: `${kind}/${name}`,
    kind,
    name,
    tier,
    priority,
    subject,
    ingress: (spec.ingress ?? []).map((r, i) => compileRule(r, i, "ingress", v1alpha1)),
    egress: (spec.egress ?? []).map((r, i) => compileRule(r, i, "egress", v1alpha1)),
    source: o,
  };
}

/** Tier evaluation order: priority (BANP last), name, kind. */
export function clusterPolicyOrder(
  a: Pick<CompiledClusterPolicy, "priority" | "name" | "kind">,
  b: Pick<CompiledClusterPolicy, "priority" | "name" | "kind">,
): number {
  const pa = a.priority ?? Number.POSITIVE_INFINITY;
  const pb = b.priority ?? Number.POSITIVE_INFINITY;
  if (pa !== pb) return pa - pb;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return KIND_RANK[a.kind] - KIND_RANK[b.kind];
}

/** Every cluster-scoped policy, one per kind/name (the later wins), each tier in evaluation order. */
export function compileClusterPolicies(list: readonly AnyClusterNetworkPolicy[]): CompiledClusterPolicy[] {
  const byKey = new Map<string, Omit<CompiledClusterPolicy, "order">>();
  for (const o of list) {
    const c = compileOne(o);
    byKey.delete(c.key);
    byKey.set(c.key, c);
  }
  const all = [...byKey.values()].sort(
    (a, b) => (a.tier === b.tier ? 0 : a.tier === "Admin" ? -1 : 1) || clusterPolicyOrder(a, b),
  );
  return all.map((p, order) => ({ ...p, order }));
}

/** `*.example.com` matches one or more labels before example.com; anything else matches exactly. */
export function domainMatches(pattern: string, name: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, "");
  if (pattern.startsWith("*.")) {
    const rest = pattern.slice(1);
    return n.endsWith(rest) && n.length > rest.length;
  }
  return n === pattern;
}
