/**
 * Issue 18 item 8: a usage error exits 2 from every command (unknown flag,
 * missing argument, unreadable -f — `up` included), printed as one line and
 * a pointer to --help rather than the whole help; every --help lists the
 * command's exit codes.
 */
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers.js";

const COMMANDS = [
  "validate",
  "get",
  "up",
  "ui",
  "apply",
  "delete",
  "curl",
  "flows",
  "logs",
  "probe",
  "check",
  "matrix",
  "lint",
  "route",
  "dns",
  "version",
];

// Enough arguments that only the -f path is wrong.
const WITH_UNREADABLE_FILE: Record<string, string[]> = {
  validate: [],
  get: ["pods"],
  up: ["--ui", "127.0.0.1:0", "--http", "none", "--https", "none"],
  ui: ["--ui", "127.0.0.1:0"],
  apply: ["--server", "http://127.0.0.1:9"],
  delete: ["--server", "http://127.0.0.1:9"],
  check: ["--from", "a/b", "--to", "a/c", "--port", "80"],
  matrix: [],
  lint: [],
  route: ["http://example.com/"],
  dns: ["example.com"],
};

describe("usage errors exit 2", () => {
  for (const cmd of COMMANDS) {
    it(`michi ${cmd} --no-such-flag: exit 2, one short error`, async () => {
      const r = await runCli([cmd, "--no-such-flag"]);
      expect(r.code).toBe(2);
      // Commander reports a missing required option before an unknown one.
      expect(r.stderr).toMatch(
        /^error: (unknown option '--no-such-flag'|required option '[^']+' not specified)\n/,
      );
      expect(r.stderr).toContain(`See 'michi ${cmd} --help' for usage.`);
      expect(r.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
      expect(r.stdout).toBe("");
    });
    it(`michi ${cmd} --help lists the exit codes`, async () => {
      const r = await runCli([cmd, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Exit codes:\n {2}0 [^\n]+\n[\s\S]* {2}2 usage error/);
    });
  }
  for (const [cmd, args] of Object.entries(WITH_UNREADABLE_FILE)) {
    it(`michi ${cmd} -f /nonexistent: exit 2`, async () => {
      const r = await runCli([cmd, ...args, "-f", "/nonexistent/michi-test"]);
      expect(r.stderr).toContain("/nonexistent/michi-test");
      expect(r.code).toBe(2);
    });
  }
  it("a missing argument exits 2 with a pointer to --help", async () => {
    const r = await runCli(["get", "-f", "examples/my-app"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "error: missing required argument 'resources'\nSee 'michi get --help' for usage.\n",
    );
  });
  it("a missing required option exits 2", async () => {
    const r = await runCli(["check", "-f", "examples/my-app", "--to", "a/b", "--port", "80"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("required option '--from <src>' not specified");
  });
  it("an unknown command exits 2", async () => {
    const r = await runCli(["gett"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'gett'");
  });
  it("a target that does not exist is not a usage error: exit 1", async () => {
    const r = await runCli([
      "check",
      "-f",
      "examples/my-app",
      "--from",
      "x/y",
      "--to",
      "x/z",
      "--port",
      "80",
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("pod x/y not found");
  });
  it("michi version prints the package version", async () => {
    const r = await runCli(["version", "-o", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ michi: "0.1.0", node: process.versions.node });
  });
});
