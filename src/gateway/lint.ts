/**
 * `michi lint` findings about the Gateway API, read from the controller's
 * status (src/gateway/status.ts) so lint and `get` never disagree: routes
 * that attach to nothing and why (no parentRefs, unknown parent, a class
 * michi does not handle, NotAllowedByListeners, NoMatchingParent,
 * hostnames that never intersect), backends missing, cross-namespace
 * references without a ReferenceGrant, unsupported kinds, listeners in
 * conflict or with unresolved certificates, and rules another rule shadows
 * (same hostnames and the very same match, earlier in precedence).
 */
import type { Diagnostic } from "../api/diagnostics.js";
import type { GenericRoute, HTTPRoute } from "../api/gateway-types.js";
import { sourceOf } from "../api/source.js";
import type { KubeObject } from "../api/types.js";
import type { ClusterState } from "../cluster/state.js";
import { resolveBackendRef } from "./attachment.js";
import { GROUP, keyOf, nameOf, nsOf, type RouteKind, resolvedParentRef } from "./common.js";
import { ReferenceGrants } from "./reference-grants.js";

function finding(
  obj: KubeObject,
  severity: Diagnostic["severity"],
  code: string,
  message: string,
  field?: (string | number)[],
  suggestion?: string,
): Diagnostic {
  const d: Diagnostic = { severity, code, message, kind: obj.kind ?? "", name: nameOf(obj) };
  if (obj.kind !== "GatewayClass") d.namespace = nsOf(obj);
  const src = sourceOf(obj);
  if (field)
    d.field = field.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`)).join("");
  if (src) {
    const pos = field ? src.locate(field) : src;
    d.file = src.file;
    d.line = pos.line;
    d.col = pos.col;
  }
  if (suggestion) d.suggestion = suggestion;
  return d;
}

const ROUTES: [RouteKind, "httpRoutes" | "grpcRoutes" | "tlsRoutes" | "tcpRoutes" | "udpRoutes"][] = [
  ["HTTPRoute", "httpRoutes"],
  ["GRPCRoute", "grpcRoutes"],
  ["TLSRoute", "tlsRoutes"],
  ["TCPRoute", "tcpRoutes"],
  ["UDPRoute", "udpRoutes"],
];

const ADVICE: Record<string, string> = {
  NotAllowedByListeners:
    "allow the route's namespace and kind in the listener's allowedRoutes, or attach to another listener",
  NoMatchingParent: "set sectionName/port to a listener the parent has",
  NoMatchingListenerHostname: "add a hostname the listener accepts, or widen the listener's hostname",
};

function lintRoute(
  state: ClusterState,
  route: GenericRoute,
  kind: RouteKind,
  grants: ReferenceGrants,
): Diagnostic[] {
  const api = state.gatewayApi;
  const out: Diagnostic[] = [];
  const refs = route.spec?.parentRefs ?? [];
  if (refs.length === 0)
    out.push(
      finding(route, "warning", "GatewayRouteNoParent", `${kind} has no parentRefs: it attaches to nothing`, [
        "spec",
      ]),
    );
  refs.forEach((raw, i) => {
    const ref = resolvedParentRef(raw, nsOf(route));
    const field = ["spec", "parentRefs", i];
    if (ref.group !== GROUP || (ref.kind !== "Gateway" && ref.kind !== "ListenerSet")) {
      out.push(
        finding(
          route,
          "warning",
          "GatewayRouteParentKind",
          `parent ${ref.group}/${ref.kind} ${ref.namespace}/${ref.name} is not a Gateway or ListenerSet`,
          field,
        ),
      );
      return;
    }
    const list = ref.kind === "Gateway" ? api?.gateways : api?.listenerSets;
    const parent = list?.find((p) => nsOf(p) === ref.namespace && nameOf(p) === ref.name);
    if (!parent) {
      out.push(
        finding(
          route,
          "error",
          "GatewayRouteParentNotFound",
          `${ref.kind} ${ref.namespace}/${ref.name} does not exist: the route attaches to nothing through this parentRef`,
          field,
        ),
      );
      return;
    }
    const st = route.status?.parents.find(
      (p) =>
        p.parentRef.name === ref.name &&
        (p.parentRef.namespace ?? nsOf(route)) === ref.namespace &&
        p.parentRef.sectionName === raw.sectionName &&
        p.parentRef.port === raw.port &&
        (p.parentRef.kind ?? "Gateway") === ref.kind,
    );
    if (!st) {
      out.push(
        finding(
          route,
          "warning",
          "GatewayRouteParentNotHandled",
          `${ref.kind} ${ref.namespace}/${ref.name} belongs to a GatewayClass michi does not handle (or that does not exist): nothing serves the route there`,
          field,
        ),
      );
      return;
    }
    const accepted = st.conditions.find((c) => c.type === "Accepted");
    if (accepted?.status === "False")
      out.push(
        finding(
          route,
          "error",
          `GatewayRoute${accepted.reason}`,
          `not accepted by ${ref.kind} ${ref.namespace}/${ref.name}: ${accepted.reason}: ${accepted.message}`,
          field,
          ADVICE[accepted.reason],
        ),
      );
  });
  // Backends, one finding per reference (with its field).
  const services = new Map(state.services.map((s) => [keyOf(s), s]));
  const ctx = { parents: new Map(), namespaces: new Map(), services, grants };
  (route.spec?.rules ?? []).forEach((rule, r) => {
    (rule.backendRefs ?? []).forEach((b, j) => {
      const res = resolveBackendRef(route, kind, b, ctx);
      if (res.ok) return;
      const advice =
        res.reason === "RefNotPermitted"
          ? `add a ReferenceGrant in namespace ${b.namespace ?? nsOf(route)} from ${kind} in ${nsOf(route)} to Service ${b.name}`
          : undefined;
      out.push(
        finding(
          route,
          "error",
          `GatewayBackend${res.reason}`,
          `${res.reason}: ${res.message}`,
          ["spec", "rules", r, "backendRefs", j],
          advice,
        ),
      );
    });
  });
  return out;
}

/** Exact duplicate matches on the same listener and hostname: the later one never wins. */
function lintShadowed(state: ClusterState): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, { route: HTTPRoute; rule: number }>();
  const api = state.gatewayApi;
  const routes = (api?.attachments ?? []).filter((a) => a.kind === "HTTPRoute");
  const ordered = [...routes].sort(
    (a, b) =>
      (a.route.metadata?.creationTimestamp ?? "").localeCompare(b.route.metadata?.creationTimestamp ?? "") ||
      keyOf(a.route).localeCompare(keyOf(b.route)),
  );
  const reported = new Set<string>();
  for (const a of ordered) {
    const route = a.route as HTTPRoute;
    (route.spec?.rules ?? []).forEach((rule, r) => {
      const matches = rule.matches && rule.matches.length > 0 ? rule.matches : [{}];
      const shadowedBy = matches.map((m) => {
        const norm = {
          p: [
            m.path?.type ?? "PathPrefix",
            m.path?.type === "PathPrefix" || !m.path?.type
              ? (m.path?.value ?? "/").replace(/\/+$/, "")
              : m.path?.value,
          ],
          m: m.method ?? "",
          h: [...(m.headers ?? [])]
            .map((h) => `${h.name.toLowerCase()}=${h.type ?? "Exact"}:${h.value}`)
            .sort(),
          q: [...(m.queryParams ?? [])].map((q) => `${q.name}=${q.type ?? "Exact"}:${q.value}`).sort(),
        };
        const keys = (a.hostnames ?? ["*any*"]).map(
          (h) =>
            `${a.listener.gateway.metadata?.uid}/${a.listener.listener.name}/${h}/${JSON.stringify(norm)}`,
        );
        const prevs = keys.map((k) => seen.get(k));
        for (const k of keys) if (!seen.has(k)) seen.set(k, { route, rule: r });
        const others = prevs.filter((p) => p !== undefined && !(p.route === route && p.rule === r));
        return others.length === keys.length ? others[0] : undefined;
      });
      const first = shadowedBy[0];
      const key = `${keyOf(route)}/${r}`;
      if (first && shadowedBy.every((s) => s !== undefined) && !reported.has(key)) {
        reported.add(key);
        out.push(
          finding(
            route,
            "warning",
            "GatewayRuleShadowed",
            `rule ${r} never matches: HTTPRoute ${keyOf(first.route)} rule ${first.rule} has the same match on the same hostnames and takes precedence (older route, or name order)`,
            ["spec", "rules", r],
          ),
        );
      }
    });
  }
  return out;
}

export function lintGateways(state: ClusterState): Diagnostic[] {
  const api = state.gatewayApi;
  if (!api) return [];
  const out: Diagnostic[] = [];
  const grants = new ReferenceGrants(api.referenceGrants);
  const classes = new Set(api.gatewayClasses.map(nameOf));
  for (const gw of api.gateways) {
    const cls = gw.spec?.gatewayClassName ?? "";
    if (!classes.has(cls)) {
      out.push(
        finding(
          gw,
          "warning",
          "GatewayClassNotFound",
          `GatewayClass ${JSON.stringify(cls)} does not exist: no controller serves this Gateway`,
          ["spec", "gatewayClassName"],
        ),
      );
      continue;
    }
    (gw.status?.listeners ?? []).forEach((l, i) => {
      const field = ["spec", "listeners", i];
      for (const c of l.conditions) {
        if (c.type === "Conflicted" && c.status === "True")
          out.push(
            finding(
              gw,
              "error",
              `GatewayListener${c.reason}`,
              `listener ${l.name} is in conflict: ${c.message}`,
              field,
            ),
          );
        else if (
          c.type === "Accepted" &&
          c.status === "False" &&
          !l.conditions.some((x) => x.type === "Conflicted" && x.status === "True")
        )
          out.push(
            finding(
              gw,
              "error",
              `GatewayListener${c.reason}`,
              `listener ${l.name} is not accepted: ${c.message}`,
              field,
            ),
          );
        else if (c.type === "ResolvedRefs" && c.status === "False")
          out.push(
            finding(
              gw,
              "error",
              `GatewayListener${c.reason}`,
              `listener ${l.name}: ${c.reason}: ${c.message}`,
              field,
            ),
          );
      }
    });
    const programmed = gw.status?.conditions?.find((c) => c.type === "Programmed");
    if (programmed?.status === "False" && programmed.reason === "AddressNotAssigned")
      out.push(finding(gw, "error", "GatewayAddressNotAssigned", programmed.message, ["spec"]));
  }
  for (const [kind, field] of ROUTES)
    for (const r of api[field] as GenericRoute[]) out.push(...lintRoute(state, r, kind, grants));
  out.push(...lintShadowed(state));
  return out;
}
