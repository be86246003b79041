/**
 * kubectl's habits beyond get (issue 18): -n on commands that take a pod or
 * workload, named ports on check, --dns-upstreams on dns as on up (with
 * --upstream kept), colour on a terminal only and never with NO_COLOR.
 */
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers.js";

const F = ["-f", "examples/idp-system"];

describe("-n and named ports on check", () => {
  it("-n qualifies NAME and KIND/NAME the way kubectl does", async () => {
    const short = await runCli([
      "check",
      ...F,
      "-n",
      "idp-system",
      "--from",
      "deployment/idp-server",
      "--to",
      "postgres-0",
      "--port",
      "5432",
      "-o",
      "json",
    ]);
    const full = await runCli([
      "check",
      ...F,
      "--from",
      "deployment/idp-system/idp-server",
      "--to",
      "idp-system/postgres-0",
      "--port",
      "5432",
      "-o",
      "json",
    ]);
    expect(short.code).toBe(0);
    expect(short.stdout).toBe(full.stdout);
    expect(JSON.parse(short.stdout)).toMatchObject({ allowed: true });
  });
  it.each([["svc/redis"], ["deployment/redis"]])("--port redis is resolved on %s", async (to) => {
    const named = await runCli([
      "check",
      ...F,
      "-n",
      "idp-system",
      "--from",
      "deployment/idp-server",
      "--to",
      to,
      "--port",
      "redis",
      "-o",
      "json",
    ]);
    const numbered = await runCli([
      "check",
      ...F,
      "-n",
      "idp-system",
      "--from",
      "deployment/idp-server",
      "--to",
      to,
      "--port",
      "6379",
      "-o",
      "json",
    ]);
    expect(named.stderr).toBe("");
    expect(named.stdout).toBe(numbered.stdout);
  });
  it("a port name the destination lacks is an error naming it (exit 1)", async () => {
    const r = await runCli([
      "check",
      ...F,
      "-n",
      "idp-system",
      "--from",
      "deployment/idp-server",
      "--to",
      "deployment/redis",
      "--port",
      "postgres",
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'michi: deployment/idp-system/redis: no container declares a TCP port named "postgres"\n',
    );
  });
});

describe("dns upstream flags", () => {
  it("--dns-upstreams none, as on michi up", async () => {
    const r = await runCli(["dns", ...F, "example.com", "--dns-upstreams", "none"]);
    expect(r.stdout).toContain("SERVFAIL [upstream: disabled: no upstream servers]");
  });
  it("--upstream is kept as an alias (an unreachable upstream is tried)", async () => {
    const r = await runCli(["dns", ...F, "example.com", "--upstream", "127.0.0.1:9", "-o", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rcode: "SERVFAIL" });
    expect(r.stdout).not.toContain("disabled");
  });
});

describe("colour", () => {
  const check = [
    "check",
    ...F,
    "--from",
    "deployment/idp-system/idp-server",
    "--to",
    "statefulset/idp-system/postgres",
    "--port",
    "5432",
  ];
  it("FORCE_COLOR paints verdicts; a pipe alone gets none", async () => {
    const forced = await runCli(check, { env: { NO_COLOR: "", FORCE_COLOR: "1" } });
    expect(forced.stdout).toContain("\u001b[32mALLOWED\u001b[39m");
    const plain = await runCli(check, { env: { NO_COLOR: "" } });
    expect(plain.stdout).not.toContain("\u001b[");
  });
  it("NO_COLOR wins over FORCE_COLOR, errors included", async () => {
    const r = await runCli([...check.slice(0, 3), "--from", "x/y", "--to", "x/z", "--port", "80"], {
      env: { NO_COLOR: "1", FORCE_COLOR: "1" },
    });
    expect(r.stderr).toBe("michi: pod x/y not found (name a workload as deployment/x/NAME)\n");
    const red = await runCli(["check", ...F, "--from", "x/y", "--to", "x/z", "--port", "80"], {
      env: { NO_COLOR: "", FORCE_COLOR: "1" },
    });
    expect(red.stderr).toContain("\u001b[31mmichi:\u001b[39m");
  });
});
