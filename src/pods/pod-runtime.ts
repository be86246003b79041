/**
 * One running pod: what serves its containerPorts. Either the built-in
 * agnhost-like server (in-process: the data plane hands it judged sockets),
 * or a server that owns real sockets on an internal port of the pod's local
 * address — the pod's local command (annotation `michi.dev/command`), the
 * cluster DNS for CoreDNS pods, the ingress proxy for the controller pod. The
 * data plane's listener on the pod's address:containerPort judges every
 * connection and forwards it to that internal port, so policies apply to
 * servers michi did not write too.
 */
import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import type { Pod } from "../api/types.js";
import { Agnhost, type PodIdentity } from "./agnhost.js";
import { CommandRunner, type RestartPolicy } from "./command-runner.js";

export const COMMAND_ANNOTATION = "michi.dev/command";

export type PodBackendKind = "agnhost" | "command" | "server";

export interface PodPort {
  port: number;
  protocol: "TCP" | "UDP";
  name?: string;
}

export interface InternalAddress {
  host: string;
  port: number;
}

export function portKey(port: number, protocol: string): string {
  return `${protocol}/${port}`;
}

/** The TCP and UDP ports a pod declares (SCTP is not served: userspace sockets cannot speak it portably). */
export function podPorts(pod: Pod): PodPort[] {
  const out: PodPort[] = [];
  const seen = new Set<string>();
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      const protocol = p.protocol ?? "TCP";
      if (protocol !== "TCP" && protocol !== "UDP") continue;
      const key = portKey(p.containerPort, protocol);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(
        p.name ? { port: p.containerPort, protocol, name: p.name } : { port: p.containerPort, protocol },
      );
    }
  }
  return out;
}

/** A free port on `host` for both TCP and UDP (so one number serves a containerPort's two protocols). */
export async function freePort(host: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const s = createServer();
      s.once("error", reject);
      s.listen({ host, port: 0 }, () => {
        const a = s.address();
        s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const u = createSocket("udp4");
      u.once("error", () => resolve(false));
      u.bind({ address: host, port }, () => u.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error(`no free port on ${host}`);
}

export class PodRuntime {
  readonly key: string;
  agnhost: Agnhost | undefined;
  command: CommandRunner | undefined;
  /** containerPort → internal address, for non-built-in backends. */
  readonly internal = new Map<string, InternalAddress>();

  constructor(
    public pod: Pod,
    readonly identity: PodIdentity,
    readonly localIP: string,
    readonly ports: readonly PodPort[],
    readonly kind: PodBackendKind,
  ) {
    this.key = `${identity.namespace}/${identity.name}`;
    if (kind === "agnhost") this.agnhost = new Agnhost(identity);
  }

  serves(port: number, protocol: string): boolean {
    return this.ports.some((p) => p.port === port && p.protocol === protocol);
  }

  update(pod: Pod, identity: PodIdentity): void {
    this.pod = pod;
    this.agnhost?.update(identity);
  }

  /** Gives every declared port an internal port on the pod's address. */
  async allocateInternal(): Promise<void> {
    const byNumber = new Map<number, number>();
    for (const p of this.ports) {
      let internal = byNumber.get(p.port);
      if (internal === undefined) {
        internal = await freePort(this.localIP);
        byNumber.set(p.port, internal);
      }
      this.internal.set(portKey(p.port, p.protocol), { host: this.localIP, port: internal });
    }
  }

  /** The environment a command gets besides the kubelet's: where to bind each declared port. */
  bindEnv(): Record<string, string> {
    const env: Record<string, string> = { MICHI_BIND_HOST: this.localIP, HOST: this.localIP };
    let first = true;
    for (const p of this.ports) {
      const a = this.internal.get(portKey(p.port, p.protocol));
      if (!a) continue;
      if (first) env.PORT = String(a.port);
      first = false;
      env[`MICHI_PORT_${p.port}`] = String(a.port);
      if (p.name) env[`MICHI_PORT_${p.name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`] = String(a.port);
    }
    return env;
  }

  startCommand(
    command: string,
    env: Record<string, string>,
    restartPolicy: RestartPolicy,
    backoffScale: number,
  ): void {
    this.command = new CommandRunner({ command, env, restartPolicy, backoffScale });
    this.command.start();
  }

  async stop(graceMs = 2000): Promise<void> {
    await Promise.all([this.agnhost?.close(graceMs), this.command?.stop(graceMs)]);
  }
}
