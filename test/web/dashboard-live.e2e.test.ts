/**
 * The Live view on a real running data plane: a `michi up` instance (the
 * runtime's UpInstance on the idp-system example, in its own loopback block)
 * with the dashboard mounted as `up` mounts it (`dashboardForUp`), Chromium
 * on its --ui address, and real `michi curl` requests from pods. The denied
 * request must appear in the streamed flow log with the policy that denied
 * it, the allowed one as FORWARDED, and the verdict filter must hide rows.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeConfig } from "../../src/cluster/config.js";
import { addressMapFor } from "../../src/runtime/addresses.js";
import { UpInstance } from "../../src/runtime/up.js";
import { dashboardForUp } from "../../src/web/up-dashboard.js";
import { type Browser, ensureFrontEnd, openBrowser, ROOT } from "./browser.js";

/** Model ranges 10.220-222.x.x → loopback 127.220-222.x.x: no other test file uses them. */
const BLOCK = 220;
const IS_ROOT = typeof process.getuid === "function" && process.getuid() === 0;

let up: UpInstance;
let server: string;
let b: Browser;

function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(
      process.execPath,
      ["--import", "tsx", join(ROOT, "src/cli/main.ts"), "curl", "--server", server, "--max-time", "5", ...args],
      { cwd: ROOT },
      (error, stdout, stderr) => res({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

function podName(ns: string, prefix: string): string {
  const pod = up.snapshot?.state.pods.find((p) => p.metadata?.namespace === ns && p.metadata?.name?.startsWith(prefix));
  if (!pod) throw new Error(`no pod ${ns}/${prefix}*`);
  return `${ns}/${pod.metadata?.name}`;
}

beforeAll(async () => {
  await ensureFrontEnd();
  const config = makeConfig({
    podCIDR: `10.${BLOCK}.0.0/16`,
    serviceCIDR: `10.${BLOCK + 1}.0.0/16`,
    dnsServiceIP: `10.${BLOCK + 1}.0.10`,
    nodeCIDR: `10.${BLOCK + 2}.0.0/24`,
    loadBalancerCIDR: `10.${BLOCK + 2}.1.0/24`,
  });
  const hostIP = `127.${BLOCK + 2}.255.1`;
  up = new UpInstance({
    paths: [join(ROOT, "examples/idp-system")],
    config,
    addressMap: addressMapFor(config, [], hostIP),
    portRule: { lowPortOffset: IS_ROOT ? 0 : 10000 },
    hostIP,
    ui: { host: "127.0.0.1", port: 0 },
    watch: false,
    deny: "reject",
    dropHoldMs: 1000,
    backoffScale: 1,
    debounceMs: 200,
    dnsUpstreams: [],
    handlers: [dashboardForUp(() => up)],
    log: () => {},
  });
  await up.start();
  server = `http://127.0.0.1:${up.uiAddress?.port}`;
  b = await openBrowser();
}, 60_000);

afterAll(async () => {
  await b?.close();
  await up?.stop();
});

describe("Live view on michi up", () => {
  it("streams a denied and an allowed michi curl with verdicts, policies and filters", async () => {
    const { page } = b;
    await page.goto(`${server}/#/live`);
    await page.getByTestId("counters").getByText("flows forwarded").waitFor();
    await page.locator(".dot.on").waitFor(); // the event stream is connected

    const prometheus = podName("monitoring", "prometheus-");
    const denied = await curl(["--from", prometheus, "http://idp-server.idp-system:9090/metrics"]);
    expect(denied.code, denied.stderr).not.toBe(0);
    const frontend = podName("idp-system", "frontend-");
    const allowed = await curl(["--from", frontend, "http://redis.idp-system:6379/"]);
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
      .poll(async () => Number((await page.getByTestId("counters").locator(".counter", { hasText: "flows rejected" }).locator(".num").textContent())?.replace(/\D/g, "")), { timeout: 10_000 })
      .toBeGreaterThanOrEqual(1);
    await page.mouse.move(0, 0);
    await b.shot("live");

    // The verdict filter hides forwarded flows and keeps the rejected one.
    await page.locator('label.vfilter input[name="FORWARDED"]').uncheck();
    await expect.poll(() => page.locator(".flow[data-verdict=FORWARDED]").count()).toBe(0);
    expect(await rejected.count()).toBeGreaterThan(0);
    expect(b.errors).toEqual([]);
  });

  it("serves the static views from the live snapshot beside the admin API", async () => {
    const summary = (await (await fetch(`${server}/api/summary`)).json()) as { mode: string; counts: { pods: number } };
    expect(summary.mode).toBe("live");
    expect(summary.counts.pods).toBe(up.snapshot?.state.pods.length);
    // The admin API still answers its own routes on the same server.
    expect((await fetch(`${server}/readyz`)).status).toBe(200);
    const upStatus = (await (await fetch(`${server}/api/up`)).json()) as { ready: boolean };
    expect(upStatus.ready).toBe(true);
  });
});
