/**
 * Topology: namespaces as bands; in each, Ingresses → Services → workloads
 * (with their pods as chips coloured by NetworkPolicy isolation), and the
 * world outside the cluster on the left. A deterministic layered layout:
 * columns by kind, rows ordered by the barycentre of their parents, so edges
 * mostly run straight. Click anything for its detail.
 */
import { useMemo, useState } from "preact/hooks";
import type { ApiTopology, ApiTopoNode } from "../../src/web/api-types.js";
import { getJSON } from "./api.js";
import { useFetch } from "./use-fetch.js";
import { isolationClass, isolationText } from "./widgets.js";

const COL_X = { external: 12, ingress: 250, service: 490, workload: 730, pod: 730 } as const;
const NODE_W = 210;
const NODE_H = 44;
const CHIP_W = 16;
const CHIP_H = 14;
const CHIPS_PER_ROW = 11;
const GAP = 14;
const BAND_HEAD = 30;

interface Placed {
  node: ApiTopoNode;
  x: number;
  y: number;
  h: number;
}

function nodeHeight(n: ApiTopoNode): number {
  const pods = n.pods?.length ?? 0;
  if (pods === 0) return NODE_H;
  return NODE_H + Math.ceil(pods / CHIPS_PER_ROW) * (CHIP_H + 4) + 4;
}

interface Layout {
  placed: Map<string, Placed>;
  bands: { name: string; y: number; h: number; labels: Record<string, string> }[];
  width: number;
  height: number;
}

function layout(topo: ApiTopology, nsFilter: string): Layout {
  const placed = new Map<string, Placed>();
  const parents = new Map<string, string[]>();
  for (const e of topo.edges) parents.set(e.to, [...(parents.get(e.to) ?? []), e.from]);
  const bands: Layout["bands"] = [];
  const external = topo.nodes.find((n) => n.kind === "external");
  let y = 16;
  if (external) {
    placed.set(external.id, { node: external, x: COL_X.external, y: y + BAND_HEAD, h: NODE_H });
  }
  const order = new Map<string, number>();
  if (external) order.set(external.id, 0);
  for (const ns of topo.namespaces) {
    if (nsFilter && ns.name !== nsFilter) continue;
    const members = topo.nodes.filter((n) => n.namespace === ns.name && n.kind !== "external");
    if (members.length === 0) continue;
    const top = y;
    let bottom = top + BAND_HEAD + NODE_H;
    for (const kind of ["ingress", "service", "workload"] as const) {
      const col = members.filter((n) =>
        kind === "workload" ? n.kind === "workload" || n.kind === "pod" : n.kind === kind,
      );
      const bary = (n: ApiTopoNode) => {
        const ps = (parents.get(n.id) ?? [])
          .map((p) => order.get(p))
          .filter((v): v is number => v !== undefined);
        return ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : Number.POSITIVE_INFINITY;
      };
      col.sort((a, b) => bary(a) - bary(b) || a.label.localeCompare(b.label));
      let cy = top + BAND_HEAD;
      col.forEach((n, i) => {
        const h = nodeHeight(n);
        placed.set(n.id, { node: n, x: COL_X[kind], y: cy, h });
        order.set(n.id, i);
        cy += h + GAP;
      });
      bottom = Math.max(bottom, cy);
    }
    bands.push({ name: ns.name, y: top, h: bottom - top, labels: ns.labels });
    y = bottom + 18;
  }
  return { placed, bands, width: COL_X.workload + NODE_W + 40, height: Math.max(y, 200) };
}

function edgePath(a: Placed, b: Placed): string {
  const x1 = a.x + NODE_W;
  const y1 = a.y + NODE_H / 2;
  const x2 = b.x;
  const y2 = b.y + NODE_H / 2;
  const dx = Math.max(40, (x2 - x1) / 2);
  return `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}`;
}

