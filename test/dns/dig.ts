/**
 * Runs the real `dig` (dnsutils) and reads its output: status, flags and the
 * answer section. Missing dig is an error, never a skip.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface DigResult {
  status: string;
  flags: string[];
  answers: string[];
  authority: string[];
  additional: string[];
  raw: string;
}

export async function requireDig(): Promise<void> {
  try {
    await run("dig", ["-v"]);
  } catch {
    throw new Error(
      "dig is not installed: install dnsutils (apt-get install dnsutils); these tests do not skip",
    );
  }
}

function section(raw: string, title: string): string[] {
  const m = new RegExp(`;; ${title} SECTION:\\n([\\s\\S]*?)(?:\\n\\n|$)`).exec(raw);
  if (!m?.[1]) return [];
  return m[1]
    .split("\n")
    .filter((l) => l && !l.startsWith(";"))
    .map((l) => l.split(/\s+/).join(" "));
}

export async function dig(port: number, name: string, type = "A", extra: string[] = []): Promise<DigResult> {
  const { stdout } = await run("dig", [
    "@127.0.0.1",
    "-p",
    String(port),
    "+time=3",
    "+tries=1",
    ...extra,
    name,
    type,
  ]);
  const status = /status: (\w+)/.exec(stdout)?.[1] ?? "";
  const flags = (/;; flags: ([a-z ]+);/.exec(stdout)?.[1] ?? "").trim().split(" ");
  return {
    status,
    flags,
    answers: section(stdout, "ANSWER"),
    authority: section(stdout, "AUTHORITY"),
    additional: section(stdout, "ADDITIONAL"),
    raw: stdout,
  };
}
