/**
 * Pods as places programs run: a `michi.dev/command` pod's command runs in
 * the pod's network namespace (through `ip netns exec`, which also
 * bind-mounts /etc/netns/<ns>/resolv.conf over /etc/resolv.conf — the pod's
 * resolver), so a server binding 0.0.0.0:8080 listens on the pod's own IP
 * and sees its clients' real addresses; `exec` runs any program the same
 * way. The kubelet's restart policy and backoff are CommandRunner's.
 */
import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Pod } from "../../api/types.js";
import { serviceEnvFor } from "../../cluster/env.js";
import { formatResolvConf, type HostResolvConf, resolvConfFor } from "../../cluster/resolv-conf.js";
import type { ClusterState } from "../../cluster/state.js";
import { CommandRunner, type RestartPolicy } from "../../pods/command-runner.js";
import { COMMAND_ANNOTATION } from "../../pods/pod-runtime.js";
import { ETC_NETNS } from "./sandbox-registry.js";

/** Single-quotes a string for /bin/sh. */
export function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** What the kubelet puts in a container's environment (service links, env values, downward-API basics). */
export function podEnv(pod: Pod, state: ClusterState): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "LANG", "TERM", "TMPDIR"]) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  for (const { name, value } of serviceEnvFor(pod, state)) env[name] = value;
  for (const c of pod.spec?.containers ?? [])
    for (const e of c.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  env.HOSTNAME = pod.metadata?.name ?? "";
  env.POD_NAME = pod.metadata?.name ?? "";
  env.POD_NAMESPACE = pod.metadata?.namespace ?? "default";
  env.POD_IP = pod.status?.podIP ?? "";
  env.NODE_NAME = pod.spec?.nodeName ?? "";
  return env;
}

/** Writes the pod's resolv.conf where `ip netns exec` finds it. */
export function writePodResolvConf(
  netns: string,
  pod: Pod,
  state: ClusterState,
  host?: HostResolvConf,
): void {
  const dir = join(ETC_NETNS, netns);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "resolv.conf"), formatResolvConf(resolvConfFor(pod, state, host)));
}

export interface ExecOptions {
  env?: Record<string, string>;
  stdio?: StdioOptions;
}

/** Spawns `argv` inside network namespace `netns` (with its /etc/netns files mounted). */
export function spawnInNetns(
  netns: string,
  argv: readonly string[],
  options: ExecOptions = {},
): ChildProcess {
  return spawn("ip", ["netns", "exec", netns, ...argv], {
    env: options.env ?? process.env,
    stdio: options.stdio ?? "pipe",
  });
}

interface Running {
  netns: string;
  command: string;
  runner: CommandRunner;
}

export class PodCommands {
  private readonly running = new Map<string, Running>();

  constructor(private readonly backoffScale = 1) {}

  /** Starts new or changed commands, stops those whose pod or command went away. */
  async sync(
    pods: readonly { key: string; pod: Pod; netns: string }[],
    envOf: (pod: Pod) => Record<string, string>,
  ): Promise<void> {
    const want = new Map<string, { pod: Pod; netns: string; command: string }>();
    for (const p of pods) {
      const command = p.pod.metadata?.annotations?.[COMMAND_ANNOTATION];
      if (command) want.set(p.key, { pod: p.pod, netns: p.netns, command });
    }
    const stops: Promise<void>[] = [];
    for (const [key, r] of this.running) {
      const w = want.get(key);
      if (!w || w.netns !== r.netns || w.command !== r.command) {
        this.running.delete(key);
        stops.push(r.runner.stop());
      }
    }
    await Promise.all(stops);
    for (const [key, w] of want) {
      if (this.running.has(key)) continue;
      const restartPolicy = (w.pod.spec?.restartPolicy ?? "Always") as RestartPolicy;
      const runner = new CommandRunner({
        command: `exec ip netns exec ${w.netns} /bin/sh -c ${shellQuote(w.command)}`,
        env: envOf(w.pod),
        restartPolicy,
        backoffScale: this.backoffScale,
      });
      runner.start();
      this.running.set(key, { netns: w.netns, command: w.command, runner });
    }
  }

  logs(key: string): string | undefined {
    return this.running.get(key)?.runner.logs();
  }

  runner(key: string): CommandRunner | undefined {
    return this.running.get(key)?.runner;
  }

  async close(): Promise<void> {
    const all = [...this.running.values()];
    this.running.clear();
    await Promise.all(all.map((r) => r.runner.stop()));
  }
}
