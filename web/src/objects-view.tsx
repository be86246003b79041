/**
 * Objects: every object (manifests and what the controllers derived) in a
 * virtualised, filterable list; click one for its detail.
 */
import { useMemo, useState } from "preact/hooks";
import type { ApiLint, ApiObjectList } from "../../src/web/api-types.js";
import { getJSON } from "./api.js";
import { useFetch } from "./use-fetch.js";
import { VirtualList } from "./virtual-list.js";
import { countText, Findings } from "./widgets.js";

export function ObjectsView({ open }: { open: (id: string) => void }) {
  const list = useFetch<ApiObjectList>("objects", () => getJSON<ApiObjectList>("objects"));
  const lint = useFetch<ApiLint>("lint", () => getJSON<ApiLint>("lint"));
  const [q, setQ] = useState("");
  const [kind, setKind] = useState("");
  const items = list.data?.items ?? [];
  const kinds = useMemo(() => [...new Set(items.map((i) => i.kind))].sort(), [items]);
  const shown = useMemo(() => {
    const needle = q.toLowerCase();
    return items.filter(
      (i) => (!kind || i.kind === kind) && (!needle || `${i.id} ${i.summary}`.toLowerCase().includes(needle)),
    );
  }, [items, q, kind]);
  return (
    <div class="objects">
      <div class="toolbar">
        <input
          placeholder="filter"
          value={q}
          onInput={(e) => setQ((e.currentTarget as HTMLInputElement).value)}
        />
        <select value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">all kinds</option>
          {kinds.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
        <span class="muted small">
          {shown.length} of {items.length}
        </span>
      </div>
      {list.error && <p class="sev error">{list.error}</p>}
      {lint.data && lint.data.findings.length > 0 && (
        <details class="card findings-card" data-testid="findings">
          <summary>{countText(lint.data.findings)} (validation and lint)</summary>
          <Findings items={lint.data.findings} />
        </details>
      )}
      <VirtualList
        items={shown}
        rowHeight={30}
        height={Math.max(300, window.innerHeight - 140)}
        row={(o) => (
          <button type="button" class="link obj-row" onClick={() => open(o.id)} data-object={o.id}>
            <span class="obj-kind">{o.kind}</span>
            <span class="obj-name">{o.namespace ? `${o.namespace}/${o.name}` : o.name}</span>
            <span class="obj-sum">{o.summary}</span>
            {o.findings > 0 && <span class="sev warning">{o.findings}</span>}
          </button>
        )}
      />
    </div>
  );
}
