/**
 * Executable docs: every `$ michi …` session shown in README.md and
 * docs/*.md is run with the built CLI (through bash, so pipes work, with
 * stdout and stderr merged as a terminal shows them) and its output compared
 * with the documented output (test/docs/doc-blocks.ts has the conventions).
 * Blocks that cannot run here carry an explicit marker with a reason; none is
 * skipped silently.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadBlocks, matches, normalise, runsMichi } from "./doc-blocks.js";

const ROOT = resolve(import.meta.dirname, "../..");
const bin = mkdtempSync(join(tmpdir(), "michi-docs-"));
writeFileSync(
  join(bin, "michi"),
  `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, "dist/cli/main.js")}" "$@"\n`,
);
chmodSync(join(bin, "michi"), 0o755);
afterAll(() => rmSync(bin, { recursive: true, force: true }));

function run(command: string): { output: string[]; code: number | null } {
  // A trailing `# comment` is the author's, not the shell's concern.
  const r = spawnSync("bash", ["-c", `exec 2>&1; ${command}`], {
    cwd: ROOT,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}`, NO_COLOR: "1", MICHI_STATE_DIR: bin },
    encoding: "utf8",
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { output: (r.stdout ?? "").split("\n"), code: r.status };
}

const blocks = loadBlocks(ROOT);

describe("executable docs", () => {
  it("finds the documented sessions, and every not-executable marker says why", () => {
    expect(blocks.filter((b) => !b.notExecutable).length).toBeGreaterThan(20);
    for (const b of blocks)
      if (b.notExecutable !== undefined) expect(b.notExecutable, `${b.file}:${b.line}`).not.toBe("");
  });
  it("every -f path a documented command names exists, in runnable blocks or not", () => {
    const missing = blocks.flatMap((b) =>
      b.sessions.flatMap((s) =>
        [...s.command.matchAll(/(?:^|\s)-f\s+(\S+)/g)]
          .map((m) => m[1] ?? "")
          // A session may show an unreadable path on purpose: its output says so.
          .filter((f) => f !== "-" && !existsSync(join(ROOT, f)))
          .filter((f) => !s.expected.some((l) => l.includes(`cannot read ${f}`)))
          .map((f) => `${b.file}:${b.line}: ${f}`),
      ),
    );
    expect(missing).toEqual([]);
  });
  for (const b of blocks.filter((x) => x.notExecutable === undefined)) {
    for (const s of b.sessions) {
      it(`${b.file}:${b.line}: $ ${s.command}`, () => {
        expect(runsMichi(s.command), "a shell session in an executable block must run michi").toBe(true);
        const r = run(s.command);
        if (!matches(s.expected, r.output))
          expect(normalise(r.output).join("\n")).toBe(normalise(s.expected).join("\n"));
        if (s.exitCode !== undefined) expect(r.code).toBe(s.exitCode);
      });
    }
  }
});
