/**
 * The benchmark's cluster: one Ingress (host bench.local, Prefix /api and /)
 * in front of a one-endpoint service, as a ClusterState built in code.
 */
import type { Ingress } from "../../src/api/types.js";
import { defaultConfig } from "../../src/cluster/config.js";
import type { ClusterState } from "../../src/cluster/state.js";
import { compileRoutes } from "../../src/ingress/route-table.js";
import type { RouteTable } from "../../src/ingress/route-types.js";

export function benchState(ingresses?: Ingress[], endpointsPerService = 1): ClusterState {
  const ings: Ingress[] = ingresses ?? [
    {
      kind: "Ingress",
      metadata: { name: "bench", namespace: "default" },
      spec: {
        ingressClassName: "nginx",
        rules: [
          {
            host: "bench.local",
            http: {
              paths: [
                {
                  path: "/api",
                  pathType: "Prefix",
                  backend: { service: { name: "app", port: { number: 80 } } },
                },
                {
                  path: "/",
                  pathType: "Prefix",
                  backend: { service: { name: "app", port: { number: 80 } } },
                },
              ],
            },
          },
        ],
      },
    },
  ];
  const names = new Set<string>();
  for (const i of ings)
    for (const r of i.spec?.rules ?? [])
      for (const p of r.http?.paths ?? []) if (p.backend.service) names.add(p.backend.service.name);
  const services = [...names].map((name) => ({
    kind: "Service",
    metadata: { name, namespace: "default" },
    spec: { ports: [{ port: 80, targetPort: 8080 }] },
  }));
  const slices = [...names].map((name, i) => ({
    kind: "EndpointSlice",
    metadata: { name: `${name}-x`, namespace: "default", labels: { "kubernetes.io/service-name": name } },
    addressType: "IPv4" as const,
    ports: [{ port: 8080 }],
    endpoints: Array.from({ length: endpointsPerService }, (_, j) => ({
      addresses: [`10.244.${(i >> 8) & 255}.${(i & 255) + j}`],
      conditions: { ready: true },
    })),
  }));
  const svcMap = new Map(services.map((s) => [s.metadata.name, s]));
  const sliceMap = new Map(slices.map((s) => [s.metadata.labels["kubernetes.io/service-name"], [s]]));
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
    ingresses: ings,
    ingressClasses: [
      { kind: "IngressClass", metadata: { name: "nginx" }, spec: { controller: "k8s.io/ingress-nginx" } },
    ],
    networkPolicies: [],
    secrets: [],
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
      service: (_ns: string, name: string) => svcMap.get(name),
      serviceByClusterIP: () => undefined,
      slicesForService: (_ns: string, name: string) => sliceMap.get(name) ?? [],
      secret: () => undefined,
      nodeByIP: () => undefined,
    },
  } as unknown as ClusterState;
}

export function benchTable(): RouteTable {
  return compileRoutes(benchState());
}
