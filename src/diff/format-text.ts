/**
 * The terminal rendering of a diff: a summary line, then each section with
 * `+` (newly allowed, added), `-` (newly denied, removed) and `~` (changed)
 * lines, each change followed by its cause and FILE:LINE:COL. Coloured when
 * asked (the command decides: a TTY without NO_COLOR).
 */
import { formatDiagnostic } from "../api/diagnostics.js";
import type { ConnectionChange } from "./connection-diff.js";
import { changeCount, type DiffResult } from "./diff.js";
import type { DnsRecords } from "./dns-diff.js";
import { formatLocation } from "./locate.js";

export interface Palette {
  add: (s: string) => string;
  del: (s: string) => string;
  mod: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
}

const plain = (s: string) => s;
const sgr = (code: string) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;

export function palette(colour: boolean): Palette {
  if (!colour) return { add: plain, del: plain, mod: plain, dim: plain, bold: plain };
  return { add: sgr("32"), del: sgr("31"), mod: sgr("33"), dim: sgr("2"), bold: sgr("1") };
}

/** Colour on a terminal unless NO_COLOR is set (https://no-color.org: any non-empty value). */
export function wantsColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return stream.isTTY === true;
}

/** `A 10.96.0.12; SRV 0 100 80 x.` */
export function formatRecords(rs: readonly DnsRecords[]): string {
  return rs.map((r) => `${r.type} ${r.data.join(", ")}`).join("; ");
}

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;

export function summaryLine(d: DiffResult): string {
  const parts = [
    `${d.connections.added.length} newly allowed`,
    `${d.connections.removed.length} newly denied`,
    plural(d.services.length, "service change"),
    plural(d.routes.length, "route change"),
    plural(d.dns.added.length + d.dns.removed.length + d.dns.changed.length, "DNS change"),
    `${d.findings.added.length} finding(s) added, ${d.findings.removed.length} resolved`,
  ];
  return parts.join(", ");
}

function connectionLines(c: ConnectionChange, mark: string, p: Palette): string[] {
  const colour = c.allowed ? p.add : p.del;
  const lines = [
    colour(`  ${mark} ${c.from} → ${c.to}  ${c.protocol}/${c.port}  (${plural(c.pairs, "pod pair")})`),
    `      ${c.cause}`,
  ];
  if (c.location) lines.push(p.dim(`      at ${formatLocation(c.location)}`));
  return lines;
}

export function formatDiffText(d: DiffResult, p: Palette = palette(false)): string {
  const out: string[] = [];
  if (changeCount(d) === 0) {
    out.push(
      `no changes (${plural(d.compared.ports.length, "port")} compared, ${plural(d.compared.requests, "request")} routed)`,
    );
    return `${out.join("\n")}\n`;
  }
  out.push(p.bold(`michi diff: ${summaryLine(d)}`));
  const section = (title: string, n: number) => {
    if (n > 0) out.push("", p.bold(`${title} (${n}):`));
  };
  section("Connections newly allowed", d.connections.added.length);
  for (const c of d.connections.added) out.push(...connectionLines(c, "+", p));
  section("Connections newly denied", d.connections.removed.length);
  for (const c of d.connections.removed) out.push(...connectionLines(c, "-", p));
  section("Workloads added", d.workloads.added.length);
  for (const w of d.workloads.added) out.push(p.add(`  + ${w}`));
  section("Workloads removed", d.workloads.removed.length);
  for (const w of d.workloads.removed) out.push(p.del(`  - ${w}`));
  section("Service backends", d.services.length);
  for (const s of d.services) {
    out.push(p.mod(`  ~ service/${s.service}`), `      ${s.cause}`);
    if (s.location) out.push(p.dim(`      at ${formatLocation(s.location)}`));
  }
  section("Routes", d.routes.length);
  for (const r of d.routes) {
    const first = r.requests[0]!.request;
    const more = r.requests.length > 1 ? ` (+${r.requests.length - 1} more)` : "";
    out.push(p.mod(`  ~ ${first.method} ${first.url}${more}`), `      ${r.cause}`);
    if (r.location) out.push(p.dim(`      at ${formatLocation(r.location)}`));
  }
  const dnsCount = d.dns.added.length + d.dns.removed.length + d.dns.changed.length;
  section("DNS", dnsCount);
  for (const r of d.dns.added) out.push(p.add(`  + ${r.name}  ${formatRecords(r.records)}`));
  for (const r of d.dns.removed) out.push(p.del(`  - ${r.name}  ${formatRecords(r.records)}`));
  for (const r of d.dns.changed)
    out.push(p.mod(`  ~ ${r.name}  ${formatRecords(r.from)} → ${formatRecords(r.to)}`));
  section("Findings added", d.findings.added.length);
  for (const f of d.findings.added) out.push(p.add(`  + ${formatDiagnostic(f)}`));
  section("Findings resolved", d.findings.removed.length);
  for (const f of d.findings.removed) out.push(p.del(`  - ${formatDiagnostic(f)}`));
  return `${out.join("\n")}\n`;
}
