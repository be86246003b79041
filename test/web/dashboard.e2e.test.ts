/**
 * The dashboard end to end, in real Chromium, on the idp-system example
 * served by `michi ui`: each view opens; the topology shows isolation and
 * details; a denied matrix cell explains the deciding policy; the Try-it
 * forms route a request to idp-server, resolve a name as a pod would and
 * check a connection. Screenshots go to test-artifacts/dashboard/.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, ensureFrontEnd, openBrowser, ROOT, startUi, type UiServer } from "./browser.js";

let ui: UiServer;
let b: Browser;

beforeAll(async () => {
  await ensureFrontEnd();
  ui = await startUi([join(ROOT, "examples/idp-system")]);
  b = await openBrowser();
}, 90_000);

afterAll(async () => {
  await b?.close();
  expect(await ui?.stop()).toBe(0);
});

describe("michi ui on idp-system in Chromium", () => {
  it("serves the page and shows the topology with per-pod isolation", async () => {
    const { page } = b;
    await page.goto(`${ui.url}#/topology`);
    await page.reload(); // a fresh page: no detail panel left open by the previous test
    const idp = page.locator('[data-node="deployment/idp-system/idp-server"]');
    await idp.waitFor();
    // The course policy selects idp-server for Ingress and Egress: every pod chip says so; frontend is open.
    await expect.poll(() => idp.locator(".chip-svg.iso-both").count()).toBe(3);
    expect(
      await page.locator('[data-node="deployment/idp-system/frontend"] .chip-svg.iso-none').count(),
    ).toBe(2);
    // Routes and selection are drawn as edges.
    expect(await page.locator(".edge.route").count()).toBeGreaterThan(0);
    expect(await page.locator(".edge.selects").count()).toBeGreaterThan(5);
    // A pod chip opens the pod's detail: isolation, resolv.conf, env, YAML.
    await idp.locator(".chip-svg").first().click();
    const detail = page.getByTestId("detail");
    await detail.getByText("isolated: ingress + egress").waitFor();
    await expect
      .poll(() => detail.locator("pre.code").first().textContent())
      .toContain("nameserver 10.96.0.10");
    expect(await detail.textContent()).toContain("idp-system/idp-server-network-policy");
    expect(await detail.textContent()).toContain("REDIS_SERVICE_HOST=");
    await page.mouse.move(0, 0); // no hover highlight in the screenshot
    await b.shot("topology");
    // A service node shows its endpoints.
    await page.locator('[data-node="service/idp-system/idp-server"]').click();
    await detail.getByText("Endpoints (3)").waitFor();
    expect(b.errors).toEqual([]);
  }, 60_000);

  it("explains a denied reachability cell with the deciding policy", async () => {
    const { page } = b;
    await page.goto(`${ui.url}#/reachability`);
    await page.reload(); // a fresh page: no detail panel left open by the previous test
    const cell = page.locator(
      'td[data-from="deployment/monitoring/prometheus"][data-to="deployment/idp-system/idp-server"]',
    );
    await cell.waitFor();
    expect(await cell.getAttribute("data-verdict")).toBe("deny");
    await cell.locator("button").click();
    const check = page.getByTestId("check");
    await check.waitFor();
    const ingress = check.getByTestId("side-ingress");
    await ingress.getByText("DENIED", { exact: true }).waitFor();
    expect(await ingress.textContent()).toContain("idp-system/idp-server-network-policy");
    expect(await ingress.textContent()).toMatch(/does not match namespaceSelector name=monitoring/);
    expect(await check.getByTestId("side-egress").textContent()).toContain("ALLOWED");
    // The ingress controller reaches idp-server on 8080 but not 9090: a partial cell.
    const partial = page.locator(
      'td[data-from="deployment/ingress-nginx/ingress-nginx-controller"][data-to="deployment/idp-system/idp-server"]',
    );
    expect(await partial.getAttribute("data-verdict")).toBe("some");
    await b.shot("reachability");
    // Filtering by port recomputes: port 8080 from the controller is allowed everywhere on idp-server.
    await page.locator('input[name="port"]').fill("8080");
    await page.locator('input[name="port"]').press("Enter");
    await expect.poll(() => partial.getAttribute("data-verdict")).toBe("all");
    expect(b.errors).toEqual([]);
  }, 60_000);

  it("routes a request, resolves a name as a pod and checks a connection in Try it", async () => {
    const { page } = b;
    await page.goto(`${ui.url}#/try`);
    await page.reload(); // a fresh page: no detail panel left open by the previous test
    const route = page.getByTestId("route-form");
    await route.getByLabel("URL").fill("https://auth.example.com/login");
    await route.getByRole("button", { name: "Route" }).click();
    const result = page.getByTestId("route-result");
    await result.waitFor();
    expect(await result.textContent()).toContain("idp-system/idp-server");
    expect(await result.locator(".status").textContent()).toBe("200");
    expect(await result.textContent()).toContain("idp-system/idp-ingress");

    const dns = page.getByTestId("dns-form");
    await dns.getByLabel("name", { exact: true }).fill("redis");
    await dns.getByLabel("from pod").fill("idp-system/custom-dns-pod");
    await dns.getByRole("button", { name: "Resolve" }).click();
    const dnsResult = page.getByTestId("dns-result");
    await dnsResult.waitFor();
    expect(await dnsResult.locator(".queries li").first().textContent()).toContain(
      "redis.idp-system.svc.cluster.local",
    );
    expect(await dnsResult.locator(".rcode").textContent()).toBe("NOERROR");

    const check = page.getByTestId("check-form");
    await check.getByLabel("from", { exact: true }).fill("deployment/monitoring/prometheus");
    await check.getByLabel("to", { exact: true }).fill("service/idp-system/idp-server");
    await check.getByLabel("port", { exact: true }).fill("9090");
    await check.getByRole("button", { name: "Check" }).click();
    await check.getByTestId("check").waitFor();
    expect(await check.getByTestId("check").locator(".check-head .verdict").textContent()).toBe("DENIED");
    await b.shot("try-it");
    expect(b.errors).toEqual([]);
  }, 60_000);

  it("lists objects in a filterable virtual list and says Live needs michi up", async () => {
    const { page } = b;
    await page.goto(`${ui.url}#/objects`);
    await page.reload(); // a fresh page: no detail panel left open by the previous test
    await page.locator("[data-object]").first().waitFor();
    // Validation and lint findings, with the course policy's selector problem among them.
    const findings = page.getByTestId("findings");
    await findings.locator("summary").click();
    expect(await findings.textContent()).toContain("networkpolicy/idp-system/idp-server-network-policy");
    await page.getByPlaceholder("filter").fill("postgres-");
    await expect.poll(() => page.locator('[data-object^="pod/idp-system/postgres-"]').count()).toBe(3);
    await page.locator('[data-object="pod/idp-system/postgres-0"]').click();
    await page.getByTestId("detail").getByText("postgres-0.postgres-headless").waitFor();
    await b.shot("objects");
    await page.goto(`${ui.url}#/live`);
    await page.reload(); // a fresh page: no detail panel left open by the previous test
    await page.getByText("michi up -f DIR").waitFor();
    expect(b.errors).toEqual([]);
  }, 60_000);
});
