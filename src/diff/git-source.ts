/**
 * Reading the base version of the manifests from git without a checkout:
 * `git ls-tree -r REV -- PATH` lists the files under each `-f` path as they
 * were at REV (directories recursively, `*.yaml`, `*.yml`, `*.json`, as
 * the loader reads a directory), `git show REV:./FILE` gives each file's
 * text. File names are relative to the working directory, like the head's,
 * so positions in both versions name the same files. An I/O adapter for the
 * diff command; the diff itself stays pure.
 */
import { execFileSync } from "node:child_process";
import type { Diagnostic } from "../api/diagnostics.js";
import { MichiError } from "../api/diagnostics.js";
import { type LoadResult, parseManifests } from "../api/load.js";
import type { KubeObject } from "../api/types.js";

const MANIFEST_EXT = /\.(ya?ml|json)$/i;
const MAX_BUFFER = 1 << 30;

function git(args: string[], cwd: string): string {
  return execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    maxBuffer: MAX_BUFFER,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function gitError(err: unknown): string {
  const e = err as { stderr?: string; message?: string; code?: string };
  if (e.code === "ENOENT") return "git is not installed (needed for --base-git)";
  return (e.stderr || e.message || String(err)).trim().split("\n")[0] ?? "";
}

/** The files under `paths` at `rev`, in the loader's order (per path, by code point). */
export function listFilesAt(rev: string, paths: readonly string[], cwd = process.cwd()): string[] {
  try {
    git(["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], cwd);
  } catch (err) {
    const e = err as { code?: string; status?: number };
    if (e.code === "ENOENT") throw new MichiError("GitFailed", `--base-git: ${gitError(err)}`);
    throw new MichiError(
      "BadRevision",
      `--base-git: ${JSON.stringify(rev)} is not a commit of the git repository here (${cwd})`,
    );
  }
  const out: string[] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    if (p === "-") throw new MichiError("BadFlag", "--base-git: -f - (stdin) has no version in git");
    let listed: string;
    try {
      listed = git(["ls-tree", "-r", "-z", "--name-only", rev, "--", p], cwd);
    } catch (err) {
      throw new MichiError("GitFailed", `--base-git: git ls-tree ${rev} -- ${p}: ${gitError(err)}`);
    }
    const files = listed.split("\0").filter((f) => f !== "" && (f === p || MANIFEST_EXT.test(f)));
    files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const f of files) {
      if (seen.has(f)) continue;
      seen.add(f);
      out.push(f);
    }
  }
  return out;
}

/** Loads the manifests under `paths` as they were at `rev`. */
export function loadFromGit(rev: string, paths: readonly string[], cwd = process.cwd()): LoadResult {
  const objects: KubeObject[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const file of listFilesAt(rev, paths, cwd)) {
    let text: string;
    try {
      text = git(["show", `${rev}:./${file}`], cwd);
    } catch (err) {
      throw new MichiError("GitFailed", `--base-git: git show ${rev}:${file}: ${gitError(err)}`);
    }
    const r = parseManifests(text, file);
    objects.push(...r.objects);
    diagnostics.push(...r.diagnostics);
  }
  return { objects, diagnostics };
}
