/**
 * The side panel for one object: derived state (IPs, endpoints, env,
 * resolv.conf), NetworkPolicy isolation, findings, related objects and YAML.
 */
import type { ApiObjectDetail } from "../../src/web/api-types.js";
import { getJSON } from "./api.js";
import { useFetch } from "./use-fetch.js";
import { Findings, IsolationBadge } from "./widgets.js";

export function DetailPanel({
  id,
  open,
  close,
}: {
  id: string;
  open: (id: string) => void;
  close: () => void;
}) {
  const d = useFetch<ApiObjectDetail>(id, () => getJSON<ApiObjectDetail>("objects/detail", { id }));
  const o = d.data;
  return (
    <aside class="detail" data-testid="detail">
      <div class="detail-head">
        <div>
          <div class="kind">{o?.kind ?? id.split("/")[0]}</div>
          <h2>{o ? (o.namespace ? `${o.namespace}/${o.name}` : o.name) : id}</h2>
          {o?.source && (
            <div class="src">
              {o.source.file}:{o.source.line}
            </div>
          )}
        </div>
        <button type="button" class="close" onClick={close} aria-label="close">
          ×
        </button>
      </div>
      {d.loading && !o && <p class="muted">loading…</p>}
      {d.error && <p class="sev error">{d.error}</p>}
      {o && (
        <div class="detail-body">
          {o.isolation && (
            <section>
              <h3>NetworkPolicy</h3>
              <IsolationBadge iso={o.isolation} long />
              {o.isolation.policies.length > 0 && (
                <ul class="links">
                  {o.isolation.policies.map((p) => (
                    <li key={p}>
                      <button type="button" class="link" onClick={() => open(`networkpolicy/${p}`)}>
                        {p}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          )}
          {o.facts.length > 0 && (
            <section>
              <h3>Derived state</h3>
              <table class="facts">
                <tbody>
                  {o.facts.map((f) => (
                    <tr key={f.label}>
                      <th>{f.label}</th>
                      <td>{f.value}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
          {o.findings.length > 0 && (
            <section>
              <h3>Findings</h3>
              <Findings items={o.findings} />
            </section>
          )}
          {o.endpoints && (
            <section>
              <h3>Endpoints ({o.endpoints.length})</h3>
              {o.endpoints.length === 0 && (
                <p class="sev warning">no endpoints: the selector matches no ready pod</p>
              )}
              <table class="facts">
                <tbody>
                  {o.endpoints.map((e) => (
                    <tr key={e.ip}>
                      <th>{e.ip}</th>
                      <td>
                        {e.pod ? (
                          <button type="button" class="link" onClick={() => open(`pod/${e.pod}`)}>
                            {e.pod}
                          </button>
                        ) : (
                          "—"
                        )}{" "}
                        {e.ready ? <span class="ok">ready</span> : <span class="bad">not ready</span>}
                        {e.node ? ` · ${e.node}` : ""}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
          {o.related.length > 0 && (
            <section>
              <h3>Related</h3>
              <ul class="links">
                {o.related.map((r) => (
                  <li key={r.relation + r.id}>
                    <span class="muted">{r.relation}</span>{" "}
                    <button type="button" class="link" onClick={() => open(r.id)}>
                      {r.id}
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          )}
          {o.resolvConf !== undefined && (
            <section>
              <h3>/etc/resolv.conf</h3>
              <pre class="code">{o.resolvConf}</pre>
            </section>
          )}
          {o.env && (
            <section>
              <h3>Environment ({o.env.length})</h3>
              <pre class="code env">{o.env.map((e) => `${e.name}=${e.value}`).join("\n")}</pre>
            </section>
          )}
          <section>
            <h3>YAML</h3>
            <pre class="code yaml">{o.yaml}</pre>
          </section>
        </div>
      )}
    </aside>
  );
}
