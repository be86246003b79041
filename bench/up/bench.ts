/**
 * Benchmarks for `michi up` (never run as tests): run with
 *   npm run build && npx tsx bench/up/bench.ts
 *
 * 1. HTTP through a ClusterIP proxy vs straight to the pod's address vs a
 *    plain Node HTTP server (wrk, keep-alive requests/s and new connections/s).
 * 2. Bulk TCP throughput (MB/s) through the ClusterIP vs to the pod directly.
 * 3. Startup time and memory (RSS) for 1 000 pods and 300 services.
 * Results go to stdout and bench/out/up.json.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = join(ROOT, "dist/cli/main.js");
const DURATION = process.env.BENCH_SECONDS ?? "5";

function ranges(n: number): string[] {
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
    "--host-ip",
    `127.${n + 2}.255.1`,
    "--dns-upstreams",
    "none",
    "--http",
    "none",
    "--https",
    "none",
    "--low-port-offset",
    "10000",
  ];
}

async function startUp(
  dir: string,
  block: number,
  ui: number,
  extra: string[] = [],
): Promise<{ proc: ChildProcess; readyMs: number }> {
  const t0 = performance.now();
  const stateDir = mkdtempSync(join(tmpdir(), "michi-bench-"));
  const proc = spawn(
    process.execPath,
    [CLI, "up", "-f", dir, ...ranges(block), "--ui", `127.0.0.1:${ui}`, ...extra],
    {
      env: { ...process.env, MICHI_STATE_DIR: stateDir },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  await new Promise<void>((res, rej) => {
    let out = "";
    proc.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("ready")) res();
    });
    proc.on("exit", (c) => rej(new Error(`michi up exited ${c}`)));
  });
  proc.once("exit", () => rmSync(stateDir, { recursive: true, force: true }));
  return { proc, readyMs: performance.now() - t0 };
}

async function stop(proc: ChildProcess): Promise<void> {
  proc.kill("SIGTERM");
  await new Promise((r) => proc.once("exit", r));
}

function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Math.round(Number(m?.[1] ?? 0) / 1024);
}

/**
 * wrk runs asynchronously: the plain server below lives in this process and must keep serving.
 * Each target gets a 1 s warm-up first (JIT, socket buffers) so the order of runs does not decide.
 */
async function wrk(url: string, close: boolean): Promise<number> {
  const header = close ? ["-H", "Connection: close"] : [];
  await run("wrk", ["-t2", "-c32", "-d1s", ...header, url]);
  const args = ["-t2", "-c32", `-d${DURATION}s`, ...header, url];
  const { stdout } = await run("wrk", args, { encoding: "utf8" });
  return Math.round(Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0));
}

/** Streams `mb` MiB through an echo and back; MB/s of payload one way (after a 64 MiB warm-up). */
async function bulk(host: string, port: number, mb: number): Promise<number> {
  await bulkOnce(host, port, 64);
  return bulkOnce(host, port, mb);
}

function bulkOnce(host: string, port: number, mb: number): Promise<number> {
  return new Promise((res, rej) => {
    const chunk = Buffer.alloc(64 * 1024, 120);
    const total = mb * 1024 * 1024;
    let received = 0;
    let sent = 0;
    const t0 = performance.now();
    const s = connect({ host, port });
    s.on("error", rej);
    s.on("data", (d: Buffer) => {
      received += d.length;
      if (received >= total) {
        s.destroy();
        res(Math.round(mb / ((performance.now() - t0) / 1000)));
      }
    });
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!s.write(chunk)) return void s.once("drain", pump);
      }
    };
    s.on("connect", pump);
  });
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const a = s.address();
  await new Promise((r) => s.close(r));
  return typeof a === "object" && a ? a.port : 0;
}

