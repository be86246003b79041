/**
 * `michi check`, `matrix` and `lint` in-process through commander, on files:
 * flags, the JSON contracts of shared/CLI.md, output formats and exit codes.
 */
import { Command } from "commander";
import { afterEach, describe, expect, it } from "vitest";
import { register as registerCheck } from "../../src/cli/commands/check.js";
import { register as registerLint } from "../../src/cli/commands/lint.js";
import { register as registerMatrix } from "../../src/cli/commands/matrix.js";

const MODEL = "test/policy/e2e/model.yaml";
const POLICY = "test/policy/e2e/allow-x-b-to-x-a.yaml";

async function michi(args: string[]): Promise<{ out: string; err: string; code: number }> {
  const program = new Command().exitOverride();
  registerCheck(program);
  registerMatrix(program);
  registerLint(program);
  let out = "";
  let err = "";
  const write = process.stdout.write.bind(process.stdout);
  const errWrite = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string) => {
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => {
    err += chunk;
    return true;
  }) as typeof process.stderr.write;
  process.exitCode = 0;
  try {
    await program.parseAsync(["node", "michi", ...args]);
  } finally {
    process.stdout.write = write;
    process.stderr.write = errWrite;
  }
  const code = typeof process.exitCode === "number" ? process.exitCode : 0;
  process.exitCode = 0;
  return { out, err, code };
}

afterEach(() => {
  process.exitCode = 0;
});

describe("michi check", () => {
  it("prints the JSON contract", async () => {
    const r = await michi([
      "check",
      "-f",
      MODEL,
      "-f",
      POLICY,
      "--from",
      "x/c",
      "--to",
      "x/a",
      "--port",
      "80",
      "-o",
      "json",
    ]);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({
      allowed: false,
      egress: { allowed: true, isolated: false },
      ingress: { allowed: false, isolated: true, policies: ["x/x-a-allows-x-b"] },
    });
    expect(j.connections[0].ingress.misses).toEqual([
      { policy: "x/x-a-allows-x-b", rules: [{ rule: 0, peer: -1, portMatched: false }] },
    ]);
    expect(r.code).toBe(0);
  });

  it("--exit-code makes a denied verdict exit 1, an allowed one 0", async () => {
    const denied = await michi([
      "check",
      "-f",
      MODEL,
      "-f",
      POLICY,
      "--from",
      "x/c",
      "--to",
      "x/a",
      "--port",
      "80",
      "--exit-code",
    ]);
    expect(denied.code).toBe(1);
    expect(denied.out).toContain("x/c → x/a TCP/80: DENIED");
    const allowed = await michi([
      "check",
      "-f",
      MODEL,
      "-f",
      POLICY,
      "--from",
      "x/b",
      "--to",
      "x/a",
      "--port",
      "80",
      "--exit-code",
    ]);
    expect(allowed.code).toBe(0);
    expect(allowed.out).toContain(
      "admitted by x/x-a-allows-x-b ingress[0].from[0] (podSelector pod=b), every port",
    );
  });

  it("judges every pod of a workload (idp-system)", async () => {
    const r = await michi([
      "check",
      "-f",
      "examples/idp-system",
      "--from",
      "deployment/idp-system/frontend",
      "--to",
      "deployment/idp-system/idp-server",
      "--port",
      "8080",
      "-o",
      "json",
    ]);
    const j = JSON.parse(r.out);
    expect(j.allowed).toBe(false);
    expect(j.connections).toHaveLength(6);
    expect(j.from).toBe("deployment/idp-system/frontend");
  });

  it.each([
    [["--port", "0"], "--port: expected a port number"],
    [["--port", "80", "--protocol", "ICMP"], "--protocol: expected TCP, UDP or SCTP"],
  ])("rejects bad flags %j", async (flags, msg) => {
    await expect(michi(["check", "-f", MODEL, "--from", "x/a", "--to", "x/b", ...flags])).rejects.toThrow(
      msg,
    );
  });
});

