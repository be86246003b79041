/**
 * The Gateway API controller in one pure function: from the stored Gateway
 * API objects (defaulted by their CRDs) and the cluster's Services,
 * Secrets and Namespaces, the status michi writes as the controller of
 * every GatewayClass (or those named by `--gateway-class`):
 * GatewayClass Accepted/SupportedVersion; Gateway addresses (the
 * LoadBalancer IP of its Service), Accepted/Programmed and per listener
 * Accepted/Programmed/ResolvedRefs/Conflicted with attachedRoutes;
 * ListenerSet Accepted/Programmed; per route and parent Accepted and
 * ResolvedRefs. Objects of classes michi does not control keep the status
 * the CRD defaults to (Pending, "Waiting for controller").
 */
import type {
  BackendTLSPolicy,
  Condition,
  Gateway,
  GatewayClass,
  GenericRoute,
  HTTPRoute,
  ListenerSet,
  ReferenceGrant,
} from "../api/gateway-types.js";
import { setSource, sourceOf } from "../api/source.js";
import type { ConfigMap, KubeObject, Namespace, Secret, Service } from "../api/types.js";
import { type Attachment, attachRoute } from "./attachment.js";
import {
  CONTROLLER_NAME,
  condition,
  keyOf,
  nameOf,
  nsOf,
  ROUTE_KINDS,
  type RouteKind,
  TRANSITION_TIME,
} from "./common.js";
import { gatewayListeners, type ListenerRecord, listenerSetAllowed } from "./listeners.js";
import { ReferenceGrants } from "./reference-grants.js";

export interface GatewayApiState {
  gatewayClasses: GatewayClass[];
  gateways: Gateway[];
  listenerSets: ListenerSet[];
  httpRoutes: HTTPRoute[];
  grpcRoutes: GenericRoute[];
  tlsRoutes: GenericRoute[];
  tcpRoutes: GenericRoute[];
  udpRoutes: GenericRoute[];
  referenceGrants: ReferenceGrant[];
  backendTLSPolicies: BackendTLSPolicy[];
  /** Every accepted (route, listener) pair, for the route tables. */
  attachments: Attachment[];
  /** Every listener of every controlled Gateway, by `ns/gateway`. */
  listeners: Map<string, readonly ListenerRecord[]>;
}

export interface GatewayInputs {
  /** Gateway API objects, namespace and CRD defaults applied. */
  objects: readonly KubeObject[];
  services: readonly Service[];
  secrets: readonly Secret[];
  configMaps: readonly ConfigMap[];
  namespaces: readonly Namespace[];
  /** LoadBalancer addresses per Gateway `ns/name`. */
  addresses: ReadonlyMap<string, readonly string[]>;
  /** GatewayClass names michi controls (undefined: all). */
  controlledClasses?: readonly string[];
}

const pending = (o: KubeObject, ...types: string[]): Condition[] =>
  types.map((t) => ({
    type: t,
    status: "Unknown",
    reason: "Pending",
    message: "Waiting for controller",
    lastTransitionTime: TRANSITION_TIME,
    ...(o.metadata?.generation !== undefined ? { observedGeneration: o.metadata.generation } : {}),
  }));

/** A copy to write status into, keeping the manifest's source position (findings print FILE:LINE). */
function copy<T extends KubeObject>(o: T): T {
  const c = { ...o, metadata: { ...o.metadata } };
  const src = sourceOf(o);
  if (src) setSource(c, src);
  return c;
}

const ROUTE_FIELD: Record<RouteKind, "httpRoutes" | "grpcRoutes" | "tlsRoutes" | "tcpRoutes" | "udpRoutes"> =
  {
    HTTPRoute: "httpRoutes",
    GRPCRoute: "grpcRoutes",
    TLSRoute: "tlsRoutes",
    TCPRoute: "tcpRoutes",
    UDPRoute: "udpRoutes",
  };

