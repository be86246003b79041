/**
 * Runs a pod's local command (annotation `michi.dev/command`) the way the
 * kubelet runs a container: with the environment it would inject, output kept
 * for `michi logs`, restarted per the pod's restartPolicy with the kubelet's
 * crash-loop backoff (10 s doubling to 5 min, reset after 10 min of running;
 * scaled by `backoffScale` so tests need not wait), and stopped — its whole
 * process group — when the pod goes away or michi exits.
 */
import { type ChildProcess, spawn } from "node:child_process";

export type RestartPolicy = "Always" | "OnFailure" | "Never";

export interface CommandSpec {
  /** Shell command line, run with /bin/sh -c. */
  command: string;
  env: Record<string, string>;
  restartPolicy: RestartPolicy;
  /** Multiplies the kubelet's backoff (1 = 10 s first restart). */
  backoffScale?: number;
}

export interface CommandStatus {
  state: "running" | "waiting" | "terminated";
  restarts: number;
  pid?: number;
  lastExitCode?: number | null;
}

const MAX_LOG_LINES = 2000;
const BASE_BACKOFF_MS = 10_000;
const MAX_BACKOFF_MS = 300_000;
const RESET_AFTER_MS = 600_000;

export class CommandRunner {
  private child: ChildProcess | undefined;
  private readonly lines: string[] = [];
  private partial = "";
  private restarts = 0;
  private backoff = BASE_BACKOFF_MS;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastExit: number | null | undefined;
  private startedAt = 0;
  private exitWaiters: (() => void)[] = [];
  /** Every restart delay scheduled so far (ms), for `michi logs` and tests. */
  readonly backoffHistory: number[] = [];

  constructor(readonly spec: CommandSpec) {}

  start(): void {
    if (this.stopped) return;
    this.startedAt = Date.now();
    // detached: own process group, so stop() reaches the shell's children too.
    const child = spawn("/bin/sh", ["-c", this.spec.command], {
      env: this.spec.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    child.stdout?.on("data", (d: Buffer) => this.append(d));
    child.stderr?.on("data", (d: Buffer) => this.append(d));
    child.on("error", (err) => this.append(Buffer.from(`michi: cannot start command: ${err.message}\n`)));
    child.on("exit", (code, signal) => {
      this.child = undefined;
      this.lastExit = code;
      this.flush();
      for (const w of this.exitWaiters.splice(0)) w();
      if (this.stopped) return;
      this.append(
        Buffer.from(`michi: command exited with ${signal ? `signal ${signal}` : `code ${code}`}\n`),
      );
      const failed = code !== 0;
      const policy = this.spec.restartPolicy;
      if (policy === "Never" || (policy === "OnFailure" && !failed)) return;
      if (Date.now() - this.startedAt > RESET_AFTER_MS) this.backoff = BASE_BACKOFF_MS;
      const delay = this.backoff * (this.spec.backoffScale ?? 1);
      this.backoffHistory.push(delay);
      this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
      this.timer = setTimeout(() => {
        this.restarts++;
        this.start();
      }, delay);
      this.timer.unref();
    });
  }

  status(): CommandStatus {
    const s: CommandStatus = {
      state: this.child ? "running" : this.timer && !this.stopped ? "waiting" : "terminated",
      restarts: this.restarts,
    };
    if (this.child?.pid !== undefined) s.pid = this.child.pid;
    if (this.lastExit !== undefined) s.lastExitCode = this.lastExit;
    return s;
  }

  logs(): string {
    return this.lines.join("") + this.partial;
  }

  /** SIGTERM the process group, SIGKILL after the grace period (the kubelet's default 30 s, shortened). */
  async stop(graceMs = 2000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const child = this.child;
    if (!child || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    const kill = (sig: NodeJS.Signals) => {
      try {
        process.kill(-(child.pid as number), sig);
      } catch {
        // Already gone.
      }
    };
    kill("SIGTERM");
    const t = setTimeout(() => kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(t);
  }

  private append(d: Buffer): void {
    const text = this.partial + d.toString("utf8");
    const parts = text.split("\n");
    this.partial = parts.pop() ?? "";
    for (const p of parts) this.lines.push(`${p}\n`);
    if (this.lines.length > MAX_LOG_LINES) this.lines.splice(0, this.lines.length - MAX_LOG_LINES);
  }

  private flush(): void {
    if (this.partial) {
      this.lines.push(`${this.partial}\n`);
      this.partial = "";
    }
  }
}
