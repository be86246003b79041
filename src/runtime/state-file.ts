/**
 * Where a running `michi up` records itself so the commands against it
 * (`apply`, `delete`, `probe`, `curl`, `flows`, `logs`) find it without
 * --server: `$MICHI_STATE_DIR/up.json` (default `~/.michi/up.json`), mode
 * 0600 because it holds the token that authorizes changes. Removed on exit
 * when it still names this process.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export interface UpRecord {
  server: string;
  token: string;
  pid: number;
  startedAt: string;
}

export function stateDir(): string {
  return process.env.MICHI_STATE_DIR ?? join(homedir(), ".michi");
}

export function stateFile(): string {
  return join(stateDir(), "up.json");
}

export function writeUpRecord(rec: UpRecord): void {
  mkdirSync(stateDir(), { recursive: true, mode: 0o700 });
  writeFileSync(stateFile(), `${JSON.stringify(rec, null, 2)}\n`, { mode: 0o600 });
}

export function readUpRecord(): UpRecord | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(), "utf8")) as UpRecord;
  } catch {
    return undefined;
  }
}

export function removeUpRecord(pid: number): void {
  const rec = readUpRecord();
  if (rec && rec.pid === pid) rmSync(stateFile(), { force: true });
}
