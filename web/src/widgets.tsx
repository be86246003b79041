/** Small shared pieces: isolation badges, findings lists, verdict pills. */
import type { ApiFinding, ApiIsolation } from "../../src/web/api-types.js";

export function isolationClass(iso: ApiIsolation): string {
  if (iso.ingress && iso.egress) return "iso-both";
  if (iso.ingress) return "iso-in";
  if (iso.egress) return "iso-out";
  return "iso-none";
}

export function isolationText(iso: ApiIsolation): string {
  if (iso.ingress && iso.egress) return "isolated: ingress + egress";
  if (iso.ingress) return "isolated: ingress";
  if (iso.egress) return "isolated: egress";
  return "not isolated (all traffic allowed)";
}

export function IsolationBadge({ iso, long }: { iso: ApiIsolation; long?: boolean }) {
  const short = iso.ingress && iso.egress ? "I+E" : iso.ingress ? "I" : iso.egress ? "E" : "open";
  return (
    <span class={`badge ${isolationClass(iso)}`} title={isolationText(iso)}>
      {long ? isolationText(iso) : short}
    </span>
  );
}

export function Findings({ items }: { items: readonly ApiFinding[] }) {
  return (
    <ul class="findings">
      {items.map((f, i) => (
        <li key={i} class={`finding ${f.severity}`}>
          <span class={`sev ${f.severity}`}>{f.severity}</span> {f.object && <b>{f.object}</b>}{" "}
          {f.field && <code>{f.field}</code>} {f.message}
          {f.suggestion && <div class="suggestion">→ {f.suggestion}</div>}
          {f.file && (
            <div class="muted small">
              {f.file}
              {f.line ? `:${f.line}` : ""} · {f.source} · {f.code}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

/** "1 error, 2 warnings" for a list of findings. */
export function countText(items: readonly ApiFinding[]): string {
  const n = (sev: string) => items.filter((f) => f.severity === sev).length;
  const e = n("error");
  const w = n("warning");
  return `${e} error${e === 1 ? "" : "s"}, ${w} warning${w === 1 ? "" : "s"}`;
}

export function Verdict({ allowed }: { allowed: boolean }) {
  return <span class={`verdict ${allowed ? "allowed" : "denied"}`}>{allowed ? "ALLOWED" : "DENIED"}</span>;
}
