/**
 * The Markdown diff: cell escaping (pipes, line breaks, HTML) and the size
 * cap, which leaves rows out and counts them rather than cutting a table.
 */
import { describe, expect, it } from "vitest";
import type { DiffResult } from "../diff/diff.js";
import { cell, formatDiffMarkdown } from "./diff-markdown.js";

function diffWithFindings(n: number): DiffResult {
  return {
    connections: { added: [], removed: [] },
    services: [],
    routes: [],
    dns: { added: [], removed: [], changed: [] },
    findings: {
      added: Array.from({ length: n }, (_, i) => ({
        severity: "warning" as const,
        code: "Test",
        message: `finding number ${i} | with a pipe and <b>markup</b>`,
        kind: "Service",
        namespace: "ns",
        name: `svc-${i}`,
      })),
      removed: [],
    },
    workloads: { added: [], removed: [] },
    compared: { ports: [{ port: 80, protocol: "TCP" }], requests: 4, pods: { base: 1, head: 1 } },
    timings: {},
  };
}

describe("formatDiffMarkdown", () => {
  it("escapes table cells", () => {
    expect(cell("a|b\nc <script>&")).toBe("a\\|b c &lt;script&gt;&amp;");
  });

  it("says so when nothing changed", () => {
    expect(formatDiffMarkdown(diffWithFindings(0))).toContain("No changes: 1 port(s) compared");
  });

  it("puts the summary table first", () => {
    const md = formatDiffMarkdown(diffWithFindings(2));
    const lines = md.split("\n");
    expect(lines[0]).toBe("### michi diff");
    expect(lines[2]).toBe("| Change | Count |");
    expect(md).toContain("| Findings added | 2 |");
    expect(md.indexOf("| Change | Count |")).toBeLessThan(md.indexOf("<details>"));
    expect(md).toContain("finding number 1 \\| with a pipe and &lt;b&gt;markup&lt;/b&gt;");
  });

  it("caps the size and counts what it left out", () => {
    const md = formatDiffMarkdown(diffWithFindings(500), { maxChars: 5000 });
    expect(md.length).toBeLessThanOrEqual(5000);
    const shown = md.split("\n").filter((l) => l.startsWith("| warning |")).length;
    expect(shown).toBeGreaterThan(5);
    expect(shown).toBeLessThan(500);
    expect(md).toContain(`_${500 - shown} more left out._`);
    expect(md).toContain(`_${500 - shown} row(s) left out to keep this comment under 5000 characters`);
    expect(md.trimEnd().endsWith("_")).toBe(true);
    expect(md).toContain("</details>");
  });
});
