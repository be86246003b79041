/**
 * Apply or delete manifests on the running `michi up` from the dashboard:
 * POST /api/apply (or /api/delete) of the admin API, with the instance token
 * (`Authorization: Bearer`, the token `michi up` records in its state file).
 * An invalid change is refused whole and its errors are shown; the running
 * state keeps serving.
 */
import type { TargetedSubmitEvent } from "preact";
import { useState } from "preact/hooks";

interface ApplyAnswer {
  ok?: boolean;
  version?: number;
  changed?: string[];
  lines?: string[];
  error?: { message?: string };
}

export function ApplyCard() {
  const [answer, setAnswer] = useState<{ status: number; body: ApplyAnswer } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const send = async (e: TargetedSubmitEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const action = (e.submitter as HTMLButtonElement | null)?.value === "delete" ? "delete" : "apply";
    const yaml = (form.elements.namedItem("yaml") as HTMLTextAreaElement).value;
    const token = (form.elements.namedItem("token") as HTMLInputElement).value.trim();
    setBusy(true);
    try {
      const res = await fetch(`api/${action}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/yaml" },
        body: yaml,
      });
      setAnswer({ status: res.status, body: ((await res.json().catch(() => ({}))) as ApplyAnswer) ?? {} });
    } catch (err) {
      setAnswer({
        status: 0,
        body: { error: { message: err instanceof Error ? err.message : String(err) } },
      });
    } finally {
      setBusy(false);
    }
  };
  const a = answer?.body;
  return (
    <details class="card apply" data-testid="apply">
      <summary>Apply or delete manifests</summary>
      <form onSubmit={send}>
        <textarea
          name="yaml"
          rows={10}
          aria-label="manifests"
          placeholder="apiVersion: networking.k8s.io/v1&#10;kind: NetworkPolicy&#10;…"
          required
        />
        <div class="row">
          <input
            name="token"
            type="password"
            class="grow"
            aria-label="token"
            autocomplete="off"
            placeholder="admin token (in the state file michi up names at startup)"
            required
          />
          <button type="submit" value="apply" disabled={busy}>
            Apply
          </button>
          <button type="submit" value="delete" class="danger" disabled={busy}>
            Delete
          </button>
        </div>
      </form>
      {answer && (
        <div class="result" data-testid="apply-result">
          {a?.ok ? (
            <p>
              <span class="verdict allowed">APPLIED</span> snapshot version {a.version}
              {a.changed?.length ? `: ${a.changed.join(", ")}` : ""}
            </p>
          ) : (
            <>
              <p>
                <span class="verdict denied">REFUSED</span> HTTP {answer.status}
                {a?.error?.message
                  ? `: ${a.error.message}`
                  : ": nothing changed, the running state keeps serving"}
              </p>
              {a?.lines && a.lines.length > 0 && <pre class="code">{a.lines.join("\n")}</pre>}
            </>
          )}
        </div>
      )}
    </details>
  );
}
