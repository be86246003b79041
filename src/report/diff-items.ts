/**
 * A diff as ReportItems for the CI formats: each change one item at the
 * place that caused it (the policy rule, the Service's selector, the
 * Ingress rule, the Service giving a DNS name); findings added and resolved
 * keep their own rule id with SARIF's baselineState `new` / `absent`.
 * Newly allowed connections and changed routes are warnings (they need a
 * reviewer's eye), the rest notes.
 */
import type { DiffResult } from "../diff/diff.js";
import { formatRecords } from "../diff/format-text.js";
import type { SourceLocation } from "../diff/locate.js";
import { diagnosticItem, type ReportItem } from "./report-item.js";

function at(item: ReportItem, l: SourceLocation | undefined): ReportItem {
  if (l) {
    item.file = l.file;
    item.line = l.line;
    item.col = l.col;
  }
  return item;
}

const policyObject = (key: string | undefined) => (key ? `NetworkPolicy ${key}` : undefined);

export function diffItems(d: DiffResult): ReportItem[] {
  const out: ReportItem[] = [];
  for (const c of [...d.connections.added, ...d.connections.removed]) {
    const object = policyObject(c.policy);
    out.push(
      at(
        {
          ruleId: c.allowed ? "diff/connection-allowed" : "diff/connection-denied",
          level: c.allowed ? "warning" : "note",
          message: `${c.allowed ? "newly allowed" : "newly denied"}: ${c.from} → ${c.to} ${c.protocol}/${c.port} (${c.pairs} pod pair${c.pairs === 1 ? "" : "s"}): ${c.cause}`,
          ...(object ? { object } : {}),
        },
        c.location,
      ),
    );
  }
  for (const w of d.workloads.added)
    out.push({ ruleId: "diff/workload-added", level: "note", message: `workload added: ${w}`, object: w });
  for (const w of d.workloads.removed)
    out.push({
      ruleId: "diff/workload-removed",
      level: "note",
      message: `workload removed: ${w}`,
      object: w,
    });
  for (const s of d.services)
    out.push(
      at(
        {
          ruleId: "diff/service-backends",
          level: "note",
          message: `Service ${s.service}: ${s.cause}`,
          object: `Service ${s.service}`,
        },
        s.location,
      ),
    );
  for (const r of d.routes) {
    const first = r.requests[0]!.request;
    out.push(
      at(
        {
          ruleId: "diff/route",
          level: "warning",
          message: `${first.method} ${first.url}${r.requests.length > 1 ? ` and ${r.requests.length - 1} more request(s)` : ""}: ${r.cause}`,
          ...(r.object ? { object: `Ingress ${r.object}` } : {}),
        },
        r.location,
      ),
    );
  }
  for (const n of d.dns.added)
    out.push(
      at(
        {
          ruleId: "diff/dns-added",
          level: "note",
          message: `DNS name added: ${n.name} ${formatRecords(n.records)}`,
          object: `Service ${n.service}`,
        },
        n.location,
      ),
    );
  for (const n of d.dns.removed)
    out.push(
      at(
        {
          ruleId: "diff/dns-removed",
          level: "note",
          message: `DNS name removed: ${n.name} ${formatRecords(n.records)}`,
          object: `Service ${n.service}`,
        },
        n.location,
      ),
    );
  for (const n of d.dns.changed)
    out.push(
      at(
        {
          ruleId: "diff/dns-changed",
          level: "note",
          message: `DNS name changed: ${n.name} ${formatRecords(n.from)} → ${formatRecords(n.to)}`,
          object: `Service ${n.service}`,
        },
        n.location,
      ),
    );
  for (const f of d.findings.added) out.push({ ...diagnosticItem(f), baseline: "new" });
  for (const f of d.findings.removed)
    out.push({
      ...diagnosticItem(f),
      level: "note",
      message: `resolved: ${diagnosticItem(f).message}`,
      baseline: "absent",
    });
  return out;
}
