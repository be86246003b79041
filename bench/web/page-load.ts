/**
 * Dashboard page load at 1 000+ pods: `michi ui` on the scale fixture, then
 * Chromium loads each view N times; prints time to the view's first content
 * (navigation start → the view's key element visible) per view, median and max.
 *
 *   npx tsx bench/web/page-load.ts [rounds]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureFrontEnd, openBrowser, startUi } from "../../test/web/browser.js";
import { manifests } from "../../test/web/scale-fixture.js";

const rounds = Number(process.argv[2] ?? 5);
const views: [string, string][] = [
  ["topology", '[data-node="deployment/team-3/svc-4"]'],
  ["reachability", '[data-testid="matrix-canvas"]'],
  ["objects", "[data-object]"],
];

await ensureFrontEnd();
const dir = mkdtempSync(join(tmpdir(), "michi-pageload-"));
writeFileSync(join(dir, "cluster.yaml"), manifests());
const ui = await startUi([dir], ["--nodes", "5"]);
const b = await openBrowser();
try {
  // One warm-up load so the server's first-request work (compiles, caches) is not counted.
  await b.page.goto(`${ui.url}#/topology`);
  await b.page.locator(views[0]![1]).first().waitFor({ timeout: 60_000 });
  for (const [view, selector] of views) {
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      await b.page.goto(`about:blank`);
      await b.page.goto(`${ui.url}#/${view}`);
      await b.page.locator(selector).first().waitFor({ timeout: 60_000 });
      times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    const median = times[Math.floor(times.length / 2)] ?? 0;
    console.log(
      `${view.padEnd(13)} median ${median.toFixed(0)} ms  max ${(times.at(-1) ?? 0).toFixed(0)} ms  (${rounds} loads)`,
    );
  }
} finally {
  await b.close();
  await ui.stop();
  rmSync(dir, { recursive: true, force: true });
}
