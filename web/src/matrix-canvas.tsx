/**
 * The heat map drawn on a canvas, for matrices too large for a table (tens
 * of thousands of cells at 1 000 pods): one fill per cell, labels on the
 * axes, hover read-out and click to pick a cell.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { ApiMatrix, ApiMatrixCell } from "../../src/web/api-types.js";

const CELL = 14;
const LABEL = 260;
const COLORS = { all: "#7fd3a0", some: "#f6cf6f", deny: "#f08a80", none: "#eef0f4" } as const;

export function cellClass(c: ApiMatrixCell): keyof typeof COLORS {
  const total = c.allowed + c.denied;
  if (total === 0) return "none";
  if (c.denied === 0) return "all";
  if (c.allowed === 0) return "deny";
  return "some";
}

export function MatrixCanvas({
  data,
  picked,
  pick,
}: {
  data: ApiMatrix;
  picked: { i: number; j: number } | undefined;
  pick: (p: { i: number; j: number }) => void;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<{ i: number; j: number; x: number; y: number } | undefined>(undefined);
  const cols = data.groups.filter((g) => !g.external);
  const rows = data.groups;
  const width = LABEL + cols.length * CELL + 8;
  const height = LABEL + rows.length * CELL + 8;

  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext("2d");
    if (!canvas || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = width * dpr;
    canvas.height = height * dpr;
    ctx.scale(dpr, dpr);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, width, height);
    ctx.font = "11px system-ui, sans-serif";
    ctx.fillStyle = "#3a4257";
    ctx.textBaseline = "middle";
    rows.forEach((g, i) => {
      ctx.textAlign = "right";
      ctx.fillText(
        g.label.length > 40 ? `${g.label.slice(0, 39)}…` : g.label,
        LABEL - 6,
        LABEL + i * CELL + CELL / 2,
      );
    });
    cols.forEach((g, j) => {
      ctx.save();
      ctx.translate(LABEL + j * CELL + CELL / 2, LABEL - 6);
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = "left";
      ctx.fillText(g.label.length > 40 ? `${g.label.slice(0, 39)}…` : g.label, 0, 0);
      ctx.restore();
    });
    for (const [i, row] of data.cells.entries()) {
      for (const [j, c] of row.entries()) {
        ctx.fillStyle = COLORS[cellClass(c)];
        ctx.fillRect(LABEL + j * CELL, LABEL + i * CELL, CELL - 1, CELL - 1);
      }
    }
    if (picked) {
      ctx.strokeStyle = "#1d2330";
      ctx.lineWidth = 2;
      ctx.strokeRect(LABEL + picked.j * CELL - 1, LABEL + picked.i * CELL - 1, CELL + 1, CELL + 1);
    }
  }, [data, picked, width, height]);

  const at = (e: MouseEvent) => {
    const r = (e.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    const j = Math.floor((x - LABEL) / CELL);
    const i = Math.floor((y - LABEL) / CELL);
    if (x < LABEL || y < LABEL || i >= rows.length || j >= cols.length) return undefined;
    return { i, j, x, y };
  };
  const h = hover && data.cells[hover.i]?.[hover.j];
  return (
    <div class="matrix-canvas" style={{ position: "relative" }}>
      <canvas
        ref={ref}
        data-testid="matrix-canvas"
        style={{ width: `${width}px`, height: `${height}px`, cursor: "pointer" }}
        onMouseMove={(e) => setHover(at(e))}
        onMouseLeave={() => setHover(undefined)}
        onClick={(e) => {
          const p = at(e);
          if (p) pick({ i: p.i, j: p.j });
        }}
      />
      {hover && h && (
        <div class="tip" style={{ left: `${hover.x + 14}px`, top: `${hover.y + 14}px` }}>
          {rows[hover.i]?.label} → {cols[hover.j]?.label}: {h.allowed} allowed, {h.denied} denied
        </div>
      )}
    </div>
  );
}
