/**
 * The kubelet part of the data plane: which pods run, and their lifecycle
 * across snapshots. A pod is recreated when its IP, ports, role or command
 * change; new pods start before a snapshot is swapped in (the first
 * connection the new snapshot sends them finds them running); deleted pods
 * drain for their grace period after the swap.
 */
import type { Pod } from "../api/types.js";
import type { AddressMap } from "../cluster/address-map.js";
import type { PodIdentity } from "../pods/agnhost.js";
import {
  COMMAND_ANNOTATION,
  type PodBackendKind,
  PodRuntime,
  podPorts,
  portKey,
} from "../pods/pod-runtime.js";
import type { Snapshot } from "../snapshot/snapshot.js";

export type PodRole = "dns" | "ingress";

export interface PodManagerOptions {
  addressMap: AddressMap;
  backoffScale: number;
  /** Starts the server of a system pod (CoreDNS, ingress controller) on the pod's internal ports. */
  startRoleServer?: (rt: PodRuntime, role: PodRole) => Promise<() => Promise<void>>;
  /** Environment for a pod's command (the kubelet's). */
  commandEnv?: (pod: Pod, snap: Snapshot) => Record<string, string>;
  log?: (line: string) => void;
}

export interface RuntimeEntry {
  rt: PodRuntime;
  signature: string;
  stopRole?: () => Promise<void>;
}

export function podRole(pod: Pod): PodRole | undefined {
  const ns = pod.metadata?.namespace;
  const labels = pod.metadata?.labels ?? {};
  if (ns === "kube-system" && labels["k8s-app"] === "kube-dns") return "dns";
  if (
    ns === "ingress-nginx" &&
    labels["app.kubernetes.io/name"] === "ingress-nginx" &&
    labels["app.kubernetes.io/component"] === "controller"
  ) {
    return "ingress";
  }
  return undefined;
}

export function podKeyOf(pod: Pod): string {
  return `${pod.metadata?.namespace ?? "default"}/${pod.metadata?.name ?? ""}`;
}

export class PodManager {
  readonly runtimes = new Map<string, RuntimeEntry>();
  /** Pods whose server could not start, and why. */
  readonly podErrors = new Map<string, string>();
  private readonly stopping = new Set<Promise<void>>();

  constructor(private readonly options: PodManagerOptions) {}

  get(key: string): PodRuntime | undefined {
    return this.runtimes.get(key)?.rt;
  }

  /** Stops every pod and waits for the ones still draining. */
  async close(): Promise<void> {
    await Promise.all([...[...this.runtimes.values()].map((e) => this.stopRuntime(e)), ...this.stopping]);
    this.runtimes.clear();
  }

  private local(modelIP: string): string | undefined {
    return this.options.addressMap.toLocal(modelIP);
  }

  private wantedPods(snap: Snapshot): Map<string, Pod> {
    const want = new Map<string, Pod>();
    for (const pod of snap.state.pods) {
      const phase = pod.status?.phase;
      if (!pod.status?.podIP || phase === "Succeeded" || phase === "Failed") continue;
      want.set(podKeyOf(pod), pod);
    }
    return want;
  }

  /** Starts pods new in `snap`, updates kept ones; returns the entries to retire after the swap. */
  async startPods(snap: Snapshot): Promise<RuntimeEntry[]> {
    const want = this.wantedPods(snap);
    const retire: RuntimeEntry[] = [];
    const replaced: RuntimeEntry[] = [];
    for (const [key, e] of this.runtimes) {
      const pod = want.get(key);
      if (!pod) retire.push(e);
      else if (this.signature(pod) !== e.signature) replaced.push(e);
    }
    // A pod whose IP, ports or command changed is recreated: the old one must free its address first.
    for (const e of replaced) this.runtimes.delete(e.rt.key);
    await Promise.all(replaced.map((e) => this.stopRuntime(e, 0)));
    const starting: Promise<void>[] = [];
    for (const [key, pod] of want) {
      const existing = this.runtimes.get(key);
      if (existing) existing.rt.update(pod, this.identity(pod, snap));
      else starting.push(this.startRuntime(key, pod, snap));
    }
    await Promise.all(starting);
    return retire;
  }

  /** Deleted pods drain in the background for their grace period, as the kubelet lets them. */
  retirePods(retire: readonly RuntimeEntry[]): void {
    for (const e of retire) {
      this.runtimes.delete(e.rt.key);
      const stop = this.stopRuntime(e);
      this.stopping.add(stop);
      stop.finally(() => this.stopping.delete(stop));
    }
  }

  private signature(pod: Pod): string {
    const ports = podPorts(pod)
      .map((p) => portKey(p.port, p.protocol))
      .join(",");
    return [
      pod.status?.podIP,
      this.kindOf(pod),
      podRole(pod) ?? "",
      ports,
      pod.metadata?.annotations?.[COMMAND_ANNOTATION] ?? "",
    ].join("|");
  }

  private kindOf(pod: Pod): PodBackendKind {
    if (podRole(pod)) return "server";
    if (pod.metadata?.annotations?.[COMMAND_ANNOTATION]) return "command";
    return "agnhost";
  }

  private identity(pod: Pod, _snap: Snapshot): PodIdentity {
    const ready = pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
    return {
      name: pod.metadata?.name ?? "",
      namespace: pod.metadata?.namespace ?? "default",
      ip: pod.status?.podIP ?? "",
      node: pod.spec?.nodeName ?? "",
      ready,
    };
  }

  private async startRuntime(key: string, pod: Pod, snap: Snapshot): Promise<void> {
    const localIP = this.local(pod.status?.podIP ?? "");
    if (!localIP) {
      this.options.log?.(
        `pod ${key}: IP ${pod.status?.podIP} has no local address in the address map; not served`,
      );
      return;
    }
    const kind = this.kindOf(pod);
    const rt = new PodRuntime(pod, this.identity(pod, snap), localIP, podPorts(pod), kind);
    const entry: RuntimeEntry = { rt, signature: this.signature(pod) };
    this.runtimes.set(key, entry);
    if (kind === "agnhost") return;
    try {
      await rt.allocateInternal();
      const role = podRole(pod);
      if (role && this.options.startRoleServer) {
        entry.stopRole = await this.options.startRoleServer(rt, role);
        return;
      }
      const command = pod.metadata?.annotations?.[COMMAND_ANNOTATION];
      if (command) {
        const env = { ...(this.options.commandEnv?.(pod, snap) ?? {}), ...rt.bindEnv() };
        const policy = pod.spec?.restartPolicy ?? "Always";
        rt.startCommand(command, env, policy, this.options.backoffScale);
      }
    } catch (err) {
      // A pod whose server cannot start is a crashing container, not a reason to stop serving the rest.
      this.podErrors.set(key, (err as Error).message);
      this.options.log?.(`pod ${key}: cannot start: ${(err as Error).message}`);
    }
  }

  private async stopRuntime(e: RuntimeEntry, graceMs = 2000): Promise<void> {
    await e.stopRole?.().catch(() => {});
    await e.rt.stop(graceMs);
  }
}
