/**
 * Rendering a PolicyMatrix: terminal tables (`.` allowed, `X` denied,
 * `~` partly when grouped by workload), JSON/CSV/Markdown/DOT/HTML, and the
 * class-level report used when a cluster is too large for pod-by-pod cells.
 */
import type { Pod } from "../api/types.js";
import type { ClusterState } from "../cluster/state.js";
import type { PolicyMatrix, PortProtocol } from "./matrix.js";
import { podContainerPorts } from "./ports.js";
import { formatLabels } from "./selector.js";

export type MatrixFormat = "table" | "json" | "csv" | "md" | "dot" | "html";

export interface Row {
  /** `ns/name` of a pod, or `ns/workload` when grouped. */
  name: string;
  pods: Pod[];
}

const podName = (p: Pod) => `${p.metadata?.namespace ?? "default"}/${p.metadata?.name ?? ""}`;

/** Default ports: every containerPort the pods declare (port/protocol), sorted. */
export function declaredPorts(pods: readonly Pod[]): PortProtocol[] {
  const seen = new Map<string, PortProtocol>();
  for (const p of pods) {
    for (const cp of podContainerPorts(p.spec)) {
      const protocol = cp.protocol ?? "TCP";
      seen.set(`${protocol}/${cp.containerPort}`, { port: cp.containerPort, protocol });
    }
  }
  return [...seen.values()].sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port);
}

/** The workload a pod belongs to: its controller owner, a ReplicaSet resolved to its Deployment. */
export function workloadOf(state: ClusterState, pod: Pod): string {
  const ns = pod.metadata?.namespace ?? "default";
  const owner =
    pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
  if (!owner) return `${ns}/pod/${pod.metadata?.name ?? ""}`;
  if (owner.kind === "ReplicaSet") {
    const rs = state.replicaSets.find(
      (r) => r.metadata?.name === owner.name && (r.metadata?.namespace ?? "default") === ns,
    );
    const dep = rs?.metadata?.ownerReferences?.find((o) => o.kind === "Deployment");
    if (dep) return `${ns}/deployment/${dep.name}`;
  }
  return `${ns}/${owner.kind.toLowerCase()}/${owner.name}`;
}

export function rowsFor(state: ClusterState, pods: readonly Pod[], groupByWorkload: boolean): Row[] {
  if (!groupByWorkload) return pods.map((p) => ({ name: podName(p), pods: [p] }));
  const groups = new Map<string, Pod[]>();
  for (const p of pods) {
    const w = workloadOf(state, p);
    let g = groups.get(w);
    if (!g) {
      g = [];
      groups.set(w, g);
    }
    g.push(p);
  }
  return [...groups].map(([name, ps]) => ({ name, pods: ps }));
}

/** `.` every pod pair allowed, `X` none, `~` some (grouped rows); pod to itself excluded. */
export function cell(m: PolicyMatrix, from: Row, to: Row, pi: number): "." | "X" | "~" {
  let yes = 0;
  let no = 0;
  for (const s of from.pods) {
    for (const d of to.pods) {
      if (s === d) continue;
      if (m.allowed(s, d, pi)) yes++;
      else no++;
    }
  }
  if (no === 0) return ".";
  return yes === 0 ? "X" : "~";
}

function portLabel(p: PortProtocol): string {
  return `${p.protocol}/${p.port}`;
}

export function formatTable(m: PolicyMatrix, rows: readonly Row[]): string {
  const out: string[] = [];
  const w = Math.max(4, ...rows.map((r) => r.name.length));
  const idxW = String(rows.length).length;
  m.ports.forEach((pp, pi) => {
    out.push(
      `${portLabel(pp)}  (rows: from, columns: to; . allowed, X denied${rows.some((r) => r.pods.length > 1) ? ", ~ some pods" : ""})`,
    );
    const cols = rows.map((_, i) => String(i + 1).padStart(idxW));
    out.push(`${" ".repeat(idxW + 1 + w)}  ${cols.join(" ")}`);
    rows.forEach((r, i) => {
      const cells = rows.map((c) => cell(m, r, c, pi).padStart(idxW));
      out.push(`${String(i + 1).padStart(idxW)} ${r.name.padEnd(w)}  ${cells.join(" ")}`);
    });
    out.push("");
  });
  return out.join("\n");
}

export interface MatrixResultRow {
  from: string;
  to: string;
  port: number;
  protocol: string;
  allowed: boolean;
}

export function* resultRows(m: PolicyMatrix, pods: readonly Pod[]): Generator<MatrixResultRow> {
  for (let pi = 0; pi < m.ports.length; pi++) {
    const pp = m.ports[pi]!;
    for (const s of pods)
      for (const d of pods)
        yield {
          from: podName(s),
          to: podName(d),
          port: pp.port,
          protocol: pp.protocol,
          allowed: m.allowed(s, d, pi),
        };
  }
}

export function formatJSON(m: PolicyMatrix, pods: readonly Pod[]): string {
  // Streamed by rows so large matrices do not build one giant object.
  const parts: string[] = ['{"results":['];
  let first = true;
  for (const r of resultRows(m, pods)) {
    parts.push(`${first ? "" : ","}\n${JSON.stringify(r)}`);
    first = false;
  }
  parts.push("\n]}\n");
  return parts.join("");
}

export function formatCSV(m: PolicyMatrix, pods: readonly Pod[]): string {
  const out = ["from,to,port,protocol,allowed"];
  for (const r of resultRows(m, pods)) out.push(`${r.from},${r.to},${r.port},${r.protocol},${r.allowed}`);
  return `${out.join("\n")}\n`;
}

