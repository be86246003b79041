/**
 * Runs a real kubectl binary against a test API server. The versions on the
 * machine sit beside the `kubectl` dispatcher on the PATH (`kubectl.1.27` …
 * `kubectl.1.33`); a missing one fails the test loudly instead of skipping.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";

export const VERSIONS = ["1.27", "1.33"] as const;

export function kubectlBinary(version: string): string {
  let dispatcher: string;
  try {
    dispatcher = execFileSync("sh", ["-c", "command -v kubectl"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("kubectl is not on the PATH: install kubectl 1.27 and 1.33 (see .ci/run)");
  }
  const bin = join(dirname(realpathSync(dispatcher)), `kubectl.${version}`);
  if (!existsSync(bin)) throw new Error(`kubectl ${version} is missing (expected ${bin})`);
  return bin;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function kubectl(
  bin: string,
  kubeconfig: string,
  args: string[],
  input?: string,
  env: Record<string, string> = {},
): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      bin,
      args,
      { env: { ...process.env, KUBECONFIG: kubeconfig, HOME: dirname(kubeconfig), ...env }, timeout: 20_000 },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === "number" ? code : 1, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}
