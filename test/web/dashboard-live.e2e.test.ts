/**
 * The Live view on a real running data plane: `michi up` on the idp-system
 * example (its own loopback block and state directory), Chromium on its --ui
 * address, and real `michi curl` requests from pods. The denied request must
 * appear in the streamed flow log with the policy that denied it, the allowed
 * one as FORWARDED; the verdict filter hides rows; a policy applied from the
 * dashboard with the instance token lets the denied request through.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiObjectList, ApiSummary } from "../../src/web/api-types.js";
import { type Browser, ensureFrontEnd, openBrowser, ROOT } from "./browser.js";

/** Model ranges 10.240-242.x.x → loopback 127.240-242.x.x (test/e2e files use blocks 150-222): no other test file uses them. */
const BLOCK = 240;
const IS_ROOT = typeof process.getuid === "function" && process.getuid() === 0;

let proc: ChildProcess;
let exited: Promise<number | null>;
let stateDir: string;
let server: string;
let token: string;
let pods: string[];
let b: Browser;

function michi(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(
      process.execPath,
      ["--import", "tsx", join(ROOT, "src/cli/main.ts"), ...args],
      { cwd: ROOT, env: { ...process.env, MICHI_STATE_DIR: stateDir } },
      (error, stdout, stderr) =>
        res({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** `michi curl --from POD URL`, finding the running instance through the state file as a user's shell would. */
const curl = (from: string, url: string) => michi(["curl", "--from", from, "--max-time", "5", url]);

function podName(ns: string, prefix: string): string {
  const pod = pods.find((p) => p.startsWith(`${ns}/${prefix}`));
  if (!pod) throw new Error(`no pod ${ns}/${prefix}*`);
  return pod;
}

async function version(): Promise<number> {
  return ((await (await fetch(`${server}/api/summary`)).json()) as ApiSummary).version;
}

beforeAll(async () => {
  await ensureFrontEnd();
  stateDir = mkdtempSync(join(tmpdir(), "michi-live-state-"));
  const n = BLOCK;
  proc = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(ROOT, "src/cli/main.ts"),
      "up",
      "-f",
      join(ROOT, "examples/idp-system"),
      ...["--pod-cidr", `10.${n}.0.0/16`, "--service-cidr", `10.${n + 1}.0.0/16`],
      ...[
        "--dns-service-ip",
        `10.${n + 1}.0.10`,
        "--node-cidr",
        `10.${n + 2}.0.0/24`,
        "--lb-cidr",
        `10.${n + 2}.1.0/24`,
      ],
      ...["--host-ip", `127.${n + 2}.255.1`, "--dns-upstreams", "none"],
      ...[
        "--ui",
        "127.0.0.1:0",
        "--http",
        "none",
        "--https",
        "none",
        "--deny",
        "reject",
        "--drop-hold",
        "1000",
      ],
      ...["--low-port-offset", IS_ROOT ? "0" : "10000"],
    ],
    { cwd: ROOT, env: { ...process.env, MICHI_STATE_DIR: stateDir }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  proc.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  exited = new Promise((r) => proc.on("exit", (code) => r(code)));
  await new Promise<void>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`michi up not ready in 60 s:\n${out}\n${err}`)), 60_000);
    proc.stdout?.on("data", () => {
      if (/ready/.test(out)) {
        clearTimeout(t);
        res();
      }
    });
    void exited.then((code) => {
      clearTimeout(t);
      rej(new Error(`michi up exited ${code}:\n${out}\n${err}`));
    });
  });
  // Where it serves and its admin token, from the state file `michi up` wrote.
  const record = JSON.parse(readFileSync(join(stateDir, "instances", "michi.json"), "utf8")) as {
    server: string;
    token: string;
  };
  server = record.server.replace(/\/$/, "");
  token = record.token;
  const list = (await (await fetch(`${server}/api/objects?kind=pod`)).json()) as ApiObjectList;
  pods = list.items.map((i) => `${i.namespace}/${i.name}`);
  b = await openBrowser();
}, 90_000);

afterAll(async () => {
  await b?.close();
  if (proc && proc.exitCode === null) proc.kill("SIGTERM");
  expect(await exited).toBe(0);
  rmSync(stateDir, { recursive: true, force: true });
});

