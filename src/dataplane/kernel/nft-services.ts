/**
 * Services as kube-proxy's nftables mode programs them (pkg/proxy/nftables),
 * compiled for one node from the service table (pure): a `service-ips` verdict
 * map from address . protocol . port to a per-service-port chain, NodePorts
 * in `service-nodeports` for the node's own address, one `endpoint-` chain per
 * endpoint doing the DNAT, endpoint choice by `numgen random mod N` (every
 * endpoint equally likely, as kube-proxy weighs them), sessionAffinity
 * ClientIP as a dynamic set with a timeout per endpoint, `external-` chains
 * for NodePort/LoadBalancer/externalIPs that mark for masquerade (Cluster) or
 * keep the source and use the node's own endpoints (Local), `local-` chains
 * for traffic policy Local, and the no-endpoint maps that REJECT a service
 * with no endpoints (or DROP when only the node-local set is empty).
 * Masquerade is SNAT to the node's InternalIP (a fixed address, so a policy
 * sees the same source the policy engine assumes).
 */
import { createHash } from "node:crypto";
import type { Protocol } from "../../api/types.js";
import { clusterEndpoints, localEndpoints } from "../../service/endpoint-selection.js";
import type { ServiceEndpoint, ServiceFrontend, ServiceTable } from "../../service/service-table.js";
import { addElement, type NftChain, type NftSet, type NftTable, newTable } from "./nft-ruleset.js";

export const PROXY_TABLE = "michi-proxy";
export const MASQ_MARK = "0x4000";

export interface ProxyNode {
  name: string;
  ip: string;
}

export interface ProxyOptions {
  /** The cluster pod CIDR: sources outside it are masqueraded towards a ClusterIP (kube-proxy's --cluster-cidr). */
  podCIDR: string;
}

export function nftProto(p: Protocol): string {
  return p === "UDP" ? "udp" : p === "SCTP" ? "sctp" : "tcp";
}

const hashes = new Map<string, string>();

/** A short stable hash for chain names (memoized: names repeat across nodes and syncs). */
function hash(s: string): string {
  let h = hashes.get(s);
  if (h === undefined) {
    h = createHash("sha256").update(s).digest("base64url").replace(/[-_]/g, "x").slice(0, 8).toUpperCase();
    if (hashes.size > 500_000) hashes.clear();
    hashes.set(s, h);
  }
  return h;
}

interface Group {
  id: string;
  protocol: Protocol;
  frontends: ServiceFrontend[];
  endpoints: readonly ServiceEndpoint[];
  itp: "Cluster" | "Local";
  etp: "Cluster" | "Local";
  affinity: number | undefined;
}

function groups(services: ServiceTable): Group[] {
  const byId = new Map<string, Group>();
  for (const fe of services.frontends) {
    // The host-local NodePort is not a kernel address; the tables are IPv4 (ip family).
    if (fe.ip === undefined || fe.ip.includes(":")) continue;
    const id = `${fe.service.namespace}/${fe.service.name}/${nftProto(fe.protocol)}/${fe.portName}`;
    let g = byId.get(id);
    if (!g) {
      g = {
        id,
        protocol: fe.protocol,
        frontends: [],
        endpoints: fe.endpoints.filter((e) => !e.ip.includes(":")),
        itp: fe.internalTrafficPolicy,
        etp: fe.externalTrafficPolicy,
        affinity: fe.affinitySeconds,
      };
      byId.set(id, g);
    }
    g.frontends.push(fe);
  }
  return [...byId.values()];
}

