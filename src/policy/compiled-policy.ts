/**
 * A NetworkPolicy normalised for evaluation: policyTypes defaulted as the API
 * server does (Ingress always, Egress only when egress rules exist), selectors
 * and ipBlocks compiled, peers classified. Rules keep their manifest indexes
 * so explanations can say `ingress[1].from[0]`.
 */
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from "../api/types.js";
import { type CompiledIPBlock, compileIPBlock } from "./ip-block.js";
import { type CompiledPort, compilePort } from "./ports.js";
import { type CompiledSelector, compileSelector } from "./selector.js";

export type Direction = "ingress" | "egress";

export interface CompiledPeer {
  readonly index: number;
  /** `pods`: podSelector and/or namespaceSelector; `ipBlock`; `empty`: a peer with no field set (invalid, matches nothing). */
  readonly kind: "pods" | "ipBlock" | "empty";
  /** undefined: the policy's own namespace (no namespaceSelector). */
  readonly namespace: CompiledSelector | undefined;
  readonly pod: CompiledSelector;
  readonly ipBlock: CompiledIPBlock | undefined;
  readonly text: string;
}

export interface CompiledRule {
  readonly index: number;
  /** undefined: `from`/`to` empty or missing, every peer (cluster-external included). */
  readonly peers: readonly CompiledPeer[] | undefined;
  /** undefined: `ports` empty or missing, every port of every protocol. */
  readonly ports: readonly CompiledPort[] | undefined;
}

export interface CompiledPolicy {
  /** `namespace/name`. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: CompiledSelector;
  /** Rules of a direction the policy applies to; undefined when policyTypes lacks it. */
  readonly ingress: readonly CompiledRule[] | undefined;
  readonly egress: readonly CompiledRule[] | undefined;
  readonly source: NetworkPolicy;
}

/** policyTypes as the API server defaults them. */
export function effectivePolicyTypes(p: NetworkPolicy): {
  ingress: boolean;
  egress: boolean;
  explicit: boolean;
} {
  const types = p.spec?.policyTypes;
  if (types && types.length > 0)
    return { ingress: types.includes("Ingress"), egress: types.includes("Egress"), explicit: true };
  return { ingress: true, egress: (p.spec?.egress?.length ?? 0) > 0, explicit: false };
}

function compilePeer(peer: NetworkPolicyPeer, index: number): CompiledPeer {
  if (peer.ipBlock) {
    const ipBlock = compileIPBlock(peer.ipBlock);
    return {
      index,
      kind: "ipBlock",
      namespace: undefined,
      pod: compileSelector({}),
      ipBlock,
      text: `ipBlock ${ipBlock.text}`,
    };
  }
  if (!peer.podSelector && !peer.namespaceSelector) {
    return {
      index,
      kind: "empty",
      namespace: undefined,
      pod: compileSelector({}),
      ipBlock: undefined,
      text: "empty peer",
    };
  }
  const namespace = peer.namespaceSelector ? compileSelector(peer.namespaceSelector) : undefined;
  const pod = compileSelector(peer.podSelector);
  const parts: string[] = [];
  if (namespace) parts.push(`namespaceSelector ${namespace.text}`);
  if (peer.podSelector || !namespace) parts.push(`podSelector ${pod.text}`);
  return { index, kind: "pods", namespace, pod, ipBlock: undefined, text: parts.join(" AND ") };
}

function compileRule(
  rule: { from?: NetworkPolicyPeer[]; to?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] },
  index: number,
  dir: Direction,
): CompiledRule {
  const peers = dir === "ingress" ? rule.from : rule.to;
  return {
    index,
    peers: peers && peers.length > 0 ? peers.map(compilePeer) : undefined,
    ports: rule.ports && rule.ports.length > 0 ? rule.ports.map(compilePort) : undefined,
  };
}

export function compileNetworkPolicy(p: NetworkPolicy): CompiledPolicy {
  const namespace = p.metadata?.namespace ?? "default";
  const name = p.metadata?.name ?? "";
  const types = effectivePolicyTypes(p);
  return {
    key: `${namespace}/${name}`,
    namespace,
    name,
    podSelector: compileSelector(p.spec?.podSelector ?? {}),
    ingress: types.ingress ? (p.spec?.ingress ?? []).map((r, i) => compileRule(r, i, "ingress")) : undefined,
    egress: types.egress ? (p.spec?.egress ?? []).map((r, i) => compileRule(r, i, "egress")) : undefined,
    source: p,
  };
}

/**
 * Compiles every policy; a later policy with the same namespace/name replaces
 * the earlier one (as re-applying does). Sorted by key so verdicts are stable.
 */
export function compileNetworkPolicies(policies: readonly NetworkPolicy[]): CompiledPolicy[] {
  const byKey = new Map<string, CompiledPolicy>();
  for (const p of policies) {
    const c = compileNetworkPolicy(p);
    byKey.delete(c.key);
    byKey.set(c.key, c);
  }
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
