/**
 * The kernel data plane: the same shape as the userspace one (`apply(snapshot)`,
 * `close()`), but the network model's rules hold literally — each pod is a
 * network namespace with its model IP on eth0, nodes route pod CIDRs to each
 * other without NAT, Services are kube-proxy's nftables rules and
 * NetworkPolicy is nftables filtering compiled from the policy engine.
 *
 * A sync: compile the topology and every node's two tables (pure), remove
 * namespaces that went away, run the `ip` batches (one process per namespace,
 * a few in parallel), then one `nft -f` transaction per node with only the
 * changes since the last sync, then the pods' commands. The first apply is
 * all or nothing (a failure tears everything down); a later failure leaves the
 * network as it is and makes the next apply rebuild from scratch.
 */

import type { ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import type { Pod } from "../../api/types.js";
import type { HostResolvConf } from "../../cluster/resolv-conf.js";
import type { ClusterState } from "../../cluster/state.js";
import type { PolicyEngine } from "../../policy/engine.js";
import type { ServiceTable } from "../../service/service-table.js";
import { compilePolicyRules, type DenyAction, type PolicyPod } from "./nft-policy.js";
import { diffTable, type NftTable } from "./nft-ruleset.js";
import { compileServiceRules, externalRoutes, type ServiceRulesCache } from "./nft-services.js";
import { type ExecOptions, PodCommands, podEnv, spawnInNetns, writePodResolvConf } from "./pod-processes.js";
import { runChecked, runLimited } from "./run.js";
import {
  claimSandbox,
  namespacesOf,
  newSandboxId,
  reapStaleSandboxes,
  releaseSandbox,
  removeNamespaces,
} from "./sandbox-registry.js";
import {
  compileTopology,
  type IpBatch,
  planTopology,
  type Topology,
  topologyNamespaces,
} from "./topology.js";

/** What the kernel data plane reads of a snapshot (src/runtime/snapshot.ts's Snapshot has it all). */
export interface KernelSnapshot {
  readonly state: ClusterState;
  readonly policy: PolicyEngine;
  readonly services: ServiceTable;
}

export interface KernelDataPlaneOptions {
  /** Sandbox id (namespaces are `michi-<id>-…`); random when absent. Lower-case letters and digits. */
  id?: string;
  /** What a denied new connection gets: silence (drop, the default) or a reset/ICMP error (reject). */
  deny?: DenyAction;
  /** A command pod's environment (the runtime passes the userspace plane's commandEnvFor); podEnv when absent. */
  commandEnv?: (pod: Pod, snap: KernelSnapshot) => Record<string, string>;
  /** Scales the kubelet's crash-loop backoff. */
  backoffScale?: number;
  /** The node's resolv.conf for pods' search lists (this machine's when absent). */
  hostResolvConf?: HostResolvConf;
  /** `ip` batches run in parallel. */
  parallel?: number;
  log?: (line: string) => void;
}

export class KernelDataPlaneError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Throws a clear error unless this process can build a sandbox (root, ip, nft). */
export async function checkKernelPrerequisites(): Promise<void> {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) {
    throw new KernelDataPlaneError(
      "KernelNeedsRoot",
      "the kernel data plane needs root (it creates network namespaces, veth links and nftables tables): run it with sudo, or use --dataplane userspace",
    );
  }
  for (const [tool, arg, pkg] of [
    ["ip", "-V", "iproute2"],
    ["nft", "-v", "nftables"],
  ] as const) {
    try {
      await runChecked([tool, arg]);
    } catch (err) {
      throw new KernelDataPlaneError(
        "KernelToolMissing",
        `the kernel data plane needs ${tool} (Debian package ${pkg}): ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
}

export class KernelDataPlane {
  readonly id: string;
  snapshot: KernelSnapshot | undefined;
  private topology: Topology | undefined;
  private tables = new Map<string, { proxy: NftTable; policy: NftTable }>();
  private readonly commands: PodCommands;
  private hubRoutes = new Map<string, string>();
  private readonly serviceCaches = new Map<string, ServiceRulesCache>();
  private queue: Promise<unknown> = Promise.resolve();
  private broken = false;
  private closed = false;
  private readonly exitHook = () => this.teardownSync();
  /** Transaction sizes and times of the last sync, for the bench and logs. */
  lastSync = { ms: 0, nftBytes: 0, ipBatches: 0, compileMs: 0, nftMs: 0 };
  private phase = { compileMs: 0, nftMs: 0 };

  private constructor(readonly options: KernelDataPlaneOptions) {
    this.id = options.id ?? newSandboxId();
    this.commands = new PodCommands(options.backoffScale ?? 1);
  }

  /** Checks prerequisites, removes stale sandboxes of killed runs, claims a new one (nothing built until apply). */
  static async create(options: KernelDataPlaneOptions = {}): Promise<KernelDataPlane> {
    await checkKernelPrerequisites();
    const reaped = await reapStaleSandboxes();
    const plane = new KernelDataPlane(options);
    if (reaped.length > 0) plane.log(`removed ${reaped.length} stale sandbox(es): ${reaped.join(", ")}`);
    claimSandbox(plane.id);
    process.on("exit", plane.exitHook);
    return plane;
  }

  /** Applies a snapshot; calls are serialised. */
  apply(snap: KernelSnapshot): Promise<void> {
    const next = this.queue.then(() => this.sync(snap));
    this.queue = next.catch(() => {});
    return next;
  }

  get hubNetns(): string | undefined {
    return this.topology?.hub;
  }

  /** The hub's address: the world outside the nodes (where an external client stands). */
  get hubIP(): string | undefined {
    return this.topology?.hubIP;
  }

  /** Network namespace of pod `namespace/name`. */
  podNetns(key: string): string | undefined {
    return this.topology?.pods.get(key)?.netns;
  }

  nodeNetns(name: string): string | undefined {
    return this.topology?.nodes.get(name)?.netns;
  }

  /** Runs a program in a pod's network namespace with its resolv.conf and (by default) its environment. */
  exec(key: string, argv: readonly string[], options: ExecOptions = {}): ChildProcess {
    const netns = this.podNetns(key);
    const pod = this.snapshot ? podOf(this.snapshot.state, key) : undefined;
    if (!netns || !pod || !this.snapshot) {
      throw new KernelDataPlaneError("PodNotFound", `pod ${key} has no network namespace in this sandbox`);
    }
    const env = options.env ?? this.envOf(pod, this.snapshot);
    return spawnInNetns(netns, argv, { ...options, env });
  }

  logs(key: string): string | undefined {
    return this.commands.logs(key);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await this.commands.close();
    await this.teardown();
    process.off("exit", this.exitHook);
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  private envOf(pod: Pod, snap: KernelSnapshot): Record<string, string> {
    return this.options.commandEnv?.(pod, snap) ?? podEnv(pod, snap.state);
  }

  private async sync(snap: KernelSnapshot): Promise<void> {
    if (this.closed) throw new KernelDataPlaneError("KernelClosed", "the kernel data plane is closed");
    const first = this.topology === undefined;
    const t0 = performance.now();
    try {
      if (this.broken) await this.teardown();
      const prev = this.broken ? undefined : this.topology;
      this.broken = false;
      const next = compileTopology(snap.state, this.id, prev);
      const plan = planTopology(prev, next);
      this.broken = true;
      await removeNamespaces(plan.remove);
      let batches = 0;
      for (const phase of plan.phases) {
        batches += phase.length;
        await runLimited(
          phase.map((b) => () => runBatch(b)),
          this.options.parallel ?? 8,
        );
      }
      this.topology = next;
      await this.syncHubRoutes(snap, next, prev === undefined);
      const nftBytes = await this.syncTables(snap, next, prev === undefined);
      for (const p of next.pods.values()) {
        const pod = podOf(snap.state, p.key);
        if (pod) writePodResolvConf(p.netns, pod, snap.state, this.options.hostResolvConf);
      }
      this.broken = false;
      this.snapshot = snap;
      await this.commands.sync(
        [...next.pods.values()].flatMap((p) => {
          const pod = podOf(snap.state, p.key);
          return pod ? [{ key: p.key, pod, netns: p.netns }] : [];
        }),
        (pod) => this.envOf(pod, snap),
      );
      this.lastSync = { ms: performance.now() - t0, nftBytes, ipBatches: batches, ...this.phase };
    } catch (err) {
      if (first) {
        await this.commands.close();
        await this.teardown();
      }
      throw err;
    }
  }

  /** LoadBalancer and external IPs: routes from the hub (the outside world) to a node, as a load balancer would send. */
  private async syncHubRoutes(snap: KernelSnapshot, topo: Topology, fresh: boolean): Promise<void> {
    const nodes = [...topo.nodes.values()].map((n) => ({ name: n.name, ip: n.ip }));
    const want = externalRoutes(snap.services, nodes);
    const have = fresh ? new Map<string, string>() : this.hubRoutes;
    const lines: string[] = [];
    for (const [ip, via] of want)
      if (have.get(ip) !== via) lines.push(`route replace ${ip}/32 via ${via} dev cl0`);
    for (const ip of have.keys()) if (!want.has(ip)) lines.push(`route del ${ip}/32`);
    if (lines.length > 0) await runBatch({ netns: topo.hub, lines });
    this.hubRoutes = want;
  }

  /** One `nft -f` transaction per node: proxy and policy changes together. */
  private async syncTables(snap: KernelSnapshot, topo: Topology, fresh: boolean): Promise<number> {
    const t0 = performance.now();
    if (fresh) {
      this.tables.clear();
      this.serviceCaches.clear();
    }
    const deny = this.options.deny ?? "drop";
    const podCIDR = snap.state.config.podCIDR;
    let bytes = 0;
    const tasks: (() => Promise<unknown>)[] = [];
    const nextTables = new Map<string, { proxy: NftTable; policy: NftTable }>();
    for (const n of topo.nodes.values()) {
      let cache = this.serviceCaches.get(n.netns);
      if (!cache) {
        cache = new Map();
        this.serviceCaches.set(n.netns, cache);
      }
      const proxy = compileServiceRules(snap.services, { name: n.name, ip: n.ip }, { podCIDR }, cache);
      const pods: PolicyPod[] = [];
      for (const p of topo.pods.values()) {
        if (p.node !== n.name) continue;
        const pod = podOf(snap.state, p.key);
        if (pod) pods.push({ pod, ip: p.ip, link: p.nodeLink });
      }
      const policy = compilePolicyRules(snap.policy, { name: n.name, ip: n.ip }, pods, deny);
      const old = this.tables.get(n.netns);
      const text = diffTable(old?.proxy, proxy) + diffTable(old?.policy, policy);
      nextTables.set(n.netns, { proxy, policy });
      if (text === "") continue;
      bytes += text.length;
      tasks.push(() =>
        runChecked(["ip", "netns", "exec", n.netns, "nft", "-f", "-"], text, `nft on node ${n.name}`),
      );
    }
    const t1 = performance.now();
    await runLimited(tasks, this.options.parallel ?? 8);
    this.phase = { compileMs: t1 - t0, nftMs: performance.now() - t1 };
    this.tables = nextTables;
    for (const k of this.serviceCaches.keys()) if (!nextTables.has(k)) this.serviceCaches.delete(k);
    return bytes;
  }

  private async teardown(): Promise<void> {
    const names = new Set(this.topology ? topologyNamespaces(this.topology) : []);
    // Anything of this id that exists (a failed half-built sync included).
    for (const n of namespacesOf(this.id)) names.add(n);
    await removeNamespaces([...names]);
    this.topology = undefined;
    this.tables.clear();
    if (this.closed) releaseSandbox(this.id);
  }

  /** Last resort on process exit (no event loop): delete the namespaces synchronously. */
  private teardownSync(): void {
    if (this.closed || !this.topology) return;
    try {
      for (const n of topologyNamespaces(this.topology)) {
        try {
          for (const pid of execFileSync("ip", ["netns", "pids", n], { encoding: "utf8" }).split("\n")) {
            const p = Number.parseInt(pid, 10);
            if (p > 1) process.kill(p, "SIGKILL");
          }
        } catch {
          // Namespace gone or process gone.
        }
      }
      execFileSync("ip", ["-force", "-batch", "-"], {
        input: topologyNamespaces(this.topology)
          .map((n) => `netns del ${n}\n`)
          .join(""),
        stdio: ["pipe", "ignore", "ignore"],
      });
      releaseSandbox(this.id);
    } catch {
      // The next start reaps what is left.
    }
  }
}

function podOf(state: ClusterState, key: string): Pod | undefined {
  const i = key.indexOf("/");
  return state.index.pod(key.slice(0, i), key.slice(i + 1));
}

function runBatch(b: IpBatch): Promise<string> {
  const input = `${b.lines.join("\n")}\n`;
  if (b.netns === undefined) return runChecked(["ip", "-batch", "-"], input, "ip netns add");
  if (b.forward) {
    return runChecked(
      [
        "ip",
        "netns",
        "exec",
        b.netns,
        "sh",
        "-c",
        "echo 1 > /proc/sys/net/ipv4/ip_forward && exec ip -batch -",
      ],
      input,
      `ip in ${b.netns}`,
    );
  }
  return runChecked(["ip", "-n", b.netns, "-batch", "-"], input, `ip in ${b.netns}`);
}