export function gatewayStatus(inputs: GatewayInputs): GatewayApiState {
  const of = <T extends KubeObject>(kind: string) =>
    inputs.objects.filter((o) => o.kind === kind).map((o) => copy(o as T));
  const state: GatewayApiState = {
    gatewayClasses: of<GatewayClass>("GatewayClass"),
    gateways: of<Gateway>("Gateway"),
    listenerSets: of<ListenerSet>("ListenerSet"),
    httpRoutes: of<HTTPRoute>("HTTPRoute"),
    grpcRoutes: of<GenericRoute>("GRPCRoute"),
    tlsRoutes: of<GenericRoute>("TLSRoute"),
    tcpRoutes: of<GenericRoute>("TCPRoute"),
    udpRoutes: of<GenericRoute>("UDPRoute"),
    referenceGrants: of<ReferenceGrant>("ReferenceGrant"),
    backendTLSPolicies: of<BackendTLSPolicy>("BackendTLSPolicy"),
    attachments: [],
    listeners: new Map(),
  };
  const grants = new ReferenceGrants(state.referenceGrants);
  const namespaces = new Map(inputs.namespaces.map((n) => [nameOf(n), n]));
  const secrets = new Map(inputs.secrets.map((s) => [keyOf(s), s]));
  const services = new Map(inputs.services.map((s) => [keyOf(s), s]));
  const configMaps = new Set(inputs.configMaps.map(keyOf));
  const controlled = (cls: string | undefined) =>
    cls !== undefined &&
    state.gatewayClasses.some((c) => nameOf(c) === cls) &&
    (inputs.controlledClasses === undefined || inputs.controlledClasses.includes(cls));

  // GatewayClasses.
  for (const gc of state.gatewayClasses) {
    if (!controlled(nameOf(gc))) {
      gc.status = { conditions: pending(gc, "Accepted") };
      continue;
    }
    const p = gc.spec?.parametersRef as
      | { group?: string; kind?: string; name?: string; namespace?: string }
      | undefined;
    const paramsOk =
      !p ||
      (p.group === "" && p.kind === "ConfigMap" && configMaps.has(`${p.namespace ?? ""}/${p.name ?? ""}`));
    gc.status = {
      conditions: [
        paramsOk
          ? condition(gc, "Accepted", true, "Accepted", `handled by ${CONTROLLER_NAME}`)
          : condition(
              gc,
              "Accepted",
              false,
              "InvalidParameters",
              `parametersRef ${p?.kind ?? ""} ${p?.namespace ?? ""}/${p?.name ?? ""} does not resolve (michi reads ConfigMaps only)`,
            ),
        condition(gc, "SupportedVersion", true, "SupportedVersion", "Gateway API v1.6 is supported"),
      ],
    };
  }
  const acceptedClass = (cls: string | undefined) =>
    controlled(cls) &&
    state.gatewayClasses.find((c) => nameOf(c) === cls)?.status?.conditions?.[0]?.status === "True";

  // Gateways and their listeners (ListenerSets included).
  const parents = new Map<string, ListenerRecord[]>();
  const lsCtx = { secrets, grants, namespaces };
  const setsFor = new Map<string, ListenerSet[]>();
  for (const ls of state.listenerSets) {
    const ref = ls.spec?.parentRef;
    if (!ref) continue;
    const k = `${ref.namespace ?? nsOf(ls)}/${ref.name}`;
    setsFor.set(k, [...(setsFor.get(k) ?? []), ls]);
  }
  const listenerSetState = new Map<ListenerSet, { accepted: boolean; reason: string; message: string }>();
  for (const gw of state.gateways) {
    const cls = gw.spec?.gatewayClassName;
    if (!controlled(cls)) {
      gw.status = { conditions: pending(gw, "Accepted", "Programmed") };
      continue;
    }
    const classOk = acceptedClass(cls);
    const candidates = setsFor.get(keyOf(gw)) ?? [];
    const allowedSets: ListenerSet[] = [];
    for (const ls of candidates) {
      const ok = listenerSetAllowed(gw, ls, namespaces);
      listenerSetState.set(
        ls,
        ok
          ? { accepted: true, reason: "Accepted", message: "accepted by the Gateway" }
          : {
              accepted: false,
              reason: "NotAllowed",
              message: `Gateway ${keyOf(gw)} does not allow ListenerSets from namespace ${nsOf(ls)}`,
            },
      );
      if (ok) allowedSets.push(ls);
    }
    const listeners = classOk ? gatewayListeners(gw, allowedSets, lsCtx) : [];
    state.listeners.set(keyOf(gw), listeners);
    parents.set(
      `Gateway/${keyOf(gw)}`,
      listeners.filter((l) => !l.listenerSet),
    );
    for (const ls of allowedSets)
      parents.set(
        `ListenerSet/${keyOf(ls)}`,
        listeners.filter((l) => l.listenerSet === ls),
      );
  }

  // Routes.
  const ctx = { parents, namespaces, services, grants };
  for (const kind of ROUTE_KINDS) {
    for (const route of state[ROUTE_FIELD[kind]] as GenericRoute[]) {
      const { parents: ps, attachments } = attachRoute(route, kind, ctx);
      route.status = { parents: ps };
      for (const a of attachments) {
        a.listener.attachedRoutes++;
        state.attachments.push(a);
      }
    }
  }
  // A route attached through several parentRefs to one listener counts once.
  for (const listeners of state.listeners.values()) {
    for (const l of listeners) {
      l.attachedRoutes = new Set(
        state.attachments.filter((a) => a.listener === l).map((a) => `${a.kind}/${keyOf(a.route)}`),
      ).size;
    }
  }

  // Gateway and ListenerSet status, now that attachedRoutes are known.
  for (const gw of state.gateways) {
    const listeners = state.listeners.get(keyOf(gw));
    if (!listeners) continue;
    const classOk = acceptedClass(gw.spec?.gatewayClassName);
    const own = listeners.filter((l) => !l.listenerSet);
    const addresses = inputs.addresses.get(keyOf(gw)) ?? [];
    const unsupported = (gw.spec?.addresses ?? []).find((a) => (a.type ?? "IPAddress") !== "IPAddress");
    const conditions: Condition[] = [];
    if (!classOk) {
      conditions.push(
        condition(
          gw,
          "Accepted",
          false,
          "Invalid",
          `GatewayClass ${gw.spec?.gatewayClassName} is not accepted`,
        ),
      );
      conditions.push(condition(gw, "Programmed", false, "Invalid", "the Gateway is not accepted"));
    } else if (unsupported) {
      conditions.push(
        condition(
          gw,
          "Accepted",
          false,
          "UnsupportedAddress",
          `address type ${unsupported.type} is not supported; michi assigns IPAddress addresses`,
        ),
      );
      conditions.push(
        condition(gw, "Programmed", false, "AddressNotUsable", "the requested address cannot be used"),
      );
    } else {
      const valid = own.filter((l) => l.accepted).length;
      if (own.length > 0 && valid === 0)
        conditions.push(condition(gw, "Accepted", false, "ListenersNotValid", "no listener is valid"));
      else if (valid < own.length)
        conditions.push(
          condition(
            gw,
            "Accepted",
            true,
            "ListenersNotValid",
            `${own.length - valid} of ${own.length} listeners are not valid`,
          ),
        );
      else conditions.push(condition(gw, "Accepted", true, "Accepted", "the Gateway is accepted"));
      const acceptedNow = conditions[0]?.status === "True";
      if (!acceptedNow)
        conditions.push(condition(gw, "Programmed", false, "Invalid", "the Gateway is not accepted"));
      else if (addresses.length === 0)
        conditions.push(
          condition(
            gw,
            "Programmed",
            false,
            "AddressNotAssigned",
            "no address could be assigned from the LoadBalancer pool",
          ),
        );
      else conditions.push(condition(gw, "Programmed", true, "Programmed", "the Gateway is programmed"));
    }
    const gwAccepted = conditions[0]?.status === "True";
    gw.status = {
      addresses: addresses.map((value) => ({ type: "IPAddress", value })),
      conditions,
      listeners: own.map((l) => ({
        name: l.listener.name,
        supportedKinds: l.supportedKinds,
        attachedRoutes: l.attachedRoutes,
        conditions: l.conditions,
      })),
    };
    const sets = (setsFor.get(keyOf(gw)) ?? []).filter((s) => listenerSetState.get(s)?.accepted);
    if (sets.length > 0 || gw.spec?.allowedListeners) gw.status.attachedListenerSets = sets.length;
    for (const ls of setsFor.get(keyOf(gw)) ?? []) {
      const st = listenerSetState.get(ls);
      if (!st) continue;
      const mine = listeners.filter((l) => l.listenerSet === ls);
      const accepted = st.accepted && gwAccepted;
      const reason = !st.accepted
        ? st.reason
        : !gwAccepted
          ? "ParentNotAccepted"
          : mine.some((l) => !l.accepted)
            ? "ListenersNotValid"
            : "Accepted";
      const message = !st.accepted
        ? st.message
        : !gwAccepted
          ? `Gateway ${keyOf(gw)} is not accepted`
          : reason === "ListenersNotValid"
            ? "some listeners are not valid"
            : "accepted by the Gateway";
      ls.status = {
        conditions: [
          condition(ls, "Accepted", accepted, reason, message),
          accepted
            ? condition(ls, "Programmed", true, "Programmed", "the listeners are programmed")
            : condition(ls, "Programmed", false, "Invalid", message),
        ],
        listeners: mine.map((l) => ({
          name: l.listener.name,
          supportedKinds: l.supportedKinds,
          attachedRoutes: l.attachedRoutes,
          conditions: l.conditions,
        })),
      };
    }
  }
  for (const ls of state.listenerSets)
    if (!ls.status) ls.status = { conditions: pending(ls, "Accepted", "Programmed") };
  return state;
}
