/**
 * Pod IPs and pod status. Each node's CNI (flannel/kindnet with host-local
 * IPAM) hands out addresses of the node's podCIDR: the network address is
 * skipped, .1 is the bridge/gateway, so the first pod gets .2 (kind's CoreDNS
 * pods are 10.244.0.2 and .3), and the broadcast address is never used.
 * Allocation order is deterministic (michi's system pods first, then by
 * namespace/name); a previous build's IP is kept while the pod stays on the
 * same node. hostNetwork pods share the node's InternalIP.
 */
import type { Diagnostic } from "../api/diagnostics.js";
import { type CIDR, cidrContains, cidrSize, formatIP, parseCIDR, parseIP } from "../api/net.js";
import type { Container, Node, Pod, PodCondition, PodStatus } from "../api/types.js";
import { nodeInternalIP } from "./nodes.js";
import type { PodDraft } from "./pod-draft.js";
import { SYSTEM_ANNOTATION } from "./system-names.js";

/** First host-local offset: .0 network, .1 gateway. */
export const FIRST_POD_OFFSET = 2n;

class NodePool {
  private next = FIRST_POD_OFFSET;
  private readonly used = new Set<bigint>();
  private readonly last: bigint;
  constructor(readonly cidr: CIDR) {
    // IPv4 excludes the broadcast address; IPv6 has none but host-local still stops one short.
    this.last = cidrSize(cidr) - 2n;
  }
  reserve(ip: string): boolean {
    const p = parseIP(ip);
    if (!p || !cidrContains(this.cidr, p)) return false;
    const off = p.value - this.cidr.base;
    if (off < FIRST_POD_OFFSET || off > this.last || this.used.has(off)) return false;
    this.used.add(off);
    return true;
  }
  allocate(): string | undefined {
    while (this.next <= this.last) {
      const off = this.next++;
      if (!this.used.has(off)) {
        this.used.add(off);
        return this.format(off);
      }
    }
    return undefined;
  }

