/**
 * Lifecycle: a sandbox whose owner was killed with SIGKILL (namespaces,
 * links, tables and the pod processes inside left behind) is found and
 * removed by the next start; a live sandbox of another owner is not touched.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { KernelDataPlane } from "../../src/dataplane/kernel/kernel-dataplane.js";
import { exited } from "../../src/dataplane/kernel/sandbox-registry.js";
import { echoPod, namespacesOf, Planes, requireKernel, runIn, snapshotOf } from "./harness.js";

const planes = new Planes();
beforeAll(requireKernel);
afterEach(() => planes.closeAll());

const ROOT = resolve(import.meta.dirname, "../..");

describe("kernel sandbox lifecycle", () => {
  it("removes a killed run's sandbox (and its pod processes) on the next start, not a live one", async () => {
    const live = await planes.start(snapshotOf(echoPod("x", { app: "x" }, "node-1", [7000])));
    const dir = mkdtempSync(join(tmpdir(), "michi-kernel-"));
    const file = join(dir, "pods.yaml");
    writeFileSync(file, echoPod("web", { app: "web" }, "node-1", [8080]));
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(ROOT, "test/kernel/fixtures/start-and-hang.ts"), file],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const id = await new Promise<string>((res, rej) => {
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
        if (out.includes("\n")) res(out.trim());
      });
      child.on("exit", (code) => rej(new Error(`child exited ${code} before starting`)));
    });
    const left = namespacesOf(id);
    expect(left.length).toBeGreaterThan(3);
    // The pod's command (the peer-echo server) listens in one pod namespace of that sandbox.
    const pids: number[] = [];
    for (let i = 0; i < 150 && pids.length === 0; i++) {
      for (const n of left) {
        const ss = execFileSync("ip", ["netns", "exec", n, "ss", "-Hltn", "sport = :8080"], {
          encoding: "utf8",
        });
        if (ss.trim() === "") continue;
        const out = execFileSync("ip", ["netns", "pids", n], { encoding: "utf8" });
        for (const l of out.split("\n")) if (l.trim()) pids.push(Number(l));
      }
      if (pids.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(pids.length).toBeGreaterThan(0);
    const childGone = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await childGone;
    // Still there: nobody cleaned up.
    expect(namespacesOf(id)).toEqual(left);
    const aliveNow = (pid: number) => !exited(pid);
    expect(pids.every(aliveNow)).toBe(true);
    const next = await KernelDataPlane.create({});
    try {
      expect(namespacesOf(id)).toEqual([]);
      expect(pids.filter(aliveNow)).toEqual([]);
      // The other, live sandbox is intact and still serving.
      expect(namespacesOf(live.id).length).toBeGreaterThan(3);
      const r = await runIn(live.podNetns("default/x") ?? "", ["ip", "-4", "-o", "addr", "show", "eth0"]);
      expect(r.status).toBe(0);
    } finally {
      await next.close();
    }
  });
});
