/**
 * The dashboard shell: header with the cluster summary, hash-routed views
 * (#/topology, #/reachability, #/try, #/objects, #/live) and the object detail
 * panel any view can open.
 */
import { useEffect, useState } from "preact/hooks";
import type { ApiSummary } from "../../src/web/api-types.js";
import { getJSON } from "./api.js";
import { DetailPanel } from "./detail-panel.js";
import { LiveView } from "./live-view.js";
import { ObjectsView } from "./objects-view.js";
import { ReachabilityView } from "./reachability-view.js";
import { TopologyView } from "./topology-view.js";
import { TryItView } from "./try-it-view.js";
import { useFetch } from "./use-fetch.js";

const VIEWS = [
  { id: "topology", title: "Topology" },
  { id: "reachability", title: "Reachability" },
  { id: "try", title: "Try it" },
  { id: "objects", title: "Objects" },
  { id: "live", title: "Live" },
] as const;
type ViewId = (typeof VIEWS)[number]["id"];

function currentView(): ViewId {
  const h = location.hash.replace(/^#\/?/, "").split("?")[0] ?? "";
  return (VIEWS.find((v) => v.id === h)?.id ?? "topology") as ViewId;
}

export function App() {
  const [view, setView] = useState<ViewId>(currentView());
  const [detail, setDetail] = useState<string | undefined>(undefined);
  const [tick, setTick] = useState(0);
  const summary = useFetch<ApiSummary>(`summary:${tick}`, () => getJSON<ApiSummary>("summary"));
  const isLive = summary.data?.mode === "live";

  // A running instance changes (apply, --watch): refresh the header's summary.
  useEffect(() => {
    if (!isLive) return;
    const t = setInterval(() => setTick((n) => n + 1), 3000);
    return () => clearInterval(t);
  }, [isLive]);

  useEffect(() => {
    const onHash = () => setView(currentView());
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  const s = summary.data;
  const live = s?.mode === "live";
  return (
    <div class={`shell ${detail ? "with-detail" : ""}`}>
      <header class="top">
        <div class="brand">
          <span class="logo">m</span> michi
        </div>
        <nav>
          {VIEWS.map((v) => (
            <a
              key={v.id}
              href={`#/${v.id}`}
              class={`tab ${view === v.id ? "active" : ""} ${v.id === "live" && !live ? "muted" : ""}`}
              data-view={v.id}
            >
              {v.title}
            </a>
          ))}
        </nav>
        <div class="summary">
          {s && (
            <>
              <span class={`mode ${s.mode}`}>
                {s.mode === "live" ? "live · michi up" : "static analysis"}
              </span>
              <span>{s.counts.pods ?? 0} pods</span>
              <span>{s.counts.services ?? 0} services</span>
              <span>{s.counts.networkpolicies ?? 0} policies</span>
              {s.errors > 0 && (
                <a href="#/objects" class="sev error" title="findings: see Objects">
                  {s.errors} errors
                </a>
              )}
              {s.warnings > 0 && (
                <a href="#/objects" class="sev warning" title="findings: see Objects">
                  {s.warnings} warnings
                </a>
              )}
            </>
          )}
          {summary.error && <span class="sev error">API: {summary.error}</span>}
        </div>
      </header>
      <main class="content">
        {view === "topology" && <TopologyView open={setDetail} />}
        {view === "reachability" && <ReachabilityView open={setDetail} />}
        {view === "try" && <TryItView open={setDetail} />}
        {view === "objects" && <ObjectsView open={setDetail} />}
        {view === "live" &&
          (live ? (
            <LiveView open={setDetail} />
          ) : (
            <div class="empty">
              <h2>Live view</h2>
              <p>
                The flow log, counters and configuration errors stream from a running data plane. Start it
                with <code>michi up -f DIR --ui 127.0.0.1:8088</code> and open that address;{" "}
                <code>michi ui</code> only analyses the manifests.
              </p>
            </div>
          ))}
      </main>
      {detail && <DetailPanel id={detail} open={setDetail} close={() => setDetail(undefined)} />}
    </div>
  );
}
