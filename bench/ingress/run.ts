/**
 * HTTP benchmark, one run: wrk against (a) the upstream directly, (b) nginx
 * (Debian nginx-light, config generated from the same Ingress, 1 worker,
 * upstream keep-alive) and (c) michi's proxy (1 Node process) in front of the
 * same upstream. Reports requests/s, p50/p99 and the michi/nginx ratio, then
 * the route-compile numbers. Loopback only.
 * With `--baseline DIR` (another copy of the repository) a second michi built
 * from DIR is measured too, and `--rounds N` repeats nginx / baseline / michi
 * back to back N times (A/B in the same conditions on a noisy machine).
 * A moderate-load run (few connections: neither proxy saturated) reports the
 * latency a user sees when the proxy is not the bottleneck.
 * Usage: npx tsx bench/ingress/run.ts [--duration 10] [--connections 50] [--moderate-connections 4] [--rounds 1] [--baseline DIR]
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { generateNginxConf, upstreamConf } from "./nginx-conf.js";
import { benchTable } from "./scenario.js";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? def) : def;
};
const duration = Number(arg("--duration", "10"));
const connections = Number(arg("--connections", "50"));
/** The moderate-load runs: few connections, so neither proxy is saturated. */
const moderate = Number(arg("--moderate-connections", "4"));
const rounds = Number(arg("--rounds", "1"));
const baseline = arg("--baseline", "");

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function waitPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.destroy();
        r(true);
      });
      s.on("error", () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`port ${port} never opened`);
}

interface WrkResult {
  rps: number;
  requests: number;
  /** CPU time (user + system) of the measured process per request, when its pid was given. */
  cpuUsPerRequest?: number;
  p50ms: number;
  p99ms: number;
  errors: string;
}

function toMs(v: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(v.trim());
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  return m[2] === "us" ? n / 1000 : m[2] === "s" ? n * 1000 : n;
}

/** utime + stime of a process, in clock ticks (USER_HZ, 100 on Linux). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(f[11]) + Number(f[12]);
}

async function wrk(port: number, host: string, pid?: number, conns = connections): Promise<WrkResult> {
  const before = pid !== undefined ? cpuTicks(pid) : 0;
  const { stdout } = await run(
    "wrk",
    [
      "-t1",
      `-c${conns}`,
      `-d${duration}s`,
      "--latency",
      "-H",
      `Host: ${host}`,
      `http://127.0.0.1:${port}/api/items`,
    ],
    { maxBuffer: 1 << 20 },
  );
  const ticks = pid !== undefined ? cpuTicks(pid) - before : 0;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? Number.NaN);
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? Number.NaN);
  const p50 = toMs(/\s50%\s+(\S+)/.exec(stdout)?.[1] ?? "");
  const p99 = toMs(/\s99%\s+(\S+)/.exec(stdout)?.[1] ?? "");
  const errors = [
    /Socket errors:[^\n]*/.exec(stdout)?.[0],
    /Non-2xx or 3xx responses:[^\n]*/.exec(stdout)?.[0],
  ]
    .filter(Boolean)
    .join("; ");
  return {
    rps,
    requests,
    p50ms: p50,
    p99ms: p99,
    errors,
    ...(pid !== undefined ? { cpuUsPerRequest: (ticks * 10_000) / requests } : {}),
  };
}

