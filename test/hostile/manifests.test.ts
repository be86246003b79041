/**
 * Hostile manifests: documents nested 100 000 levels, YAML alias bombs and
 * symlink loops, fed to `michi validate` (a directory, the CLI as built) and
 * to a running `michi up`'s admin API (/api/apply, twice: the abort came on
 * the second parse). Each must give a clear file:line:col error and leave
 * the process running — validate under a 160 MB heap cap, up with DNS and a
 * Service answering throughout (a probe loop counts their failures: zero).
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadManifests } from "../../src/api/load.js";
import { CLI, type FrontendInfo, startUp, type Up, writeManifests } from "../e2e/harness.js";
import { aliasBomb } from "./inputs.js";
import { peakRssMb, startProbes } from "./probe.js";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 90_000 });

const BLOCK = 120;
const DEEP = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
const CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain}\ndata: {a: b}\n";

/** Runs the built CLI with a capped heap; the exit code and stderr. */
function cli(
  args: string[],
  heapMb: number,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, CLI, ...args], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("exit", (code, signal) => res({ code, signal, stderr }));
  });
}

describe("michi validate on a directory of hostile files", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "michi-hostile-"));
    writeFileSync(join(dir, "deep-1.json"), DEEP);
    writeFileSync(join(dir, "deep-2.json"), DEEP);
    writeFileSync(join(dir, "deep-3.yaml"), `${"- ".repeat(100_000)}x\n`);
    writeFileSync(join(dir, "bomb-7.yaml"), aliasBomb(7));
    writeFileSync(join(dir, "bomb-9.yaml"), aliasBomb(9, false));
    writeFileSync(join(dir, "plain.yaml"), CONFIGMAP);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reports every file with its position and exits 1, within a 160 MB heap", async () => {
    const r = await cli(["validate", "-f", dir], 160);
    expect(r.stderr).not.toMatch(/FATAL|heap out of memory|RangeError| {4}at /);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    const lines = r.stderr.split("\n");
    for (const f of ["deep-1.json", "deep-2.json", "deep-3.yaml"]) {
      expect(lines).toContainEqual(
        expect.stringMatching(new RegExp(`${f}:1:\\d+: .*document nested too deeply: more than 256 levels`)),
      );
    }
    for (const f of ["bomb-7.yaml", "bomb-9.yaml"]) {
      expect(lines).toContainEqual(
        expect.stringMatching(new RegExp(`${f}:\\d+:\\d+: .*document contains excessive aliasing`)),
      );
    }
  });
});

describe("symlink loops in a manifest directory", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "michi-links-"));
    writeFileSync(join(dir, "a.yaml"), CONFIGMAP);
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "sub", "b.yaml"), CONFIGMAP.replace("plain", "sub"));
    symlinkSync("..", join(dir, "sub", "up"));
    mkdirSync(join(dir, "d"));
    writeFileSync(join(dir, "d", "c.yaml"), CONFIGMAP.replace("plain", "dee"));
    symlinkSync(".", join(dir, "d", "a"));
    symlinkSync(".", join(dir, "d", "b"));
    symlinkSync("a.yaml", join(dir, "link.yaml"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("every real file is read once, under the first name that reaches it", async () => {
    const r = await loadManifests([dir, join(dir, "sub"), join(dir, "d", "a", "b", "c.yaml")]);
    expect(r.diagnostics).toEqual([]);
    const names = r.objects.map((o) => (o.metadata as { name: string }).name).sort();
    expect(names).toEqual(["dee", "plain", "sub"]);
  });

  it("michi validate finishes on it", async () => {
    const r = await cli(["validate", "-f", dir], 160);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});

const APP = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
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

describe("hostile applies to a running michi up", () => {
  let up: Up;
  let dir: string;
  beforeAll(async () => {
    dir = writeManifests({ "app.yaml": APP });
    up = await startUp({ block: BLOCK, paths: [dir] });
  });
  afterAll(async () => {
    await up?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("deep documents and alias bombs are refused with 422 and positions; DNS and the Service keep answering", async () => {
    const { token } = JSON.parse(readFileSync(join(up.stateDir, "instances", "michi.json"), "utf8")) as {
      token: string;
    };
    const fe = (await up.api<{ frontends: FrontendInfo[] }>("/api/up")).frontends.find(
      (f) => f.service.startsWith("default/web:") && f.kind === "ClusterIP",
    );
    expect(fe?.local).toBeDefined();
    const probes = startProbes(up, {
      dnsName: "web.default.svc.cluster.local",
      http: { host: fe?.local as string, port: fe?.localPort as number },
    });
    const bodies = [DEEP, DEEP, `${"{a: ".repeat(100_000)}`, aliasBomb(7), aliasBomb(9), aliasBomb(9, false)];
    for (const body of bodies) {
      const res = await fetch(`${up.server}/api/apply?file=attack.yaml`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/yaml" },
        body,
      });
      expect(res.status).toBe(422);
      const out = (await res.json()) as { lines: string[] };
      expect(out.lines.join("\n")).toMatch(
        /^attack\.yaml:\d+:\d+: .*(document nested too deeply|document contains excessive aliasing)/,
      );
    }
    const totals = await probes.stop();
    expect(totals.errors).toEqual([]);
    expect(totals.failed).toBe(0);
    expect(totals.ok).toBeGreaterThan(0);
    expect(up.proc.exitCode).toBeNull();
    // Measured: ~120 MB peak on the machine this was written on; the bound leaves room.
    expect(await peakRssMb(up.proc.pid as number)).toBeLessThan(400);
  });
});
