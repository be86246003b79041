/**
 * The sandbox's shape as data (pure): which namespaces, links, addresses and
 * routes the cluster state needs, and the batches that turn one shape into the
 * next. Layout, all inside namespaces named `michi-<id>-…`:
 *
 *   hub  (bridge cl0 = the cluster link; the "outside world" address hubIP)
 *    ├─ veth n<i> ⇄ eth0 of node i  (node InternalIP, default route via hub)
 *    │     node i: one veth p<j> per pod j (the pod CIDR's .1 on each: the
 *    │     gateway, as ptp CNIs do), routes to other nodes' pod CIDRs via
 *    │     their InternalIP (no NAT), nftables for Services and policy
 *    └─     pod j: eth0 = its model IP/32, default via the gateway
 *
 * Pods are routed, not bridged: the node sees every pod packet in its
 * forward hook, so Services and NetworkPolicy are plain netfilter rules
 * without br_netfilter (a host-global module that would change how the host's
 * own bridges behave).
 */
import { cidrAddress, cidrSize, formatIP, parseCIDR, parseIP } from "../../api/net.js";
import type { ClusterState } from "../../cluster/state.js";
import { nsName } from "./sandbox-registry.js";

export interface TopoNode {
  name: string;
  index: number;
  netns: string;
  /** Veth end in the hub. */
  hubLink: string;
  ip: string;
  /** Prefix length of the node network (the cluster link). */
  prefix: number;
  podCIDR: string;
  gateway: string;
}

export interface TopoPod {
  /** `namespace/name`. */
  key: string;
  index: number;
  netns: string;
  /** Veth end in the node's namespace. */
  nodeLink: string;
  ip: string;
  node: string;
}

export interface Topology {
  id: string;
  hub: string;
  hubIP: string;
  prefix: number;
  nodes: ReadonlyMap<string, TopoNode>;
  pods: ReadonlyMap<string, TopoPod>;
  /** Next free indexes (stable names across syncs). */
  nextNode: number;
  nextPod: number;
}

/** A batch of `ip` commands run in one namespace (undefined: where michi runs, only `netns add`). */
export interface IpBatch {
  netns: string | undefined;
  lines: string[];
  /** Also enable IPv4 forwarding there first (a node). */
  forward?: boolean;
}

export interface TopologyPlan {
  /** Namespaces to remove first (with what runs inside). */
  remove: string[];
  /** Phases run in order; the batches of one phase run in parallel. */
  phases: IpBatch[][];
}

function v4(text: string | undefined): boolean {
  return text !== undefined && parseIP(text)?.family === 4;
}

function identity(p: { ip: string; node: string }): string {
  return `${p.ip}@${p.node}`;
}

export function compileTopology(state: ClusterState, id: string, previous?: Topology): Topology {
  const nodeNet = parseCIDR(state.config.nodeCIDR);
  if (nodeNet?.family !== 4) throw new Error(`node CIDR ${state.config.nodeCIDR} is not IPv4`);
  let nextNode = previous?.nextNode ?? 1;
  let nextPod = previous?.nextPod ?? 1;
  const nodes = new Map<string, TopoNode>();
  for (const n of state.nodes) {
    const name = n.metadata?.name ?? "";
    const ip = n.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
    const podCIDR = n.spec?.podCIDR;
    const cidr = podCIDR ? parseCIDR(podCIDR) : undefined;
    if (!name || !v4(ip) || !cidr || cidr.family !== 4 || !ip || !podCIDR) continue;
    const old = previous?.nodes.get(name);
    const same = old && old.ip === ip && old.podCIDR === podCIDR;
    const index = same ? old.index : nextNode++;
    nodes.set(name, {
      name,
      index,
      netns: nsName(id, `n${index}`),
      hubLink: `n${index}`,
      ip,
      prefix: nodeNet.prefix,
      podCIDR,
      gateway: formatIP(cidrAddress(cidr, 1)),
    });
  }
  const pods = new Map<string, TopoPod>();
  for (const p of state.pods) {
    const ip = p.status?.podIP;
    const node = p.spec?.nodeName;
    if (p.spec?.hostNetwork === true || !v4(ip) || !ip || !node || !nodes.has(node)) continue;
    const key = `${p.metadata?.namespace ?? "default"}/${p.metadata?.name ?? ""}`;
    const old = previous?.pods.get(key);
    const keep =
      old &&
      identity(old) === identity({ ip, node }) &&
      previous?.nodes.get(node)?.index === nodes.get(node)?.index;
    const index = keep ? old.index : nextPod++;
    pods.set(key, { key, index, netns: nsName(id, `p${index}`), nodeLink: `p${index}`, ip, node });
  }
  const used = new Set([...nodes.values()].map((n) => n.ip));
  let hubIP = previous?.hubIP;
  if (!hubIP || used.has(hubIP)) {
    // The last usable address of the node network that no node has: the world outside the nodes.
    for (let i = cidrSize(nodeNet) - 2n; i > 0n; i--) {
      const a = formatIP(cidrAddress(nodeNet, i));
      if (!used.has(a)) {
        hubIP = a;
        break;
      }
    }
  }
  if (!hubIP) throw new Error(`node CIDR ${state.config.nodeCIDR} has no free address for the sandbox`);
  return { id, hub: nsName(id, "hub"), hubIP, prefix: nodeNet.prefix, nodes, pods, nextNode, nextPod };
}

