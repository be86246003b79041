/**
 * Several `michi up` at once: one record per instance (created exclusively,
 * mode 0600), client commands that pick the instance by --name, by --server
 * or as the only one running and refuse to guess between two; a second
 * instance under a running name refused. And `apply`/`delete` in kubectl's
 * words: created, unchanged (nothing swapped), configured, deleted, NotFound.
 */
import { lstatSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpGet, runCli, startUp, type Up, writeManifests } from "./harness.js";

const BLOCK = 110;

const app = (replicas: number) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: agnhost, ports: [{containerPort: 8080}]}]
`;

const svc = `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`;

let state: string;
let dir: string;
let a: Up;
let b: Up | undefined;
const env = () => ({ ...process.env, MICHI_STATE_DIR: state });

beforeAll(async () => {
  state = mkdtempSync(join(tmpdir(), "michi-instances-"));
  dir = writeManifests({ "app.yaml": app(1) });
  a = await startUp({ block: BLOCK, paths: [dir], stateDir: state, extra: ["--name", "alpha"] });
});

afterAll(async () => {
  await b?.stop();
  await a?.stop();
  rmSync(state, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

describe("instance records", () => {
  it("writes one private record per instance", () => {
    const st = lstatSync(join(state, "instances", "alpha.json"));
    expect(st.mode & 0o777).toBe(0o600);
    expect(lstatSync(join(state, "instances")).mode & 0o777).toBe(0o700);
  });

  it("refuses a second instance with a running name, before it serves anything", async () => {
    const r = await runCli(["up", "-f", dir, "--name", "alpha", "--ui", "127.0.0.1:0"], env());
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/a michi up named "alpha" is already running/);
  });

  it("picks the only instance, refuses to guess between two, and takes --name or --server", async () => {
    const only = await runCli(["flows", "-o", "json"], env());
    expect(only.code).toBe(0);
    b = await startUp({ block: BLOCK + 5, paths: [dir], stateDir: state, extra: ["--name", "beta"] });
    const guess = await runCli(["flows", "-o", "json"], env());
    expect(guess.code).not.toBe(0);
    expect(guess.stderr).toMatch(/2 michi up instances are running \(alpha at .*, beta at .*\)/);
    const named = await runCli(["probe", "--name", "beta", "-n", "default", "-o", "json"], env());
    expect(named.code, named.stderr).toBe(0);
    // beta's pods live in its own block: 10.115.x → 127.115.x.
    const byServer = await runCli(["flows", "--server", b.server, "-o", "json"], env());
    expect(byServer.code, byServer.stderr).toBe(0);
    const unknown = await runCli(["flows", "--name", "gamma"], env());
    expect(unknown.stderr).toMatch(/no running michi up named "gamma" \(running: alpha, beta\)/);
  });

  it("a start that cannot serve its admin API exits and leaves nothing listening", async () => {
    const { createServer } = await import("node:net");
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    const port = (taken.address() as { port: number }).port;
    try {
      // Its own block (10.125.x), so nothing else of this file holds the addresses.
      const r = await runCli(
        [
          "up",
          "-f",
          dir,
          "--name",
          "epsilon",
          "--ui",
          `127.0.0.1:${port}`,
          "--http",
          "none",
          "--https",
          "none",
          "--pod-cidr",
          "10.125.0.0/16",
          "--service-cidr",
          "10.126.0.0/16",
          "--dns-service-ip",
          "10.126.0.10",
          "--node-cidr",
          "10.127.0.0/24",
          "--lb-cidr",
          "10.127.1.0/24",
          "--dns-upstreams",
          "none",
          "--low-port-offset",
          "20000",
        ],
        env(),
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/cannot serve the admin API\/UI on 127\.0\.0\.1:\d+: already in use/);
    } finally {
      taken.close();
    }
  });

  it("a symlink where the record goes is refused, not followed", async () => {
    const target = join(state, "elsewhere.json");
    writeFileSync(target, "{}");
    const { symlinkSync } = await import("node:fs");
    symlinkSync(target, join(state, "instances", "delta.json"));
    const r = await runCli(
      ["up", "-f", dir, "--name", "delta", ...["--ui", "127.0.0.1:0", "--http", "none", "--https", "none"]],
      env(),
    );
    expect(r.stderr).toMatch(/delta\.json is a symlink: refusing to follow it/);
    expect(lstatSync(target).size).toBe(2);
  });
});

describe("the admin API answers this machine's clients only", () => {
  it("refuses a DNS-rebinding Host and a pod's own address on read endpoints too", async () => {
    const port = Number(new URL(a.server).port);
    expect((await httpGet("127.0.0.1", port, { path: "/api/up" })).status).toBe(200);
    const rebinding = await httpGet("127.0.0.1", port, {
      path: "/api/flows",
      headers: { host: "evil.example.com" },
    });
    expect(rebinding.status).toBe(403);
    const pods = await a.api<{ items: { local: string }[] }>("/api/up/pods");
    const podLocal = pods.items[0]?.local;
    expect(podLocal).toMatch(/^127\./);
    const fromPod = await httpGet("127.0.0.1", port, { path: "/api/up", localAddress: podLocal as string });
    expect(fromPod.status).toBe(403);
    expect(fromPod.body).toMatch(/this machine's own clients only/);
  });
});

describe("apply and delete in kubectl's words", () => {
  it("created, unchanged, configured, deleted, and NotFound for what is not there", async () => {
    const files = writeManifests({ "svc.yaml": svc, "app.yaml": app(2) });
    try {
      const cli = (args: string[]) => runCli([...args, "--name", "alpha"], env());
      const created = await cli(["apply", "-f", join(files, "svc.yaml")]);
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toBe("service/web created\n");
      const v = /snapshot (\d+)/.exec(created.stderr)?.[1];
      const again = await cli(["apply", "-f", join(files, "svc.yaml")]);
      expect(again.stdout).toBe("service/web unchanged\n");
      // Nothing was swapped: the same snapshot serves.
      expect(/snapshot (\d+)/.exec(again.stderr)?.[1]).toBe(v);
      const configured = await cli(["apply", "-f", join(files, "app.yaml")]);
      expect(configured.stdout).toBe("deployment.apps/web configured\n");
      const deleted = await cli(["delete", "-f", join(files, "svc.yaml")]);
      expect(deleted.stdout).toBe("service/web deleted\n");
      const missing = await cli(["delete", "-f", join(files, "svc.yaml")]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe('Error from server (NotFound): services "web" not found\n');
    } finally {
      rmSync(files, { recursive: true, force: true });
    }
  });
});
