/**
 * Live (served by `michi up`): the flow log streaming over server-sent events
 * with verdict filters, the request/DNS counters, and the running
 * configuration's errors and warnings.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { ApiFlow, ApiLive } from "../../src/web/api-types.js";
import { apiUrl, getJSON } from "./api.js";
import { ApplyCard } from "./apply-card.js";
import { VirtualList } from "./virtual-list.js";
import { countText, Findings } from "./widgets.js";

const MAX_FLOWS = 5000;
const VERDICTS = ["FORWARDED", "DROPPED", "REJECTED"] as const;

function policyText(p: unknown): string {
  if (p === undefined || p === null) return "";
  if (typeof p === "string") return p;
  if (Array.isArray(p)) return p.map(policyText).filter(Boolean).join(", ");
  if (typeof p === "object") {
    const o = p as Record<string, unknown>;
    if (typeof o.name === "string") return o.namespace ? `${String(o.namespace)}/${o.name}` : o.name;
    return Object.values(o).map(policyText).filter(Boolean).join(", ");
  }
  return String(p);
}

export function LiveView({ open }: { open: (id: string) => void }) {
  const [flows, setFlows] = useState<ApiFlow[]>([]);
  const [show, setShow] = useState<Record<string, boolean>>({
    FORWARDED: true,
    DROPPED: true,
    REJECTED: true,
  });
  const [text, setText] = useState("");
  const [connected, setConnected] = useState(false);
  const [live, setLive] = useState<ApiLive | undefined>(undefined);
  const paused = useRef(false);
  const [isPaused, setPaused] = useState(false);

  useEffect(() => {
    const es = new EventSource(apiUrl("live/flows", { replay: 200 }));
    es.onopen = () => setConnected(true);
    es.onerror = () => setConnected(false);
    es.onmessage = (ev: MessageEvent<string>) => {
      if (paused.current) return;
      const f = JSON.parse(ev.data) as ApiFlow;
      setFlows((old) => {
        const next = [f, ...old];
        return next.length > MAX_FLOWS ? next.slice(0, MAX_FLOWS) : next;
      });
    };
    return () => es.close();
  }, []);

  useEffect(() => {
    let stop = false;
    const poll = () =>
      getJSON<ApiLive>("live").then(
        (d) => !stop && setLive(d),
        () => undefined,
      );
    poll();
    const t = setInterval(poll, 2000);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, []);

  const shown = useMemo(() => {
    const needle = text.toLowerCase();
    return flows.filter(
      (f) =>
        (show[f.verdict] ?? true) &&
        (!needle || `${f.from} ${f.to} ${f.port} ${policyText(f.policies)}`.toLowerCase().includes(needle)),
    );
  }, [flows, show, text]);

  return (
    <div class="live">
      <div class="counters" data-testid="counters">
        {live &&
          Object.entries(live.counters).map(([k, v]) => (
            <div key={k} class="counter">
              <div class="num">{v.toLocaleString()}</div>
              <div class="muted small">{k}</div>
            </div>
          ))}
      </div>
      {live && live.findings.length > 0 && (
        <details
          class="card live-findings"
          data-testid="live-findings"
          open={live.findings.some((f) => f.severity === "error")}
        >
          <summary>configuration: {countText(live.findings)}</summary>
          <Findings items={live.findings} />
        </details>
      )}
      <ApplyCard />
      <div class="toolbar">
        <span class={`dot ${connected ? "on" : "off"}`} title={connected ? "streaming" : "disconnected"} />
        {VERDICTS.map((v) => (
          <label key={v} class={`vfilter ${v}`}>
            <input
              type="checkbox"
              name={v}
              checked={show[v] ?? true}
              onChange={(e) => setShow({ ...show, [v]: (e.currentTarget as HTMLInputElement).checked })}
            />{" "}
            {v}
          </label>
        ))}
        <input
          placeholder="filter pod, port, policy"
          value={text}
          onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
        />
        <button
          type="button"
          onClick={() => {
            paused.current = !paused.current;
            setPaused(paused.current);
          }}
        >
          {isPaused ? "resume" : "pause"}
        </button>
        <button type="button" onClick={() => setFlows([])}>
          clear
        </button>
        <span class="muted small">
          {shown.length} of {flows.length} flows
        </span>
      </div>
      <div class="flow-head">
        <span>time</span>
        <span>verdict</span>
        <span>from</span>
        <span>to</span>
        <span>port</span>
        <span>policies</span>
      </div>
      <VirtualList
        items={shown}
        rowHeight={28}
        height={Math.max(240, window.innerHeight - 330)}
        class="flows"
        row={(f) => (
          <div class={`flow ${f.verdict}`} data-verdict={f.verdict}>
            <span class="muted">{f.time ? new Date(f.time).toLocaleTimeString() : ""}</span>
            <span class="vcell">{f.verdict}</span>
            <span>
              <button
                type="button"
                class="link"
                onClick={() => f.from.includes("/") && open(`pod/${f.from}`)}
              >
                {f.from}
              </button>
            </span>
            <span>
              <button type="button" class="link" onClick={() => f.to.includes("/") && open(`pod/${f.to}`)}>
                {f.to}
              </button>
            </span>
            <span>
              {f.port}/{f.protocol}
            </span>
            <span class="muted">{policyText(f.policies)}</span>
          </div>
        )}
      />
    </div>
  );
}