  private format(off: bigint): string {
    if (this.cidr.family === 6) return formatIP({ family: 6, value: this.cidr.base + off });
    // IPv4 with plain numbers: BigInt formatting is the slow part at 50 000 pods.
    const v = Number(this.cidr.base + off);
    return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
}

/**
 * Compares the keys `${ns1}/${n1}` and `${ns2}/${n2}` (UTF-16 order) without building them:
 * 50 000 pods are sorted twice, and key strings would be that many more objects for the GC.
 */
export function compareNsName(ns1: string, n1: string, ns2: string, n2: string): number {
  if (ns1 === ns2) return n1 < n2 ? -1 : n1 > n2 ? 1 : 0;
  const l = Math.min(ns1.length, ns2.length);
  for (let i = 0; i < l; i++) {
    const c1 = ns1.charCodeAt(i);
    const c2 = ns2.charCodeAt(i);
    if (c1 !== c2) return c1 < c2 ? -1 : 1;
  }
  // One namespace is a prefix of the other: its "/" meets the other's next character.
  const c1 = ns1.length === l ? 0x2f : ns1.charCodeAt(l);
  const c2 = ns2.length === l ? 0x2f : ns2.charCodeAt(l);
  if (c1 !== c2) return c1 < c2 ? -1 : 1;
  // A namespace with a "/" in it (never valid): compare the keys themselves.
  const k1 = `${ns1}/${n1}`;
  const k2 = `${ns2}/${n2}`;
  return k1 < k2 ? -1 : k1 > k2 ? 1 : 0;
}

function byNsName(a: PodDraft, b: PodDraft): number {
  const x = a.pod.metadata;
  const y = b.pod.metadata;
  return compareNsName(String(x?.namespace), String(x?.name), String(y?.namespace), String(y?.name));
}

/**
 * Allocation order: michi's system pods first, then namespace/name (stable for equal keys).
 * Returned as its two sorted runs.
 */
function allocationOrder(drafts: readonly PodDraft[]): { system: PodDraft[]; rest: PodDraft[] } {
  const system: PodDraft[] = [];
  const rest: PodDraft[] = [];
  for (const d of drafts) {
    if (d.pod.metadata?.annotations?.[SYSTEM_ANNOTATION] === "true") system.push(d);
    else rest.push(d);
  }
  system.sort(byNsName);
  rest.sort(byNsName);
  return { system, rest };
}

/** The allocation order re-sorted by namespace/name alone: a merge of its two sorted runs. */
function byNamespaceName(system: readonly PodDraft[], rest: readonly PodDraft[]): Pod[] {
  const out: Pod[] = new Array(system.length + rest.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < system.length || j < rest.length) {
    const a = system[i];
    const b = rest[j];
    // Equal keys keep the system pod first, as a stable sort of the allocation order would.
    if (a && (!b || byNsName(a, b) <= 0)) {
      out[n++] = a.pod;
      i++;
    } else if (b) {
      out[n++] = b.pod;
      j++;
    }
  }
  return out;
}

function cond(type: string, ok: boolean, reason?: string): PodCondition {
  const c: PodCondition = { type, status: ok ? "True" : "False" };
  if (!ok && reason) c.reason = reason;
  return c;
}

/** Conditions of a scheduled pod; shared between pods (the state is immutable). */
const SCHEDULED_CONDITIONS = new Map<string, PodCondition[]>();
function scheduledConditions(running: boolean, ready: boolean): PodCondition[] {
  const k = `${running}/${ready}`;
  let c = SCHEDULED_CONDITIONS.get(k);
  if (!c) {
    c = [
      cond("PodReadyToStartContainers", running),
      cond("Initialized", true),
      cond("Ready", ready, "ContainersNotReady"),
      cond("ContainersReady", ready, "ContainersNotReady"),
      cond("PodScheduled", true),
    ];
    SCHEDULED_CONDITIONS.set(k, c);
  }
  return c;
}

/** Allocates pod IPs, fills status, and returns the pods sorted by namespace/name. */
export function assignPodIPs(
  drafts: readonly PodDraft[],
  nodes: readonly Node[],
  previousIP: ReadonlyMap<string, { node: string; ip: string }>,
  diagnostics: Diagnostic[],
): Pod[] {
  const pools = new Map<string, NodePool>();
  const nodeByName = new Map<string, Node>();
  const hostIPByNode = new Map<string, string | undefined>();
  for (const n of nodes) {
    const name = n.metadata?.name ?? "";
    nodeByName.set(name, n);
    hostIPByNode.set(name, nodeInternalIP(n));
    const c = n.spec?.podCIDR ? parseCIDR(n.spec.podCIDR) : undefined;
    if (c) pools.set(name, new NodePool(c));
  }
  const runs = allocationOrder(drafts);
  const ordered = runs.system.concat(runs.rest);
  // Shared between pods (the state is immutable): one hostIPs list per node, one container status
  // list per template containers array and (running, ready).
  const hostIPLists = new Map<string, { ip: string }[]>();
  const hostIPsOf = (hostIP: string): { ip: string }[] => {
    let list = hostIPLists.get(hostIP);
    if (!list) {
      list = [{ ip: hostIP }];
      hostIPLists.set(hostIP, list);
    }
    return list;
  };
  const statusCache = new Map<readonly Container[], unknown[][]>();
  const containerStatuses = (
    containers: readonly Container[],
    running: boolean,
    ready: boolean,
  ): unknown[] => {
    let byState = statusCache.get(containers);
    if (!byState) {
      byState = [];
      statusCache.set(containers, byState);
    }
    const k = (running ? 2 : 0) + (ready ? 1 : 0);
    let statuses = byState[k];
    if (!statuses) {
      statuses = containers.map((c) => ({
        name: c.name,
        image: c.image ?? "",
        imageID: "",
        ready,
        restartCount: 0,
        started: running,
        state: running ? { running: {} } : { waiting: { reason: "ContainerCreating" } },
      }));
      byState[k] = statuses;
    }
    return statuses;
  };
  const ips = new Map<PodDraft, string>();
  // Pass 1: keep the IPs a previous build gave pods that stay on the same node.
  if (previousIP.size > 0)
    for (const d of ordered) {
      const meta = d.pod.metadata ?? {};
      const prev = previousIP.get(`${meta.namespace}/${meta.name}`);
      const nodeName = d.pod.spec?.nodeName;
      if (!prev || !nodeName || prev.node !== nodeName || d.pod.spec?.hostNetwork) continue;
      if (pools.get(nodeName)?.reserve(prev.ip)) ips.set(d, prev.ip);
    }
  // Pass 2: everything else, in the deterministic order.
  for (const d of ordered) {
    const spec = d.pod.spec;
    const meta = d.pod.metadata ?? {};
    const nodeName = spec?.nodeName;
    const node = nodeName ? nodeByName.get(nodeName) : undefined;
    const hostIP = nodeName ? hostIPByNode.get(nodeName) : undefined;
    let ip = ips.get(d);
    if (ip === undefined && node && hostIP) {
      if (spec?.hostNetwork) ip = hostIP;
      else {
        ip = pools.get(nodeName ?? "")?.allocate();
        if (ip === undefined) {
          diagnostics.push({
            severity: "error",
            code: "PodIPExhausted",
            kind: "Pod",
            namespace: meta.namespace ?? "default",
            name: meta.name ?? "",
            message: `no free IP in node ${nodeName}'s pod CIDR ${node.spec?.podCIDR ?? "(none)"}: the pod stays ContainerCreating`,
          });
        }
      }
    }
    const scheduled = node !== undefined;
    const running = scheduled && ip !== undefined;
    const ready = running && d.health.ready;
    const containers = spec?.containers ?? [];
    let status: PodStatus & Record<string, unknown>;
    if (scheduled && hostIP && ip !== undefined) {
      // The common case in one literal (same key order as below), not grown property by property.
      status = {
        phase: running ? "Running" : "Pending",
        conditions: scheduledConditions(running, ready),
        qosClass: "BestEffort",
        hostIP,
        hostIPs: hostIPsOf(hostIP),
        podIP: ip,
        podIPs: [{ ip }],
        containerStatuses: containerStatuses(containers, running, ready),
      };
    } else {
      status = {
        phase: running ? "Running" : "Pending",
        conditions: scheduled
          ? scheduledConditions(running, ready)
          : [
              {
                type: "PodScheduled",
                status: "False",
                reason: "Unschedulable",
                message: unschedulableMessage(nodes),
              },
            ],
        qosClass: "BestEffort",
      };
      if (hostIP) {
        status.hostIP = hostIP;
        status.hostIPs = hostIPsOf(hostIP);
      }
      if (ip !== undefined) {
        status.podIP = ip;
        status.podIPs = [{ ip }];
      }
      if (scheduled) status.containerStatuses = containerStatuses(containers, running, ready);
    }
    d.pod.status = status;
    if (d.health.terminating) {
      // No clock in the model: the deletion is stamped at the epoch (docs/model.md "Time").
      meta.deletionTimestamp = "1970-01-01T00:00:00Z";
      (meta as Record<string, unknown>).deletionGracePeriodSeconds =
        spec?.terminationGracePeriodSeconds ?? 30;
    }
    if (!scheduled && !spec?.nodeName) {
      diagnostics.push({
        severity: "warning",
        code: "Unschedulable",
        kind: "Pod",
        namespace: meta.namespace ?? "default",
        name: meta.name ?? "",
        message: `0/${nodes.length} nodes are available: the pod stays Pending (nodeSelector, taints or unschedulable nodes)`,
      });
    }
  }
  return byNamespaceName(runs.system, runs.rest);
}

function unschedulableMessage(nodes: readonly Node[]): string {
  return `0/${nodes.length} nodes are available: ${nodes.length} node(s) didn't match Pod's node affinity/selector or had untolerated taints.`;
}
