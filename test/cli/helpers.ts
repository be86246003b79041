/**
 * Runs the built CLI (dist/cli/main.js) as a user's shell would: a real
 * process, real pipes, its exit code. Tests in test/cli use it for what only
 * a process shows (exit codes, closed pipes, usage errors).
 */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const CLI = join(ROOT, "dist/cli/main.js");

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Close the reading end of stdout before the CLI writes anything (`| head` that has had enough). */
  closeStdout?: boolean;
  env?: NodeJS.ProcessEnv;
  input?: string;
}

export function runCli(args: readonly string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    if (options.closeStdout) child.stdout.destroy();
    else child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.stdin.end(options.input ?? "");
    child.on("error", rej);
    child.on("close", (code) => res({ code, stdout, stderr }));
  });
}