describe("Live view on michi up", () => {
  it("streams a denied and an allowed michi curl with verdicts, policies and filters", async () => {
    const { page } = b;
    await page.goto(`${server}/#/live`);
    await page.getByTestId("counters").getByText("flows forwarded").waitFor();
    await page.locator(".dot.on").waitFor(); // the event stream is connected

    const prometheus = podName("monitoring", "prometheus-");
    const denied = await curl(prometheus, "http://idp-server.idp-system:9090/metrics");
    expect(denied.code, denied.stderr).not.toBe(0);
    const frontend = podName("idp-system", "frontend-");
    const allowed = await curl(frontend, "http://redis.idp-system:6379/");
    expect(allowed.code, allowed.stderr).toBe(0);

    const rejected = page.locator(".flow[data-verdict=REJECTED]", { hasText: prometheus });
    await rejected.first().waitFor({ timeout: 10_000 });
    expect(await rejected.first().textContent()).toContain("idp-system/idp-server-network-policy");
    expect(await rejected.first().textContent()).toContain("9090/TCP");
    const forwarded = page.locator(".flow[data-verdict=FORWARDED]", { hasText: frontend });
    await forwarded.first().waitFor({ timeout: 10_000 });
    expect(await forwarded.first().textContent()).toContain("6379/TCP");

    // Counters follow the data plane (polled every 2 s).
    await expect
      .poll(
        async () =>
          Number(
            (
              await page
                .getByTestId("counters")
                .locator(".counter", { hasText: "flows rejected" })
                .locator(".num")
                .textContent()
            )?.replace(/\D/g, ""),
          ),
        { timeout: 10_000 },
      )
      .toBeGreaterThanOrEqual(1);
    await page.mouse.move(0, 0);
    await b.shot("live");

    // The verdict filter hides forwarded flows and keeps the rejected one.
    await page.locator('label.vfilter input[name="FORWARDED"]').uncheck();
    await expect.poll(() => page.locator(".flow[data-verdict=FORWARDED]").count()).toBe(0);
    expect(await rejected.count()).toBeGreaterThan(0);
    expect(b.errors).toEqual([]);
  }, 90_000);

  it("applies a policy from the dashboard with the token, and refuses a bad one", async () => {
    const { page } = b;
    await page.goto(`${server}/#/live`);
    await page.reload();
    const card = page.getByTestId("apply");
    await card.locator("summary").click();
    const allow = [
      "apiVersion: networking.k8s.io/v1",
      "kind: NetworkPolicy",
      "metadata: {name: allow-prometheus, namespace: idp-system}",
      "spec:",
      "  podSelector: {matchLabels: {app: idp-server}}",
      "  ingress:",
      "    - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]",
      "      ports: [{port: 9090}]",
    ].join("\n");
    await card.getByLabel("manifests").fill(allow);
    await card.getByLabel("token").fill("not-the-token");
    await card.getByRole("button", { name: "Apply" }).click();
    await expect.poll(() => card.getByTestId("apply-result").textContent()).toContain("HTTP 401");
    expect(await version()).toBe(1);

    await card.getByLabel("token").fill(token);
    await card.getByRole("button", { name: "Apply" }).click();
    await expect.poll(() => card.getByTestId("apply-result").textContent()).toContain("APPLIED");
    expect(await version()).toBe(2);
    await expect
      .poll(() => page.locator(".summary").textContent(), { timeout: 10_000 })
      .toContain("2 policies");

    // The same request Prometheus made before now passes, admitted by the new policy.
    const prometheus = podName("monitoring", "prometheus-");
    const again = await curl(prometheus, "http://idp-server.idp-system:9090/metrics");
    expect(again.code, again.stderr).toBe(0);
    const row = page.locator(".flow[data-verdict=FORWARDED]", { hasText: "idp-system/allow-prometheus" });
    await row.first().waitFor({ timeout: 10_000 });
    expect(await row.first().textContent()).toContain(prometheus);

    // An invalid change is refused whole; the running state stays at version 2.
    await card.getByLabel("manifests").fill(allow.replace("port: 9090", "port: -5"));
    await card.getByRole("button", { name: "Apply" }).click();
    await expect.poll(() => card.getByTestId("apply-result").textContent()).toContain("REFUSED");
    expect(await card.getByTestId("apply-result").locator("pre").textContent()).toContain("allow-prometheus");
    expect(await version()).toBe(2);
    // The refused change is the running configuration's current error (polled every 2 s).
    const findings = page.getByTestId("live-findings");
    await expect
      .poll(() => findings.locator("summary").textContent(), { timeout: 10_000 })
      .toMatch(/1 errors?/);
    expect(await findings.textContent()).toContain("must be between 1 and 65535");
    await page.mouse.move(0, 0);
    await b.shot("live-apply");
    expect(b.errors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
  }, 90_000);

  it("serves the static views from the live snapshot beside the admin API", async () => {
    const summary = (await (await fetch(`${server}/api/summary`)).json()) as {
      mode: string;
      counts: { pods: number };
    };
    expect(summary.mode).toBe("live");
    expect(summary.counts.pods).toBe(pods.length);
    // The admin API still answers its own routes on the same server.
    expect((await fetch(`${server}/readyz`)).status).toBe(200);
    const upStatus = (await (await fetch(`${server}/api/up`)).json()) as { ready: boolean };
    expect(upStatus.ready).toBe(true);
  }, 90_000);
});
