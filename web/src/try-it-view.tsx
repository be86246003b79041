/**
 * Try it: the analyzer commands as forms. `route` (URL + headers → matched
 * rule, backend, rewritten path), `dns` (name + type, optionally as a pod's
 * resolver → every query tried and the answer) and `check`.
 */
import type { TargetedSubmitEvent } from "preact";
import { useState } from "preact/hooks";
import type { ApiCheck, ApiDns, ApiObjectList, ApiRoute } from "../../src/web/api-types.js";
import { getJSON } from "./api.js";
import { CheckView } from "./check-view.js";
import { useFetch } from "./use-fetch.js";

type Submit = TargetedSubmitEvent<HTMLFormElement>;

function field(form: HTMLFormElement, name: string): string {
  const el = form.elements.namedItem(name) as
    | HTMLInputElement
    | HTMLSelectElement
    | HTMLTextAreaElement
    | null;
  return el?.value.trim() ?? "";
}

function useRun<T>() {
  const [state, setState] = useState<{ data?: T; error?: string; busy: boolean }>({ busy: false });
  const run = (p: Promise<T>) => {
    setState({ busy: true });
    p.then(
      (data) => setState({ data, busy: false }),
      (err: unknown) => setState({ error: err instanceof Error ? err.message : String(err), busy: false }),
    );
  };
  return [state, run] as const;
}

