/**
 * GET /api/check: the policy verdict for one connection with the full
 * explanation — `runCheck` from src/policy, exactly what `michi check`
 * computes (workloads expand to their pods, a service to its backends and
 * target ports; allowed only when every connection is). The sides shown are
 * those of the first denied connection, else the first.
 */
import { MichiError } from "../api/diagnostics.js";
import type { Protocol } from "../api/types.js";
import { HttpError } from "../http/respond.js";
import { type CheckedSide, runCheck } from "../policy/check.js";
import type { PolicyEngine } from "../policy/engine.js";
import type { ApiCheck, ApiCheckSide } from "./api-types.js";

function side(s: CheckedSide): ApiCheckSide {
  const out: ApiCheckSide = {
    allowed: s.allowed,
    isolated: s.isolated,
    policies: [...s.policies],
    reasons: s.explanation.map((l) => l.trim()),
  };
  if (s.admittedBy)
    out.admittedBy = { policy: s.admittedBy.policy, rule: s.admittedBy.rule, detail: s.rule ?? "" };
  return out;
}

export function checkConnection(
  engine: PolicyEngine,
  params: { from: string; to: string; port: number; protocol: Protocol },
): ApiCheck {
  let r: ReturnType<typeof runCheck>;
  try {
    r = runCheck(engine, params);
  } catch (err) {
    if (err instanceof MichiError)
      throw new HttpError(err.code === "NotFound" ? 404 : 400, err.code, err.message);
    throw err;
  }
  const shown = r.connections.find((c) => !c.allowed) ?? r.connections[0];
  const empty = (reason: string): ApiCheckSide => ({
    allowed: false,
    isolated: false,
    policies: [],
    reasons: [reason],
  });
  const out: ApiCheck = {
    from: r.from,
    to: r.to,
    port: r.port,
    protocol: r.protocol,
    allowed: r.allowed,
    egress: shown ? side(shown.egress) : empty(r.note ?? "nothing to judge"),
    ingress: shown ? side(shown.ingress) : empty(r.note ?? "nothing to judge"),
    connections: r.connections.map((c) => ({ from: c.from, to: c.to, port: c.port, allowed: c.allowed })),
    raw: r,
  };
  if (r.service) out.service = { name: r.service.name, port: r.service.port, backends: r.service.backends };
  if (r.note) out.note = r.note;
  return out;
}
