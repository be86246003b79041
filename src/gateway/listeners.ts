/**
 * Listeners of a Gateway as a conformant controller judges them: the
 * Gateway's own, then those of the ListenerSets it allows
 * (`spec.allowedListeners`, oldest first, then namespace/name). Each gets
 * its supported route kinds (protocol defaults, narrowed by
 * `allowedRoutes.kinds`), certificate refs resolved (Secret of type
 * kubernetes.io/tls, ReferenceGrant across namespaces), conflicts (one
 * port, incompatible protocols; one port+protocol+hostname twice; the
 * earlier listener wins) and its conditions.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import type { Condition, Gateway, Listener, ListenerSet, RouteGroupKind } from "../api/gateway-types.js";
import { matchesSelector } from "../api/label-selector.js";
import type { KubeObject, Namespace, Secret } from "../api/types.js";
import { condition, GROUP, keyOf, nsOf } from "./common.js";
import type { ReferenceGrants } from "./reference-grants.js";

export interface ListenerRecord {
  gateway: Gateway;
  /** Set when the listener comes from a ListenerSet. */
  listenerSet?: ListenerSet;
  listener: Listener;
  /** The object whose status lists this listener. */
  owner: KubeObject;
  supportedKinds: RouteGroupKind[];
  accepted: boolean;
  programmed: boolean;
  conditions: Condition[];
  attachedRoutes: number;
  /** Certificate Secrets (namespace/name) a terminating listener serves. */
  certificates: string[];
}

const PROTOCOL_KINDS: Record<string, string[]> = {
  HTTP: ["HTTPRoute", "GRPCRoute"],
  HTTPS: ["HTTPRoute", "GRPCRoute"],
  TLS: ["TLSRoute"],
  TCP: ["TCPRoute"],
  UDP: ["UDPRoute"],
};

/** Protocols that may share a port (TLS-based listeners are told apart by SNI). */
function compatible(a: string, b: string): boolean {
  if (a === b) return true;
  const tls = new Set(["HTTPS", "TLS"]);
  if (tls.has(a) && tls.has(b)) return true;
  // UDP and the TCP-based protocols use different transports.
  return (a === "UDP") !== (b === "UDP");
}

export interface ListenerContext {
  secrets: ReadonlyMap<string, Secret>;
  grants: ReferenceGrants;
  namespaces: ReadonlyMap<string, Namespace>;
}

/** Why a Secret's tls.crt/tls.key (base64) is not a usable PEM certificate and key, or undefined. */
function pemProblem(crt: string, key: string): string | undefined {
  try {
    new X509Certificate(Buffer.from(crt, "base64"));
  } catch {
    return "tls.crt is not a PEM certificate";
  }
  try {
    createPrivateKey(Buffer.from(key, "base64"));
  } catch {
    return "tls.key is not a PEM private key";
  }
  return undefined;
}

function checkCertificates(
  gw: KubeObject,
  l: Listener,
  ctx: ListenerContext,
): { ok: boolean; reason?: string; message?: string; certs: string[] } {
  const terminates =
    l.protocol === "HTTPS" || (l.protocol === "TLS" && (l.tls?.mode ?? "Terminate") === "Terminate");
  if (!terminates) return { ok: true, certs: [] };
  const certs: string[] = [];
  for (const ref of l.tls?.certificateRefs ?? []) {
    const group = ref.group ?? "";
    const kind = ref.kind ?? "Secret";
    const ns = ref.namespace ?? nsOf(gw);
    if (group !== "" || kind !== "Secret") {
      return {
        ok: false,
        reason: "InvalidCertificateRef",
        message: `unsupported certificateRef kind ${group === "" ? "" : `${group}/`}${kind}: only core Secrets are supported`,
        certs,
      };
    }
    if (
      !ctx.grants.permits(
        { group: GROUP, kind: "Gateway", namespace: nsOf(gw) },
        { group: "", kind: "Secret", namespace: ns, name: ref.name },
      )
    ) {
      return {
        ok: false,
        reason: "RefNotPermitted",
        message: `certificateRef to Secret ${ns}/${ref.name} is not permitted by any ReferenceGrant in namespace ${ns}`,
        certs,
      };
    }
    const s = ctx.secrets.get(`${ns}/${ref.name}`);
    if (!s)
      return {
        ok: false,
        reason: "InvalidCertificateRef",
        message: `Secret ${ns}/${ref.name} does not exist`,
        certs,
      };
    if (s.type !== "kubernetes.io/tls" || !s.data?.["tls.crt"] || !s.data?.["tls.key"]) {
      return {
        ok: false,
        reason: "InvalidCertificateRef",
        message: `Secret ${ns}/${ref.name} is not a kubernetes.io/tls Secret with tls.crt and tls.key`,
        certs,
      };
    }
    const why = pemProblem(s.data["tls.crt"], s.data["tls.key"]);
    if (why)
      return {
        ok: false,
        reason: "InvalidCertificateRef",
        message: `Secret ${ns}/${ref.name}: ${why}`,
        certs,
      };
    certs.push(`${ns}/${ref.name}`);
  }
  return { ok: true, certs };
}

