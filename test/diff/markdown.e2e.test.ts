/**
 * The PR comment renders: `michi diff -o md` for all five idp-system edits,
 * turned into HTML by a GitHub-flavoured Markdown renderer (marked) and shown
 * in real Chromium: the summary table comes first with one row per kind of
 * change and its count, each kind has a collapsible <details> section whose
 * table appears when opened, and nothing in the manifests turns into markup.
 */
import { marked } from "marked";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeConfig } from "../../src/cluster/config.js";
import { diffManifests } from "../../src/diff/diff.js";
import { formatDiffMarkdown } from "../../src/report/diff-markdown.js";
import { loadSnapshot } from "../../src/snapshot/load.js";
import { type Browser, openBrowser } from "../web/browser.js";
import { EXAMPLE, editedCopy, SCENARIOS } from "./scenarios.js";

let browser: Browser;
let md: string;
const copy = editedCopy(Object.values(SCENARIOS));

beforeAll(async () => {
  const base = await loadSnapshot([EXAMPLE], makeConfig({}));
  const head = await loadSnapshot([copy.dir], makeConfig({}));
  md = formatDiffMarkdown(diffManifests(base, head));
  browser = await openBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  copy.cleanup();
});

describe("michi diff -o md in Chromium", () => {
  it("shows the summary table first and a collapsible section per kind of change", async () => {
    const html = await marked.parse(md, { gfm: true });
    const { page } = browser;
    await page.setContent(`<!doctype html><html><body><main>${html}</main></body></html>`);
    const order = await page.$$eval("main > *", (els) => els.map((e) => e.tagName));
    expect(order.slice(0, 2)).toEqual(["H3", "TABLE"]);
    const summary = await page.$$eval("main > table:first-of-type tbody tr", (rows) =>
      rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent?.trim())),
    );
    expect(summary).toContainEqual(["Connections newly allowed", "1"]);
    expect(summary).toContainEqual(["Connections newly denied", "1"]);
    expect(summary).toContainEqual(["Routes changed", "1"]);
    expect(summary).toContainEqual(["DNS names changed", "1"]);
    expect(summary).toContainEqual(["Service backends changed", "2"]);
    const sections = await page.$$eval("details > summary", (s) => s.map((x) => x.textContent));
    expect(sections).toContain("Connections newly allowed (1)");
    expect(sections).toContain("Routes changed (1)");
    // Closed by default: the detail tables are hidden until opened.
    const routes = page.locator("details", { hasText: "Routes changed" });
    expect(await routes.locator("table").isVisible()).toBe(false);
    await routes.locator("summary").click();
    expect(await routes.locator("table").isVisible()).toBe(true);
    const cells = await routes.locator("tbody td").allTextContents();
    expect(cells.join(" ")).toContain("GET https://auth.example.com/admin");
    expect(cells.join(" ")).toContain("idp-system/frontend:80");
    const conn = page.locator("details", { hasText: "Connections newly allowed" });
    await conn.locator("summary").click();
    const row = await conn.locator("tbody tr").first().locator("td").allTextContents();
    expect(row.slice(0, 3)).toEqual([
      "deployment/monitoring/prometheus",
      "deployment/idp-system/idp-server",
      "TCP/9090",
    ]);
    expect(row[5]).toMatch(/60-network-policy\.yaml:26:11$/);
    expect(await page.locator("script, img, iframe").count()).toBe(0);
    expect(browser.errors).toEqual([]);
    await browser.shot("diff-markdown");
  });
});