export function formatMarkdown(m: PolicyMatrix, rows: readonly Row[]): string {
  const out: string[] = [];
  m.ports.forEach((pp, pi) => {
    out.push(
      `### ${portLabel(pp)}`,
      "",
      `| from \\ to | ${rows.map((r) => `\`${r.name}\``).join(" | ")} |`,
      `|---|${rows.map(() => ":-:").join("|")}|`,
    );
    for (const r of rows) out.push(`| \`${r.name}\` | ${rows.map((c) => cell(m, r, c, pi)).join(" | ")} |`);
    out.push("");
  });
  return out.join("\n");
}

export function formatDot(m: PolicyMatrix, rows: readonly Row[]): string {
  const out = ["digraph reachability {", "  rankdir=LR;", "  node [shape=box];"];
  for (const r of rows) out.push(`  ${JSON.stringify(r.name)};`);
  rows.forEach((s) => {
    rows.forEach((d) => {
      if (s === d) return;
      const allowedOn = m.ports.filter((_, pi) => cell(m, s, d, pi) !== "X").map(portLabel);
      if (allowedOn.length > 0)
        out.push(
          `  ${JSON.stringify(s.name)} -> ${JSON.stringify(d.name)} [label=${JSON.stringify(allowedOn.join(","))}];`,
        );
    });
  });
  out.push("}");
  return `${out.join("\n")}\n`;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function formatHTML(m: PolicyMatrix, rows: readonly Row[]): string {
  const out = [
    "<!doctype html>",
    '<html><head><meta charset="utf-8"><title>michi matrix</title><style>',
    "body{font-family:sans-serif}table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #ccc;padding:2px 6px;text-align:center}",
    "th.r{text-align:left}td.a{background:#cfc}td.d{background:#fcc}td.p{background:#ffc}",
    "</style></head><body>",
  ];
  m.ports.forEach((pp, pi) => {
    out.push(
      `<h2>${esc(portLabel(pp))}</h2><table><tr><th>from \\ to</th>${rows.map((r) => `<th>${esc(r.name)}</th>`).join("")}</tr>`,
    );
    for (const r of rows) {
      const cells = rows.map((c) => {
        const v = cell(m, r, c, pi);
        return `<td class="${v === "." ? "a" : v === "X" ? "d" : "p"}">${v}</td>`;
      });
      out.push(`<tr><th class="r">${esc(r.name)}</th>${cells.join("")}</tr>`);
    }
    out.push("</table>");
  });
  out.push("</body></html>");
  return `${out.join("\n")}\n`;
}

/** Class-level report for large clusters: per port, pair totals and per class how many pods it reaches and is reached by. */
export function formatClassReport(m: PolicyMatrix, limit = 40): string {
  const ci = m.classIndex;
  const out: string[] = [];
  const podCount = ci.classes.reduce((n, c) => n + c.pods.length, 0) + ci.hostNetworkPods.length;
  out.push(
    `${podCount} pods in ${ci.classes.length} equivalence classes (same namespace, labels, ports and ipBlock matches)${ci.hostNetworkPods.length ? `, ${ci.hostNetworkPods.length} hostNetwork pods` : ""}`,
  );
  m.ports.forEach((pp, pi) => {
    const st = m.stats(pi);
    const pct = st.pairs === 0 ? 100 : (100 * st.allowedPairs) / st.pairs;
    out.push(
      "",
      `${portLabel(pp)}: ${st.allowedPairs} of ${st.pairs} ordered pod pairs allowed (${pct.toFixed(1)}%)`,
    );
    const { reaches, reachedBy } = m.perClass(pi);
    const rows = ci.classes.map((c) => ({ c, reaches: reaches[c.id]!, reachedBy: reachedBy[c.id]! }));
    // The most isolated classes first: those are what a reader looks for.
    rows.sort((a, b) => a.reaches + a.reachedBy - (b.reaches + b.reachedBy) || a.c.id - b.c.id);
    out.push(
      `  ${"class".padEnd(6)} ${"pods".padStart(6)} ${"reaches".padStart(8)} ${"reached-by".padStart(10)}  namespace/labels`,
    );
    for (const r of rows.slice(0, limit)) {
      out.push(
        `  ${String(r.c.id).padEnd(6)} ${String(r.c.pods.length).padStart(6)} ${String(r.reaches).padStart(8)} ${String(r.reachedBy).padStart(10)}  ${r.c.namespace} ${formatLabels(r.c.labels)}`,
      );
    }
    if (rows.length > limit)
      out.push(`  … ${rows.length - limit} more classes (use -o json for every pair, or -n NS)`);
  });
  return `${out.join("\n")}\n`;
}

/** Class-level CSV: one row per class and port with its pod counts. */
export function formatClassCSV(m: PolicyMatrix): string {
  const ci = m.classIndex;
  const out = ["class,namespace,labels,pods,port,protocol,reaches,reached_by"];
  m.ports.forEach((pp, pi) => {
    const { reaches, reachedBy } = m.perClass(pi);
    for (const c of ci.classes) {
      out.push(
        `${c.id},${c.namespace},"${formatLabels(c.labels)}",${c.pods.length},${pp.port},${pp.protocol},${reaches[c.id]},${reachedBy[c.id]}`,
      );
    }
  });
  return `${out.join("\n")}\n`;
}
