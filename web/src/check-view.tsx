/**
 * The full explanation of one connection verdict, as `michi check` gives it:
 * for each side (egress of the source, ingress of the destination) whether the
 * pod is isolated, by which policies, and the rule that admitted the traffic
 * or why none did.
 */
import type { ApiCheck, ApiCheckSide } from "../../src/web/api-types.js";
import { Verdict } from "./widgets.js";

function Side({ title, side, open }: { title: string; side: ApiCheckSide; open: (id: string) => void }) {
  return (
    <div
      class={`side ${side.allowed ? "allowed" : "denied"}`}
      data-testid={`side-${title.split(" ")[0]?.toLowerCase()}`}
    >
      <h4>
        {title} <Verdict allowed={side.allowed} />
      </h4>
      <p class="muted">
        {side.isolated ? "isolated by" : "not isolated: no policy selects the pod for this direction"}
      </p>
      {side.policies.length > 0 && (
        <ul class="links policies">
          {side.policies.map((p) => (
            <li key={p}>
              <button type="button" class="link policy" onClick={() => open(`networkpolicy/${p}`)}>
                {p}
              </button>
            </li>
          ))}
        </ul>
      )}
      {side.admittedBy && (
        <p>
          admitted by <b>{side.admittedBy.policy}</b> rule #{side.admittedBy.rule}: {side.admittedBy.detail}
        </p>
      )}
      <ul class="reasons">
        {side.reasons.map((r, i) => (
          <li key={i}>{r}</li>
        ))}
      </ul>
    </div>
  );
}

export function CheckView({ check, open }: { check: ApiCheck; open: (id: string) => void }) {
  return (
    <div class="check" data-testid="check">
      <div class="check-head">
        <Verdict allowed={check.allowed} />{" "}
        <span>
          <b>{check.from}</b> → <b>{check.to}</b> port {check.port}/{check.protocol}
        </span>
      </div>
      <div class="sides">
        <Side title="Egress from source" side={check.egress} open={open} />
        <Side title="Ingress to destination" side={check.ingress} open={open} />
      </div>
      {check.note && <p class="sev warning">{check.note}</p>}
      {check.connections.length > 1 && (
        <div class="backends">
          <h4>
            {check.connections.length} connections judged
            {check.service
              ? ` (${check.service.name}:${check.service.port} → ${check.service.backends} backends, after translation)`
              : ""}
          </h4>
          <ul>
            {check.connections.map((c) => (
              <li key={`${c.from}>${c.to}:${c.port}`}>
                <Verdict allowed={c.allowed} /> {c.from} → {c.to}:{c.port}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
