/**
 * Issue 18 item 3: objects in a namespace no manifest creates. By default
 * every command creates the namespace (one warning, the same line from each);
 * with --no-create-namespaces every command reports the same per-object
 * errors lint reports. No command drops an object without saying so.
 */
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers.js";

const F = ["-f", "test/fixtures/missing-namespace"];
const WARNING =
  'test/fixtures/missing-namespace/app.yaml:3:1: Namespace catalog: warning: no manifest creates namespace "catalog"';
const ERRORS = [
  'test/fixtures/missing-namespace/app.yaml:3:1: Deployment catalog/backend: namespaces "catalog" not found',
  'test/fixtures/missing-namespace/app.yaml:13:1: Service catalog/backend: namespaces "catalog" not found',
];
const CHECK = [
  "check",
  "--from",
  "deployment/catalog/backend",
  "--to",
  "deployment/default/web",
  "--port",
  "80",
];
const COMMANDS = [["validate"], ["get", "pods", "-A"], ["matrix", "-A", "-o", "json"], ["lint"], CHECK];

describe("a namespace no manifest creates", () => {
  for (const cmd of COMMANDS) {
    it(`michi ${cmd.join(" ")}: created, with the same warning`, async () => {
      const r = await runCli([...cmd, ...F]);
      const text = cmd[0] === "lint" ? r.stdout : r.stderr;
      expect(text).toContain(WARNING);
      expect(text).not.toContain("not found");
      expect(r.code).toBe(0);
    });
    it(`michi ${cmd.join(" ")} --no-create-namespaces: the same errors as lint`, async () => {
      const r = await runCli([...cmd, ...F, "--no-create-namespaces"]);
      const text = cmd[0] === "lint" ? r.stdout : r.stderr;
      for (const e of ERRORS) expect(text).toContain(e);
    });
  }
  it("the workloads are there for get, matrix and check", async () => {
    const get = await runCli(["get", "pods", "-n", "catalog", "-o", "name", ...F]);
    expect(get.stdout).toMatch(/^pod\/backend-[a-z0-9]+-[a-z0-9]{5}\n$/);
    const matrix = JSON.parse((await runCli(["matrix", "-A", "-o", "json", ...F])).stdout) as {
      results: { from: string }[];
    };
    expect(matrix.results.some((r) => r.from.startsWith("catalog/backend-"))).toBe(true);
    const check = await runCli([...CHECK, "-o", "json", ...F]);
    expect(JSON.parse(check.stdout)).toMatchObject({ allowed: true });
  });
  it("--no-create-namespaces makes validate and lint fail", async () => {
    expect((await runCli(["validate", ...F, "--no-create-namespaces"])).code).toBe(1);
    expect((await runCli(["lint", ...F, "--no-create-namespaces"])).code).toBe(1);
  });
});
