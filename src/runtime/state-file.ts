/**
 * Where each running `michi up` records itself so the commands against it
 * (`apply`, `delete`, `probe`, `curl`, `flows`, `logs`) find it without
 * --server: one record per instance, `$MICHI_STATE_DIR/instances/NAME.json`
 * (default `~/.michi/`), because it holds the token that authorizes changes:
 * - created exclusively with mode 0600 in a 0700 directory; a symlink at the
 *   path is refused, never followed; an existing record is replaced only
 *   when the process that wrote it is gone;
 * - removed on exit when it still names this process, and found stale (its
 *   pid gone) and removed by the next reader.
 * Clients pick a record by name, by server address, or the only one running.
 */
import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { MichiError } from "../api/diagnostics.js";

export const DEFAULT_INSTANCE = "michi";

export interface UpRecord {
  name: string;
  server: string;
  token: string;
  pid: number;
  startedAt: string;
}

export function stateDir(): string {
  return process.env.MICHI_STATE_DIR ?? join(homedir(), ".michi");
}

function instancesDir(): string {
  return join(stateDir(), "instances");
}

/** The record file of instance `name`. */
export function stateFile(name = DEFAULT_INSTANCE): string {
  return join(instancesDir(), `${name}.json`);
}

/** Instance names are file names: DNS-label-like, as kind's cluster names. */
export function checkInstanceName(name: string): string {
  if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name)) {
    throw new MichiError(
      "BadFlag",
      `--name: expected lower-case letters, digits and '-' (at most 63), got ${JSON.stringify(name)}`,
    );
  }
  return name;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A private directory: created 0700, refused when it is a symlink or not ours. */
function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (st.isSymbolicLink() || !st.isDirectory())
    throw new MichiError(
      "StateDirUnsafe",
      `${dir} is not a directory (a symlink?): refusing to write the token there`,
    );
  if (typeof process.getuid === "function" && st.uid !== process.getuid())
    throw new MichiError(
      "StateDirUnsafe",
      `${dir} belongs to another user: refusing to write the token there`,
    );
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

function readRecord(file: string): UpRecord | undefined {
  try {
    if (lstatSync(file).isSymbolicLink()) return undefined;
    return JSON.parse(readFileSync(file, "utf8")) as UpRecord;
  } catch {
    return undefined;
  }
}

/**
 * Checks that instance `name` can record itself (before it starts serving):
 * the directories are private, the path is no symlink, and no live instance
 * has the name. Returns whether a (stale or own) record is there.
 */
export function checkRecordPath(name: string, pid = process.pid): boolean {
  privateDir(stateDir());
  privateDir(instancesDir());
  const file = stateFile(name);
  let st: ReturnType<typeof lstatSync> | undefined;
  try {
    st = lstatSync(file);
  } catch {
    return false;
  }
  if (st.isSymbolicLink())
    throw new MichiError("StateFileUnsafe", `${file} is a symlink: refusing to follow it with the token`);
  const old = readRecord(file);
  if (old && old.pid !== pid && alive(old.pid)) {
    throw new MichiError(
      "InstanceRunning",
      `a michi up named "${name}" is already running (pid ${old.pid}, ${old.server}); stop it or start this one with --name OTHER`,
    );
  }
  return true;
}

/**
 * Writes this instance's record. Fails when another live instance has the
 * name, or when the path is a symlink; a stale record (its process gone) is
 * replaced.
 */
export function writeUpRecord(rec: UpRecord): string {
  const file = stateFile(rec.name);
  if (checkRecordPath(rec.name, rec.pid)) rmSync(file, { force: true });
  // O_EXCL: never write through a file someone else put there meanwhile; O_NOFOLLOW: never through a link.
  const fd = openSync(
    file,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    if ((fstatSync(fd).mode & 0o777) !== 0o600) chmodSync(file, 0o600);
    writeSync(fd, `${JSON.stringify(rec, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  return file;
}

/** Every live instance's record (stale ones are removed on the way), by name. */
export function listUpRecords(): UpRecord[] {
  let names: string[];
  try {
    names = readdirSync(instancesDir()).filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
  const out: UpRecord[] = [];
  for (const n of names.sort()) {
    const file = join(instancesDir(), n);
    const rec = readRecord(file);
    if (!rec) continue;
    if (!alive(rec.pid)) {
      rmSync(file, { force: true });
      continue;
    }
    out.push(rec);
  }
  return out;
}

/**
 * The record a client command talks to: the one named, else the one serving
 * `server`, else the only one running. Undefined when nothing matches (the
 * caller may still use an explicit --server without a record).
 */
export function findUpRecord(opts: {
  name?: string | undefined;
  server?: string | undefined;
}): UpRecord | undefined {
  const all = listUpRecords();
  const norm = (s: string) => s.replace(/\/$/, "");
  if (opts.name !== undefined) {
    const rec = all.find((r) => r.name === opts.name);
    if (!rec) {
      const names = all.map((r) => r.name).join(", ");
      throw new MichiError(
        "NoServer",
        `no running michi up named "${opts.name}"${names ? ` (running: ${names})` : ""}`,
      );
    }
    return rec;
  }
  if (opts.server !== undefined) return all.find((r) => norm(r.server) === norm(opts.server as string));
  if (all.length > 1) {
    throw new MichiError(
      "AmbiguousServer",
      `${all.length} michi up instances are running (${all.map((r) => `${r.name} at ${r.server}`).join(", ")}): pick one with --name NAME or --server URL`,
    );
  }
  return all[0];
}

export function removeUpRecord(name: string, pid: number): void {
  const file = stateFile(name);
  const rec = readRecord(file);
  if (rec && rec.pid === pid) rmSync(file, { force: true });
}