export function TopologyView({ open }: { open: (id: string) => void }) {
  const topo = useFetch<ApiTopology>("topology", () => getJSON<ApiTopology>("topology"));
  const [ns, setNs] = useState("");
  const [hover, setHover] = useState<string | undefined>(undefined);
  const lay = useMemo(() => (topo.data ? layout(topo.data, ns) : undefined), [topo.data, ns]);
  if (topo.error) return <p class="sev error">{topo.error}</p>;
  if (!topo.data || !lay) return <p class="muted">loading topology…</p>;
  const t = topo.data;
  const near = new Set<string>();
  if (hover) {
    near.add(hover);
    for (const e of t.edges) {
      if (e.from === hover) near.add(e.to);
      if (e.to === hover) near.add(e.from);
    }
  }
  return (
    <div class="topology">
      <div class="toolbar">
        <label>
          namespace{" "}
          <select value={ns} onChange={(e) => setNs((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">all ({t.namespaces.length})</option>
            {t.namespaces.map((n) => (
              <option key={n.name} value={n.name}>
                {n.name} ({n.pods} pods)
              </option>
            ))}
          </select>
        </label>
        <span class="legend">
          pods: <span class="chip iso-none" /> not isolated <span class="chip iso-in" /> ingress isolated{" "}
          <span class="chip iso-out" /> egress isolated <span class="chip iso-both" /> both
        </span>
        <span class="legend">
          edges: <span class="edge-key route" /> ingress route <span class="edge-key selects" /> service
          selects <span class="edge-key exposes" /> exposed outside
        </span>
      </div>
      <div class="canvas">
        <svg width={lay.width} height={lay.height} viewBox={`0 0 ${lay.width} ${lay.height}`} role="img">
          <title>cluster topology</title>
          {lay.bands.map((b) => (
            <g key={b.name} class="band" data-namespace={b.name}>
              <rect x={COL_X.ingress - 14} y={b.y} width={lay.width - COL_X.ingress} height={b.h} rx={10} />
              <text x={COL_X.ingress - 4} y={b.y + 19} class="band-title">
                {b.name}
              </text>
              <text x={COL_X.ingress + 8 + b.name.length * 8.5} y={b.y + 19} class="band-labels">
                {Object.entries(b.labels)
                  .filter(([k]) => k !== "kubernetes.io/metadata.name")
                  .map(([k, v]) => `${k}=${v}`)
                  .join("  ")}
              </text>
            </g>
          ))}
          {t.edges.map((e, i) => {
            const a = lay.placed.get(e.from);
            const b = lay.placed.get(e.to);
            if (!a || !b) return null;
            const dim = hover !== undefined && !(near.has(e.from) && near.has(e.to));
            return (
              <g key={i} class={`edge ${e.kind} ${dim ? "dim" : ""}`}>
                <path d={edgePath(a, b)} />
                <title>{e.label}</title>
              </g>
            );
          })}
          {[...lay.placed.values()].map(({ node: n, x, y, h }) => (
            // biome-ignore lint/a11y/useSemanticElements: an SVG group cannot be a <button>; role + tabIndex + Enter make it one
            <g
              key={n.id}
              class={`node ${n.kind} ${hover && !near.has(n.id) ? "dim" : ""}`}
              data-node={n.id}
              transform={`translate(${x},${y})`}
              role="button"
              tabIndex={0}
              aria-label={`${n.kind} ${n.label}`}
              onMouseEnter={() => setHover(n.id)}
              onMouseLeave={() => setHover(undefined)}
              onClick={() => n.ref && open(n.ref)}
              onKeyDown={(ev) => ev.key === "Enter" && n.ref && open(n.ref)}
            >
              <rect width={NODE_W} height={h} rx={8} />
              <text x={10} y={18} class="node-title">
                {n.label.length > 26 ? `${n.label.slice(0, 25)}…` : n.label}
              </text>
              <text x={10} y={35} class="node-sub">
                {n.sub.length > 34 ? `${n.sub.slice(0, 33)}…` : n.sub}
              </text>
              {n.findings > 0 && (
                <g class="node-findings" transform={`translate(${NODE_W - 22},6)`}>
                  <circle r={9} cx={8} cy={8} />
                  <text x={8} y={12}>
                    {n.findings}
                  </text>
                  <title>{n.findings} findings</title>
                </g>
              )}
              {n.pods?.map((p, i) => (
                // biome-ignore lint/a11y/useSemanticElements: an SVG group cannot be a <button>
                <g
                  key={p.id}
                  class={`chip-svg ${isolationClass(p.isolation)} ${p.ready ? "" : "not-ready"}`}
                  data-pod={p.name}
                  transform={`translate(${10 + (i % CHIPS_PER_ROW) * (CHIP_W + 2)},${NODE_H + Math.floor(i / CHIPS_PER_ROW) * (CHIP_H + 4)})`}
                  role="button"
                  tabIndex={0}
                  aria-label={`pod ${p.name}`}
                  onClick={(ev) => {
                    ev.stopPropagation();
                    open(p.id);
                  }}
                  onKeyDown={(ev) => {
                    if (ev.key !== "Enter") return;
                    ev.stopPropagation();
                    open(p.id);
                  }}
                >
                  <rect width={CHIP_W} height={CHIP_H} rx={3} />
                  <title>
                    {p.name} {p.ip} — {isolationText(p.isolation)}
                  </title>
                </g>
              ))}
              {n.podCount !== undefined && n.pods && n.podCount > n.pods.length && (
                <text x={NODE_W - 10} y={h - 8} class="node-sub more" text-anchor="end">
                  +{n.podCount - n.pods.length} pods
                </text>
              )}
            </g>
          ))}
        </svg>
      </div>
    </div>
  );
}
