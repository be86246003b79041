/**
 * Route attachment, per route and parentRef, as a conformant controller
 * decides it: the parent (a Gateway, or a ListenerSet) must be one michi
 * controls; `sectionName` and `port` narrow its listeners (none left:
 * NoMatchingParent); a listener must allow the route's kind and namespace
 * (`allowedRoutes`: From Same/All/Selector; none does: NotAllowedByListeners);
 * the route's hostnames must intersect the listener's (none does:
 * NoMatchingListenerHostname). Backend references are resolved once per
 * route (ResolvedRefs: InvalidKind, RefNotPermitted, BackendNotFound).
 */
import type {
  Condition,
  GenericRoute,
  HTTPBackendRef,
  ParentReference,
  RouteParentStatus,
} from "../api/gateway-types.js";
import { matchesSelector } from "../api/label-selector.js";
import type { Namespace, Service } from "../api/types.js";
import {
  CONTROLLER_NAME,
  condition,
  GROUP,
  nsOf,
  type RouteKind,
  resolvedParentRef,
  statusParentRef,
} from "./common.js";
import { intersectHostnames } from "./hostnames.js";
import type { ListenerRecord } from "./listeners.js";
import type { ReferenceGrants } from "./reference-grants.js";

/** One route attached to one listener, with the hostnames it serves there (undefined: any). */
export interface Attachment {
  route: GenericRoute;
  kind: RouteKind;
  parentIndex: number;
  listener: ListenerRecord;
  hostnames: string[] | undefined;
}

export interface BackendResolution {
  ok: boolean;
  reason: string;
  message: string;
}

export interface AttachContext {
  /** Listeners by parent: `Gateway/ns/name` or `ListenerSet/ns/name`. */
  parents: ReadonlyMap<string, readonly ListenerRecord[]>;
  namespaces: ReadonlyMap<string, Namespace>;
  services: ReadonlyMap<string, Service>;
  grants: ReferenceGrants;
}

function namespaceAllowed(l: ListenerRecord, routeNs: string, ctx: AttachContext): boolean {
  const ns = l.listener.allowedRoutes?.namespaces;
  const from = ns?.from ?? "Same";
  if (from === "All") return true;
  if (from === "Same") return routeNs === nsOf(l.owner);
  const labels = ctx.namespaces.get(routeNs)?.metadata?.labels ?? {};
  return ns?.selector !== undefined && matchesSelector(ns.selector, labels);
}

/** Every backendRef of the route (rules and their mirror filters), resolved; the first failure decides. */
export function resolveBackends(route: GenericRoute, kind: RouteKind, ctx: AttachContext): BackendResolution {
  const refs: HTTPBackendRef[] = [];
  for (const r of route.spec?.rules ?? []) {
    refs.push(...(r.backendRefs ?? []));
    for (const f of r.filters ?? []) if (f.requestMirror) refs.push(f.requestMirror.backendRef);
    for (const b of r.backendRefs ?? [])
      for (const f of b.filters ?? []) if (f.requestMirror) refs.push(f.requestMirror.backendRef);
  }
  for (const ref of refs) {
    const r = resolveBackendRef(route, kind, ref, ctx);
    if (!r.ok) return r;
  }
  return { ok: true, reason: "ResolvedRefs", message: "all references resolved" };
}

export function resolveBackendRef(
  route: GenericRoute,
  kind: RouteKind,
  ref: HTTPBackendRef,
  ctx: AttachContext,
): BackendResolution {
  const group = ref.group ?? "";
  const k = ref.kind ?? "Service";
  const ns = ref.namespace ?? nsOf(route);
  if (group !== "" || k !== "Service") {
    return {
      ok: false,
      reason: "InvalidKind",
      message: `backendRef ${group === "" ? "" : `${group}/`}${k} ${ref.name}: only core Services are supported`,
    };
  }
  if (
    !ctx.grants.permits(
      { group: GROUP, kind, namespace: nsOf(route) },
      { group: "", kind: "Service", namespace: ns, name: ref.name },
    )
  ) {
    return {
      ok: false,
      reason: "RefNotPermitted",
      message: `backendRef to Service ${ns}/${ref.name} is not permitted by any ReferenceGrant in namespace ${ns}`,
    };
  }
  const svc = ctx.services.get(`${ns}/${ref.name}`);
  if (!svc) return { ok: false, reason: "BackendNotFound", message: `Service ${ns}/${ref.name} not found` };
  if (ref.port !== undefined && !(svc.spec?.ports ?? []).some((p) => p.port === ref.port)) {
    return {
      ok: false,
      reason: "BackendNotFound",
      message: `Service ${ns}/${ref.name} has no port ${ref.port}`,
    };
  }
  return { ok: true, reason: "ResolvedRefs", message: "" };
}