/** The static part: base chains, the maps every service fills, masquerading. */
function skeleton(t: NftTable, node: ProxyNode): void {
  const map = (name: string, decl: string) => t.sets.set(name, { kind: "map", decl, elements: new Map() });
  map("service-ips", "type ipv4_addr . inet_proto . inet_service : verdict;");
  map("service-nodeports", "type inet_proto . inet_service : verdict;");
  map("no-endpoint-services", "type ipv4_addr . inet_proto . inet_service : verdict;");
  map("no-endpoint-nodeports", "type inet_proto . inet_service : verdict;");
  t.sets.set("nodeport-ips", { kind: "set", decl: "type ipv4_addr;", elements: new Map() });
  addElement(t, "nodeport-ips", node.ip);
  const chain = (name: string, rules: string[], base?: string) =>
    t.chains.set(name, base ? { base, rules } : { rules });
  chain("mark-for-masquerade", [`meta mark set meta mark or ${MASQ_MARK}`]);
  chain("masquerading", [
    `meta mark & ${MASQ_MARK} == 0 return`,
    `meta mark set meta mark xor ${MASQ_MARK}`,
    `snat to ${node.ip} fully-random`,
  ]);
  chain("reject-chain", ["reject"]);
  chain("services", [
    "ip daddr . meta l4proto . th dport vmap @service-ips",
    "ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports",
  ]);
  chain("service-endpoints-check", ["ip daddr . meta l4proto . th dport vmap @no-endpoint-services"]);
  chain("nodeport-endpoints-check", [
    "ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports",
  ]);
  chain("nat-prerouting", ["jump services"], "type nat hook prerouting priority dstnat; policy accept;");
  chain("nat-output", ["jump services"], "type nat hook output priority -100; policy accept;");
  chain(
    "nat-postrouting",
    ["jump masquerading"],
    "type nat hook postrouting priority srcnat; policy accept;",
  );
  chain(
    "filter-forward",
    ["ct state new jump service-endpoints-check"],
    "type filter hook forward priority -110; policy accept;",
  );
  chain(
    "filter-output",
    ["ct state new jump service-endpoints-check"],
    "type filter hook output priority -110; policy accept;",
  );
  chain(
    "filter-input",
    ["ct state new jump nodeport-endpoints-check"],
    "type filter hook input priority -110; policy accept;",
  );
}

/** What one service port contributes to a node's table (cached while its inputs stay the same). */
interface GroupOut {
  sig: string;
  chains: [string, NftChain][];
  sets: [string, NftSet][];
  elements: [string, string, string][];
}

/** Per node: service port id → its last output. Reused outputs keep their rule arrays, so the diff skips them by identity. */
export type ServiceRulesCache = Map<string, GroupOut>;

function signature(g: Group, options: ProxyOptions): string {
  let s = `${options.podCIDR}|${g.itp}|${g.etp}|${g.affinity}`;
  for (const f of g.frontends) s += `|${f.kind} ${f.ip} ${f.port} ${f.node}`;
  for (const e of g.endpoints)
    s += `|${e.ip} ${e.port} ${e.nodeName} ${e.ready} ${e.serving} ${e.terminating}`;
  return s;
}

/** The kube-proxy ruleset of one node; `cache` (kept by the caller per node) makes a resync cost only what changed. */
export function compileServiceRules(
  services: ServiceTable,
  node: ProxyNode,
  options: ProxyOptions,
  cache?: ServiceRulesCache,
): NftTable {
  const t = newTable("ip", PROXY_TABLE);
  skeleton(t, node);
  const seen = new Set<string>();
  for (const g of groups(services)) {
    seen.add(g.id);
    const sig = signature(g, options);
    let out = cache?.get(g.id);
    if (!out || out.sig !== sig) {
      out = compileGroup(g, node, options, sig);
      cache?.set(g.id, out);
    }
    for (const [name, c] of out.chains) t.chains.set(name, c);
    for (const [name, set] of out.sets) t.sets.set(name, set);
    for (const [set, key, value] of out.elements) addElement(t, set, key, value);
  }
  if (cache) for (const id of cache.keys()) if (!seen.has(id)) cache.delete(id);
  return t;
}

