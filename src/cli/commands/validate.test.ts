/**
 * `michi validate` end to end: exit codes and the exact one-line format of
 * shared/CLI.md, in-process through runValidate and once through the real
 * CLI entry point in a child process.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runValidate } from "./validate.js";

const ROOT = join(import.meta.dirname, "../../..");
const BAD = "test/load/fixtures/bad-label";

function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

async function run(filename: string[], extra: { output?: string; stdin?: string } = {}) {
  const out = sink();
  const err = sink();
  const code = await runValidate(
    { filename, ...(extra.output ? { output: extra.output } : {}) },
    { stdout: out.stream, stderr: err.stream, ...(extra.stdin !== undefined ? { stdin: extra.stdin } : {}) },
  );
  return { code, stdout: out.text(), stderr: err.text() };
}

describe("michi validate", () => {
  const cwd = process.cwd();
  it("reports a YAML 1.1 boolean label with position, object, field and why (exit 1)", async () => {
    process.chdir(ROOT);
    try {
      const r = await run([BAD]);
      expect(r.code).toBe(1);
      // In file order: the label error (line 13) before the unknown-kind warning (line 42).
      expect(r.stderr.split("\n")).toEqual([
        expect.stringMatching(
          new RegExp(
            `^${BAD}/app\\.yaml:13:14: Deployment shop/web: metadata\\.labels(\\.enabled|\\[enabled\\]): .*true.*YAML 1\\.1 \\(which Kubernetes uses\\) reads the unquoted yes as a boolean; quote it: "yes"$`,
          ),
        ),
        `${BAD}/app.yaml:42:1: PersistentVolumeClaim: warning: kind PersistentVolumeClaim (v1) is not modelled by michi: 1 object kept as is, not validated or simulated`,
        "",
      ]);
      expect(r.stdout).toBe("1 error in 4 objects (3 valid), 1 warning\n");
    } finally {
      process.chdir(cwd);
    }
  });

  it("exits 0 on the examples", async () => {
    const r = await run([join(ROOT, "examples/idp-system"), join(ROOT, "examples/my-app")]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^\d+ objects valid\n$/);
    expect(r.code).toBe(0);
  });

  it("exits 2 when a path cannot be read, naming it", async () => {
    const r = await run(["/nonexistent/manifests.yaml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "/nonexistent/manifests.yaml: cannot read /nonexistent/manifests.yaml: no such file or directory\n",
    );
  });

  it("reads stdin and reports YAML syntax errors as FILE:LINE:COL", async () => {
    const r = await run(["-"], { stdin: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: [a\n" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^<stdin>:\d+:\d+: .*\n$/);
  });

  it("-o json lists the diagnostics", async () => {
    const r = await run([join(ROOT, BAD)], { output: "json" });
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as {
      valid: boolean;
      errors: number;
      warnings: number;
      diagnostics: { code: string; line: number; field?: string }[];
    };
    expect(j.valid).toBe(false);
    expect(j.errors).toBe(1);
    expect(j.warnings).toBe(1);
    expect(j.diagnostics.map((d) => d.code)).toEqual([expect.any(String), "UnknownKind"]);
    expect(j.diagnostics[0]?.line).toBe(13);
  });

  it("rejects usage errors with exit 2", async () => {
    await expect(run([])).rejects.toThrow("no manifests given");
    await expect(run([BAD], { output: "yaml" })).rejects.toThrow('-o: expected json or text, got "yaml"');
  });

  it("runs as a real process with the same output and exit code", async () => {
    const exec = promisify(execFile);
    const res = await exec(process.execPath, ["--import", "tsx", "src/cli/main.ts", "validate", "-f", BAD], {
      cwd: ROOT,
    }).then(
      () => ({ code: 0, stderr: "", stdout: "" }),
      (e: { code: number; stderr: string; stdout: string }) => e,
    );
    expect(res.code).toBe(1);
    expect(res.stdout).toBe("1 error in 4 objects (3 valid), 1 warning\n");
    expect(res.stderr).toContain(`${BAD}/app.yaml:13:14: Deployment shop/web: metadata.labels`);
    const usage = await exec(process.execPath, ["--import", "tsx", "src/cli/main.ts", "validate"], {
      cwd: ROOT,
    }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe("michi: no manifests given: use -f PATH (file, directory or -)\n");
  });
});
