/**
 * Runs the built CLI's `michi up` for an end-to-end test: a private loopback
 * range per test file (model ranges 10.N.0.0/16 … so local addresses are
 * 127.N.…; no two files share an address), free ports for --ui/--http/
 * --https/--dns, a private state directory, and helpers to talk to it.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type Agent, request as httpRequest } from "node:http";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import dnsPacket from "dns-packet";

export const ROOT = resolve(import.meta.dirname, "../..");
export const CLI = join(ROOT, "dist/cli/main.js");
export const IS_ROOT = typeof process.getuid === "function" && process.getuid() === 0;

export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen({ host, port: 0 }, () => {
      const a = s.address();
      s.close(() => res(typeof a === "object" && a ? a.port : 0));
    });
  });
}

/** Model ranges for test block N (N = 2..250, one per test file). */
export function rangesFor(n: number): string[] {
  return [
    "--pod-cidr",
    `10.${n}.0.0/16`,
    "--service-cidr",
    `10.${n + 1}.0.0/16`,
    "--dns-service-ip",
    `10.${n + 1}.0.10`,
    "--node-cidr",
    `10.${n + 2}.0.0/24`,
    "--lb-cidr",
    `10.${n + 2}.1.0/24`,
    "--node-port-range",
    "30000-32767",
    "--host-ip",
    `127.${n + 2}.255.1`,
    // Tests never send traffic off the machine.
    "--dns-upstreams",
    "none",
  ];
}

export interface Up {
  proc: ChildProcess;
  server: string;
  ui: number;
  http: number;
  https: number;
  dns: number;
  hostIP: string;
  stateDir: string;
  stdout: () => string;
  stderr: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  env: NodeJS.ProcessEnv;
  /** Run the CLI against this instance. */
  cli: (args: string[], input?: string) => Promise<{ code: number; stdout: string; stderr: string }>;
  api: <T = unknown>(path: string) => Promise<T>;
}

export interface UpConfig {
  block: number;
  paths: string[];
  extra?: string[];
  lowPortOffset?: number;
  /** A state directory shared with other instances (kept on stop); default: a private one. */
  stateDir?: string;
}

/**
 * Starts `michi up`, retrying with new ports when one of the free ports picked
 * for --ui/--http/--https/--dns was taken by another test between picking and
 * binding (nothing else is retried).
 */
export async function startUp(cfg: UpConfig): Promise<Up> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startUpOnce(cfg);
    } catch (err) {
      const picked = /127\.0\.0\.1:\d+.*(already in use|--ui)/.test((err as Error).message);
      if (attempt >= 3 || !picked) throw err;
    }
  }
}

async function startUpOnce(cfg: UpConfig): Promise<Up> {
  const ui = await freePort();
  const http = await freePort();
  const https = await freePort();
  const dns = await freePort();
  const ownState = cfg.stateDir === undefined;
  const stateDir = cfg.stateDir ?? mkdtempSync(join(tmpdir(), "michi-e2e-state-"));
  const env = { ...process.env, MICHI_STATE_DIR: stateDir };
  const offset = cfg.lowPortOffset ?? (IS_ROOT ? 0 : 10000);
  const args = [
    CLI,
    "up",
    ...cfg.paths.flatMap((p) => ["-f", p]),
    ...rangesFor(cfg.block),
    "--ui",
    `127.0.0.1:${ui}`,
    "--http",
    `127.0.0.1:${http}`,
    "--https",
    `127.0.0.1:${https}`,
    "--dns",
    `127.0.0.1:${dns}`,
    "--low-port-offset",
    String(offset),
    ...(cfg.extra ?? []),
  ];
  const proc = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  proc.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((r) => proc.on("exit", (code) => r(code)));
  exited.then(() => {
    if (ownState && proc.exitCode !== 0 && proc.exitCode !== null)
      rmSync(stateDir, { recursive: true, force: true });
  });
  await new Promise<void>((res, rej) => {
    const t = setTimeout(() => {
      // Never leave a half-started instance holding this block's addresses for the retry.
      proc.kill("SIGKILL");
      rej(new Error(`michi up not ready in 45 s:\n${out}\n${err}`));
    }, 45_000);
    const check = () => {
      if (/ready/.test(out)) {
        clearTimeout(t);
        res();
      }
    };
    proc.stdout?.on("data", check);
    exited.then((code) => {
      clearTimeout(t);
      rej(new Error(`michi up exited ${code}:\n${out}\n${err}`));
    });
  });
  const server = `http://127.0.0.1:${ui}`;
  const hostIP = `127.${cfg.block + 2}.255.1`;
  return {
    proc,
    server,
    ui,
    http,
    https,
    dns,
    hostIP,
    stateDir,
    env,
    stdout: () => out,
    stderr: () => err,
    stop: async (signal = "SIGTERM") => {
      if (proc.exitCode === null) proc.kill(signal);
      const code = await exited;
      if (ownState) rmSync(stateDir, { recursive: true, force: true });
      return code;
    },
    cli: (cliArgs, input) => runCli(cliArgs, env, input),
    api: async <T>(path: string) => (await (await fetch(`${server}${path}`)).json()) as T,
  };
}