function compileGroup(g: Group, node: ProxyNode, options: ProxyOptions, sig: string): GroupOut {
  const out: GroupOut = { sig, chains: [], sets: [], elements: [] };
  // The group writes into its own output (same calls as on a table).
  const t = {
    chains: { set: (name: string, c: NftChain) => out.chains.push([name, c]) },
    sets: { set: (name: string, set: NftSet) => out.sets.push([name, set]) },
  };
  const addElement = (_t: unknown, set: string, key: string, value: string) => {
    out.elements.push([set, key, value]);
  };
  const proto = nftProto(g.protocol);
  const h = hash(g.id);
  const cluster = clusterEndpoints(g.endpoints);
  const external = g.frontends.filter((f) => f.kind !== "ClusterIP");
  const nodePorts = external.filter((f) => f.kind === "NodePort" && f.node === node.name);
  const addrFrontends = g.frontends.filter((f) => f.kind !== "NodePort");
  if (cluster.length === 0) {
    for (const f of addrFrontends)
      addElement(t, "no-endpoint-services", `${f.ip} . ${proto} . ${f.port}`, "goto reject-chain");
    for (const f of nodePorts)
      addElement(t, "no-endpoint-nodeports", `${proto} . ${f.port}`, "goto reject-chain");
    return out;
  }
  const local = localEndpoints(g.endpoints, node.name);
  const epChain = (ep: ServiceEndpoint) =>
    `endpoint-${hash(`${g.id}|${ep.ip}|${ep.port}`)}-${g.id}__${ep.ip}/${ep.port}`;
  const affSet = (ep: ServiceEndpoint) =>
    `affinity-${hash(`${g.id}|${ep.ip}|${ep.port}|${g.affinity}`)}-${g.id}__${ep.ip}/${ep.port}`;
  const pick = (eps: readonly ServiceEndpoint[]): string[] => {
    const rules: string[] = [];
    if (g.affinity !== undefined)
      for (const ep of eps) rules.push(`ip saddr @${affSet(ep)} goto ${epChain(ep)}`);
    if (eps.length === 1) rules.push(`goto ${epChain(eps[0] as ServiceEndpoint)}`);
    else
      rules.push(
        `numgen random mod ${eps.length} vmap { ${eps.map((ep, i) => `${i} : goto ${epChain(ep)}`).join(", ")} }`,
      );
    return rules;
  };
  const used = new Map<string, ServiceEndpoint>();
  const svcChain = `service-${h}-${g.id}`;
  const clusterIP = g.frontends.find((f) => f.kind === "ClusterIP");
  const masq = clusterIP
    ? [
        `ip daddr ${clusterIP.ip} ${proto} dport ${clusterIP.port} ip saddr != ${options.podCIDR} jump mark-for-masquerade`,
      ]
    : [];
  t.chains.set(svcChain, { rules: [...masq, ...pick(cluster)] });
  for (const ep of cluster) used.set(epChain(ep), ep);
  const needLocal = g.itp === "Local" || (g.etp === "Local" && external.length > 0);
  const localChain = `local-${h}-${g.id}`;
  if (needLocal) {
    // No endpoint on this node: DROP (kube-proxy's "no local endpoints" verdict).
    t.chains.set(localChain, { rules: local.length > 0 ? pick(local) : ["drop"] });
    for (const ep of local) used.set(epChain(ep), ep);
  }
  const internal = g.itp === "Local" ? localChain : svcChain;
  if (clusterIP)
    addElement(t, "service-ips", `${clusterIP.ip} . ${proto} . ${clusterIP.port}`, `goto ${internal}`);
  if (external.length > 0) {
    const extChain = `external-${h}-${g.id}`;
    t.chains.set(extChain, {
      rules:
        g.etp === "Local"
          ? [
              // Pods reaching an external address short-circuit to every endpoint (kube-proxy does the same).
              `ip saddr ${options.podCIDR} goto ${svcChain}`,
              "fib saddr type local jump mark-for-masquerade",
              `fib saddr type local goto ${svcChain}`,
              `goto ${localChain}`,
            ]
          : ["jump mark-for-masquerade", `goto ${svcChain}`],
    });
    for (const f of external) {
      if (f.kind === "NodePort") continue;
      addElement(t, "service-ips", `${f.ip} . ${proto} . ${f.port}`, `goto ${extChain}`);
    }
    for (const f of nodePorts) addElement(t, "service-nodeports", `${proto} . ${f.port}`, `goto ${extChain}`);
  }
  for (const [name, ep] of used) {
    const rules = [`ip saddr ${ep.ip} jump mark-for-masquerade`];
    if (g.affinity !== undefined) {
      const set = affSet(ep);
      t.sets.set(set, {
        kind: "set",
        decl: `type ipv4_addr; flags dynamic,timeout; timeout ${g.affinity}s;`,
        elements: undefined,
      });
      rules.push(`update @${set} { ip saddr }`);
    }
    rules.push(`meta l4proto ${proto} dnat to ${ep.ip}:${ep.port}`);
    t.chains.set(name, { rules });
  }
  return out;
}

/**
 * Where the world outside the nodes sends each LoadBalancer and external IP:
 * the first node (by name) with a local endpoint when eTP=Local (the cloud
 * load balancer's health check), else the first node. Node names → IPs given.
 */
export function externalRoutes(services: ServiceTable, nodes: readonly ProxyNode[]): Map<string, string> {
  const sorted = [...nodes].sort((a, b) => a.name.localeCompare(b.name));
  const out = new Map<string, string>();
  for (const fe of services.frontends) {
    if ((fe.kind !== "LoadBalancer" && fe.kind !== "ExternalIP") || fe.ip === undefined || out.has(fe.ip))
      continue;
    if (!sorted[0]) break;
    let via = sorted[0];
    if (fe.externalTrafficPolicy === "Local") {
      via = sorted.find((n) => localEndpoints(fe.endpoints, n.name).length > 0) ?? via;
    }
    out.set(fe.ip, via.ip);
  }
  return out;
}