function judge(
  gw: Gateway,
  owner: KubeObject,
  l: Listener,
  ctx: ListenerContext,
  set?: ListenerSet,
): ListenerRecord {
  const conditions: Condition[] = [];
  const defaults = PROTOCOL_KINDS[l.protocol];
  const rec: ListenerRecord = {
    gateway: gw,
    owner,
    listener: l,
    supportedKinds: [],
    accepted: true,
    programmed: true,
    conditions,
    attachedRoutes: 0,
    certificates: [],
  };
  if (set) rec.listenerSet = set;
  if (!defaults) {
    rec.accepted = false;
    rec.programmed = false;
    conditions.push(
      condition(
        owner,
        "Accepted",
        false,
        "UnsupportedProtocol",
        `protocol ${JSON.stringify(l.protocol)} is not supported; use HTTP, HTTPS, TLS, TCP or UDP`,
      ),
    );
    conditions.push(condition(owner, "Programmed", false, "Invalid", "the listener is not accepted"));
    conditions.push(condition(owner, "ResolvedRefs", true, "ResolvedRefs", "all references resolved"));
    conditions.push(condition(owner, "Conflicted", false, "NoConflicts", "no conflicts"));
    return rec;
  }
  let resolved: { ok: boolean; reason?: string; message?: string } = { ok: true };
  const requested = l.allowedRoutes?.kinds;
  if (requested && requested.length > 0) {
    const invalid: string[] = [];
    for (const k of requested) {
      const group = k.group ?? GROUP;
      if (group === GROUP && defaults.includes(k.kind)) {
        if (!rec.supportedKinds.some((s) => s.kind === k.kind))
          rec.supportedKinds.push({ group: GROUP, kind: k.kind });
      } else invalid.push(`${group}/${k.kind}`);
    }
    if (invalid.length > 0)
      resolved = {
        ok: false,
        reason: "InvalidRouteKinds",
        message: `route kinds not supported on protocol ${l.protocol}: ${invalid.join(", ")}`,
      };
  } else {
    rec.supportedKinds = defaults.map((kind) => ({ group: GROUP, kind }));
  }
  const certs = checkCertificates(gw, l, ctx);
  rec.certificates = certs.certs;
  if (!certs.ok) {
    resolved = { ok: false, reason: certs.reason ?? "InvalidCertificateRef", message: certs.message ?? "" };
    rec.programmed = false;
  }
  conditions.push(condition(owner, "Accepted", true, "Accepted", "the listener is accepted"));
  conditions.push(
    rec.programmed
      ? condition(owner, "Programmed", true, "Programmed", "the listener is programmed")
      : condition(
          owner,
          "Programmed",
          false,
          "Invalid",
          "the listener's certificate references do not resolve",
        ),
  );
  conditions.push(
    resolved.ok
      ? condition(owner, "ResolvedRefs", true, "ResolvedRefs", "all references resolved")
      : condition(owner, "ResolvedRefs", false, resolved.reason ?? "", resolved.message ?? ""),
  );
  conditions.push(condition(owner, "Conflicted", false, "NoConflicts", "no conflicts"));
  return rec;
}