function RouteForm({ open }: { open: (id: string) => void }) {
  const [r, run] = useRun<ApiRoute>();
  const submit = (e: Submit) => {
    e.preventDefault();
    const f = e.currentTarget;
    const headers = field(f, "headers")
      .split("\n")
      .map((h) => h.trim())
      .filter(Boolean)
      .map((h): [string, string] => ["header", h]);
    run(
      getJSON<ApiRoute>(
        "route",
        { url: field(f, "url"), method: field(f, "method"), from: field(f, "from") },
        headers,
      ),
    );
  };
  const d = r.data;
  return (
    <section class="card" data-testid="route-form">
      <h3>route — what the ingress controller does with a request</h3>
      <form onSubmit={submit}>
        <div class="row">
          <select name="method" aria-label="method">
            {["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"].map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
          <input
            name="url"
            class="grow"
            placeholder="https://auth.example.com/login"
            aria-label="URL"
            required
          />
        </div>
        <textarea name="headers" rows={2} placeholder="Header: value (one per line)" aria-label="headers" />
        <div class="row">
          <input name="from" placeholder="client IP (optional)" aria-label="client IP" />
          <button type="submit" disabled={r.busy}>
            Route
          </button>
        </div>
      </form>
      {r.error && <p class="sev error">{r.error}</p>}
      {d && (
        <div class="result" data-testid="route-result">
          <div class="big">
            <span class={`status s${Math.floor(d.status / 100)}`}>{d.status}</span>{" "}
            {d.backend ? (
              <span>
                →{" "}
                <button type="button" class="link" onClick={() => open(`service/${d.backend?.service}`)}>
                  {d.backend.service}
                </button>
                :{d.backend.port}
              </span>
            ) : d.location ? (
              <span>→ redirect to {d.location}</span>
            ) : null}
          </div>
          <table class="facts">
            <tbody>
              {d.ingress && (
                <tr>
                  <th>ingress</th>
                  <td>
                    <button type="button" class="link" onClick={() => open(`ingress/${d.ingress}`)}>
                      {d.ingress}
                    </button>
                  </td>
                </tr>
              )}
              {d.rule && (
                <tr>
                  <th>rule</th>
                  <td>
                    host {d.rule.host ?? "*"} path {d.rule.path ?? "/"} ({d.rule.pathType ?? "Prefix"})
                  </td>
                </tr>
              )}
              {d.upstreamPath !== undefined && (
                <tr>
                  <th>upstream path</th>
                  <td>{d.upstreamPath}</td>
                </tr>
              )}
              {d.endpoints && (
                <tr>
                  <th>endpoints</th>
                  <td>
                    {d.endpoints.length === 0 ? (
                      "none"
                    ) : (
                      <ul class="plain">
                        {d.endpoints.map((e) => (
                          <li key={e}>{e}</li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
          <ul class="reasons">
            {d.explanation.map((x, i) => (
              <li key={i}>{x}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

function DnsForm({ pods }: { pods: string[] }) {
  const [r, run] = useRun<ApiDns>();
  const submit = (e: Submit) => {
    e.preventDefault();
    const f = e.currentTarget;
    run(getJSON<ApiDns>("dns", { name: field(f, "name"), type: field(f, "type"), from: field(f, "from") }));
  };
  const d = r.data;
  return (
    <section class="card" data-testid="dns-form">
      <h3>dns — what the cluster DNS answers</h3>
      <form onSubmit={submit}>
        <div class="row">
          <input
            name="name"
            class="grow"
            placeholder="idp-server.idp-system.svc.cluster.local"
            aria-label="name"
            required
          />
          <select name="type" aria-label="type">
            {["A", "AAAA", "SRV", "PTR", "CNAME", "TXT", "NS", "SOA", "ANY"].map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </div>
        <div class="row">
          <input
            name="from"
            class="grow"
            list="pod-names"
            placeholder="from pod NS/NAME (optional: use its resolv.conf)"
            aria-label="from pod"
          />
          <button type="submit" disabled={r.busy}>
            Resolve
          </button>
        </div>
      </form>
      <datalist id="pod-names">
        {pods.map((p) => (
          <option key={p} value={p} />
        ))}
      </datalist>
      {r.error && <p class="sev error">{r.error}</p>}
      {d && (
        <div class="result" data-testid="dns-result">
          <div class="big">
            <span class={`rcode ${d.rcode === "NOERROR" ? "ok" : "bad"}`}>{d.rcode}</span> {d.answers.length}{" "}
            answer{d.answers.length === 1 ? "" : "s"}
          </div>
          {d.queries && (
            <>
              <h4>Queries the resolver tries</h4>
              <ol class="queries">
                {d.queries.map((q, i) => (
                  <li key={i} class={q.rcode === "NOERROR" && q.answers > 0 ? "hit" : "miss"}>
                    <code>{q.name}</code> → {q.rcode}
                    {q.answers ? ` (${q.answers})` : ""}
                  </li>
                ))}
              </ol>
            </>
          )}
          {d.answers.length > 0 && (
            <pre class="code">
              {d.answers.map((a) => `${a.name}\t${a.ttl}\tIN\t${a.type}\t${a.data}`).join("\n")}
            </pre>
          )}
          {d.resolvConf !== undefined && (
            <>
              <h4>{d.from}: /etc/resolv.conf</h4>
              <pre class="code">{d.resolvConf}</pre>
            </>
          )}
        </div>
      )}
    </section>
  );
}

function CheckForm({ open }: { open: (id: string) => void }) {
  const [r, run] = useRun<ApiCheck>();
  const submit = (e: Submit) => {
    e.preventDefault();
    const f = e.currentTarget;
    run(
      getJSON<ApiCheck>("check", {
        from: field(f, "from"),
        to: field(f, "to"),
        port: field(f, "port"),
        protocol: field(f, "protocol"),
      }),
    );
  };
  return (
    <section class="card wide" data-testid="check-form">
      <h3>check — may this connection pass the NetworkPolicies?</h3>
      <form onSubmit={submit}>
        <div class="row">
          <input
            name="from"
            class="grow"
            list="pod-names"
            placeholder="from: pod NS/NAME, workload or IP"
            aria-label="from"
            required
          />
          <input
            name="to"
            class="grow"
            list="pod-names"
            placeholder="to: pod, service/NS/NAME, workload or IP"
            aria-label="to"
            required
          />
          <input name="port" size={6} placeholder="port" aria-label="port" required />
          <select name="protocol" aria-label="protocol">
            <option>TCP</option>
            <option>UDP</option>
            <option>SCTP</option>
          </select>
          <button type="submit" disabled={r.busy}>
            Check
          </button>
        </div>
      </form>
      {r.error && <p class="sev error">{r.error}</p>}
      {r.data && <CheckView check={r.data} open={open} />}
    </section>
  );
}

export function TryItView({ open }: { open: (id: string) => void }) {
  const pods = useFetch<ApiObjectList>("pods", () => getJSON<ApiObjectList>("objects", { kind: "pod" }));
  const names = (pods.data?.items ?? []).map((p) => `${p.namespace}/${p.name}`);
  return (
    <div class="try">
      <RouteForm open={open} />
      <DnsForm pods={names} />
      <CheckForm open={open} />
    </div>
  );
}
