/**
 * Helpers for the kernel data plane's end-to-end tests (run as root, as CI
 * does): a snapshot from YAML through the same compile as `michi up`, a
 * sandbox per test (unique id, closed after), and real clients run inside
 * the sandbox's namespaces. `requireKernel()` fails loudly — never skips —
 * when this machine cannot run them.
 */
import { execFileSync, spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { type ClusterConfig, makeConfig } from "../../src/cluster/config.js";
import { KernelDataPlane, type KernelDataPlaneOptions } from "../../src/dataplane/kernel/kernel-dataplane.js";
import { parseYAML } from "../../src/policy/testing.js";
import { compileSnapshot, type Snapshot } from "../../src/snapshot/snapshot.js";

export const FIXTURES = resolve(import.meta.dirname, "fixtures");
export const PEER_ECHO = join(FIXTURES, "peer-echo.py");
export const PROBE = join(FIXTURES, "probe.py");

export function requireKernel(): void {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) {
    throw new Error("the kernel data plane tests need root (CI runs them as root)");
  }
  for (const [tool, arg] of [
    ["ip", "-V"],
    ["nft", "-v"],
    ["python3", "--version"],
    ["curl", "--version"],
  ] as const) {
    try {
      execFileSync(tool, [arg], { stdio: "ignore" });
    } catch {
      throw new Error(`the kernel data plane tests need ${tool} (see .ci/run)`);
    }
  }
}

export function snapshotOf(yaml: string, config: Partial<ClusterConfig> = {}, previous?: Snapshot): Snapshot {
  const r = compileSnapshot(parseYAML(yaml), makeConfig({ nodes: 2, ...config }), {
    mode: "refuse",
    previous: previous,
  });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  return r.snapshot;
}

/** Planes opened by a test file; `closeAll` in afterEach/afterAll. */
export class Planes {
  private readonly open = new Set<KernelDataPlane>();
  async start(snap: Snapshot, options: KernelDataPlaneOptions = {}): Promise<KernelDataPlane> {
    const plane = await KernelDataPlane.create({ backoffScale: 0.01, ...options });
    this.open.add(plane);
    await plane.apply(snap);
    return plane;
  }
  async closeAll(): Promise<void> {
    const all = [...this.open];
    this.open.clear();
    await Promise.all(all.map((p) => p.close()));
  }
}

export interface Ran {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs argv in a network namespace; bounded by `timeoutMs`. */
export function runIn(netns: string, argv: readonly string[], timeoutMs = 20_000): Promise<Ran> {
  return new Promise((res, rej) => {
    const child = spawn("ip", ["netns", "exec", netns, ...argv], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const t = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", rej);
    child.on("close", (code) => {
      clearTimeout(t);
      res({ status: code ?? -1, stdout, stderr });
    });
  });
}

/** Connects from `netns` to each target; one result per target ("open <peer>", "refused", "timeout", …). */
export async function probe(netns: string, targets: readonly string[], timeoutS = 1): Promise<string[]> {
  const r = await runIn(netns, ["python3", PROBE, String(timeoutS), ...targets], 60_000);
  if (r.status !== 0) throw new Error(`probe failed: ${r.stderr}`);
  return r.stdout.trim().split("\n");
}

/** Waits (bounded: 15 s) until something listens on TCP `port` in `netns`. */
export async function waitListening(netns: string, port: number): Promise<void> {
  for (let i = 0; i < 150; i++) {
    const r = await runIn(netns, ["ss", "-Hltn", `sport = :${port}`]);
    if (r.stdout.trim() !== "") return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${port} in ${netns}`);
}

/** Namespaces named for sandbox `id` that exist now. */
export function namespacesOf(id: string): string[] {
  const out = execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
  return out
    .split("\n")
    .map((l) => l.split(" ")[0] ?? "")
    .filter((n) => n.startsWith(`michi-${id}-`));
}

/** The host namespace's routes and addresses (to assert no model range ever appears there). */
export function hostRoutesAndAddresses(): string {
  return execFileSync("sh", ["-c", "ip -4 route show table all; ip -4 addr show"], { encoding: "utf8" });
}

/** A pod whose command is the peer-echo server on `ports`. */
export function echoPod(
  name: string,
  labels: Record<string, string>,
  node: string,
  ports: number[],
  ns = "default",
): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${ns}
  labels: ${JSON.stringify(labels)}
  annotations: {michi.dev/command: "python3 ${PEER_ECHO} ${ports.join(" ")}"}
spec:
  nodeName: ${node}
  containers: [{name: c, image: x, ports: [${ports.map((p) => `{containerPort: ${p}, name: p${p}}`).join(", ")}]}]
---
`;
}

/** A pod with nothing running (a place to run clients from). */
export function idlePod(name: string, labels: Record<string, string>, node: string, ns = "default"): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}, labels: ${JSON.stringify(labels)}}
spec: {nodeName: ${node}, containers: [{name: c, image: x}]}
---
`;
}
