/**
 * A diff as a pull-request comment (GitHub-flavoured Markdown): a summary
 * table first, then one collapsible `<details>` section per kind of change
 * with a table of the changes and their causes. Capped in size (a GitHub
 * comment holds 65 536 characters): rows past the cap are left out and
 * counted at the end of their section and in a closing note.
 */
import { formatDiagnostic } from "../api/diagnostics.js";
import type { DiffResult } from "../diff/diff.js";
import { formatRecords } from "../diff/format-text.js";
import { formatLocation, type SourceLocation } from "../diff/locate.js";
import { describeOutcome } from "../diff/route-diff.js";

export interface MarkdownOptions {
  /** Maximum characters of the whole comment (default 60 000). */
  maxChars?: number;
  title?: string;
}

/** One table cell: pipes escaped, line breaks flattened, HTML made inert. */
export function cell(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n/g, " ");
}

const code = (text: string) => (text === "" ? "" : `<code>${cell(text)}</code>`);
const where = (l: SourceLocation | undefined) => (l ? code(formatLocation(l)) : "");

interface Section {
  title: string;
  headers: string[];
  rows: string[][];
}

function sections(d: DiffResult): Section[] {
  const conn = (list: DiffResult["connections"]["added"]) =>
    list.map((c) => [
      code(c.from),
      code(c.to),
      `${c.protocol}/${c.port}`,
      String(c.pairs),
      cell(c.cause),
      where(c.location),
    ]);
  const connHeaders = ["From", "To", "Port", "Pod pairs", "Cause", "Where"];
  return [
    { title: "Connections newly allowed", headers: connHeaders, rows: conn(d.connections.added) },
    { title: "Connections newly denied", headers: connHeaders, rows: conn(d.connections.removed) },
    {
      title: "Workloads added or removed",
      headers: ["Change", "Workload"],
      rows: [
        ...d.workloads.added.map((w) => ["added", code(w)]),
        ...d.workloads.removed.map((w) => ["removed", code(w)]),
      ],
    },
    {
      title: "Service backends changed",
      headers: ["Service", "Cause", "Where"],
      rows: d.services.map((s) => [code(s.service), cell(s.cause), where(s.location)]),
    },
    {
      title: "Routes changed",
      headers: ["Request", "Requests", "Before", "After", "Where"],
      rows: d.routes.map((r) => [
        code(`${r.requests[0]!.request.method} ${r.requests[0]!.request.url}`),
        String(r.requests.length),
        cell(describeOutcome(r.base)),
        cell(describeOutcome(r.head)),
        where(r.location),
      ]),
    },
    {
      title: "DNS names changed",
      headers: ["Change", "Name", "Before", "After", "Service"],
      rows: [
        ...d.dns.added.map((r) => [
          "added",
          code(r.name),
          "",
          cell(formatRecords(r.records)),
          code(r.service),
        ]),
        ...d.dns.removed.map((r) => [
          "removed",
          code(r.name),
          cell(formatRecords(r.records)),
          "",
          code(r.service),
        ]),
        ...d.dns.changed.map((r) => [
          "changed",
          code(r.name),
          cell(formatRecords(r.from)),
          cell(formatRecords(r.to)),
          code(r.service),
        ]),
      ],
    },
    {
      title: "Findings added",
      headers: ["Severity", "Finding"],
      rows: d.findings.added.map((f) => [f.severity, cell(formatDiagnostic(f))]),
    },
    {
      title: "Findings resolved",
      headers: ["Severity", "Finding"],
      rows: d.findings.removed.map((f) => [f.severity, cell(formatDiagnostic(f))]),
    },
  ];
}

const row = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;

export function formatDiffMarkdown(d: DiffResult, opts: MarkdownOptions = {}): string {
  const max = opts.maxChars ?? 60_000;
  const all = sections(d);
  const head: string[] = [`### ${opts.title ?? "michi diff"}`, ""];
  const total = all.reduce((n, s) => n + s.rows.length, 0);
  if (total === 0) {
    head.push(
      `No changes: ${d.compared.ports.length} port(s) compared for every pod pair, ${d.compared.requests} requests routed.`,
    );
    return `${head.join("\n")}\n`;
  }
  head.push(row(["Change", "Count"]), row(["---", "---:"]));
  for (const s of all) head.push(row([s.title, String(s.rows.length)]));
  head.push(
    "",
    `Compared: ${d.compared.ports.map((p) => `${p.protocol}/${p.port}`).join(", ") || "no ports"}; ${d.compared.requests} requests routed.`,
    "",
  );
  let text = head.join("\n");
  let leftOut = 0;
  const closing = (n: number) =>
    `\n_${n} row(s) left out to keep this comment under ${max} characters; run \`michi diff -o json\` for all._\n`;
  for (const s of all) {
    if (s.rows.length === 0) continue;
    let part = `\n<details><summary>${cell(s.title)} (${s.rows.length})</summary>\n\n${row(s.headers)}\n${row(s.headers.map(() => "---"))}\n`;
    let shown = 0;
    for (const r of s.rows) {
      const line = `${row(r)}\n`;
      // Room for this section's end and the closing note.
      if (text.length + part.length + line.length + 400 > max) break;
      part += line;
      shown++;
    }
    if (shown < s.rows.length) {
      leftOut += s.rows.length - shown;
      part += `\n_${s.rows.length - shown} more left out._\n`;
    }
    part += "\n</details>\n";
    if (shown === 0 && text.length + part.length + 200 > max) {
      continue;
    }
    text += part;
  }
  if (leftOut > 0) text += closing(leftOut);
  return text;
}
