/**
 * ClusterState fixtures built in code: Ingresses plus services whose
 * EndpointSlices point at given pod IPs, without running the controllers.
 * Lets the route tests state exactly the cluster they mean.
 */
import type {
  EndpointSlice,
  Ingress,
  IngressClass,
  KubeObject,
  Secret,
  Service,
} from "../../src/api/types.js";
import { defaultConfig } from "../../src/cluster/config.js";
import type { ClusterState } from "../../src/cluster/state.js";

export interface SvcSpec {
  namespace?: string;
  name: string;
  port?: number;
  portName?: string;
  targetPort?: number;
  /** Pod IPs; `!ip` marks a not-ready endpoint. */
  ips?: string[];
}

export function service(s: SvcSpec): { svc: Service; slice: EndpointSlice } {
  const ns = s.namespace ?? "default";
  const port = s.port ?? 80;
  const target = s.targetPort ?? 8080;
  const svc: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: s.name, namespace: ns },
    spec: {
      ports: [{ port, targetPort: target, protocol: "TCP", ...(s.portName ? { name: s.portName } : {}) }],
      selector: { app: s.name },
    },
  };
  const slice: EndpointSlice = {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: `${s.name}-abcde`, namespace: ns, labels: { "kubernetes.io/service-name": s.name } },
    addressType: "IPv4",
    ports: [{ port: target, protocol: "TCP", ...(s.portName ? { name: s.portName } : {}) }],
    endpoints: (s.ips ?? []).map((raw, i) => ({
      addresses: [raw.replace(/^!/, "")],
      conditions: { ready: !raw.startsWith("!") },
      targetRef: { kind: "Pod", namespace: ns, name: `${s.name}-${i}` },
    })),
  };
  return { svc, slice };
}

export interface StateSpec {
  ingresses?: Ingress[];
  services?: SvcSpec[];
  secrets?: Secret[];
  ingressClasses?: IngressClass[];
}

export function makeState(spec: StateSpec): ClusterState {
  const built = (spec.services ?? []).map(service);
  const services = built.map((b) => b.svc);
  const slices = built.map((b) => b.slice);
  const secrets = spec.secrets ?? [];
  const key = (o: KubeObject) => `${o.metadata?.namespace ?? "default"}/${o.metadata?.name ?? ""}`;
  const svcMap = new Map(services.map((s) => [key(s), s]));
  const secMap = new Map(secrets.map((s) => [key(s), s]));
  const ingressClasses = spec.ingressClasses ?? [
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "IngressClass",
      metadata: { name: "nginx" },
      spec: { controller: "k8s.io/ingress-nginx" },
    },
  ];
  return {
    config: defaultConfig,
    namespaces: [],
    nodes: [],
    pods: [],
    services,
    endpoints: [],
    endpointSlices: slices,
    deployments: [],
    replicaSets: [],
    statefulSets: [],
    daemonSets: [],
    ingresses: spec.ingresses ?? [],
    ingressClasses,
    networkPolicies: [],
    secrets,
    configMaps: [],
    others: [],
    diagnostics: [],
    index: {
      namespace: () => undefined,
      node: () => undefined,
      pod: () => undefined,
      podByIP: () => undefined,
      podsInNamespace: () => [],
      selectPods: () => [],
      service: (ns, name) => svcMap.get(`${ns}/${name}`),
      serviceByClusterIP: () => undefined,
      slicesForService: (ns, name) =>
        slices.filter(
          (s) => s.metadata?.namespace === ns && s.metadata?.labels?.["kubernetes.io/service-name"] === name,
        ),
      secret: (ns, name) => secMap.get(`${ns}/${name}`),
      nodeByIP: () => undefined,
    },
  };
}

export interface PathSpec {
  path: string;
  pathType?: "Exact" | "Prefix" | "ImplementationSpecific";
  service: string;
  port?: number;
}

export interface IngSpec {
  name: string;
  namespace?: string;
  className?: string | null;
  annotations?: Record<string, string>;
  created?: string;
  defaultBackend?: { service: string; port?: number };
  tls?: { hosts?: string[]; secretName?: string }[];
  rules?: { host?: string; paths: PathSpec[] }[];
}

export function ingress(s: IngSpec): Ingress {
  const ing: Ingress = {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: {
      name: s.name,
      namespace: s.namespace ?? "default",
      ...(s.annotations ? { annotations: s.annotations } : {}),
      ...(s.created ? { creationTimestamp: s.created } : {}),
    },
    spec: {
      ...(s.className === null ? {} : { ingressClassName: s.className ?? "nginx" }),
      ...(s.defaultBackend
        ? {
            defaultBackend: {
              service: { name: s.defaultBackend.service, port: { number: s.defaultBackend.port ?? 80 } },
            },
          }
        : {}),
      ...(s.tls ? { tls: s.tls } : {}),
      ...(s.rules
        ? {
            rules: s.rules.map((r) => ({
              ...(r.host !== undefined ? { host: r.host } : {}),
              http: {
                paths: r.paths.map((p) => ({
                  path: p.path,
                  pathType: p.pathType ?? "Prefix",
                  backend: { service: { name: p.service, port: { number: p.port ?? 80 } } },
                })),
              },
            })),
          }
        : {}),
    },
  };
  return ing;
}
