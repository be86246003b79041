/**
 * `michi matrix --focus KIND/NS/NAME`: the reachability of one workload (or
 * pod) and its peers only. Per port, for every peer row (by workload): `out`,
 * whether the focus can open connections to the peer, and `in`, whether the
 * peer can open connections to the focus (`.` every pod pair, `X` none, `~`
 * some). JSON keeps matrix's result shape, restricted to pairs with the
 * focus on one end.
 */
import type { Pod } from "../api/types.js";
import type { PolicyMatrix } from "../policy/matrix.js";
import { cell, type MatrixResultRow, type Row } from "../policy/matrix-report.js";

const podName = (p: Pod) => `${p.metadata?.namespace ?? "default"}/${p.metadata?.name ?? ""}`;

export function formatFocusTable(m: PolicyMatrix, focus: Row, peers: readonly Row[]): string {
  const ports = m.ports.map((p) => `${p.protocol}/${p.port}`);
  const nameW = Math.max(4, ...peers.map((r) => r.name.length));
  const colW = Math.max(9, ...ports.map((p) => p.length + 2));
  const out = [
    `peers of ${focus.name} (${focus.pods.length} pod${focus.pods.length === 1 ? "" : "s"}): out = ${focus.name} → peer, in = peer → ${focus.name} (. allowed, X denied, ~ some pods)`,
    `${"PEER".padEnd(nameW)}  ${ports.map((p) => p.padEnd(colW)).join("")}`.trimEnd(),
    `${"".padEnd(nameW)}  ${ports.map(() => "out in".padEnd(colW)).join("")}`.trimEnd(),
  ];
  for (const r of peers) {
    const cells = m.ports.map((_, pi) =>
      `${cell(m, focus, r, pi).padEnd(4)}${cell(m, r, focus, pi)}`.padEnd(colW),
    );
    out.push(`${r.name.padEnd(nameW)}  ${cells.join("")}`.trimEnd());
  }
  return `${out.join("\n")}\n`;
}

export function focusResults(
  m: PolicyMatrix,
  focus: readonly Pod[],
  pods: readonly Pod[],
): MatrixResultRow[] {
  const inFocus = new Set(focus);
  const out: MatrixResultRow[] = [];
  m.ports.forEach((pp, pi) => {
    for (const s of pods) {
      for (const d of pods) {
        if (!inFocus.has(s) && !inFocus.has(d)) continue;
        out.push({
          from: podName(s),
          to: podName(d),
          port: pp.port,
          protocol: pp.protocol,
          allowed: m.allowed(s, d, pi),
        });
      }
    }
  });
  return out;
}
