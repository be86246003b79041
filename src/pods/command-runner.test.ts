import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CommandRunner } from "./command-runner.js";

const env = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
/** Gone, or a zombie waiting for a PID 1 that does not reap (containers). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(fn: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error("condition not met");
    await wait(20);
  }
}

describe("CommandRunner", () => {
  it("keeps output and environment", async () => {
    const r = new CommandRunner({
      command: 'echo "pod=$POD_NAME"; echo err >&2',
      env: { ...env, POD_NAME: "p1" },
      restartPolicy: "Never",
    });
    r.start();
    await until(() => r.status().state === "terminated");
    expect(r.logs()).toContain("pod=p1\n");
    expect(r.logs()).toContain("err\n");
    expect(r.status()).toMatchObject({ restarts: 0, lastExitCode: 0 });
  });

  it("restarts per restartPolicy: Always restarts a clean exit, OnFailure only a failure, Never never", async () => {
    const always = new CommandRunner({
      command: "echo run",
      env,
      restartPolicy: "Always",
      backoffScale: 0.001,
    });
    const onFailureOk = new CommandRunner({
      command: "echo run",
      env,
      restartPolicy: "OnFailure",
      backoffScale: 0.001,
    });
    const onFailureBad = new CommandRunner({
      command: "echo run; exit 2",
      env,
      restartPolicy: "OnFailure",
      backoffScale: 0.001,
    });
    for (const r of [always, onFailureOk, onFailureBad]) r.start();
    await until(() => always.status().restarts >= 2 && onFailureBad.status().restarts >= 2);
    await wait(100);
    expect(onFailureOk.status().restarts).toBe(0);
    await Promise.all([always.stop(), onFailureOk.stop(), onFailureBad.stop()]);
  });

  it("backs off exponentially (kubelet: 10 s doubling to 5 min), scaled", async () => {
    const r = new CommandRunner({ command: "exit 1", env, restartPolicy: "Always", backoffScale: 0.001 });
    r.start();
    await until(() => r.backoffHistory.length >= 7);
    await r.stop();
    expect(r.backoffHistory.slice(0, 7)).toEqual([10, 20, 40, 80, 160, 300, 300]);
  });

  it("stop() ends the whole process group", async () => {
    const r = new CommandRunner({ command: "sleep 30 & echo child $!; wait", env, restartPolicy: "Always" });
    r.start();
    await until(() => /child \d+/.test(r.logs()));
    const child = Number(/child (\d+)/.exec(r.logs())?.[1]);
    await r.stop();
    await wait(50);
    expect(alive(child)).toBe(false);
    expect(r.status().state).toBe("terminated");
  });
});
