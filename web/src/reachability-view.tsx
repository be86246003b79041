/**
 * Reachability: the policy matrix as a heat map by namespace, workload or pod
 * (the server folds pods into equivalence classes, so large clusters stay
 * fast). Each cell shows how many (source pod, destination pod, port) triples
 * are allowed; clicking it shows the full check explanation of a
 * representative connection (a denied one when there is any).
 */
import { useState } from "preact/hooks";
import type { ApiCheck, ApiMatrix } from "../../src/web/api-types.js";
import { getJSON } from "./api.js";
import { CheckView } from "./check-view.js";
import { cellClass, MatrixCanvas } from "./matrix-canvas.js";
import { useFetch } from "./use-fetch.js";

/** Above this many groups the heat map is drawn on a canvas instead of a table. */
const TABLE_LIMIT = 60;

export function ReachabilityView({ open }: { open: (id: string) => void }) {
  const [level, setLevel] = useState<"namespace" | "workload" | "pod">("workload");
  const [port, setPort] = useState("declared");
  const [protocol, setProtocol] = useState("TCP");
  const [picked, setPicked] = useState<{ i: number; j: number } | undefined>(undefined);
  const key = `${level}|${port}|${protocol}`;
  const m = useFetch<ApiMatrix>(key, () => getJSON<ApiMatrix>("matrix", { level, port, protocol }));
  const cell = picked && m.data ? m.data.cells[picked.i]?.[picked.j] : undefined;
  const sample = cell?.sample;
  const check = useFetch<ApiCheck>(
    sample ? `${sample.from}|${sample.to}|${sample.port}|${sample.protocol}` : undefined,
    () => getJSON<ApiCheck>("check", sample ?? {}),
  );
  const data = m.data;
  return (
    <div class="reach">
      <div class="toolbar">
        <label>
          group by{" "}
          <select
            value={level}
            onChange={(e) => {
              setLevel((e.currentTarget as HTMLSelectElement).value as typeof level);
              setPicked(undefined);
            }}
          >
            <option value="namespace">namespace</option>
            <option value="workload">workload</option>
            <option value="pod">pod</option>
          </select>
        </label>
        <label>
          port{" "}
          <input
            name="port"
            value={port}
            size={8}
            list="port-choices"
            onChange={(e) => {
              setPort((e.currentTarget as HTMLInputElement).value.trim() || "declared");
              setPicked(undefined);
            }}
          />
          <datalist id="port-choices">
            <option value="declared" />
            <option value="80" />
            <option value="443" />
            <option value="53" />
          </datalist>
        </label>
        <label>
          protocol{" "}
          <select
            value={protocol}
            onChange={(e) => {
              setProtocol((e.currentTarget as HTMLSelectElement).value);
              setPicked(undefined);
            }}
          >
            <option>TCP</option>
            <option>UDP</option>
            <option>SCTP</option>
          </select>
        </label>
        <span class="legend">
          <span class="cell-key all" /> all allowed <span class="cell-key some" /> some{" "}
          <span class="cell-key deny" /> all denied <span class="cell-key none" /> no ports
        </span>
        {data && (
          <span class="muted small">
            {data.pairs.toLocaleString()} connections, {data.evaluated.toLocaleString()} verdicts computed in{" "}
            {data.millis} ms
          </span>
        )}
      </div>
      {m.error && <p class="sev error">{m.error}</p>}
      {m.loading && !data && <p class="muted">computing matrix…</p>}
      {data && data.groups.length > TABLE_LIMIT && (
        <div class="matrix-wrap">
          <MatrixCanvas data={data} picked={picked} pick={setPicked} />
        </div>
      )}
      {data && data.groups.length <= TABLE_LIMIT && (
        <div class="matrix-wrap">
          <table class="matrix" data-level={data.level}>
            <thead>
              <tr>
                <th class="corner">from ↓ / to →</th>
                {data.groups.map((g) =>
                  g.external ? null : (
                    <th key={g.id} class="col">
                      <div title={g.label}>{g.label}</div>
                    </th>
                  ),
                )}
              </tr>
            </thead>
            <tbody>
              {data.groups.map((src, i) => (
                <tr key={src.id}>
                  <th class="row" title={`${src.label} (${src.pods} pods)`}>
                    {src.label}
                  </th>
                  {data.groups.map((dst, j) => {
                    if (dst.external) return null;
                    const c = data.cells[i]?.[j];
                    if (!c) return <td key={dst.id} />;
                    const cls = cellClass(c);
                    const sel = picked?.i === i && picked.j === j;
                    return (
                      <td
                        key={dst.id}
                        class={`cell ${cls} ${sel ? "sel" : ""}`}
                        data-from={src.id}
                        data-to={dst.id}
                        data-verdict={cls}
                        title={`${src.label} → ${dst.label}: ${c.allowed} allowed, ${c.denied} denied`}
                      >
                        <button
                          type="button"
                          onClick={() => setPicked({ i, j })}
                          aria-label={`${src.label} to ${dst.label}`}
                        >
                          {c.allowed + c.denied === 0 ? "" : cls === "all" ? "✓" : cls === "deny" ? "✗" : "◐"}
                        </button>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {picked && data && cell && (
        <div class="explain" data-testid="explain">
          <h3>
            {data.groups[picked.i]?.label} → {data.groups[picked.j]?.label}
          </h3>
          <p class="muted">
            {cell.allowed} allowed, {cell.denied} denied connections
            {sample ? ` — explaining ${sample.from} → ${sample.to}:${sample.port}/${sample.protocol}` : ""}
          </p>
          {check.error && <p class="sev error">{check.error}</p>}
          {check.data && <CheckView check={check.data} open={open} />}
        </div>
      )}
    </div>
  );
}