describe("michi matrix", () => {
  it("prints every ordered pair in the JSON contract", async () => {
    const r = await michi([
      "matrix",
      "-f",
      MODEL,
      "-f",
      POLICY,
      "--ports",
      "80",
      "--protocols",
      "TCP",
      "-o",
      "json",
    ]);
    const j = JSON.parse(r.out) as {
      results: { from: string; to: string; port: number; protocol: string; allowed: boolean }[];
    };
    // The model's 9 pods plus the ingress controller pod michi runs in ingress-nginx.
    expect(j.results).toHaveLength(100);
    const denied = j.results.filter((x) => !x.allowed).map((x) => `${x.from}>${x.to}`);
    expect(denied.sort()).toEqual([
      expect.stringMatching(/^ingress-nginx\/ingress-nginx-controller-.*>x\/a$/),
      "x/c>x/a",
      "y/a>x/a",
      "y/b>x/a",
      "y/c>x/a",
      "z/a>x/a",
      "z/b>x/a",
      "z/c>x/a",
    ]);
    expect(j.results.find((x) => x.from === "x/b" && x.to === "x/a")).toEqual({
      from: "x/b",
      to: "x/a",
      port: 80,
      protocol: "TCP",
      allowed: true,
    });
  });

  it("prints a terminal table", async () => {
    const r = await michi(["matrix", "-f", MODEL, "-f", POLICY, "--ports", "80", "-n", "x"]);
    expect(r.out).toBe(
      [
        "TCP/80  (rows: from, columns: to; . allowed, X denied)",
        "        1 2 3",
        "1 x/a   . . .",
        "2 x/b   . . .",
        "3 x/c   X . .",
        "",
      ].join("\n"),
    );
  });

  it("defaults to every declared containerPort", async () => {
    const r = await michi(["matrix", "-f", MODEL, "-n", "y", "-o", "csv"]);
    const ports = new Set(
      r.out
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => l.split(",").slice(2, 4).join("/")),
    );
    expect([...ports].sort()).toEqual(["80/SCTP", "80/TCP", "80/UDP", "81/SCTP", "81/TCP", "81/UDP"]);
  });

  it.each([
    ["md", "| `x/c` | X | . | . |"],
    ["dot", '"x/b" -> "x/a" [label="TCP/80"];'],
    ["html", '<td class="d">X</td>'],
    ["csv", "x/c,x/a,80,TCP,false"],
  ])("-o %s", async (fmt, want) => {
    const r = await michi(["matrix", "-f", MODEL, "-f", POLICY, "--ports", "80", "-n", "x", "-o", fmt]);
    expect(r.out).toContain(want);
  });

  it("groups by workload (idp-system)", async () => {
    const r = await michi([
      "matrix",
      "-f",
      "examples/idp-system",
      "--ports",
      "8080",
      "--group-by",
      "workload",
      "-n",
      "idp-system",
    ]);
    expect(r.out).toContain("idp-system/deployment/idp-server");
    expect(r.out.split("\n").find((l) => l.includes("deployment/idp-server"))).toMatch(/X X X X X$/);
  });

  it("reports by classes on request", async () => {
    const r = await michi(["matrix", "-f", MODEL, "-f", POLICY, "--ports", "80", "--classes"]);
    expect(r.out).toContain("10 pods in 10 equivalence classes");
    expect(r.out).toContain("TCP/80: 82 of 90 ordered pod pairs allowed (91.1%)");
  });
});

describe("michi lint", () => {
  it("idp-system: warnings only, exit 0; --strict exits 1", async () => {
    const r = await michi(["lint", "-f", "examples/idp-system", "-o", "json"]);
    const j = JSON.parse(r.out) as {
      findings: { code: string; severity: string }[];
      errors: number;
      warnings: number;
    };
    expect(j.errors).toBe(0);
    expect(j.findings.map((f) => f.code)).toEqual(
      expect.arrayContaining(["NamespaceSelectorOnNameLabel", "SelectorMatchesNothing", "NoDNSEgressTCP"]),
    );
    expect(r.code).toBe(0);
    expect((await michi(["lint", "-f", "examples/idp-system", "--strict"])).code).toBe(1);
  });

  it("exits 1 on an error and prints FILE:LINE with the suggestion", async () => {
    const r = await michi(["lint", "-f", MODEL, "-f", "test/policy/e2e/egress-https-only-x.yaml"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      "test/policy/e2e/egress-https-only-x.yaml:12:3: NetworkPolicy x/egress-https-only: spec.egress:",
    );
    expect(r.out).toContain("cannot reach kube-dns on UDP 53 or TCP 53");
    expect(r.out).toContain("  suggestion: add an egress rule");
  });
});
