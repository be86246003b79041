/**
 * `michi check` as a pure function: resolve source and destination, expand
 * workloads to their pods and services to their backends (target ports),
 * judge every resulting connection and explain each. The verdict is allowed
 * only if every connection is: a workload whose second replica is blocked is
 * a broken workload.
 */
import { MichiError } from "../api/diagnostics.js";
import type { Protocol } from "../api/types.js";
import type { PolicyEngine } from "./engine.js";
import { explainSide, formatRuleRef } from "./explain.js";
import { formatClusterRuleRef } from "./explain-cluster.js";
import { serviceBackends } from "./service-backends.js";
import { resolveTarget } from "./targets.js";
import type { Connection, Peer, SideVerdict, Verdict } from "./verdict.js";

export interface CheckRequest {
  from: string;
  to: string;
  port: number;
  protocol: Protocol;
}

export interface CheckedSide extends SideVerdict {
  explanation: string[];
  /** The admitting rule as text (`ns/name ingress[0].from[1] (...), ports[0] (TCP/80)`). */
  rule?: string;
  /** The deciding Admin/Baseline rule as text (`Admin tier ClusterNetworkPolicy/x (priority 10) ingress[0] Deny, ...`). */
  decidedBy?: string;
  /** Each Pass rule on the way, as text. */
  passedBy?: string[];
}

export interface CheckedConnection {
  from: string;
  to: string;
  port: number;
  protocol: Protocol;
  allowed: boolean;
  egress: CheckedSide;
  ingress: CheckedSide;
  policies: string[];
}

export interface CheckResult {
  allowed: boolean;
  from: string;
  to: string;
  port: number;
  protocol: Protocol;
  /** Set when the destination was a service: the service port and its backends. */
  service?: { name: string; port: number; protocol: Protocol; targetPorts: number[]; backends: number };
  egress: { allowed: boolean; isolated: boolean; policies: string[] };
  ingress: { allowed: boolean; isolated: boolean; policies: string[] };
  connections: CheckedConnection[];
  /** Why there is nothing to judge (a service without ready backends). */
  note?: string;
}

function peerName(engine: PolicyEngine, p: Peer): string {
  if (p.kind === "ip") return p.ip;
  const v = engine.view(p.pod);
  return v.key;
}

function side(engine: PolicyEngine, dir: "ingress" | "egress", s: SideVerdict, c: Connection): CheckedSide {
  return {
    ...s,
    explanation: explainSide(engine, dir, s, c),
    ...(s.admittedBy ? { rule: formatRuleRef(engine, s.admittedBy) } : {}),
    ...(s.clusterRule ? { decidedBy: formatClusterRuleRef(engine, s.clusterRule) } : {}),
    ...(s.passes && s.passes.length > 0
      ? { passedBy: s.passes.map((p) => formatClusterRuleRef(engine, p)) }
      : {}),
  };
}