const children: ChildProcess[] = [];
const tmpDirs: string[] = [];
process.on("exit", () => {
  for (const c of children) c.kill("SIGTERM");
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), "michi-bench-"));
  tmpDirs.push(tmp);
  for (const d of [
    "body",
    "proxy",
    "fastcgi",
    "uwsgi",
    "scgi",
    "ubody",
    "uproxy",
    "ufastcgi",
    "uuwsgi",
    "uscgi",
  ])
    mkdirSync(join(tmp, d), { recursive: true });
  const upstreamPort = await freePort();
  const nginxPort = await freePort();
  writeFileSync(join(tmp, "upstream.conf"), upstreamConf(upstreamPort, tmp));
  const table = benchTable();
  writeFileSync(
    join(tmp, "nginx.conf"),
    generateNginxConf(table, {
      listenPort: nginxPort,
      tmpDir: tmp,
      upstream: () => ({ host: "127.0.0.1", port: upstreamPort }),
    }),
  );
  children.push(spawn("nginx", ["-p", tmp, "-c", join(tmp, "upstream.conf")], { stdio: "inherit" }));
  const nginxMaster = spawn("nginx", ["-p", tmp, "-c", join(tmp, "nginx.conf")], { stdio: "inherit" });
  children.push(nginxMaster);
  // Run michi from tsc output (as dist/ would be), not through tsx's loader.
  const repo = join(here, "..", "..");
  const outDir = join(repo, "node_modules", ".cache", "michi-bench");
  const michi = await startMichi(repo, outDir, upstreamPort);
  const michiPort = michi.port;
  const base = baseline
    ? await startMichi(baseline, join(baseline, ".bench-build"), upstreamPort)
    : undefined;
  const basePort = base?.port ?? 0;
  await Promise.all([waitPort(upstreamPort), waitPort(nginxPort), waitPort(michiPort)]);

  // Warm up each target briefly, then measure in sequence.
  for (const p of [upstreamPort, nginxPort, michiPort, ...(basePort ? [basePort] : [])])
    await run("wrk", ["-t1", "-c10", "-d2s", "-H", "Host: bench.local", `http://127.0.0.1:${p}/api/items`]);
  const direct = await wrk(upstreamPort, "bench.local");
  const abRows: string[] = [];
  // nginx's one worker (the master's child) is the process that does the proxying.
  const master = nginxMaster.pid as number;
  const workerPid = Number(
    readFileSync(`/proc/${master}/task/${master}/children`, "utf8").trim().split(" ")[0],
  );
  let nginx = await wrk(nginxPort, "bench.local", workerPid || undefined);
  let michiR = await wrk(michiPort, "bench.local", michi.pid);
  for (let r = 0; r < rounds; r++) {
    if (r > 0) {
      nginx = await wrk(nginxPort, "bench.local", workerPid || undefined);
      michiR = await wrk(michiPort, "bench.local", michi.pid);
    }
    const baseR = base ? await wrk(basePort, "bench.local", base.pid) : undefined;
    const row = (name: string, x: WrkResult) =>
      `${name} ${x.rps.toFixed(0)} (p50 ${x.p50ms.toFixed(2)}, p99 ${x.p99ms.toFixed(2)}, ratio ${(x.rps / nginx.rps).toFixed(2)}, ${x.cpuUsPerRequest?.toFixed(0)} µs CPU/req)`;
    if (rounds > 1 || baseR)
      abRows.push(
        `round ${r + 1}: nginx ${nginx.rps.toFixed(0)} (${nginx.cpuUsPerRequest?.toFixed(0)} µs CPU/req) | ${row("michi", michiR)}${baseR ? ` | ${row("baseline", baseR)}` : ""}`,
      );
  }
  const nginxModerate = await wrk(nginxPort, "bench.local", workerPid || undefined, moderate);
  const michiModerate = await wrk(michiPort, "bench.local", michi.pid, moderate);
  const { stdout: compile } = await run(process.execPath, [
    join(outDir, "bench", "ingress", "compile-bench.js"),
  ]);
  const { stdout: load } = await run("cat", ["/proc/loadavg"]);
  const fmt = (name: string, r: WrkResult) =>
    `| ${name} | ${r.rps.toFixed(0)} | ${r.p50ms.toFixed(2)} | ${r.p99ms.toFixed(2)} | ${r.errors || "-"} |`;
  process.stdout.write(
    [
      `wrk -t1 -c${connections} -d${duration}s, GET /api/items Host: bench.local, 2-byte upstream body; loadavg ${load.trim()}`,
      "",
      "| target | req/s | p50 ms | p99 ms | errors |",
      "|---|---|---|---|---|",
      fmt("(a) upstream direct (nginx return 200)", direct),
      fmt("(b) nginx 1 worker, keepalive 320", nginx),
      fmt("(c) michi proxy, 1 Node process", michiR),
      "",
      `michi/nginx throughput ratio: ${(michiR.rps / nginx.rps).toFixed(2)}; CPU (user+sys) per request: michi ${michiR.cpuUsPerRequest?.toFixed(0)} µs, nginx worker ${nginx.cpuUsPerRequest?.toFixed(0)} µs`,
      "",
      `moderate load (wrk -t1 -c${moderate}):`,
      fmt("(b) nginx", nginxModerate),
      fmt("(c) michi", michiModerate),
      "",
      ...(abRows.length > 0 ? [...abRows, ""] : []),
      "route compile / lookup:",
      compile.trim(),
      "",
    ].join("\n"),
  );
  for (const c of children) c.kill("SIGTERM");
}

/** Compiles bench/ingress/michi-server.ts of the repository at `repo` into `outDir`, starts it and returns its port and pid. */
async function startMichi(
  repo: string,
  outDir: string,
  upstreamPort: number,
): Promise<{ port: number; pid: number }> {
  const tsc = join(here, "..", "..", "node_modules", "typescript", "bin", "tsc");
  const tscArgs = [
    "--ignoreConfig",
    "--outDir",
    outDir,
    "--rootDir",
    repo,
    "--module",
    "NodeNext",
    "--moduleResolution",
    "NodeNext",
  ];
  tscArgs.push("--target", "ES2023", "--skipLibCheck", "--types", "node");
  const benchDir = join(repo, "bench", "ingress");
  await run(process.execPath, [
    tsc,
    ...tscArgs,
    join(benchDir, "michi-server.ts"),
    join(benchDir, "compile-bench.ts"),
  ]).catch(() => undefined);
  writeFileSync(join(outDir, "package.json"), '{"type":"module"}');
  const michi = spawn(
    process.execPath,
    [join(outDir, "bench", "ingress", "michi-server.js"), String(upstreamPort)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  children.push(michi);
  return new Promise((resolve) =>
    michi.stdout?.once("data", (d: Buffer) =>
      resolve({ port: Number(d.toString().trim()), pid: michi.pid as number }),
    ),
  );
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
