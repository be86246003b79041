/**
 * The dashboard at 1 000+ pods (10 namespaces × 10 deployments × 10 replicas,
 * one of 30, a NetworkPolicy per namespace) in Chromium: the topology caps pod chips per
 * workload, the object list is virtualised, and the workload heat map is
 * drawn on a canvas whose cells still open the check explanation.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiMatrix } from "../../src/web/api-types.js";
import { type Browser, ensureFrontEnd, openBrowser, startUi, type UiServer } from "./browser.js";

import { BIG, DEPLOYMENTS, manifests, NAMESPACES, REPLICAS } from "./scale-fixture.js";

let dir: string;
let ui: UiServer;
let b: Browser;

beforeAll(async () => {
  await ensureFrontEnd();
  dir = mkdtempSync(join(tmpdir(), "michi-scale-"));
  writeFileSync(join(dir, "cluster.yaml"), manifests());
  // 5 nodes: 1 000 pods need more than three /24 pod CIDRs.
  ui = await startUi([dir], ["--nodes", "5"]);
  b = await openBrowser();
}, 90_000);

afterAll(async () => {
  await b?.close();
  expect(await ui?.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

describe("the dashboard at 1 000 pods", () => {
  it("draws the topology with capped pod chips", async () => {
    const { page } = b;
    await page.goto(`${ui.url}#/topology`);
    const node = page.locator('[data-node="deployment/team-3/svc-4"]');
    await node.waitFor({ timeout: 20_000 });
    expect(await node.locator(".chip-svg").count()).toBe(REPLICAS);
    const big = page.locator('[data-node="deployment/team-0/svc-9"]');
    expect(await big.locator(".chip-svg").count()).toBe(12);
    expect(await big.locator(".more").textContent()).toBe(`+${BIG - 12} pods`);
    expect(await page.locator(".node.workload").count()).toBeGreaterThanOrEqual(NAMESPACES * DEPLOYMENTS);
    // tier t0 pods are isolated for ingress, the others are not.
    expect(
      await page.locator('[data-node="deployment/team-3/svc-0"] .chip-svg.iso-in').count(),
    ).toBeGreaterThan(0);
    expect(
      await page.locator('[data-node="deployment/team-3/svc-1"] .chip-svg.iso-none').count(),
    ).toBeGreaterThan(0);
    expect(b.errors).toEqual([]);
  }, 90_000);

  it("virtualises the object list", async () => {
    const { page } = b;
    await page.goto(`${ui.url}#/objects`);
    await page.reload();
    await page.locator("[data-object]").first().waitFor();
    const rendered = await page.locator("[data-object]").count();
    expect(rendered).toBeLessThan(120); // of more than 1 000 objects
    await page.getByPlaceholder("filter").fill("team-9/svc-9-");
    await expect.poll(() => page.locator('[data-object^="pod/team-9/svc-9-"]').count()).toBe(REPLICAS);
  }, 90_000);

  it("draws the workload matrix on a canvas whose cells explain their verdict", async () => {
    const { page } = b;
    await page.goto(`${ui.url}#/reachability`);
    await page.reload();
    const canvas = page.getByTestId("matrix-canvas");
    await canvas.waitFor({ timeout: 30_000 });
    const m = (await (
      await fetch(`${ui.url}api/matrix?level=workload&port=declared&protocol=TCP`)
    ).json()) as ApiMatrix;
    expect(m.groups.length).toBeGreaterThan(60);
    expect(m.evaluated).toBeLessThan(m.pairs / 100); // classes, not pod pairs
    const i = m.groups.findIndex((g) => g.id === "deployment/team-4/svc-2");
    const j = m.groups.findIndex((g) => g.id === "deployment/team-4/svc-0");
    expect(m.cells[i]?.[j]).toMatchObject({ allowed: 0, denied: REPLICAS * REPLICAS });
    // LABEL = 260 px of axis labels, CELL = 14 px per cell (matrix-canvas.tsx).
    await canvas.click({ position: { x: 260 + j * 14 + 7, y: 260 + i * 14 + 7 } });
    const check = page.getByTestId("check");
    await check.waitFor();
    expect(await check.getByTestId("side-ingress").textContent()).toContain("team-4/tier-rules");
    expect(await check.locator(".check-head .verdict").textContent()).toBe("DENIED");
    await b.shot("reachability-1000-pods");
    expect(b.errors).toEqual([]);
  }, 90_000);
});
