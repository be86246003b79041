/**
 * The course examples, loaded from YAML with the real loader and
 * controllers, served by the real proxy to echo "pods", and requested with
 * curl (HTTPS for auth.example.com verified against the example's Secret)
 * and Node's clients. curl must be installed: the test fails loudly if not.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/cluster/config.js";
import { routeRequest } from "../../src/ingress/route-request.js";
import { compileRoutes } from "../../src/ingress/route-table.js";
import type { RouteTable } from "../../src/ingress/route-types.js";
import { type IngressProxy, startIngressProxy } from "../../src/proxy/ingress-proxy.js";
import { loadSnapshot } from "../../src/snapshot/load.js";
import { type EchoPods, echo, send, startEchoPods } from "./harness.js";

const run = promisify(execFile);

async function curl(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run("curl", ["-sS", "--max-time", "10", ...args]);
    return { code: 0, out: r.stdout };
  } catch (e) {
    const err = e as { code?: number | string; stdout?: string; stderr?: string };
    if (err.code === "ENOENT")
      throw new Error("curl is not installed: these end-to-end tests need it (apt-get install curl)");
    return { code: Number(err.code ?? 1), out: `${err.stdout ?? ""}${err.stderr ?? ""}` };
  }
}

describe("examples/idp-system over HTTPS", () => {
  let table: RouteTable;
  let pods: EchoPods;
  let proxy: IngressProxy;
  let caFile = "";
  let httpPort = 0;
  let httpsPort = 0;

  beforeAll(async () => {
    const loaded = await loadSnapshot(["examples/idp-system"], defaultConfig);
    table = compileRoutes(loaded.state);
    const ips = [
      ...new Set(
        [...table.servers.values()].flatMap((s) =>
          s.ordered.flatMap((l) => l.backend?.endpoints.map((e) => e.ip) ?? []),
        ),
      ),
    ];
    pods = await startEchoPods(ips);
    proxy = await startIngressProxy({
      http: { host: "127.0.0.1", port: 0 },
      https: { host: "127.0.0.1", port: 0 },
      getTable: () => table,
      upstream: pods.upstream,
    });
    httpPort = proxy.addresses.http?.port ?? 0;
    httpsPort = proxy.addresses.https?.port ?? 0;
    const cert = table.servers.get("auth.example.com")?.tls?.cert ?? "";
    caFile = join(mkdtempSync(join(tmpdir(), "michi-ing-")), "ca.pem");
    writeFileSync(caFile, cert);
  });
  afterAll(async () => {
    await proxy?.close(100);
    await pods?.close();
  });

  it("the Ingress is served and the Secret's certificate covers auth.example.com", () => {
    expect(table.ingresses.find((i) => i.name === "idp-ingress")?.served).toBe(true);
    expect(table.ingresses.find((i) => i.name === "idp-alb-ingress")?.served).toBe(false);
    expect(table.servers.get("auth.example.com")?.tls?.secret).toBe("idp-system/idp-tls");
  });

  it("curl https://auth.example.com/login verifies the certificate and reaches an idp-server pod", async () => {
    const r = await curl([
      "--resolve",
      `auth.example.com:${httpsPort}:127.0.0.1`,
      "--cacert",
      caFile,
      `https://auth.example.com:${httpsPort}/login?next=%2F`,
    ]);
    expect(r.code).toBe(0);
    const e = JSON.parse(r.out) as { pod: string; url: string; headers: Record<string, string> };
    const d = routeRequest(table, {
      method: "GET",
      scheme: "https",
      host: "auth.example.com",
      path: "/login",
    });
    expect(d.endpoints.map((x) => x.ip)).toContain(e.pod);
    expect(e.url).toBe("/login?next=%2F");
    expect(e.headers["x-forwarded-proto"]).toBe("https");
    expect(e.headers.host).toBe(`auth.example.com:${httpsPort}`);
  });

  it("curl over plain HTTP gets the 308 to HTTPS (ssl-redirect)", async () => {
    const r = await curl([
      "-o",
      "/dev/null",
      "-w",
      "%{http_code} %{redirect_url}",
      "-H",
      "Host: auth.example.com",
      `http://127.0.0.1:${httpPort}/login`,
    ]);
    expect(r.out).toBe(`308 https://auth.example.com:${httpsPort}/login`);
  });

  it("curl -L follows the redirect to the pod", async () => {
    const r = await curl([
      "-L",
      "--resolve",
      `auth.example.com:${httpPort}:127.0.0.1`,
      "--resolve",
      `auth.example.com:${httpsPort}:127.0.0.1`,
      "--cacert",
      caFile,
      `http://auth.example.com:${httpPort}/x`,
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).url).toBe("/x");
  });

  it("curl without the CA fails verification against the self-signed certificate", async () => {
    const r = await curl([
      "--resolve",
      `auth.example.com:${httpsPort}:127.0.0.1`,
      `https://auth.example.com:${httpsPort}/`,
    ]);
    expect(r.code).not.toBe(0);
  });

  it("the round-robin spreads requests over all three idp-server pods", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++)
      seen.add(
        echo(
          await send(httpsPort, "/", "auth.example.com", {
            tls: { ca: table.servers.get("auth.example.com")?.tls?.cert ?? "" },
          }),
        ).pod,
      );
    expect(seen.size).toBe(3);
  });

  it("the ALB Ingress's host is not served: 404", async () => {
    const r = await curl([
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      "-H",
      "Host: idp.example.com",
      `http://127.0.0.1:${httpPort}/`,
    ]);
    expect(r.out).toBe("404");
  });
});

describe("examples/my-app", () => {
  let table: RouteTable;
  let pods: EchoPods;
  let proxy: IngressProxy;
  beforeAll(async () => {
    const loaded = await loadSnapshot(["examples/my-app"], defaultConfig);
    table = compileRoutes(loaded.state);
    const ips = [
      ...new Set(
        [...table.servers.values()].flatMap((s) =>
          s.ordered.flatMap((l) => l.backend?.endpoints.map((e) => e.ip) ?? []),
        ),
      ),
    ];
    pods = await startEchoPods(ips);
    proxy = await startIngressProxy({
      http: { host: "127.0.0.1", port: 0 },
      getTable: () => table,
      upstream: pods.upstream,
    });
  });
  afterAll(async () => {
    await proxy?.close(100);
    await pods?.close();
  });

  it.each([
    ["/api/users?page=2", "default/api-service", "/?page=2"],
    ["/API", "default/api-service", "/"],
    ["/apiary", "default/api-service", "/"],
    ["/", "default/web-service", "/"],
    ["/about/team", "default/web-service", "/about/team"],
  ])(
    "curl http://myapp.example.com%s → %s as %s (rewrite-target: / rewrites every path but '/'; regex quirk)",
    async (path, service, upstreamPath) => {
      const d = routeRequest(table, { method: "GET", scheme: "http", host: "myapp.example.com", path });
      expect(d.backend?.service).toBe(service);
      expect(d.upstreamPath).toBe(upstreamPath);
      const r = await curl([
        "-H",
        "Host: myapp.example.com",
        `http://127.0.0.1:${proxy.addresses.http?.port}${path}`,
      ]);
      const e = JSON.parse(r.out) as { pod: string; url: string };
      expect(d.endpoints.map((x) => x.ip)).toContain(e.pod);
      expect(e.url).toBe(upstreamPath);
    },
  );
});
