/**
 * `michi diff` as a user runs it (a child process): exit codes (1 on
 * changes, 0 with --exit-zero or none, 2 on usage errors), the JSON contract,
 * `--base-git REV` reading the base from a real git repository without a
 * checkout, and colour only on request (NO_COLOR, no TTY).
 */
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EXAMPLE, editedCopy, ROOT, SCENARIOS } from "./scenarios.js";

const MAIN = join(ROOT, "src/cli/main.ts");
/** tsx by absolute URL: the git test runs michi from a repository without node_modules. */
const TSX = import.meta.resolve("tsx");
const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

function michi(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ["--import", TSX, MAIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: "utf8",
    env: { ...process.env, ...opts.env },
    timeout: 60_000,
  });
}

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync("git", args, { cwd, encoding: "utf8" });
  if (r.error) throw new Error(`git is required for this test: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

describe("michi diff (CLI)", () => {
  it("exits 0 with no changes and 1 with changes; --exit-zero keeps 0", () => {
    const same = michi(["diff", "--base", EXAMPLE, "--head", EXAMPLE]);
    expect(same.stderr).toBe("");
    expect(same.status).toBe(0);
    expect(same.stdout).toMatch(/^no changes \(/);
    const copy = editedCopy([SCENARIOS.policyOpened]);
    temps.push(copy.dir);
    const changed = michi(["diff", "--base", EXAMPLE, "--head", copy.dir], { env: { NO_COLOR: "1" } });
    expect(changed.status).toBe(1);
    expect(changed.stdout).toContain(
      "+ deployment/monitoring/prometheus → deployment/idp-system/idp-server  TCP/9090",
    );
    expect(changed.stdout).not.toContain("\x1b[");
    const zero = michi(["diff", "--base", EXAMPLE, "--head", copy.dir, "--exit-zero", "-o", "json"]);
    expect(zero.status).toBe(0);
    const json = JSON.parse(zero.stdout);
    expect(Object.keys(json)).toEqual(expect.arrayContaining(["connections", "routes", "dns", "findings"]));
    expect(json.connections.added).toHaveLength(1);
    expect(json.connections.added[0]).toMatchObject({
      from: "deployment/monitoring/prometheus",
      to: "deployment/idp-system/idp-server",
      port: 9090,
      protocol: "TCP",
      allowed: true,
    });
    expect(json.connections.removed).toEqual([]);
    expect(json.dns).toEqual({ added: [], removed: [], changed: [] });
    expect(json.timings).toBeUndefined();
  });

  it.each([
    [["diff", "--head", EXAMPLE], "no base given"],
    [["diff", "--base", EXAMPLE], "no head given"],
    [["diff", "--base", EXAMPLE, "--head", EXAMPLE, "-o", "yaml"], "-o: expected one of"],
    [["diff", "--base", "/nonexistent/dir", "--head", EXAMPLE], "/nonexistent/dir"],
    [["diff", "--base-git", "HEAD", "--base", EXAMPLE, "-f", EXAMPLE], "exclude each other"],
    [["diff", "--base-git", "no-such-rev-xyz", "-f", "examples/idp-system"], "is not a commit"],
  ])("usage error exits 2: %j", (args, message) => {
    const r = michi(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it("--base-git REV reads the base from git for the same -f paths, without a checkout", () => {
    const repo = mkdtempSync(join(tmpdir(), "michi-diff-git-"));
    temps.push(repo);
    git(repo, "init", "-q", "-b", "main");
    git(repo, "config", "user.email", "test@example.invalid");
    git(repo, "config", "user.name", "test");
    cpSync(EXAMPLE, join(repo, "k8s"), { recursive: true });
    writeFileSync(join(repo, "README.txt"), "not a manifest\n");
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "base");
    // The pull request: a path added to the Ingress, committed on a branch; the work tree has it too.
    const file = join(repo, "k8s", SCENARIOS.ingressPathAdded.file);
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(SCENARIOS.ingressPathAdded.from, SCENARIOS.ingressPathAdded.to),
    );
    git(repo, "checkout", "-q", "-b", "pr");
    git(repo, "commit", "-q", "-am", "add /admin");
    const r = michi(["diff", "--base-git", "main", "-f", "k8s", "-o", "json"], { cwd: repo });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.routes).toHaveLength(1);
    expect(json.routes[0].head.rule.path).toBe("/admin");
    expect(json.routes[0].location.file).toBe("k8s/50-ingress.yaml");
    expect(json.connections.added).toEqual([]);
    // The work tree was not touched: still on the PR branch with its edit.
    expect(git(repo, "rev-parse", "--abbrev-ref", "HEAD").trim()).toBe("pr");
    expect(git(repo, "status", "--porcelain")).toBe("");
    // Against itself: no change.
    const same = michi(["diff", "--base-git", "HEAD", "-f", "k8s"], { cwd: repo });
    expect(same.status).toBe(0);
    expect(same.stdout).toMatch(/^no changes/);
  });

  it("validate, lint and diff write the CI formats", () => {
    const dir = mkdtempSync(join(tmpdir(), "michi-ci-"));
    temps.push(dir);
    writeFileSync(
      join(dir, "svc.yaml"),
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports:\n  - port: 99999\n",
    );
    const v = michi(["validate", "-f", "svc.yaml", "-o", "github"], { cwd: dir });
    expect(v.status).toBe(1);
    expect(v.stdout.trim().split("\n")).toEqual([
      expect.stringMatching(
        /^::error file=svc\.yaml,line=8,col=11,title=michi FieldValue\w+::Service default\/web: spec\.ports\[0\]\.port: /,
      ),
    ]);
    const j = michi(["validate", "-f", "svc.yaml", "-o", "junit"], { cwd: dir });
    expect(j.status).toBe(1);
    expect(j.stdout).toContain(
      '<testcase name="Service default/web" classname="svc.yaml" file="svc.yaml" line="1">',
    );
    const l = michi(["lint", "-f", EXAMPLE, "-o", "sarif"]);
    expect(l.status).toBe(0);
    const log = JSON.parse(l.stdout);
    expect(log.version).toBe("2.1.0");
    expect(log.runs[0].results.length).toBeGreaterThan(3);
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(
      /^examples\/idp-system\//,
    );
    const copy = editedCopy([SCENARIOS.policyTightened]);
    temps.push(copy.dir);
    const d = michi(["diff", "--base", EXAMPLE, "--head", copy.dir, "-o", "github"]);
    expect(d.status).toBe(1);
    expect(d.stdout).toMatch(
      /^::notice file=[^,]*60-network-policy\.yaml,line=\d+,col=\d+,title=michi diff\/connection-denied::newly denied: deployment\/idp-system\/idp-server → deployment\/idp-system\/redis TCP\/6379/m,
    );
  });

  it("matrix --focus restricts the table to one workload's peers", () => {
    const r = michi([
      "matrix",
      "-f",
      EXAMPLE,
      "--focus",
      "deployment/idp-system/idp-server",
      "--ports",
      "8080",
      "-o",
      "json",
    ]);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.focus).toBe("deployment/idp-system/idp-server");
    expect(
      json.results.every(
        (x: { from: string; to: string }) => x.from.includes("idp-server") || x.to.includes("idp-server"),
      ),
    ).toBe(true);
    const bad = michi(["matrix", "-f", EXAMPLE, "--focus", "deployment/idp-system/nope"]);
    // A target that does not exist is not a usage error (exit 1, as kubectl's NotFound; docs/cli.md).
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("deployment idp-system/nope not found");
  });
});
