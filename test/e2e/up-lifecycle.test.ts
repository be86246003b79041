/**
 * Pods that run a local command (annotation michi.dev/command) and the
 * lifecycle of `michi up`: the command gets the kubelet's environment and its
 * bind address, serves through the service and the policy path, its output
 * is in `michi logs`, a crashing command is restarted with backoff, and on
 * SIGINT everything stops (exit 0, no process or state file left). Port
 * conflicts fail fast naming the address.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type FrontendInfo, rawHttp, startUp, type Up, type UpPodInfo, writeManifests } from "./harness.js";

// CLI runs take seconds each on a loaded machine; these are not timing assertions.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 });

const BLOCK = 220;

const SERVER_JS = `
const http = require("node:http");
const server = http.createServer((req, res) => {
  res.end(JSON.stringify({
    pod: process.env.POD_NAME, ns: process.env.POD_NAMESPACE, ip: process.env.POD_IP,
    kube: process.env.KUBERNETES_SERVICE_HOST, greeting: process.env.GREETING,
    from: req.socket.remoteAddress,
  }));
});
server.listen(Number(process.env.PORT), process.env.MICHI_BIND_HOST, () => {
  console.log("pid " + process.pid + " listening on " + process.env.MICHI_BIND_HOST + ":" + process.env.PORT);
});
process.on("SIGTERM", () => { console.log("bye"); process.exit(0); });
`;

function manifests(dir: string): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  replicas: 1
  selector: {matchLabels: {app: app}}
  template:
    metadata:
      labels: {app: app}
      annotations:
        michi.dev/command: "exec node ${join(dir, "server.js")}"
    spec:
      containers:
        - name: app
          image: my/app
          env: [{name: GREETING, value: hello}]
          ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: app}
spec:
  type: NodePort
  selector: {app: app}
  ports: [{port: 80, targetPort: http, nodePort: 30090}]
---
apiVersion: v1
kind: Pod
metadata:
  name: crashy
  annotations:
    michi.dev/command: "echo started; exit 3"
spec:
  restartPolicy: Always
  containers: [{name: c, image: busybox}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers: [{name: c, image: curl}]
`;
}

let up: Up;
let dir: string;
let mdir: string;

/** Gone, or a zombie waiting for a PID 1 that does not reap (containers). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

beforeAll(async () => {
  dir = writeManifests({ "server.js": SERVER_JS });
  mdir = writeManifests({ "app.yaml": manifests(dir) });
  up = await startUp({ block: BLOCK, paths: [mdir], extra: ["--backoff-scale", "0.01"] });
});

afterAll(async () => {
  if (up && up.proc.exitCode === null) await up.stop();
  for (const d of [dir, mdir, up?.stateDir]) if (d) rmSync(d, { recursive: true, force: true });
});

async function logs(pod: string): Promise<string> {
  const r = await up.cli(["logs", pod]);
  return r.stdout;
}

describe("pods running a local command", () => {
  it("serves through its service with the kubelet's environment; sees the client's address", async () => {
    const pods = (await up.api<{ items: UpPodInfo[] }>("/api/up/pods")).items;
    const app = pods.find((p) => p.labels.app === "app") as UpPodInfo;
    const client = pods.find((p) => p.name === "client") as UpPodInfo;
    const svc = (await up.api<{ frontends: FrontendInfo[] }>("/api/up")).frontends.find(
      (f) => f.service === "default/app:80" && f.kind === "ClusterIP",
    ) as FrontendInfo;
    let r = await rawHttp(svc.local as string, svc.localPort, { localAddress: client.local });
    for (let i = 0; i < 20 && !r.ok; i++) {
      // The command needs a moment to start listening (no readiness probe gates it).
      await new Promise((res) => setTimeout(res, 100));
      r = await rawHttp(svc.local as string, svc.localPort, { localAddress: client.local });
    }
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const body = JSON.parse(r.body) as Record<string, string>;
    expect(body).toMatchObject({ pod: app.name, ns: "default", ip: app.ip, greeting: "hello" });
    expect(body.kube).toBe(`10.${BLOCK + 1}.0.1`);
    expect(body.from).toBe(client.local);
  });

  it("keeps its output for michi logs", async () => {
    const pods = (await up.api<{ items: UpPodInfo[] }>("/api/up/pods")).items;
    const app = pods.find((p) => p.labels.app === "app") as UpPodInfo;
    expect(await logs(`default/${app.name}`)).toMatch(/listening on 127\.220\.\d+\.\d+:\d+/);
    const builtin = await up.cli(["logs", "default/client"]);
    expect(builtin.code).toBe(1);
  });

  it("restarts a crashing command with backoff (restartPolicy Always)", async () => {
    const deadline = Date.now() + 5000;
    let text = "";
    while (Date.now() < deadline) {
      text = await logs("default/crashy");
      if ((text.match(/started/g) ?? []).length >= 3) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((text.match(/started/g) ?? []).length).toBeGreaterThanOrEqual(3);
    expect(text).toContain("exited with code 3");
  });
});

describe("lifecycle", () => {
  it("fails fast when an address is taken, naming it and what to do", async () => {
    const blocker = createServer();
    const hostIP = `127.${BLOCK + 12}.255.1`;
    await new Promise<void>((r) => blocker.listen({ host: hostIP, port: 30090 }, () => r()));
    const mdir = writeManifests({ "app.yaml": manifests(dir) });
    try {
      await expect(startUp({ block: BLOCK + 10, paths: [mdir] })).rejects.toThrow(
        new RegExp(
          `tcp ${hostIP.replace(/\./g, "\\.")}:30090 \\(NodePort default/app:80/TCP\\): already in use[\\s\\S]*--node-port-range`,
        ),
      );
    } finally {
      blocker.close();
      rmSync(mdir, { recursive: true, force: true });
    }
  });

  it("SIGINT drains and exits 0: no command process, listener or state file left", async () => {
    const pods = (await up.api<{ items: UpPodInfo[] }>("/api/up/pods")).items;
    const app = pods.find((p) => p.labels.app === "app") as UpPodInfo;
    const pid = Number(/pid (\d+)/.exec(await logs(`default/${app.name}`))?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(existsSync(join(up.stateDir, "instances", "michi.json"))).toBe(true);
    const stateDir = up.stateDir;
    const stateFileGone = () => !existsSync(join(stateDir, "instances", "michi.json"));
    up.proc.kill("SIGINT");
    const code = await new Promise<number | null>((r) => up.proc.once("exit", (c) => r(c)));
    expect(code).toBe(0);
    expect(stateFileGone()).toBe(true);
    expect(alive(pid)).toBe(false);
    const r = await rawHttp(app.local, 8080, { timeoutMs: 500 });
    expect(r).toEqual({ ok: false, error: "ECONNREFUSED" });
    expect(up.stdout()).toContain("michi: stopped");
  });
});

describe("output to a closed pipe (michi up | head)", () => {
  it("keeps serving and still stops cleanly on SIGTERM", async () => {
    const mdir2 = writeManifests({ "app.yaml": manifests(dir) });
    const other = await startUp({ block: BLOCK + 25, paths: [mdir2] });
    try {
      // The reader goes away, as `head` does after its lines.
      other.proc.stdout?.destroy();
      other.proc.stderr?.destroy();
      expect((await fetch(`${other.server}/readyz`)).status).toBe(200);
      expect(await other.stop("SIGTERM")).toBe(0);
    } finally {
      rmSync(mdir2, { recursive: true, force: true });
    }
  });
});
