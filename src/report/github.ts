/**
 * GitHub Actions workflow commands (`::error file=F,line=L,col=C,title=T::message`),
 * one line per item, escaped as the Actions toolkit does: in the message
 * `%`, CR and LF; in property values also `:` and `,` — so a message with a
 * newline or a file name with a comma cannot end the command early.
 */
import type { ReportItem, ReportLevel } from "./report-item.js";

const COMMAND: Record<ReportLevel, string> = { error: "error", warning: "warning", note: "notice" };

export function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

export function githubCommand(item: ReportItem): string {
  const props: string[] = [];
  if (item.file !== undefined) {
    props.push(`file=${escapeProperty(item.file)}`);
    if (item.line !== undefined) props.push(`line=${item.line}`);
    if (item.col !== undefined) props.push(`col=${item.col}`);
  }
  props.push(`title=${escapeProperty(`michi ${item.ruleId}`)}`);
  return `::${COMMAND[item.level]} ${props.join(",")}::${escapeData(item.message)}`;
}

export function formatGitHub(items: readonly ReportItem[]): string {
  return items.map((i) => `${githubCommand(i)}\n`).join("");
}
