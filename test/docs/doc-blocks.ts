/**
 * The shell sessions shown in README.md and docs/*.md: fenced code blocks
 * with `$ COMMAND` lines followed by the output the command prints. A block
 * with a `michi` command is executable unless the line before its fence is
 * `<!-- docs-test: not executable: REASON -->` (for `michi up` sessions and
 * commands against a running instance). Conventions inside a block:
 * a line `…` stands for any number of output lines (elided), `$ echo $?`
 * shows the previous command's exit code, and `# …` after a command is a
 * comment. Trailing spaces and trailing blank lines are not compared.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const MARKER = /^<!--\s*docs-test:\s*not executable:\s*(.*?)\s*-->$/;

export interface Session {
  command: string;
  expected: string[];
  /** The exit code shown by a following `$ echo $?`, if any. */
  exitCode?: number;
}

export interface Block {
  file: string;
  line: number;
  /** Why the block is not run (from its marker), if marked. */
  notExecutable?: string;
  sessions: Session[];
}

const FENCE = /^```/;

export function docFiles(root: string): string[] {
  const docs = readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => join("docs", f));
  return ["README.md", ...docs];
}

/** Whether a command line runs michi (at its start or after a pipe). */
export function runsMichi(command: string): boolean {
  return /(^|\|\s*)michi\s/.test(command);
}

export function parseBlocks(file: string, text: string): Block[] {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!FENCE.test(lines[i] ?? "")) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !FENCE.test(lines[i] ?? ""); i++) body.push(lines[i] ?? "");
    const sessions: Session[] = [];
    for (const l of body) {
      if (l.startsWith("$ ")) {
        const command = l.slice(2).trim();
        const prev = sessions[sessions.length - 1];
        if (command === "echo $?" && prev) {
          sessions.push({ command, expected: [] });
          continue;
        }
        sessions.push({ command, expected: [] });
      } else {
        const s = sessions[sessions.length - 1];
        if (s) s.expected.push(l);
      }
    }
    // `$ echo $?`'s output is the previous command's exit code.
    const merged: Session[] = [];
    for (const s of sessions) {
      const prev = merged[merged.length - 1];
      if (s.command === "echo $?" && prev) {
        const code = Number((s.expected.find((l) => l.trim() !== "") ?? "").trim());
        prev.exitCode = code;
        continue;
      }
      merged.push(s);
    }
    if (!merged.some((s) => runsMichi(s.command))) continue;
    const marker = MARKER.exec((lines[start - 1] ?? "").trim());
    const block: Block = { file, line: start + 1, sessions: merged };
    if (marker) block.notExecutable = marker[1] ?? "";
    blocks.push(block);
  }
  return blocks;
}

export function loadBlocks(root: string): Block[] {
  return docFiles(root).flatMap((f) => parseBlocks(f, readFileSync(join(root, f), "utf8")));
}

/** Output lines as compared: trailing spaces dropped, trailing blank lines dropped. */
export function normalise(lines: readonly string[]): string[] {
  const out = lines.map((l) => l.replace(/\s+$/, ""));
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out;
}

/** Whether actual output matches the documented output, `…` lines standing for any run of lines. */
export function matches(expected: readonly string[], actual: readonly string[]): boolean {
  const e = normalise(expected);
  const a = normalise(actual);
  const memo = new Map<string, boolean>();
  const go = (i: number, j: number): boolean => {
    const k = `${i},${j}`;
    const m = memo.get(k);
    if (m !== undefined) return m;
    let r: boolean;
    if (i === e.length) r = j === a.length;
    else if (e[i] === "…") r = go(i + 1, j) || (j < a.length && go(i, j + 1));
    else r = j < a.length && e[i] === a[j] && go(i + 1, j + 1);
    memo.set(k, r);
    return r;
  };
  return go(0, 0);
}
