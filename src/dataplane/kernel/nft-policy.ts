/**
 * NetworkPolicy as nftables rules for one node (pure), compiled from the
 * policy engine — the one source of truth — so the kernel and `michi check`
 * agree: per isolated pod an `egress-` chain (entered from the pod's veth,
 * after Service DNAT, so it judges the real destination) and an `ingress-`
 * chain (entered towards the pod's veth). A rule's peers become sets of
 * addresses (pods matched by the engine's own selector matcher; ipBlock cidr
 * minus except), its ports `th dport` ranges, a named port the numbers the
 * destination pod gives that name (per destination pod for egress). What the
 * engine always allows is allowed first: the pod itself, its own node, and
 * connections this node masqueraded (the engine judges those as coming from
 * the node). Established and related packets pass; a new connection no rule
 * admits is dropped at its first packet (or rejected with deny=reject).
 */
import type { NetworkPolicyPeer, Pod, Protocol } from "../../api/types.js";
import type { CompiledPeer, CompiledPolicy, CompiledRule, Direction } from "../../policy/compiled-policy.js";
import { type PolicyEngine, peerMatches } from "../../policy/engine.js";
import { type CompiledPort, podContainerPorts } from "../../policy/ports.js";
import { addElement, type NftTable, newTable } from "./nft-ruleset.js";
import { MASQ_MARK, nftProto } from "./nft-services.js";

export const POLICY_TABLE = "michi-policy";

export type DenyAction = "drop" | "reject";

export interface PolicyNode {
  name: string;
  ip: string;
}

/** A pod with a network namespace on this node, by the name of its veth there. */
export interface PolicyPod {
  pod: Pod;
  ip: string;
  link: string;
}

function isV4(ip: string | undefined): ip is string {
  return ip !== undefined && /^\d+\.\d+\.\d+\.\d+$/.test(ip);
}

function cidrV4(c: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(c);
}

function setOf(items: readonly string[]): string {
  return items.length === 1 ? (items[0] as string) : `{ ${items.join(", ")} }`;
}

/** Peers' address sets are per policy rule, not per selected pod: cached across the pods of a node. */
class PeerIndex {
  private readonly cache = new Map<string, string[]>();
  private allPods: { pod: Pod; ip: string }[] | undefined;
  constructor(readonly engine: PolicyEngine) {}

  pods(): { pod: Pod; ip: string }[] {
    if (!this.allPods) {
      this.allPods = [];
      for (const pod of this.engine.state.pods) {
        const ip = pod.status?.podIP;
        if (pod.spec?.hostNetwork !== true && isV4(ip)) this.allPods.push({ pod, ip });
      }
    }
    return this.allPods;
  }

  /** IPs of the pods a `pods` peer selects. */
  podIPs(policy: CompiledPolicy, dir: Direction, rule: number, peer: CompiledPeer): string[] {
    const key = `${policy.key}|${dir}|${rule}|${peer.index}`;
    let ips = this.cache.get(key);
    if (!ips) {
      ips = [];
      for (const { pod, ip } of this.pods()) {
        if (peerMatches(peer, policy, this.engine.endpoint({ kind: "pod", pod }))) ips.push(ip);
      }
      ips.sort();
      this.cache.set(key, ips);
    }
    return ips;
  }
}

function rawPeer(
  policy: CompiledPolicy,
  dir: Direction,
  rule: number,
  peer: number,
): NetworkPolicyPeer | undefined {
  const spec = policy.source.spec;
  const r = dir === "ingress" ? spec?.ingress?.[rule] : spec?.egress?.[rule];
  const list =
    dir === "ingress"
      ? (r as { from?: NetworkPolicyPeer[] } | undefined)?.from
      : (r as { to?: NetworkPolicyPeer[] } | undefined)?.to;
  return list?.[peer];
}

/** Address matches of one rule (alternatives; `""` = every address); empty: matches nothing. */
function addressMatches(
  idx: PeerIndex,
  policy: CompiledPolicy,
  dir: Direction,
  rule: CompiledRule,
): { text: string; podIPs: (ip: string) => boolean }[] {
  const field = dir === "ingress" ? "saddr" : "daddr";
  if (!rule.peers) return [{ text: "", podIPs: () => true }];
  const out: { text: string; podIPs: (ip: string) => boolean }[] = [];
  for (const peer of rule.peers) {
    if (peer.kind === "pods") {
      const ips = idx.podIPs(policy, dir, rule.index, peer);
      if (ips.length > 0) {
        const set = new Set(ips);
        out.push({ text: `ip ${field} ${setOf(ips)}`, podIPs: (ip) => set.has(ip) });
      }
    } else if (peer.kind === "ipBlock") {
      const raw = rawPeer(policy, dir, rule.index, peer.index)?.ipBlock;
      if (!raw || !cidrV4(raw.cidr)) continue;
      const except = (raw.except ?? []).filter(cidrV4);
      const block = peer.ipBlock;
      out.push({
        text: `ip ${field} ${raw.cidr}${except.length > 0 ? ` ip ${field} != ${setOf(except)}` : ""}`,
        podIPs: (ip) => block?.matches(ip) === true,
      });
    }
  }
  return out;
}