/** The batches that turn `prev` (undefined: nothing yet) into `next`. */
export function planTopology(prev: Topology | undefined, next: Topology): TopologyPlan {
  const remove: string[] = [];
  const create: string[] = [];
  const hub: string[] = [];
  if (!prev || prev.hubIP !== next.hubIP) {
    if (!prev) create.push(next.hub);
    hub.push("link set lo up");
    if (!prev) hub.push("link add cl0 type bridge", "link set cl0 up");
    else hub.push(`addr del ${prev.hubIP}/${prev.prefix} dev cl0`);
    hub.push(`addr add ${next.hubIP}/${next.prefix} dev cl0`);
  }
  for (const [name, n] of prev?.nodes ?? []) {
    if (next.nodes.get(name)?.index !== n.index) remove.push(n.netns);
  }
  for (const [key, p] of prev?.pods ?? []) {
    if (next.pods.get(key)?.index !== p.index) remove.push(p.netns);
  }
  const newNodes = [...next.nodes.values()].filter((n) => prev?.nodes.get(n.name)?.index !== n.index);
  const newPods = [...next.pods.values()].filter((p) => prev?.pods.get(p.key)?.index !== p.index);
  for (const n of newNodes) {
    create.push(n.netns);
    hub.push(
      `link add ${n.hubLink} type veth peer name eth0 netns ${n.netns}`,
      `link set ${n.hubLink} master cl0`,
      `link set ${n.hubLink} up`,
    );
  }
  for (const p of newPods) create.push(p.netns);
  const nodeBatches: IpBatch[] = [];
  const goneNodes = [...(prev?.nodes.values() ?? [])].filter(
    (n) => next.nodes.get(n.name)?.index !== n.index,
  );
  for (const n of next.nodes.values()) {
    const fresh = prev?.nodes.get(n.name)?.index !== n.index;
    const lines: string[] = [];
    if (fresh) {
      lines.push(
        "link set lo up",
        `addr add ${n.ip}/${n.prefix} dev eth0`,
        "link set eth0 up",
        `route add default via ${next.hubIP} dev eth0`,
      );
    } else if (prev && prev.hubIP !== next.hubIP) {
      lines.push(`route replace default via ${next.hubIP} dev eth0`);
    }
    for (const o of next.nodes.values()) {
      if (o.name === n.name) continue;
      if (fresh || prev?.nodes.get(o.name)?.index !== o.index)
        lines.push(`route replace ${o.podCIDR} via ${o.ip} dev eth0`);
    }
    if (!fresh) {
      for (const g of goneNodes) {
        if (![...next.nodes.values()].some((o) => o.podCIDR === g.podCIDR))
          lines.push(`route flush ${g.podCIDR}`);
      }
    }
    for (const p of newPods) {
      if (p.node !== n.name) continue;
      lines.push(
        `link add ${p.nodeLink} type veth peer name eth0 netns ${p.netns}`,
        `addr add ${n.gateway}/32 dev ${p.nodeLink}`,
        `link set ${p.nodeLink} up`,
        `route replace ${p.ip}/32 dev ${p.nodeLink} src ${n.ip}`,
      );
    }
    if (lines.length > 0) nodeBatches.push({ netns: n.netns, lines, ...(fresh ? { forward: true } : {}) });
  }
  const podBatches: IpBatch[] = newPods.map((p) => {
    const gw = next.nodes.get(p.node)?.gateway ?? "";
    return {
      netns: p.netns,
      lines: [
        "link set lo up",
        `addr add ${p.ip}/32 dev eth0`,
        "link set eth0 up",
        `route add ${gw} dev eth0 scope link src ${p.ip}`,
        `route add default via ${gw} dev eth0 src ${p.ip}`,
      ],
    };
  });
  const phases: IpBatch[][] = [];
  if (create.length > 0) phases.push([{ netns: undefined, lines: create.map((n) => `netns add ${n}`) }]);
  if (hub.length > 0) phases.push([{ netns: next.hub, lines: hub }]);
  if (nodeBatches.length > 0) phases.push(nodeBatches);
  if (podBatches.length > 0) phases.push(podBatches);
  return { remove, phases };
}

/** Every namespace of a topology (for teardown). */
export function topologyNamespaces(t: Topology): string[] {
  return [...[...t.pods.values()].map((p) => p.netns), ...[...t.nodes.values()].map((n) => n.netns), t.hub];
}
