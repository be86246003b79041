/**
 * Changing a running `michi up`: applies, deletes and --watch reloads while
 * clients keep sending requests — zero failed requests, an established
 * connection survives every swap — and an invalid apply is refused with the
 * validation errors while the running state keeps serving unchanged.
 */
import { rmSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type FrontendInfo, rawHttp, startUp, type Up, type UpPodInfo, writeManifests } from "./harness.js";

// CLI runs take seconds each on a loaded machine; these are not timing assertions.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 });

const BLOCK = 180;

const web = (replicas: number) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: agnhost, ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
`;

const EXTRA = `
apiVersion: v1
kind: Service
metadata: {name: web-extra}
spec:
  selector: {app: web}
  ports: [{port: 8081, targetPort: http}]
`;

const INVALID = `
apiVersion: v1
kind: Service
metadata: {name: broken}
spec:
  selector: {app: web}
  ports: [{port: 70000, targetPort: http}]
`;

let up: Up;
let dir: string;

async function frontends(): Promise<FrontendInfo[]> {
  return (await up.api<{ frontends: FrontendInfo[] }>("/api/up")).frontends;
}

async function clusterIP(service: string): Promise<FrontendInfo> {
  const f = (await frontends()).find((x) => x.service === service && x.kind === "ClusterIP");
  if (!f) throw new Error(`no frontend ${service}`);
  return f;
}

async function applyText(text: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const d = writeManifests({ "m.yaml": text });
  try {
    return await up.cli(["apply", "-f", d]);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}

function echoRoundTrip(sock: Socket, text: string): Promise<string> {
  return new Promise((res, rej) => {
    const t = setTimeout(() => rej(new Error("echo timeout")), 3000);
    sock.once("data", (d: Buffer) => {
      clearTimeout(t);
      res(d.toString());
    });
    sock.write(text);
  });
}

beforeAll(async () => {
  dir = writeManifests({ "web.yaml": web(2) });
  up = await startUp({ block: BLOCK, paths: [dir], extra: ["--watch", "--debounce", "100"] });
});

afterAll(async () => {
  if (up) expect(await up.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

describe("hot reload", () => {
  it("keeps serving through apply, delete and file changes with zero failed requests", async () => {
    const svc = await clusterIP("default/web:80");
    // An established connection (non-HTTP: echoed) opened before any change.
    const longLived = connect({ host: svc.local as string, port: svc.localPort });
    await new Promise((r) => longLived.once("connect", r));
    expect(await echoRoundTrip(longLived, "before")).toBe("before");

    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const worker = async () => {
      while (!stop) {
        const r = await rawHttp(svc.local as string, svc.localPort);
        if (r.ok && r.status === 200) ok++;
        else failures.push(r.ok ? `status ${r.status}` : r.error);
      }
    };
    const workers = Array.from({ length: 4 }, worker);

    const versions: number[] = [];
    const version = async () => (await up.api<{ version: number }>("/api/up")).version;
    versions.push(await version());
    expect((await applyText(web(4))).code).toBe(0); // scale up
    versions.push(await version());
    expect((await applyText(EXTRA)).code).toBe(0); // a new service
    versions.push(await version());
    const extra = await clusterIP("default/web-extra:8081");
    expect((await rawHttp(extra.local as string, extra.localPort)).ok).toBe(true);
    // --watch: the file itself changes (scale down to 1).
    writeFileSync(join(dir, "web.yaml"), web(1));
    const deadline = Date.now() + 5000;
    while (
      (await up.api<{ items: UpPodInfo[] }>("/api/up/pods")).items.filter((p) => p.labels.app === "web")
        .length !== 1
    ) {
      if (Date.now() > deadline) throw new Error("watch reload did not happen");
      await new Promise((r) => setTimeout(r, 100));
    }
    versions.push(await version());
    // delete -f removes the extra service: its address stops answering.
    const d = writeManifests({ "m.yaml": EXTRA });
    const del = await up.cli(["delete", "-f", d]);
    rmSync(d, { recursive: true, force: true });
    expect(del.code).toBe(0);
    expect(await rawHttp(extra.local as string, extra.localPort)).toEqual({
      ok: false,
      error: "ECONNREFUSED",
    });
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all(workers);

    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(20);
    expect(new Set(versions).size).toBe(versions.length);
    // The connection opened at the start is still the same, still working.
    expect(await echoRoundTrip(longLived, "after")).toBe("after");
    longLived.destroy();
  });

  it("an invalid apply is refused with the validation errors; the running state keeps serving", async () => {
    const before = await up.api<{ version: number; frontends: FrontendInfo[] }>("/api/up");
    const r = await applyText(INVALID);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/spec\.ports\[0\]\.port/);
    // The server refuses the same body on its own too (422 with diagnostics), not trusting the client.
    const token = JSON.parse(
      await import("node:fs").then((fs) =>
        fs.readFileSync(join(up.stateDir, "instances", "michi.json"), "utf8"),
      ),
    ) as { token: string };
    const res = await fetch(`${up.server}/api/apply`, {
      method: "POST",
      headers: { authorization: `Bearer ${token.token}`, "content-type": "application/yaml" },
      body: INVALID,
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { lines: string[] };
    expect(body.lines.join("\n")).toMatch(/spec\.ports\[0\]\.port/);
    // Garbage is refused the same way and the server keeps running.
    const garbage = await fetch(`${up.server}/api/apply`, {
      method: "POST",
      headers: { authorization: `Bearer ${token.token}` },
      body: "{{{ not: [yaml",
    });
    expect(garbage.status).toBe(422);
    // Without the token nothing changes either.
    expect((await fetch(`${up.server}/api/apply`, { method: "POST", body: EXTRA })).status).toBe(401);

    const after = await up.api<{
      version: number;
      frontends: FrontendInfo[];
      lastError?: { lines: string[] };
    }>("/api/up");
    expect(after.version).toBe(before.version);
    expect(after.frontends).toEqual(before.frontends);
    expect(after.lastError?.lines.join("\n")).toMatch(/port/);
    const svc = await clusterIP("default/web:80");
    const ok = await rawHttp(svc.local as string, svc.localPort);
    expect(ok.ok && ok.status).toBe(200);
  });

  it("a --watch change that does not validate is refused and logged; the old state serves on", async () => {
    const before = (await up.api<{ version: number }>("/api/up")).version;
    writeFileSync(join(dir, "broken.yaml"), INVALID);
    const deadline = Date.now() + 5000;
    let lastError: { source: string } | undefined;
    while (lastError?.source !== "watch") {
      if (Date.now() > deadline) throw new Error("no refused reload recorded");
      await new Promise((r) => setTimeout(r, 100));
      lastError = (await up.api<{ lastError?: { source: string } }>("/api/up")).lastError;
    }
    expect((await up.api<{ version: number }>("/api/up")).version).toBe(before);
    // The log says what is wrong, one validate-style line per error, not just a count.
    expect(up.stderr()).toMatch(
      /reload refused \(still serving snapshot \d+\): [1-9]\d* error\(s\)\nmichi: {3}\S*broken\.yaml:\d+:\d+: Service default\/broken: spec\.ports\[0\]\.port: Invalid value: 70000/,
    );
    const svc = await clusterIP("default/web:80");
    expect((await rawHttp(svc.local as string, svc.localPort)).ok).toBe(true);
    rmSync(join(dir, "broken.yaml"));
  });
});
