/**
 * JUnit XML (the dialect Jenkins, GitLab and the GitHub test reporters
 * read): one <testsuite> per command, one <testcase> per object (named
 * `KIND NS/NAME`, classname its file), a <failure> per error — and per
 * warning with `strict` — with the rule id as its type; warnings that do
 * not fail go to the testcase's <system-out>. Items without an object are a
 * testcase of their file.
 */
import type { ReportItem } from "./report-item.js";

export interface JUnitCase {
  name: string;
  file?: string;
  line?: number;
  items: ReportItem[];
}

/** XML 1.0 text: the five entities escaped, characters XML cannot carry dropped. */
export function xml(s: string): string {
  return (
    s
      // biome-ignore lint/suspicious/noControlCharactersInRegex: exactly the characters XML 1.0 forbids
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;")
  );
}

/** Testcases: every object named (passing ones too), then the items grouped onto them. */
export function casesFor(
  objects: readonly { name: string; file?: string; line?: number }[],
  items: readonly ReportItem[],
): JUnitCase[] {
  const cases = new Map<string, JUnitCase>();
  for (const o of objects) {
    if (!cases.has(o.name))
      cases.set(o.name, {
        name: o.name,
        ...(o.file !== undefined ? { file: o.file } : {}),
        ...(o.line !== undefined ? { line: o.line } : {}),
        items: [],
      });
  }
  for (const i of items) {
    const name = i.object ?? i.file ?? "(input)";
    let c = cases.get(name);
    if (!c) {
      c = { name, ...(i.file !== undefined ? { file: i.file } : {}), items: [] };
      cases.set(name, c);
    }
    c.items.push(i);
  }
  return [...cases.values()];
}

export function formatJUnit(
  suite: string,
  cases: readonly JUnitCase[],
  opts: { strict?: boolean } = {},
): string {
  const fails = (i: ReportItem) => i.level === "error" || (opts.strict === true && i.level === "warning");
  const failed = cases.filter((c) => c.items.some(fails)).length;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(suite)}" tests="${cases.length}" failures="${failed}" errors="0">`,
    `  <testsuite name="${xml(suite)}" tests="${cases.length}" failures="${failed}" errors="0" skipped="0">`,
  ];
  for (const c of cases) {
    const attrs = [`name="${xml(c.name)}"`, `classname="${xml(c.file ?? suite)}"`];
    if (c.file !== undefined) attrs.push(`file="${xml(c.file)}"`);
    if (c.line !== undefined) attrs.push(`line="${c.line}"`);
    const failures = c.items.filter(fails);
    const others = c.items.filter((i) => !fails(i));
    if (failures.length === 0 && others.length === 0) {
      out.push(`    <testcase ${attrs.join(" ")}/>`);
      continue;
    }
    out.push(`    <testcase ${attrs.join(" ")}>`);
    for (const f of failures) {
      const where = f.file !== undefined ? `${f.file}:${f.line ?? 1}:${f.col ?? 1}: ` : "";
      out.push(
        `      <failure type="${xml(f.ruleId)}" message="${xml(f.message)}">${xml(`${where}${f.level}: ${f.message}`)}</failure>`,
      );
    }
    if (others.length > 0) {
      const text = others
        .map(
          (o) =>
            `${o.file !== undefined ? `${o.file}:${o.line ?? 1}:${o.col ?? 1}: ` : ""}${o.level}: ${o.ruleId}: ${o.message}`,
        )
        .join("\n");
      out.push(`      <system-out>${xml(text)}</system-out>`);
    }
    out.push("    </testcase>");
  }
  out.push("  </testsuite>", "</testsuites>");
  return `${out.join("\n")}\n`;
}