const parentLabel = (p: ParentReference & { namespace: string; kind: string }) =>
  `${p.kind} ${p.namespace}/${p.name}`;

/**
 * Status parents and attachments of one route. Parents michi does not control (unknown Gateways,
 * other classes) get no entry, as their controller would write it.
 */
export function attachRoute(
  route: GenericRoute,
  kind: RouteKind,
  ctx: AttachContext,
): { parents: RouteParentStatus[]; attachments: Attachment[] } {
  const parents: RouteParentStatus[] = [];
  const attachments: Attachment[] = [];
  const resolved = resolveBackends(route, kind, ctx);
  const refs = route.spec?.parentRefs ?? [];
  refs.forEach((raw, parentIndex) => {
    const ref = resolvedParentRef(raw, nsOf(route));
    if (ref.group !== GROUP || (ref.kind !== "Gateway" && ref.kind !== "ListenerSet")) return;
    const listeners = ctx.parents.get(`${ref.kind}/${ref.namespace}/${ref.name}`);
    if (!listeners) return;
    const conds: Condition[] = [];
    const narrowed = listeners.filter(
      (l) =>
        (ref.sectionName === undefined || l.listener.name === ref.sectionName) &&
        (ref.port === undefined || l.listener.port === ref.port),
    );
    let accepted: Condition;
    if (narrowed.length === 0) {
      const what = [
        ref.sectionName !== undefined ? `sectionName ${JSON.stringify(ref.sectionName)}` : "",
        ref.port !== undefined ? `port ${ref.port}` : "",
      ]
        .filter(Boolean)
        .join(" and ");
      accepted = condition(
        route,
        "Accepted",
        false,
        "NoMatchingParent",
        `${parentLabel(ref)} has no listener with ${what}`,
      );
    } else {
      const allowed = narrowed.filter(
        (l) =>
          l.accepted &&
          l.supportedKinds.some((s) => s.kind === kind) &&
          namespaceAllowed(l, nsOf(route), ctx),
      );
      if (allowed.length === 0) {
        accepted = condition(
          route,
          "Accepted",
          false,
          "NotAllowedByListeners",
          `no listener of ${parentLabel(ref)} allows ${kind} from namespace ${nsOf(route)}`,
        );
      } else {
        const usesHostnames = kind === "HTTPRoute" || kind === "GRPCRoute" || kind === "TLSRoute";
        for (const l of allowed) {
          const hostnames = usesHostnames
            ? intersectHostnames(l.listener.hostname, route.spec?.hostnames)
            : undefined;
          if (hostnames !== undefined && hostnames.length === 0) continue;
          attachments.push({ route, kind, parentIndex, listener: l, hostnames });
        }
        accepted = attachments.some((a) => a.parentIndex === parentIndex)
          ? condition(route, "Accepted", true, "Accepted", "accepted by the parent")
          : condition(
              route,
              "Accepted",
              false,
              "NoMatchingListenerHostname",
              `no hostname of the route intersects a listener hostname of ${parentLabel(ref)}`,
            );
      }
    }
    conds.push(accepted);
    conds.push(condition(route, "ResolvedRefs", resolved.ok, resolved.reason, resolved.message));
    parents.push({ parentRef: statusParentRef(raw), controllerName: CONTROLLER_NAME, conditions: conds });
  });
  return { parents, attachments };
}