async function dataPath(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), "michi-bench-m-"));
  // A pod running a real local server (michi.dev/command): the proxied path is a real second socket.
  writeFileSync(
    join(dir, "server.cjs"),
    `const http = require("node:http"), net = require("node:net"), fs = require("node:fs");
const host = process.env.MICHI_BIND_HOST;
http.createServer((q, r) => r.end('{"pod":"cmd"}')).listen(+process.env.MICHI_PORT_8080, host);
net.createServer((s) => s.pipe(s)).listen(+process.env.MICHI_PORT_9000, host, () =>
  fs.writeFileSync(${JSON.stringify(join(dir, "ports.json"))}, JSON.stringify({ host, http: +process.env.MICHI_PORT_8080, echo: +process.env.MICHI_PORT_9000 })));
`,
  );
  writeFileSync(
    join(dir, "web.yaml"),
    `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: agnhost, ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cmd}
spec:
  replicas: 1
  selector: {matchLabels: {app: cmd}}
  template:
    metadata:
      labels: {app: cmd}
      annotations: {michi.dev/command: "exec node ${join(dir, "server.cjs")}"}
    spec:
      containers: [{name: cmd, image: x, ports: [{containerPort: 8080}, {containerPort: 9000}]}]
---
apiVersion: v1
kind: Service
metadata: {name: cmd}
spec:
  selector: {app: cmd}
  ports: [{name: http, port: 8080}, {name: echo, port: 9000}]
`,
  );
  const ui = await freePort();
  const { proc } = await startUp(dir, 240, ui);
  const api = (await (await fetch(`http://127.0.0.1:${ui}/api/up`)).json()) as {
    frontends: { service: string; kind: string; local: string; localPort: number }[];
  };
  const pods = (await (await fetch(`http://127.0.0.1:${ui}/api/up/pods`)).json()) as {
    items: { name: string; local: string }[];
  };
  const svc = api.frontends.find((f) => f.service === "default/web:8080" && f.kind === "ClusterIP");
  const cmdHttp = api.frontends.find((f) => f.service === "default/cmd:8080" && f.kind === "ClusterIP");
  const cmdEcho = api.frontends.find((f) => f.service === "default/cmd:9000" && f.kind === "ClusterIP");
  const byName = (prefix: string) => pods.items.find((p) => p.name.startsWith(prefix));
  const pod = byName("web-");
  const cmdPod = byName("cmd-");
  for (let i = 0; i < 100 && !existsSync(join(dir, "ports.json")); i++)
    await new Promise((r) => setTimeout(r, 100));
  const own = JSON.parse(readFileSync(join(dir, "ports.json"), "utf8")) as {
    host: string;
    http: number;
    echo: number;
  };
  if (!svc || !pod || !cmdHttp || !cmdEcho || !cmdPod) throw new Error("bench setup failed");
  const plain = createServer((_q, r) => r.end(JSON.stringify({ pod: "plain", ok: true })));
  const plainPort = await freePort();
  await new Promise<void>((r) => plain.listen(plainPort, "127.0.0.1", () => r()));
  const results: Record<string, number> = {};
  results.http_keepalive_plain_node = await wrk(`http://127.0.0.1:${plainPort}/`, false);
  results.http_keepalive_pod_direct = await wrk(`http://${pod.local}:8080/`, false);
  results.http_keepalive_clusterip = await wrk(`http://${svc.local}:${svc.localPort}/`, false);
  results.conn_rate_plain_node = await wrk(`http://127.0.0.1:${plainPort}/`, true);
  results.conn_rate_pod_direct = await wrk(`http://${pod.local}:8080/`, true);
  results.conn_rate_clusterip = await wrk(`http://${svc.local}:${svc.localPort}/`, true);
  results.bulk_MBps_pod_direct = await bulk(pod.local, 8080, 512);
  results.bulk_MBps_clusterip = await bulk(svc.local, svc.localPort, 512);
  // The command pod: its own socket straight (no michi) vs through the ClusterIP proxy (judge + splice).
  results.cmd_http_keepalive_direct = await wrk(`http://${own.host}:${own.http}/`, false);
  results.cmd_http_keepalive_clusterip = await wrk(`http://${cmdHttp.local}:${cmdHttp.localPort}/`, false);
  results.cmd_conn_rate_direct = await wrk(`http://${own.host}:${own.http}/`, true);
  results.cmd_conn_rate_clusterip = await wrk(`http://${cmdHttp.local}:${cmdHttp.localPort}/`, true);
  results.cmd_bulk_MBps_direct = await bulk(own.host, own.echo, 512);
  results.cmd_bulk_MBps_clusterip = await bulk(cmdEcho.local, cmdEcho.localPort, 512);
  plain.close();
  await stop(proc);
  rmSync(dir, { recursive: true, force: true });
  return results;
}

