/**
 * ClusterState fixtures written in code for the DNS tests: the objects a
 * control plane would hold after controllers ran (services with cluster IPs,
 * EndpointSlices with conditions and hostnames, pods with IPs), shaped after
 * the fixtures of CoreDNS's plugin/kubernetes handler tests.
 */
import type { EndpointSlice, Namespace, Pod, Service, ServicePort } from "../../src/api/types.js";
import { buildIndex } from "../../src/cluster/cluster-index.js";
import { type ClusterConfig, makeConfig } from "../../src/cluster/config.js";
import type { ClusterState } from "../../src/cluster/state.js";

export function ns(name: string): Namespace {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name } };
}

export function clusterIPService(
  namespace: string,
  name: string,
  clusterIPs: string[],
  ports: ServicePort[],
): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace },
    spec: { type: "ClusterIP", clusterIP: clusterIPs[0] ?? "", clusterIPs, ports },
  };
}

export function headlessService(namespace: string, name: string, ports: ServicePort[]): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace },
    spec: { type: "ClusterIP", clusterIP: "None", clusterIPs: ["None"], ports },
  };
}

export function externalNameService(namespace: string, name: string, externalName: string): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace },
    spec: { type: "ExternalName", externalName, ports: [{ name: "http", port: 80, protocol: "TCP" }] },
  };
}

export interface EndpointSpec {
  ip: string;
  hostname?: string;
  ready?: boolean;
}

export function slice(
  namespace: string,
  service: string,
  endpoints: EndpointSpec[],
  ports: { name?: string; port: number; protocol?: "TCP" | "UDP" | "SCTP" }[],
  addressType: "IPv4" | "IPv6" = "IPv4",
  suffix = "abcde",
): EndpointSlice {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: `${service}-${suffix}`, namespace, labels: { "kubernetes.io/service-name": service } },
    addressType,
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      ...(e.ready === undefined ? {} : { conditions: { ready: e.ready } }),
      ...(e.hostname ? { hostname: e.hostname } : {}),
    })),
    ports: ports.map((p) => ({
      ...(p.name !== undefined ? { name: p.name } : {}),
      port: p.port,
      protocol: p.protocol ?? "TCP",
    })),
  };
}

export function pod(namespace: string, name: string, ip: string): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace },
    spec: { containers: [{ name: "c" }] },
    status: { phase: "Running", podIP: ip, podIPs: [{ ip }] },
  };
}

export function makeState(
  parts: {
    namespaces?: Namespace[];
    services?: Service[];
    endpointSlices?: EndpointSlice[];
    pods?: Pod[];
  },
  config: Partial<ClusterConfig> = {},
): ClusterState {
  const input = {
    namespaces: parts.namespaces ?? [],
    nodes: [],
    pods: parts.pods ?? [],
    services: parts.services ?? [],
    endpointSlices: parts.endpointSlices ?? [],
    secrets: [],
  };
  return {
    config: makeConfig(config),
    ...input,
    endpoints: [],
    deployments: [],
    replicaSets: [],
    statefulSets: [],
    daemonSets: [],
    ingresses: [],
    ingressClasses: [],
    networkPolicies: [],
    configMaps: [],
    others: [],
    diagnostics: [],
    index: buildIndex(input),
  };
}

/**
 * The fixture the table tests run on, modelled on CoreDNS's handler_test.go
 * (namespace testns: svc1, svc6 (IPv6), hdls1, hdlsprtls, external, ...).
 */
export function corednsLikeState(config: Partial<ClusterConfig> = {}): ClusterState {
  return makeState(
    {
      namespaces: [ns("testns"), ns("kube-system"), ns("default"), ns("empty")],
      services: [
        clusterIPService(
          "kube-system",
          "kube-dns",
          ["10.96.0.10"],
          [
            { name: "dns", port: 53, protocol: "UDP" },
            { name: "dns-tcp", port: 53, protocol: "TCP" },
          ],
        ),
        clusterIPService(
          "default",
          "kubernetes",
          ["10.96.0.1"],
          [{ name: "https", port: 443, protocol: "TCP" }],
        ),
        clusterIPService("testns", "svc1", ["10.0.0.1"], [{ name: "http", port: 80, protocol: "TCP" }]),
        clusterIPService("testns", "svcempty", ["10.0.0.2"], [{ name: "http", port: 80, protocol: "TCP" }]),
        clusterIPService("testns", "svc6", ["1234:abcd::1"], [{ name: "http", port: 80, protocol: "TCP" }]),
        clusterIPService(
          "testns",
          "dual",
          ["10.0.0.3", "fd00::3"],
          [{ name: "http", port: 80, protocol: "TCP" }],
        ),
        clusterIPService(
          "testns",
          "multi",
          ["10.0.0.4"],
          [
            { name: "http", port: 80, protocol: "TCP" },
            { name: "https", port: 443, protocol: "TCP" },
            { port: 8080, protocol: "TCP" },
          ],
        ),
        headlessService("testns", "hdls1", [{ name: "http", port: 80, protocol: "TCP" }]),
        headlessService("testns", "hdlsprtls", []),
        headlessService("testns", "hdlsnotready", [{ name: "http", port: 80, protocol: "TCP" }]),
        headlessService("testns", "hdlsnoeps", [{ name: "http", port: 80, protocol: "TCP" }]),
        headlessService("testns", "hdls6", [{ name: "http", port: 80, protocol: "TCP" }]),
        externalNameService("testns", "external", "ext.interwebs.test"),
        externalNameService("testns", "external-to-service", "svc1.testns.svc.cluster.local"),
        externalNameService("testns", "external-to-nothing", "nothing.testns.svc.cluster.local"),
      ],
      endpointSlices: [
        slice(
          "testns",
          "svc1",
          [{ ip: "172.0.0.1", hostname: "ep1a" }, { ip: "172.0.0.2" }],
          [{ name: "http", port: 8080, protocol: "TCP" }],
        ),
        slice(
          "testns",
          "hdls1",
          [
            { ip: "172.0.0.2" },
            { ip: "172.0.0.3" },
            { ip: "172.0.0.4", hostname: "dup-name" },
            { ip: "172.0.0.5", hostname: "dup-name" },
            { ip: "172.0.0.6", ready: false },
          ],
          [{ name: "http", port: 80, protocol: "TCP" }],
        ),
        slice("testns", "hdlsprtls", [{ ip: "172.0.0.20" }], []),
        slice("testns", "hdlsnotready", [{ ip: "172.0.0.30", ready: false }], [{ name: "http", port: 80 }]),
        slice(
          "testns",
          "hdls6",
          [{ ip: "5678:abcd::1" }, { ip: "5678:abcd::2", hostname: "pet" }],
          [{ name: "http", port: 80 }],
          "IPv6",
        ),
      ],
      pods: [pod("testns", "app-1", "10.244.1.5"), pod("podns", "app-2", "10.244.2.6")],
    },
    config,
  );
}
