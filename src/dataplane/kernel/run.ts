/**
 * Runs the system tools the kernel data plane drives (`ip`, `nft`) with their
 * input on stdin — one process per batch, never one per rule — and turns a
 * failure into an error that names the tool, the namespace and the first
 * lines of its complaint, so a refused batch is diagnosable without a trace.
 */
import { spawn } from "node:child_process";

export class KernelToolError extends Error {
  readonly code = "KernelToolFailed";
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

export interface RunResult {
  stdout: string;
  stderr: string;
  status: number;
}

/** Runs `argv` with `input` on stdin; resolves whatever the exit status (see `runChecked`). */
export function run(argv: readonly string[], input = ""): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv;
    if (!cmd) return reject(new Error("empty command"));
    const child = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", (err) => {
      const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
      reject(
        new KernelToolError(
          missing
            ? `${cmd} is not installed (the kernel data plane needs iproute2 and nftables)`
            : `${cmd}: ${err.message}`,
          "",
        ),
      );
    });
    child.on("close", (code) => resolve({ stdout, stderr, status: code ?? 1 }));
    child.stdin.on("error", () => {});
    child.stdin.end(input);
  });
}

/** Runs and throws a KernelToolError unless the tool exits 0. */
export async function runChecked(argv: readonly string[], input = "", what = ""): Promise<string> {
  const r = await run(argv, input);
  if (r.status !== 0) {
    const first = r.stderr.trim().split("\n").slice(0, 6).join("\n");
    throw new KernelToolError(
      `${what || argv.slice(0, 4).join(" ")} failed (exit ${r.status}): ${first}`,
      r.stderr,
    );
  }
  return r.stdout;
}

/** Runs tasks with at most `limit` in flight; rejects with the first failure after all settle. */
export async function runLimited<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      try {
        out[i] = await (tasks[i] as () => Promise<T>)();
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  if (failure !== undefined) throw failure;
  return out;
}
