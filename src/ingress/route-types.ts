/**
 * The compiled route table: what ingress-nginx would have written into
 * nginx.conf (servers, locations, upstreams, certificates), as immutable data
 * the proxy and `michi route` read. Built by route-table.ts, read by
 * route-request.ts.
 */
import type { Diagnostic } from "../api/diagnostics.js";
import type { PathType } from "../api/types.js";
import type { CanaryConfig, LocationConfig } from "./annotations.js";

export interface IngressRef {
  namespace: string;
  name: string;
}

/** A ready endpoint: pod IP and the resolved target port. */
export interface EndpointRef {
  ip: string;
  port: number;
  /** `namespace/name` of the pod behind it, when known. */
  pod?: string;
}

export interface BackendSummary {
  /** `namespace/name`. */
  service: string;
  port: number | string;
  servicePort: number | undefined;
  upstream: string;
}

export interface RuleSummary {
  host: string;
  path: string;
  pathType: PathType;
  field: string;
}

export interface BackendRef {
  namespace: string;
  service: string;
  /** The port as the Ingress names it (number or name). */
  port: number | string;
  /** The Service port number, when the service and port exist. */
  servicePort?: number;
  /** ingress-nginx's upstream name: `namespace-service-port`. */
  upstream: string;
  endpoints: readonly EndpointRef[];
  /** Why there are no endpoints (missing service, no such port, none ready). */
  problem?: string;
  /** Precomputed for route decisions. */
  summary: BackendSummary;
}

export interface CanaryRoute {
  ingress: IngressRef;
  backend: BackendRef;
  config: CanaryConfig;
}

export interface Location {
  ingress?: IngressRef;
  /** The path as the Ingress wrote it ("/" for the default location). */
  path: string;
  pathType: PathType;
  /** `spec.rules[0].http.paths[1]`, `spec.defaultBackend`, or "" for the controller's default backend. */
  field: string;
  /** Undefined: the controller's default backend (404). */
  backend?: BackendRef;
  /** True for the root location a server gets when nothing else claims "/". */
  isDefault: boolean;
  config: LocationConfig;
  /** Annotations that applied, for explanations. */
  annotations: readonly { name: string; value: string }[];
  canary?: CanaryRoute;
  /** Regex-mode match expression (`~* "^path"`), when the server is in regex mode. */
  regex?: RegExp;
  /** host/path/pathType/field of the Ingress rule (undefined for the controller's default location). */
  rule?: RuleSummary;
  /** Regex used by rewrite-target (`(?i)path`). */
  rewriteRegex?: RegExp;
}

export interface ServerTLS {
  /** `namespace/name` of the Secret, when a valid one covers this host. */
  secret?: string;
  cert?: string;
  key?: string;
  /** Why the default certificate is served instead. */
  problem?: string;
}

export interface Server {
  /** Lower-case host, `*.example.com`, or "_" for the catch-all server. */
  host: string;
  /** Non-regex mode: exact (`= /path`) locations. */
  exact: ReadonlyMap<string, Location>;
  /** Non-regex mode: string-prefix locations keyed by prefix. */
  prefixes: ReadonlyMap<string, Location>;
  /** Distinct prefix lengths, longest first: lookups cost O(distinct lengths), not O(rules). */
  prefixLengths: readonly number[];
  /** Regex mode (use-regex or rewrite-target on any of the host's paths): ordered as ingress-nginx writes them. */
  regexMode: boolean;
  ordered: readonly Location[];
  /** TLS section covering this host (ssl-redirect applies only then). */
  tls?: ServerTLS;
}

export interface ServedIngress extends IngressRef {
  className?: string;
  served: boolean;
  reason: string;
  /** Lower-case rule hosts ("" for host-less rules). */
  hosts: readonly string[];
}

export interface RouteTable {
  readonly servers: ReadonlyMap<string, Server>;
  /** Single-label wildcard servers keyed by the suffix after `*.`. */
  readonly wildcards: ReadonlyMap<string, Server>;
  readonly catchAll: Server;
  readonly ingresses: readonly ServedIngress[];
  readonly diagnostics: readonly Diagnostic[];
  /** Served class names, for explanations. */
  readonly classes: readonly string[];
}