export function runCheck(engine: PolicyEngine, req: CheckRequest): CheckResult {
  const state = engine.state;
  const src = resolveTarget(state, req.from, "source");
  const dst = resolveTarget(state, req.to, "destination");
  if (src.kind === "service") throw new MichiError("BadTarget", "a service cannot be a source");
  const srcPeers: Peer[] =
    src.kind === "pods" ? src.pods.map((pod) => ({ kind: "pod", pod })) : [{ kind: "ip", ip: src.ip }];
  const dsts: { peer: Peer; port: number }[] = [];
  let service: CheckResult["service"];
  let note: string | undefined;
  if (dst.kind === "service") {
    const t = serviceBackends(state, dst.service, req.port, req.protocol);
    if (!t.servicePort) {
      const ports = (dst.service.spec?.ports ?? []).map((p) => `${p.port}/${p.protocol ?? "TCP"}`).join(", ");
      throw new MichiError(
        "NoSuchPort",
        `${dst.label} has no port ${req.port}/${req.protocol} (ports: ${ports || "none"})`,
      );
    }
    for (const b of t.backends)
      dsts.push({ peer: b.pod ? { kind: "pod", pod: b.pod } : { kind: "ip", ip: b.ip }, port: b.port });
    service = {
      name: dst.label,
      port: req.port,
      protocol: req.protocol,
      targetPorts: [...new Set(t.backends.map((b) => b.port))],
      backends: t.backends.length,
    };
    if (t.backends.length === 0)
      note = `${dst.label} has no ready backends: the connection would be refused before any policy applies`;
  } else if (dst.kind === "pods") {
    for (const pod of dst.pods) dsts.push({ peer: { kind: "pod", pod }, port: req.port });
  } else dsts.push({ peer: { kind: "ip", ip: dst.ip }, port: req.port });

  const connections: CheckedConnection[] = [];
  for (const s of srcPeers) {
    for (const d of dsts) {
      const c: Connection = { src: s, dst: d.peer, port: d.port, protocol: req.protocol };
      const v: Verdict = engine.decide(c);
      connections.push({
        from: peerName(engine, s),
        to: peerName(engine, d.peer),
        port: d.port,
        protocol: req.protocol,
        allowed: v.allowed,
        egress: side(engine, "egress", v.egress, c),
        ingress: side(engine, "ingress", v.ingress, c),
        policies: v.policies,
      });
    }
  }
  const summarize = (dir: "egress" | "ingress") => ({
    allowed: connections.length > 0 && connections.every((c) => c[dir].allowed),
    isolated: connections.some((c) => c[dir].isolated),
    policies: [...new Set(connections.flatMap((c) => c[dir].policies))].sort(),
  });
  return {
    allowed: connections.length > 0 && connections.every((c) => c.allowed),
    from: src.label,
    to: dst.label,
    port: req.port,
    protocol: req.protocol,
    ...(service ? { service } : {}),
    egress: summarize("egress"),
    ingress: summarize("ingress"),
    connections,
    ...(note ? { note } : {}),
  };
}

/** Human report: one block per distinct explanation (replicas usually share one). */
export function formatCheck(r: CheckResult): string {
  const out: string[] = [];
  const verdict = r.allowed ? "ALLOWED" : "DENIED";
  out.push(`${r.from} → ${r.to} ${r.protocol}/${r.port}: ${verdict}`);
  if (r.service) {
    out.push(
      `  ${r.service.name} port ${r.service.port}/${r.service.protocol} → ${r.service.backends} backend(s) on target port ${r.service.targetPorts.join(", ") || "-"}`,
    );
  }
  if (r.note) out.push(`  ${r.note}`);
  const groups = new Map<string, CheckedConnection[]>();
  for (const c of r.connections) {
    const key = [...c.egress.explanation, ...c.ingress.explanation, String(c.allowed)]
      .join("\n")
      .replaceAll(c.from, "$SRC")
      .replaceAll(c.to, "$DST");
    let g = groups.get(key);
    if (!g) {
      g = [];
      groups.set(key, g);
    }
    g.push(c);
  }
  for (const g of groups.values()) {
    const first = g[0]!;
    out.push("");
    const srcs = new Set(g.map((c) => c.from)).size;
    const dsts = new Set(g.map((c) => c.to)).size;
    const label =
      g.length === 1
        ? `${first.from} → ${first.to}:${first.port}`
        : `${g.length} connections (${srcs} source pod(s) × ${dsts} destination pod(s)), e.g. ${first.from} → ${first.to}:${first.port}`;
    out.push(`${first.allowed ? "allowed" : "DENIED"}: ${label}`);
    for (const l of [...first.egress.explanation, ...first.ingress.explanation]) out.push(`  ${l}`);
  }
  const n = r.connections.length;
  if (n > 1) out.push("", `${r.connections.filter((c) => c.allowed).length} of ${n} connections allowed`);
  return `${out.join("\n")}\n`;
}
