/**
 * Gateway API object shapes (gateway.networking.k8s.io/v1) for the fields
 * michi reads and writes: GatewayClass, Gateway, ListenerSet, the route
 * kinds, ReferenceGrant, BackendTLSPolicy, and their status. Plain JSON as
 * the API server stores it (after the CRDs' defaults).
 */
import type { KubeObject, LabelSelector } from "./types.js";

export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

export interface ParentReference {
  group?: string;
  kind?: string;
  namespace?: string;
  name: string;
  sectionName?: string;
  port?: number;
}

export interface BackendObjectReference {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
}

export interface SecretObjectReference {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
}

export interface RouteGroupKind {
  group?: string;
  kind: string;
}

export interface AllowedRoutes {
  namespaces?: { from?: "All" | "Same" | "Selector"; selector?: LabelSelector };
  kinds?: RouteGroupKind[];
}

export interface Listener {
  name: string;
  hostname?: string;
  port: number;
  protocol: string;
  tls?: {
    mode?: "Terminate" | "Passthrough";
    certificateRefs?: SecretObjectReference[];
    options?: Record<string, string>;
  };
  allowedRoutes?: AllowedRoutes;
}

export interface ListenerStatus {
  name: string;
  supportedKinds: RouteGroupKind[];
  attachedRoutes: number;
  conditions: Condition[];
}

export interface GatewayClass extends KubeObject {
  spec?: { controllerName?: string; description?: string; parametersRef?: Record<string, unknown> };
  status?: { conditions?: Condition[]; supportedFeatures?: { name: string }[] };
}

export interface Gateway extends KubeObject {
  spec?: {
    gatewayClassName?: string;
    listeners?: Listener[];
    addresses?: { type?: string; value?: string }[];
    allowedListeners?: {
      namespaces?: { from?: "All" | "Same" | "Selector" | "None"; selector?: LabelSelector };
    };
    infrastructure?: Record<string, unknown>;
  };
  status?: {
    addresses?: { type: string; value: string }[];
    conditions?: Condition[];
    listeners?: ListenerStatus[];
    attachedListenerSets?: number;
  };
}

export interface ListenerSet extends KubeObject {
  spec?: { parentRef?: ParentReference; listeners?: Listener[] };
  status?: { conditions?: Condition[]; listeners?: ListenerStatus[] };
}

export interface HTTPHeaderMatch {
  type?: "Exact" | "RegularExpression";
  name: string;
  value: string;
}

export interface HTTPQueryParamMatch {
  type?: "Exact" | "RegularExpression";
  name: string;
  value: string;
}

export interface HTTPPathMatch {
  type?: "Exact" | "PathPrefix" | "RegularExpression";
  value?: string;
}

export interface HTTPRouteMatch {
  path?: HTTPPathMatch;
  headers?: HTTPHeaderMatch[];
  queryParams?: HTTPQueryParamMatch[];
  method?: string;
}

export interface HTTPHeaderFilter {
  set?: { name: string; value: string }[];
  add?: { name: string; value: string }[];
  remove?: string[];
}

export interface HTTPPathModifier {
  type: "ReplaceFullPath" | "ReplacePrefixMatch";
  replaceFullPath?: string;
  replacePrefixMatch?: string;
}

export interface HTTPRequestRedirectFilter {
  scheme?: "http" | "https";
  hostname?: string;
  path?: HTTPPathModifier;
  port?: number;
  statusCode?: number;
}

export interface HTTPURLRewriteFilter {
  hostname?: string;
  path?: HTTPPathModifier;
}

export interface HTTPRequestMirrorFilter {
  backendRef: BackendObjectReference;
  percent?: number;
  fraction?: { numerator: number; denominator?: number };
}

export interface HTTPCORSFilter {
  allowOrigins?: string[];
  allowCredentials?: boolean;
  allowMethods?: string[];
  allowHeaders?: string[];
  exposeHeaders?: string[];
  maxAge?: number;
}

export interface HTTPRouteFilter {
  type: string;
  requestHeaderModifier?: HTTPHeaderFilter;
  responseHeaderModifier?: HTTPHeaderFilter;
  requestMirror?: HTTPRequestMirrorFilter;
  requestRedirect?: HTTPRequestRedirectFilter;
  urlRewrite?: HTTPURLRewriteFilter;
  cors?: HTTPCORSFilter;
  extensionRef?: { group: string; kind: string; name: string };
}

export interface HTTPBackendRef extends BackendObjectReference {
  weight?: number;
  filters?: HTTPRouteFilter[];
}

export interface HTTPRouteRule {
  name?: string;
  matches?: HTTPRouteMatch[];
  filters?: HTTPRouteFilter[];
  backendRefs?: HTTPBackendRef[];
  timeouts?: { request?: string; backendRequest?: string };
}

export interface RouteParentStatus {
  parentRef: ParentReference;
  controllerName: string;
  conditions: Condition[];
}

export interface RouteStatus {
  parents: RouteParentStatus[];
}

export interface HTTPRoute extends KubeObject {
  spec?: { parentRefs?: ParentReference[]; hostnames?: string[]; rules?: HTTPRouteRule[] };
  status?: RouteStatus;
}

/** GRPCRoute, TLSRoute, TCPRoute, UDPRoute: the fields attachment and backends read. */
export interface GenericRoute extends KubeObject {
  spec?: {
    parentRefs?: ParentReference[];
    hostnames?: string[];
    rules?: {
      name?: string;
      backendRefs?: HTTPBackendRef[];
      matches?: unknown[];
      filters?: HTTPRouteFilter[];
    }[];
  };
  status?: RouteStatus;
}

export interface ReferenceGrant extends KubeObject {
  spec?: {
    from?: { group: string; kind: string; namespace: string }[];
    to?: { group: string; kind: string; name?: string }[];
  };
}

export interface BackendTLSPolicy extends KubeObject {
  spec?: {
    targetRefs?: { group: string; kind: string; name: string; sectionName?: string }[];
    validation?: {
      caCertificateRefs?: { group: string; kind: string; name: string }[];
      wellKnownCACertificates?: string;
      hostname?: string;
    };
  };
  status?: {
    ancestors?: { ancestorRef: ParentReference; controllerName: string; conditions: Condition[] }[];
  };
}
