/**
 * JSON shapes of the dashboard's `/api` endpoints. Type-only: the server
 * (src/web) produces them and the front end (web/src) imports them, so both
 * sides agree at compile time. Extra fields may be added; none are removed.
 */

/** One diagnostic or lint finding, as shown next to an object. */
export interface ApiFinding {
  severity: "error" | "warning";
  code: string;
  message: string;
  /** `KIND/NAMESPACE/NAME` (namespace omitted for cluster-scoped objects) when the finding names an object. */
  object?: string;
  field?: string;
  file?: string;
  line?: number;
  suggestion?: string;
  /** `validation` (load/validate/controllers) or `lint`. */
  source: "validation" | "lint";
}

/** GET /api/summary */
export interface ApiSummary {
  mode: "static" | "live";
  version: number;
  clusterDomain: string;
  counts: Record<string, number>;
  errors: number;
  warnings: number;
  /** True when the server accepts POST /api/apply (loopback + token). */
  canApply: boolean;
}

/** GET /api/objects → list rows. */
export interface ApiObjectRow {
  /** `kind/namespace/name` (lower-case kind), the id used by /api/objects/detail. */
  id: string;
  kind: string;
  namespace?: string;
  name: string;
  /** Short derived facts for the list: IP, type, replicas… */
  summary: string;
  findings: number;
}

export interface ApiObjectList {
  items: ApiObjectRow[];
  total: number;
}

/** GET /api/objects/detail?id=… */
export interface ApiObjectDetail {
  id: string;
  kind: string;
  namespace?: string;
  name: string;
  yaml: string;
  source?: { file: string; line: number };
  /** Derived state as labelled facts (IPs, node, endpoints, ports…). */
  facts: { label: string; value: string }[];
  /** Pods: the kubelet-injected environment. */
  env?: { name: string; value: string }[];
  /** Pods: /etc/resolv.conf as the kubelet writes it. */
  resolvConf?: string;
  /** Pods: NetworkPolicy isolation. */
  isolation?: ApiIsolation;
  /** Services: the endpoints (pod, IP, ready). */
  endpoints?: { pod?: string; ip: string; ready: boolean; node?: string }[];
  /** Related objects (owner, pods, selected-by policies, backends…) by id. */
  related: { relation: string; id: string }[];
  findings: ApiFinding[];
}

export interface ApiIsolation {
  ingress: boolean;
  egress: boolean;
  /** Policies (`namespace/name`) that select the pod. */
  policies: string[];
}

/** GET /api/topology */
export interface ApiTopology {
  namespaces: { name: string; labels: Record<string, string>; pods: number }[];
  nodes: ApiTopoNode[];
  edges: ApiTopoEdge[];
}

export type ApiTopoNodeKind = "external" | "ingress" | "service" | "workload" | "pod";

export interface ApiTopoNode {
  id: string;
  kind: ApiTopoNodeKind;
  /** Object id for /api/objects/detail (absent for the external world). */
  ref?: string;
  namespace?: string;
  label: string;
  /** Secondary line: type and IP, replicas, hosts… */
  sub: string;
  /** Workload/pod nodes: pods with their isolation (workloads list up to `podsShown`). */
  pods?: { id: string; name: string; ip: string; ready: boolean; isolation: ApiIsolation }[];
  /** Total pods of a workload (pods may list only the first ones). */
  podCount?: number;
  findings: number;
}

export interface ApiTopoEdge {
  from: string;
  to: string;
  kind: "route" | "selects" | "exposes";
  label: string;
}

/** GET /api/matrix?level=namespace|workload|pod&port=&protocol= */
export interface ApiMatrix {
  level: "namespace" | "workload" | "pod";
  /** The port filter applied: a number, or `declared` (each destination pod's declared containerPorts). */
  port: number | "declared";
  protocol: "TCP" | "UDP" | "SCTP";
  groups: ApiMatrixGroup[];
  /** cells[i][j]: from groups[i] to groups[j]. */
  cells: ApiMatrixCell[][];
  /** Pairs evaluated (pod pairs × ports, before class folding). */
  pairs: number;
  /** Distinct verdicts computed (after folding pods into equivalence classes). */
  evaluated: number;
  millis: number;
}

export interface ApiMatrixGroup {
  id: string;
  label: string;
  namespace?: string;
  pods: number;
  /** True for the synthetic outside-the-cluster source. */
  external?: boolean;
}

export interface ApiMatrixCell {
  allowed: number;
  denied: number;
  /** A representative denied (else allowed) connection, to ask /api/check about. */
  sample?: { from: string; to: string; port: number; protocol: string };
}

/** One side (egress of the source, ingress of the destination) of a check. */
export interface ApiCheckSide {
  allowed: boolean;
  /** False when no policy isolates the pod in this direction (everything allowed). */
  isolated: boolean;
  /** Policies that select the pod for this direction. */
  policies: string[];
  /** The rule that admitted the connection, when allowed by a policy. */
  admittedBy?: { policy: string; rule: number; detail: string };
  /** Human explanation lines. */
  reasons: string[];
}

/** GET /api/check?from=&to=&port=&protocol= */
export interface ApiCheck {
  from: string;
  to: string;
  port: number;
  protocol: string;
  allowed: boolean;
  egress: ApiCheckSide;
  ingress: ApiCheckSide;
  /** Every connection judged (workloads expand to their pods, services to their backends and target ports). */
  connections: { from: string; to: string; port: number; allowed: boolean }[];
  /** When `to` is a service: its name, port and backend count. */
  service?: { name: string; port: number; backends: number };
  /** Why there is nothing to judge (a service without ready backends). */
  note?: string;
  /** The engine's own JSON (as `michi check -o json` prints it), for completeness. */
  raw: unknown;
}

/** GET /api/route?url=&method=&header=Name:%20value&from= */
export interface ApiRoute {
  status: number;
  ingress?: string;
  rule?: { host?: string; path?: string; pathType?: string };
  backend?: { service: string; port: number | string };
  upstreamPath?: string;
  location?: string;
  /** Pods the backend service would send the request to. */
  endpoints?: string[];
  explanation: string[];
  raw: unknown;
}

/** GET /api/dns?name=&type=&from= */
export interface ApiDns {
  name: string;
  type: string;
  from?: string;
  rcode: string;
  answers: { name: string; type: string; ttl: number; data: string }[];
  /** With `from`: every query the pod's resolver tries, in order, with its rcode. */
  queries?: { name: string; rcode: string; answers: number }[];
  resolvConf?: string;
  raw: unknown;
}

/** GET /api/lint */
export interface ApiLint {
  findings: ApiFinding[];
}

/** One flow as streamed by GET /api/flows (server-sent events, `data:` JSON). */
export interface ApiFlow {
  id?: number;
  time?: string;
  /** `ns/pod` for pods, else the model IP. */
  from: string;
  to: string;
  port: number;
  protocol: string;
  /** `FORWARDED`, `DROPPED` or `REJECTED`. */
  verdict: string;
  /** Policies that decided the verdict (`namespace/name`). */
  policies?: readonly string[];
  reason?: string;
  service?: string;
  deniedBy?: string;
}

/** GET /api/live */
export interface ApiLive {
  counters: Record<string, number>;
  findings: ApiFinding[];
}