export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      { env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        res({ code, stdout, stderr });
      },
    );
    if (input !== undefined) {
      child.stdin?.end(input);
    }
  });
}

export function writeManifests(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "michi-e2e-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** One HTTP request with node:http (fetch will not send a custom Host header). */
export function httpGet(
  host: string,
  port: number,
  opts: {
    path?: string;
    localAddress?: string;
    headers?: Record<string, string>;
    timeoutMs?: number;
    agent?: Agent;
  } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const req = httpRequest(
      {
        host,
        port,
        path: opts.path ?? "/",
        headers: opts.headers ?? {},
        ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
        ...(opts.agent ? { agent: opts.agent } : { agent: false }),
        timeout: opts.timeoutMs ?? 8000,
      },
      (r) => {
        let body = "";
        r.on("data", (d: Buffer) => {
          body += d.toString();
        });
        r.on("end", () => res({ status: r.statusCode ?? 0, body }));
        r.on("error", rej);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", rej);
    req.end();
  });
}

/** HTTP/1.0 GET over a raw socket bound to `localAddress` (what a pod's client does). */
export function rawHttp(
  host: string,
  port: number,
  opts: { path?: string; localAddress?: string; timeoutMs?: number } = {},
): Promise<{ ok: true; status: number; body: string } | { ok: false; error: string }> {
  return new Promise((res) => {
    const sock = connect({ host, port, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) });
    let data = "";
    const t = setTimeout(() => {
      sock.destroy();
      res({ ok: false, error: "TIMEOUT" });
    }, opts.timeoutMs ?? 3000);
    sock.on("connect", () => sock.write(`GET ${opts.path ?? "/"} HTTP/1.0\r\nHost: test\r\n\r\n`));
    sock.on("data", (d: Buffer) => {
      data += d.toString();
    });
    sock.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(t);
      res({ ok: false, error: e.code ?? e.message });
    });
    sock.on("end", () => {
      clearTimeout(t);
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(data);
      const body = data.slice(data.indexOf("\r\n\r\n") + 4);
      res(
        m
          ? { ok: true, status: Number(m[1]), body }
          : { ok: false, error: `bad response: ${data.slice(0, 80)}` },
      );
    });
  });
}

export function udpAsk(
  host: string,
  port: number,
  message: string,
  opts: { localAddress?: string; timeoutMs?: number } = {},
): Promise<string | undefined> {
  return new Promise((res) => {
    const s = createSocket("udp4");
    const t = setTimeout(() => {
      s.close();
      res(undefined);
    }, opts.timeoutMs ?? 1500);
    s.on("message", (m) => {
      clearTimeout(t);
      s.close();
      res(m.toString());
    });
    s.on("error", () => {
      clearTimeout(t);
      s.close();
      res(undefined);
    });
    s.bind({ address: opts.localAddress ?? "127.0.0.1", port: 0 }, () => s.send(message, port, host));
  });
}

/** A DNS query over UDP; returns rcode and answers. */
export async function dnsQuery(
  host: string,
  port: number,
  name: string,
  type: "A" | "SRV" | "CNAME" = "A",
): Promise<{ rcode: string; answers: { type: string; name: string; data: unknown }[] }> {
  const s = createSocket("udp4");
  const id = Math.floor(Math.random() * 65000);
  const q = dnsPacket.encode({
    type: "query",
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type, name }],
  });
  try {
    return await new Promise((res, rej) => {
      const t = setTimeout(() => rej(new Error("DNS timeout")), 3000);
      s.on("message", (m) => {
        clearTimeout(t);
        const r = dnsPacket.decode(m);
        res({
          rcode: (r as { rcode?: string }).rcode ?? "NOERROR",
          answers: (r.answers ?? []).map((a) => ({
            type: a.type,
            name: a.name,
            data: (a as { data?: unknown }).data,
          })),
        });
      });
      s.send(q, port, host);
    });
  } finally {
    s.close();
  }
}

export interface UpPodInfo {
  name: string;
  namespace: string;
  ip: string;
  local: string;
  node: string;
  ready: boolean;
  terminating: boolean;
  labels: Record<string, string>;
  ports: { port: number; protocol: string; local: number }[];
}

export interface FrontendInfo {
  kind: string;
  service: string;
  protocol: string;
  ip?: string;
  node?: string;
  port: number;
  local?: string;
  localPort: number;
  serving: boolean;
}

export interface FlowInfo {
  from: string;
  to: string;
  port: number;
  protocol: string;
  verdict: string;
  policies: string[];
  reason?: string;
  service?: string;
  localSource: string;
}
