// `michi route --gateway` through the real CLI: the JSON shape of shared/CLI.md "Gateway API".
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const exec = promisify(execFile);
const SHOP = "test/gateway/fixtures/shop.yaml";

async function route(...args: string[]) {
  const res = await exec(
    process.execPath,
    ["--import", "tsx", "src/cli/main.ts", "route", "-f", SHOP, ...args],
    { cwd: ROOT },
  );
  return res.stdout;
}

describe("michi route --gateway", () => {
  it("explains a proxied request: listener, route, backend, upstream path and headers", async () => {
    const j = JSON.parse(
      await route("http://www.shop.example/api/items?x=1", "--gateway", "shop/web", "-o", "json"),
    );
    expect(j).toMatchObject({
      status: 200,
      gateway: "shop/web",
      listener: "http",
      route: { kind: "HTTPRoute", name: "shop/api", rule: 0, match: 0 },
      backend: { service: "shop/api", port: 80 },
      backends: [{ service: "shop/api", port: 80, weight: 1 }],
      upstreamPath: "/v1/items?x=1",
      upstreamHost: "www.shop.example",
      requestHeaders: { host: "www.shop.example", "x-from": "gateway" },
      location: null,
    });
    expect(j.endpoints).toHaveLength(1);
  }, 60_000);

  it("uses the only Gateway without --gateway; redirects and 404s", async () => {
    const r = JSON.parse(await route("http://www.shop.example/old", "-o", "json"));
    expect(r).toMatchObject({ status: 301, gateway: "shop/web", location: "https://www.shop.example/new" });
    const n = JSON.parse(await route("http://other.shop.example/api", "-o", "json"));
    expect(n).toMatchObject({ status: 404, route: null });
    const text = await route("http://www.shop.example/api/x", "-H", "Host: www.shop.example");
    expect(text).toContain("upstream path: /v1/x");
  }, 60_000);
});