async function scale(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), "michi-bench-s-"));
  const docs: string[] = [];
  // 200 deployments × 5 replicas = 1 000 pods; 300 services (200 per app + 100 per app group).
  for (let i = 0; i < 200; i++) {
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${i}, namespace: bench}
spec:
  replicas: 5
  selector: {matchLabels: {app: app-${i}}}
  template:
    metadata: {labels: {app: app-${i}, group: g-${i % 100}}}
    spec:
      containers: [{name: c, image: agnhost, ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: app-${i}, namespace: bench}
spec:
  selector: {app: app-${i}}
  ports: [{port: 80, targetPort: http}]`);
  }
  for (let g = 0; g < 100; g++) {
    docs.push(`apiVersion: v1
kind: Service
metadata: {name: group-${g}, namespace: bench}
spec:
  selector: {group: g-${g}}
  ports: [{port: 80, targetPort: http}]`);
  }
  docs.push("apiVersion: v1\nkind: Namespace\nmetadata: {name: bench}");
  writeFileSync(join(dir, "scale.yaml"), `${docs.join("\n---\n")}\n`);
  const ui = await freePort();
  // 1 000 pods need more than 3 nodes' /24 pod ranges (and kubelet's default max is 110 pods per node).
  const { proc, readyMs } = await startUp(dir, 244, ui, ["--nodes", "10"]);
  const pods = (await (await fetch(`http://127.0.0.1:${ui}/api/up/pods`)).json()) as { items: unknown[] };
  const rss = rssMB(proc.pid as number);
  await stop(proc);
  rmSync(dir, { recursive: true, force: true });
  return { scale_pods: pods.items.length, scale_services: 300, startup_ms: Math.round(readyMs), rss_MB: rss };
}

const results = { ...(await dataPath()), ...(await scale()) };
const ratio = (a = 0, b = 1) => Math.round((a / b) * 100) / 100;
const summary = {
  ...results,
  ratio_keepalive_clusterip_vs_pod: ratio(
    results.http_keepalive_clusterip,
    results.http_keepalive_pod_direct,
  ),
  ratio_connrate_clusterip_vs_pod: ratio(results.conn_rate_clusterip, results.conn_rate_pod_direct),
  ratio_bulk_clusterip_vs_pod: ratio(results.bulk_MBps_clusterip, results.bulk_MBps_pod_direct),
  ratio_cmd_keepalive_clusterip_vs_direct: ratio(
    results.cmd_http_keepalive_clusterip,
    results.cmd_http_keepalive_direct,
  ),
  ratio_cmd_connrate_clusterip_vs_direct: ratio(
    results.cmd_conn_rate_clusterip,
    results.cmd_conn_rate_direct,
  ),
  ratio_cmd_bulk_clusterip_vs_direct: ratio(results.cmd_bulk_MBps_clusterip, results.cmd_bulk_MBps_direct),
};
mkdirSync(join(ROOT, "bench/out"), { recursive: true });
writeFileSync(join(ROOT, "bench/out/up.json"), `${JSON.stringify(summary, null, 2)}\n`);
for (const [k, v] of Object.entries(summary)) process.stdout.write(`${k.padEnd(40)} ${v}\n`);
