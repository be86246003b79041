/**
 * Who owns which sandbox. Every namespace michi creates is named
 * `michi-<id>-<role>` and `<id>` is claimed first by a pid file in
 * /run/michi/kernel — before any namespace exists — so a later start can tell
 * a live sandbox (another test, another `michi up`) from the remains of a
 * killed one (pid file missing or naming a dead process) and remove only
 * those: the processes left inside, the namespaces (their links go with
 * them), the per-namespace resolv.conf directories under /etc/netns.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "./run.js";

export const STATE_DIR = "/run/michi/kernel";
export const NETNS_DIR = "/run/netns";
export const ETC_NETNS = "/etc/netns";
const PREFIX = "michi-";

export function newSandboxId(): string {
  // Lower-case letters and digits only: ids go into namespace and chain names.
  return randomBytes(5).toString("hex").slice(0, 8);
}

export function nsName(id: string, role: string): string {
  return `${PREFIX}${id}-${role}`;
}

function pidFile(id: string, dir: string): string {
  return join(dir, `${id}.pid`);
}

/** Claims `id` for this process (before any namespace of it exists). */
export function claimSandbox(id: string, dir = STATE_DIR): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(pidFile(id, dir), `${process.pid}\n`);
}

export function releaseSandbox(id: string, dir = STATE_DIR): void {
  rmSync(pidFile(id, dir), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function ownerOf(id: string, dir: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidFile(id, dir), "utf8"), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The sandbox id of a michi namespace name, or undefined for anybody else's. */
export function sandboxIdOf(name: string): string | undefined {
  const m = /^michi-([a-z0-9]+)-/.exec(name);
  return m?.[1];
}

/** Namespaces of sandbox `id` that exist now. */
export function namespacesOf(id: string): string[] {
  return listDir(NETNS_DIR).filter((n) => sandboxIdOf(n) === id);
}

/** True once `pid` has exited (gone, or a zombie nobody reaped yet). */
export function exited(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
  } catch {
    return true;
  }
}

/** Kills every process inside namespace `name` (SIGKILL: its owner is gone or stopping it) and waits (≤ 2 s) for them to exit. */
export async function killNamespacePids(name: string): Promise<void> {
  const r = await run(["ip", "netns", "pids", name]);
  const pids: number[] = [];
  for (const line of r.stdout.split("\n")) {
    const pid = Number.parseInt(line, 10);
    if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) continue;
    try {
      process.kill(pid, "SIGKILL");
      pids.push(pid);
    } catch {
      // Already gone.
    }
  }
  for (let i = 0; i < 100 && !pids.every(exited); i++) await new Promise((res) => setTimeout(res, 20));
}

/** Removes namespaces (with what runs in them and their /etc/netns files). */
export async function removeNamespaces(names: readonly string[]): Promise<void> {
  for (const n of names) await killNamespacePids(n);
  if (names.length > 0)
    await run(["ip", "-force", "-batch", "-"], names.map((n) => `netns del ${n}\n`).join(""));
  for (const n of names) rmSync(join(ETC_NETNS, n), { recursive: true, force: true });
}

/** Removes every sandbox whose owner is gone; returns the ids removed. */
export async function reapStaleSandboxes(dir = STATE_DIR): Promise<string[]> {
  const ids = new Set<string>();
  for (const n of [...listDir(NETNS_DIR), ...listDir(ETC_NETNS)]) {
    const id = sandboxIdOf(n);
    if (id) ids.add(id);
  }
  for (const f of listDir(dir)) if (f.endsWith(".pid")) ids.add(f.slice(0, -4));
  const reaped: string[] = [];
  for (const id of ids) {
    const owner = ownerOf(id, dir);
    if (owner !== undefined && alive(owner)) continue;
    await removeNamespaces(namespacesOf(id));
    for (const n of listDir(ETC_NETNS))
      if (sandboxIdOf(n) === id) rmSync(join(ETC_NETNS, n), { recursive: true, force: true });
    releaseSandbox(id, dir);
    reaped.push(id);
  }
  return reaped;
}