function markConflict(rec: ListenerRecord, reason: string, message: string): void {
  rec.accepted = false;
  rec.programmed = false;
  const set = (type: string, c: Condition) => {
    const i = rec.conditions.findIndex((x) => x.type === type);
    if (i >= 0) rec.conditions[i] = c;
  };
  set("Conflicted", condition(rec.owner, "Conflicted", true, reason, message));
  set(
    "Accepted",
    condition(
      rec.owner,
      "Accepted",
      false,
      reason === "ProtocolConflict" ? "PortUnavailable" : reason,
      message,
    ),
  );
  set("Programmed", condition(rec.owner, "Programmed", false, "Invalid", "the listener is in conflict"));
}

/** Whether a ListenerSet's namespace is allowed by the Gateway's allowedListeners. */
export function listenerSetAllowed(
  gw: Gateway,
  set: ListenerSet,
  namespaces: ReadonlyMap<string, Namespace>,
): boolean {
  const from = gw.spec?.allowedListeners?.namespaces?.from ?? "None";
  if (from === "All") return true;
  if (from === "Same") return nsOf(set) === nsOf(gw);
  if (from === "Selector") {
    const ns = namespaces.get(nsOf(set));
    const sel = gw.spec?.allowedListeners?.namespaces?.selector;
    return !!ns && !!sel && matchesSelector(sel, ns.metadata?.labels ?? {});
  }
  return false;
}

const created = (o: KubeObject) => o.metadata?.creationTimestamp ?? "";

/** Every listener of a Gateway (its own, then allowed ListenerSets'), judged and checked for conflicts. */
export function gatewayListeners(
  gw: Gateway,
  sets: readonly ListenerSet[],
  ctx: ListenerContext,
): ListenerRecord[] {
  const out: ListenerRecord[] = (gw.spec?.listeners ?? []).map((l) => judge(gw, gw, l, ctx));
  const ordered = [...sets].sort(
    (a, b) => created(a).localeCompare(created(b)) || keyOf(a).localeCompare(keyOf(b)),
  );
  for (const set of ordered) for (const l of set.spec?.listeners ?? []) out.push(judge(gw, set, l, ctx, set));
  // Conflicts: a port with incompatible protocols, or the same port+protocol+hostname twice. The earlier
  // listener keeps the port (the Gateway's own first, then ListenerSets by age); within the Gateway, every
  // listener in a protocol conflict is conflicted, as no precedence exists among them.
  for (let i = 0; i < out.length; i++) {
    const a = out[i] as ListenerRecord;
    if (!PROTOCOL_KINDS[a.listener.protocol]) continue;
    for (let j = 0; j < i; j++) {
      const b = out[j] as ListenerRecord;
      if (!PROTOCOL_KINDS[b.listener.protocol] || b.listener.port !== a.listener.port) continue;
      const sameOwner = a.owner === b.owner;
      if (!compatible(a.listener.protocol, b.listener.protocol)) {
        const msg = `port ${a.listener.port} is used with protocol ${b.listener.protocol} by listener ${b.listener.name}${b.listenerSet ? ` of ListenerSet ${keyOf(b.listenerSet)}` : ""}`;
        markConflict(a, "ProtocolConflict", msg);
        if (sameOwner && !b.listenerSet)
          markConflict(
            b,
            "ProtocolConflict",
            `port ${b.listener.port} is used with protocol ${a.listener.protocol} by listener ${a.listener.name}`,
          );
      } else if (
        a.listener.protocol === b.listener.protocol &&
        (a.listener.hostname ?? "") === (b.listener.hostname ?? "") &&
        !sameOwner
      ) {
        markConflict(
          a,
          "HostnameConflict",
          `port ${a.listener.port}, protocol ${a.listener.protocol} and hostname ${JSON.stringify(a.listener.hostname ?? "")} are used by listener ${b.listener.name} of ${b.listenerSet ? `ListenerSet ${keyOf(b.listenerSet)}` : `Gateway ${keyOf(b.gateway)}`}`,
        );
      }
    }
  }
  return out;
}

export function listenerLabel(r: ListenerRecord): string {
  return r.listenerSet
    ? `${keyOf(r.listenerSet)}/${r.listener.name}`
    : `${keyOf(r.gateway)}/${r.listener.name}`;
}
