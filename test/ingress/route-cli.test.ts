/**
 * `michi route` in-process on the course examples: the JSON contract of
 * shared/CLI.md and the human explanation.
 */
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { parseRequestURL, register } from "../../src/cli/commands/route.js";

async function route(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  register(program);
  let out = "";
  const write = process.stdout.write.bind(process.stdout);
  const errWrite = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string) => {
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    await program.parseAsync(["node", "michi", "route", ...args]);
  } finally {
    process.stdout.write = write;
    process.stderr.write = errWrite;
  }
  return out;
}

describe("michi route", () => {
  it.each([
    [
      "idp-system https",
      ["-f", "examples/idp-system", "https://auth.example.com/login?x=1", "-o", "json"],
      {
        status: 200,
        ingress: "idp-system/idp-ingress",
        rule: { host: "auth.example.com", path: "/", pathType: "Prefix" },
        backend: { service: "idp-system/idp-server", port: 80 },
        upstreamPath: "/login?x=1",
        location: null,
      },
    ],
    [
      "idp-system http → 308",
      ["-f", "examples/idp-system", "http://auth.example.com/login", "-o", "json"],
      { status: 308, location: "https://auth.example.com/login", backend: null },
    ],
    [
      "idp-system body too large",
      [
        "-f",
        "examples/idp-system",
        "https://auth.example.com/upload",
        "-X",
        "POST",
        "--content-length",
        "20000000",
        "-o",
        "json",
      ],
      { status: 413 },
    ],
    [
      "ALB host not served",
      ["-f", "examples/idp-system", "http://idp.example.com/", "-o", "json"],
      { status: 404, ingress: null },
    ],
    [
      "my-app rewrite",
      ["-f", "examples/my-app", "http://myapp.example.com/api/users", "-o", "json"],
      {
        status: 200,
        ingress: "default/my-ingress",
        backend: { service: "default/api-service", port: 8080 },
        upstreamPath: "/",
      },
    ],
    [
      "Host header overrides the URL host",
      [
        "-f",
        "examples/my-app",
        "http://127.0.0.1:8080/",
        "--header",
        "Host: myapp.example.com",
        "-o",
        "json",
      ],
      { status: 200, backend: { service: "default/web-service", port: 80 } },
    ],
  ])("%s", async (_d, args, want) => {
    const j = JSON.parse(await route(args)) as Record<string, unknown>;
    expect(j).toMatchObject(want);
  });

  it("lists endpoints (pod IP + resolved targetPort) and the annotations that applied", async () => {
    const j = JSON.parse(
      await route(["-f", "examples/my-app", "http://myapp.example.com/api", "-o", "json"]),
    ) as {
      endpoints: { ip: string; port: number; pod?: string }[];
      annotations: { name: string; value: string }[];
    };
    expect(j.endpoints).toHaveLength(2);
    for (const e of j.endpoints) {
      expect(e.port).toBe(8080);
      expect(e.ip).toMatch(/^10\.244\./);
      expect(e.pod).toMatch(/^default\/api-/);
    }
    expect(j.annotations).toEqual([{ name: "nginx.ingress.kubernetes.io/rewrite-target", value: "/" }]);
  });

  it("explains in human output, including Ingresses of other classes", async () => {
    const text = await route(["-f", "examples/idp-system", "http://idp.example.com/"]);
    expect(text).toContain("→ 404");
    expect(text).toContain("idp-system/idp-alb-ingress");
    expect(text).toContain('"alb"');
    const ok = await route(["-f", "examples/my-app", "http://myapp.example.com/API/x"]);
    expect(ok).toContain("case-insensitive regex");
    expect(ok).toContain("upstream path: /");
  });

  it.each([
    ["http://h/a/../b?q", { scheme: "http", host: "h", target: "/a/../b?q" }],
    ["https://h:8443", { scheme: "https", host: "h:8443", target: "/" }],
    ["http://h?x=1", { scheme: "http", host: "h", target: "/?x=1" }],
  ])("URL %s keeps the target as typed", (url, want) => {
    expect(parseRequestURL(url)).toEqual(want);
  });
});
