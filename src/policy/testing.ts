/**
 * Test helper (as api/validation/testing.ts): a hand-built ClusterState for policy tests: what buildCluster would give
 * for a few namespaces, nodes, bare pods, services and policies, without
 * depending on the controllers. Pods get IPs 10.244.<node>.<n> and are spread
 * round-robin over nodes node-1..node-N (InternalIP 10.1.0.<i>).
 */
import { parseAllDocuments } from "yaml";
import type {
  AnyClusterNetworkPolicy,
  ContainerPort,
  EndpointSlice,
  KubeObject,
  Labels,
  Namespace,
  NetworkPolicy,
  Node,
  Pod,
  Secret,
  Service,
} from "../api/types.js";
import { defaultConfig } from "../cluster/config.js";
import type { ClusterState } from "../cluster/state.js";

export function parseYAML(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null && typeof o === "object");
}

export interface FixtureOptions {
  nodes?: number;
}

/** Build a state from objects; namespaces referenced by pods are created when missing. */
export function makeState(objects: readonly KubeObject[], opts: FixtureOptions = {}): ClusterState {
  const nodeCount = opts.nodes ?? 2;
  const namespaces = new Map<string, Namespace>();
  const pods: Pod[] = [];
  const services: Service[] = [];
  const slices: EndpointSlice[] = [];
  const policies: NetworkPolicy[] = [];
  const secrets: Secret[] = [];
  const others: KubeObject[] = [];
  const ingresses: KubeObject[] = [];
  const clusterPolicies: KubeObject[] = [];
  const ensureNs = (name: string, labels: Labels = {}) => {
    const existing = namespaces.get(name);
    if (existing) return existing;
    const ns: Namespace = {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name, labels: { ...labels, "kubernetes.io/metadata.name": name } },
    };
    namespaces.set(name, ns);
    return ns;
  };
  const nodes: Node[] = [];
  for (let i = 1; i <= nodeCount; i++) {
    nodes.push({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: `node-${i}` },
      status: { addresses: [{ type: "InternalIP", address: `10.1.0.${i}` }] },
    });
  }
  const perNode = new Array<number>(nodeCount).fill(0);
  let podCount = 0;
  for (const o of objects) {
    const ns = o.metadata?.namespace ?? "default";
    switch (o.kind) {
      case "Namespace":
        ensureNs(o.metadata?.name ?? "", o.metadata?.labels);
        break;
      case "Pod": {
        ensureNs(ns);
        const p = structuredClone(o) as Pod;
        p.metadata = { ...p.metadata, namespace: ns };
        const n = podCount++ % nodeCount;
        p.spec = { containers: [], ...p.spec };
        p.spec.nodeName ??= `node-${n + 1}`;
        const nodeIdx = Number(p.spec.nodeName.replace(/^node-/, "")) - 1;
        const nodeIP = `10.1.0.${nodeIdx + 1}`;
        perNode[nodeIdx] = (perNode[nodeIdx] ?? 0) + 1;
        const ip = p.spec.hostNetwork
          ? nodeIP
          : (p.status?.podIP ?? `10.244.${nodeIdx}.${perNode[nodeIdx]! + 1}`);
        p.status = { ...p.status, podIP: ip, podIPs: [{ ip }], hostIP: nodeIP, phase: "Running" };
        pods.push(p);
        break;
      }
      case "Service":
        services.push({ ...(o as Service), metadata: { ...o.metadata, namespace: ns } });
        break;
      case "EndpointSlice":
        slices.push(o as EndpointSlice);
        break;
      case "NetworkPolicy":
        policies.push({ ...(o as NetworkPolicy), metadata: { ...o.metadata, namespace: ns } });
        break;
      case "Secret":
        secrets.push({ ...(o as Secret), metadata: { ...o.metadata, namespace: ns } });
        break;
      case "ClusterNetworkPolicy":
      case "AdminNetworkPolicy":
      case "BaselineAdminNetworkPolicy":
        clusterPolicies.push(o);
        break;
      case "Ingress":
        ingresses.push({ ...o, metadata: { ...o.metadata, namespace: ns } });
        break;
      default:
        others.push(o);
    }
  }
  // Services get cluster IPs and EndpointSlices from their selectors, as the controllers would.
  services.forEach((s, i) => {
    s.spec ??= {};
    if (s.spec.clusterIP !== "None") s.spec.clusterIP ??= `10.96.0.${100 + i}`;
    if (!s.spec.selector) return;
    const sel = s.spec.selector;
    const ns = s.metadata?.namespace ?? "default";
    const backends = pods.filter(
      (p) =>
        p.metadata?.namespace === ns && Object.entries(sel).every(([k, v]) => p.metadata?.labels?.[k] === v),
    );
    const ports = (s.spec.ports ?? []).map((sp) => {
      const tp = sp.targetPort ?? sp.port;
      let port = typeof tp === "number" ? tp : undefined;
      if (port === undefined) {
        const cps: ContainerPort[] = backends.flatMap(
          (b) => b.spec?.containers.flatMap((c) => c.ports ?? []) ?? [],
        );
        port = cps.find((cp) => cp.name === tp)?.containerPort;
      }
      return { ...(sp.name ? { name: sp.name } : {}), port: port ?? 0, protocol: sp.protocol ?? "TCP" };
    });
    slices.push({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: {
        name: `${s.metadata?.name}-abc`,
        namespace: ns,
        labels: { "kubernetes.io/service-name": s.metadata?.name ?? "" },
      },
      addressType: "IPv4",
      endpoints: backends.map((b) => ({
        addresses: [b.status?.podIP ?? ""],
        conditions: { ready: true },
        targetRef: { kind: "Pod", namespace: ns, name: b.metadata?.name ?? "" },
        ...(b.spec?.nodeName ? { nodeName: b.spec.nodeName } : {}),
      })),
      ports,
    });
  });
  const nsList = [...namespaces.values()];
  const key = (o: KubeObject) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
  const podByKey = new Map(pods.map((p) => [key(p), p]));
  const podByIP = new Map<string, Pod>();
  for (const p of pods) if (p.status?.podIP && !p.spec?.hostNetwork) podByIP.set(p.status.podIP, p);
  for (const p of pods)
    if (p.status?.podIP && p.spec?.hostNetwork && !podByIP.has(p.status.podIP))
      podByIP.set(p.status.podIP, p);
  return {
    config: defaultConfig,
    namespaces: nsList,
    nodes,
    pods,
    services,
    endpoints: [],
    endpointSlices: slices,
    deployments: [],
    replicaSets: [],
    statefulSets: [],
    daemonSets: [],
    ingresses: ingresses as ClusterState["ingresses"],
    ingressClasses: [],
    networkPolicies: policies,
    ...(clusterPolicies.length > 0
      ? { clusterNetworkPolicies: clusterPolicies as AnyClusterNetworkPolicy[] }
      : {}),
    secrets,
    configMaps: [],
    others,
    diagnostics: [],
    index: {
      namespace: (n) => namespaces.get(n),
      node: (n) => nodes.find((x) => x.metadata?.name === n),
      pod: (ns, n) => podByKey.get(`${ns}/${n}`),
      podByIP: (ip) => podByIP.get(ip),
      podsInNamespace: (ns) => pods.filter((p) => p.metadata?.namespace === ns),
      selectPods: (ns, sel) =>
        pods.filter(
          (p) =>
            p.metadata?.namespace === ns &&
            Object.entries(sel).every(([k, v]) => p.metadata?.labels?.[k] === v),
        ),
      service: (ns, n) => services.find((s) => key(s) === `${ns}/${n}`),
      serviceByClusterIP: (ip) => services.find((s) => s.spec?.clusterIP === ip),
      slicesForService: (ns, n) =>
        slices.filter(
          (s) => s.metadata?.namespace === ns && s.metadata?.labels?.["kubernetes.io/service-name"] === n,
        ),
      secret: (ns, n) => secrets.find((s) => key(s) === `${ns}/${n}`),
      nodeByIP: (ip) => nodes.find((x) => x.status?.addresses?.some((a) => a.address === ip)),
    },
  };
}
