/**
 * Shared Gateway API vocabulary: the group, michi's controllerName, the
 * route kinds, condition construction (with observedGeneration and a fixed
 * transition time, so status is deterministic), and ref defaulting.
 */
import type { Condition, ParentReference } from "../api/gateway-types.js";
import type { KubeObject } from "../api/types.js";

export const GROUP = "gateway.networking.k8s.io";
export const CONTROLLER_NAME = "michi.dev/gateway-controller";
/** Status timestamps: the manifests have no clock; a fixed instant keeps output stable. */
export const TRANSITION_TIME = "1970-01-01T00:00:00Z";

export const ROUTE_KINDS = ["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"] as const;
export type RouteKind = (typeof ROUTE_KINDS)[number];

export const nsOf = (o: KubeObject): string => o.metadata?.namespace ?? "default";
export const nameOf = (o: KubeObject): string => o.metadata?.name ?? "";
export const keyOf = (o: KubeObject): string => `${nsOf(o)}/${nameOf(o)}`;

export function condition(
  obj: KubeObject,
  type: string,
  status: boolean | "Unknown",
  reason: string,
  message: string,
): Condition {
  return {
    type,
    status: status === "Unknown" ? "Unknown" : status ? "True" : "False",
    reason,
    message,
    observedGeneration: obj.metadata?.generation ?? 1,
    lastTransitionTime: TRANSITION_TIME,
  };
}

/** A parentRef with the API's defaults filled in (group, kind Gateway, the route's namespace). */
export function resolvedParentRef(
  ref: ParentReference,
  routeNs: string,
): Required<Pick<ParentReference, "group" | "kind" | "namespace" | "name">> & ParentReference {
  return {
    ...ref,
    group: ref.group ?? GROUP,
    kind: ref.kind ?? "Gateway",
    namespace: ref.namespace ?? routeNs,
    name: ref.name,
  };
}

/** The parentRef as status echoes it: the fields the user set plus group/kind. */
export function statusParentRef(ref: ParentReference): ParentReference {
  const out: ParentReference = { group: ref.group ?? GROUP, kind: ref.kind ?? "Gateway", name: ref.name };
  if (ref.namespace !== undefined) out.namespace = ref.namespace;
  if (ref.sectionName !== undefined) out.sectionName = ref.sectionName;
  if (ref.port !== undefined) out.port = ref.port;
  return out;
}