function portText(p: CompiledPort): string {
  const proto = nftProto(p.protocol);
  if (p.kind === "all") return `meta l4proto ${proto}`;
  return `meta l4proto ${proto} th dport ${p.port === p.endPort ? p.port : `${p.port}-${p.endPort}`}`;
}

function namedPorts(pod: Pod, name: string, protocol: Protocol): number[] {
  const out: number[] = [];
  for (const cp of podContainerPorts(pod.spec)) {
    if (cp.name === name && (cp.protocol ?? "TCP") === protocol) out.push(cp.containerPort);
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/** The rules (each ending in `return`) admitting what one policy rule admits for `self`. */
function ruleLines(
  idx: PeerIndex,
  policy: CompiledPolicy,
  dir: Direction,
  rule: CompiledRule,
  self: Pod,
): string[] {
  const addrs = addressMatches(idx, policy, dir, rule);
  const lines: string[] = [];
  const ports = rule.ports;
  for (const a of addrs) {
    const prefix = a.text ? `${a.text} ` : "";
    if (!ports) {
      lines.push(`${prefix}return`);
      continue;
    }
    for (const p of ports) {
      if (p.kind !== "named") {
        lines.push(`${prefix}${portText(p)} return`);
        continue;
      }
      const proto = nftProto(p.protocol);
      if (dir === "ingress") {
        const nums = namedPorts(self, p.name, p.protocol);
        if (nums.length > 0)
          lines.push(`${prefix}meta l4proto ${proto} th dport ${setOf(nums.map(String))} return`);
        continue;
      }
      // Egress: the name resolves on each destination pod.
      const elems: string[] = [];
      for (const { pod, ip } of idx.pods()) {
        if (!a.podIPs(ip)) continue;
        for (const n of namedPorts(pod, p.name, p.protocol)) elems.push(`${ip} . ${proto} . ${n}`);
      }
      if (elems.length > 0) lines.push(`ip daddr . meta l4proto . th dport { ${elems.join(", ")} } return`);
    }
  }
  return lines;
}

function denyLines(deny: DenyAction): string[] {
  return deny === "reject"
    ? ["meta l4proto tcp reject with tcp reset", "reject with icmp type admin-prohibited"]
    : ["drop"];
}

export function compilePolicyRules(
  engine: PolicyEngine,
  node: PolicyNode,
  pods: readonly PolicyPod[],
  deny: DenyAction,
): NftTable {
  const t = newTable("ip", POLICY_TABLE);
  t.sets.set("pod-egress", { kind: "map", decl: "type ifname : verdict;", elements: new Map() });
  t.sets.set("pod-ingress", { kind: "map", decl: "type ifname : verdict;", elements: new Map() });
  t.chains.set("forward", {
    base: "type filter hook forward priority 0; policy accept;",
    rules: ["ct state established,related accept", "iifname vmap @pod-egress", "oifname vmap @pod-ingress"],
  });
  const idx = new PeerIndex(engine);
  for (const { pod, ip, link } of pods) {
    const key = `${pod.metadata?.namespace ?? "default"}/${pod.metadata?.name ?? ""}`;
    for (const dir of ["egress", "ingress"] as const) {
      const selecting = engine.selecting(pod, dir);
      if (selecting.length === 0) continue;
      const field = dir === "ingress" ? "saddr" : "daddr";
      const rules = [`ip ${field} ${ip} return`, `ip ${field} ${node.ip} return`];
      if (dir === "ingress") rules.push(`meta mark & ${MASQ_MARK} == ${MASQ_MARK} return`);
      for (const policy of selecting) {
        for (const rule of (dir === "ingress" ? policy.ingress : policy.egress) ?? []) {
          rules.push(...ruleLines(idx, policy, dir, rule, pod));
        }
      }
      rules.push(...denyLines(deny));
      const chain = `${dir}-${key}`;
      t.chains.set(chain, { rules });
      addElement(t, dir === "ingress" ? "pod-ingress" : "pod-egress", `"${link}"`, `jump ${chain}`);
    }
  }
  return t;
}
