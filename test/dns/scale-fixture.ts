/**
 * A large synthetic cluster for the zone-build benchmark and the scale test:
 * N ClusterIP services with one EndpointSlice of `podsPerService` ready pods
 * each, spread over namespaces; every tenth service is headless.
 */
import type { EndpointSlice, Pod, Service } from "../../src/api/types.js";
import type { ClusterState } from "../../src/cluster/state.js";
import { makeState, ns } from "./fixtures.js";

export function scaleState(services: number, podsPerService: number, namespaces = 100): ClusterState {
  const svcs: Service[] = [];
  const slices: EndpointSlice[] = [];
  const pods: Pod[] = [];
  for (let i = 0; i < services; i++) {
    const namespace = `ns-${i % namespaces}`;
    const name = `svc-${i}`;
    const headless = i % 10 === 9;
    const ip = `10.${96 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
    svcs.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, namespace },
      spec: {
        type: "ClusterIP",
        clusterIP: headless ? "None" : ip,
        clusterIPs: [headless ? "None" : ip],
        ports: [{ name: "http", port: 80, protocol: "TCP" }],
      },
    });
    const endpoints = [];
    for (let j = 0; j < podsPerService; j++) {
      const n = i * podsPerService + j;
      const podIP = `10.${128 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
      pods.push({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: `${name}-${j}`, namespace },
        spec: { containers: [{ name: "c" }] },
        status: { podIP, podIPs: [{ ip: podIP }] },
      });
      endpoints.push({ addresses: [podIP], conditions: { ready: true }, hostname: `${name}-${j}` });
    }
    slices.push({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: `${name}-x`, namespace, labels: { "kubernetes.io/service-name": name } },
      addressType: "IPv4",
      endpoints,
      ports: [{ name: "http", port: 8080, protocol: "TCP" }],
    });
  }
  return makeState({
    namespaces: Array.from({ length: namespaces }, (_, i) => ns(`ns-${i}`)),
    services: svcs,
    endpointSlices: slices,
    pods,
  });
}
