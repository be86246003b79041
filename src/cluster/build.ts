/**
 * buildCluster: the control plane in one pure function. From validated
 * objects it derives what `kubectl get` would show on a kubeadm cluster with
 * ingress-nginx installed: system objects, nodes, workload pods (scheduled,
 * with IPs), Service allocations, Endpoints and EndpointSlices, Ingress
 * status. Deterministic: the same objects in any order give the same state;
 * `previous` (the state of a running instance) keeps pod names, pod IPs,
 * cluster IPs, NodePorts, LoadBalancer IPs and slice names where they were.
 */
import type { Diagnostic } from "../api/diagnostics.js";
import { kindInfo } from "../api/kinds.js";
import { formatIP, parseCIDR } from "../api/net.js";
import { keepSource, sourceOf } from "../api/source.js";
import type {
  AnyClusterNetworkPolicy,
  ConfigMap,
  DaemonSet,
  Deployment,
  EndpointSlice,
  Endpoints,
  Ingress,
  IngressClass,
  KubeObject,
  Namespace,
  NetworkPolicy,
  Node,
  Pod,
  ReplicaSet,
  Secret,
  Service,
  StatefulSet,
} from "../api/types.js";
import { buildIndex, PodLabelIndex } from "./cluster-index.js";
import type { ClusterConfig } from "./config.js";
import { mirrorAll } from "./endpoint-slice-mirroring.js";
import { endpointSlicesFor } from "./endpoint-slices.js";
import { endpointsFor } from "./endpoints.js";
import {
  controlledGateways,
  gatewayApiState,
  gatewayService,
  isGatewayKind,
  storedGatewayObject,
} from "./gateway-api.js";
import { assignUid } from "./hash.js";
import { ingressStatus } from "./ingress-status.js";
import { deriveNamespaces, missingNamespaces, namespaceCreated, namespaceNotFound } from "./namespaces.js";
import { controlPlaneNode, deriveNodes, nodeInternalIP } from "./nodes.js";
import { assignPodIPs } from "./pod-ipam.js";
import { previousAllocations } from "./previous.js";
import { schedule } from "./scheduler.js";
import { defaultService } from "./service-defaults.js";
import { allocateServices } from "./service-ipam.js";
import { shallowCopy } from "./shallow-copy.js";
import type { ClusterState } from "./state.js";
import { SYSTEM_ANNOTATION } from "./system-names.js";
import {
  API_SERVER_PORT,
  corednsDeployment,
  INGRESS_NAMESPACE,
  ingressNginxDeployment,
  ingressNginxServices,
  kubeDnsService,
  kubernetesService,
  nginxIngressClass,
} from "./system-objects.js";
import { expandWorkloads } from "./workloads.js";

interface Buckets {
  Namespace: Namespace[];
  Node: Node[];
  Pod: Pod[];
  Service: Service[];
  Endpoints: Endpoints[];
  EndpointSlice: EndpointSlice[];
  Deployment: Deployment[];
  ReplicaSet: ReplicaSet[];
  StatefulSet: StatefulSet[];
  DaemonSet: DaemonSet[];
  Ingress: Ingress[];
  IngressClass: IngressClass[];
  NetworkPolicy: NetworkPolicy[];
  ClusterNetworkPolicy: KubeObject[];
  AdminNetworkPolicy: KubeObject[];
  BaselineAdminNetworkPolicy: KubeObject[];
  Secret: Secret[];
  ConfigMap: ConfigMap[];
}

const nsOf = (o: KubeObject) => o.metadata?.namespace ?? "default";
const nameOf = (o: KubeObject) => o.metadata?.name ?? "";

function byNsName(a: KubeObject, b: KubeObject): number {
  const x = `${nsOf(a)}/${nameOf(a)}`;
  const y = `${nsOf(b)}/${nameOf(b)}`;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Sorted by namespace/name with the keys built once (a comparator building strings is slow at 50k objects). */
function sortedByNsName<T extends KubeObject>(list: readonly T[]): T[] {
  const keyed = list.map((o) => ({ o, k: `${nsOf(o)}/${nameOf(o)}` }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((e) => e.o);
}

/** Source order (file, document) for "last applied wins" between duplicates. */
function sourceRank(o: KubeObject): string {
  const s = sourceOf(o);
  return s ? `${s.file}\u0000${String(s.docIndex).padStart(9, "0")}` : "";
}

function objKey(o: KubeObject, namespaced: boolean): string {
  return `${o.kind}/${namespaced ? nsOf(o) : ""}/${nameOf(o)}`;
}

export function buildCluster(
  objects: readonly KubeObject[],
  config: ClusterConfig,
  previous?: ClusterState,
): ClusterState {
  const diagnostics: Diagnostic[] = [];
  const prev = previousAllocations(previous);

  // 1. Partition, dropping duplicates (the later document wins, as with kubectl apply).
  const latest = new Map<string, KubeObject>();
  const others: KubeObject[] = [];
  for (const o of objects) {
    const info = kindInfo(o.kind);
    if (!info) {
      others.push(o);
      continue;
    }
    const k = objKey(o, info.namespaced);
    const seen = latest.get(k);
    if (seen) {
      const keep = sourceRank(o) >= sourceRank(seen) ? o : seen;
      diagnostics.push({
        severity: "warning",
        code: "DuplicateObject",
        kind: o.kind ?? "",
        ...(info.namespaced ? { namespace: nsOf(o) } : {}),
        name: nameOf(o),
        message: "defined more than once: the last definition is used, as kubectl apply would",
      });
      latest.set(k, keep);
    } else latest.set(k, o);
  }
  const b: Buckets = {
    Namespace: [],
    Node: [],
    Pod: [],
    Service: [],
    Endpoints: [],
    EndpointSlice: [],
    Deployment: [],
    ReplicaSet: [],
    StatefulSet: [],
    DaemonSet: [],
    Ingress: [],
    IngressClass: [],
    NetworkPolicy: [],
    ClusterNetworkPolicy: [],
    AdminNetworkPolicy: [],
    BaselineAdminNetworkPolicy: [],
    Secret: [],
    ConfigMap: [],
  };
  const gatewayObjects: KubeObject[] = [];
  for (const o of sortedByNsName([...latest.values()])) {
    if (isGatewayKind(o.kind)) {
      gatewayObjects.push(o);
      continue;
    }
    const kind = o.kind as keyof Buckets;
    (b[kind] as KubeObject[]).push(o);
  }

  // 2. Namespaces; objects in a namespace that does not exist are rejected as the API server would.
  // Missing namespaces are created first unless --no-create-namespaces (cluster/namespaces.ts).
  const create = config.createNamespaces !== false;
  const missing = missingNamespaces([...latest.values()]);
  if (create) for (const [ns, first] of missing) diagnostics.push(namespaceCreated(ns, first));
  const namespaces = deriveNamespaces(b.Namespace, create ? [...missing.keys()] : []);
  const nsNames = new Set(namespaces.map(nameOf));
  const inExistingNs = <T extends KubeObject>(list: T[]): T[] =>
    list.filter((o) => {
      if (nsNames.has(nsOf(o))) return true;
      diagnostics.push(namespaceNotFound(o));
      return false;
    });
  // Shallow copies with the namespace defaulted; deeper values are copied where a controller changes them.
  // Copies keep the source of the manifest they came from (findings print FILE:LINE).
  const nsCopy = <T extends KubeObject>(o: T): T => {
    // `{ ...o, metadata: { ...o.metadata, namespace } }`, built so the uid added later is cheap (shallow-copy.ts).
    const c = keepSource(shallowCopy(o), o);
    const meta = shallowCopy(o.metadata);
    meta.namespace = nsOf(o);
    c.metadata = meta;
    return c;
  };
  const withNs = <T extends KubeObject>(list: T[]): T[] => inExistingNs(list).map(nsCopy);
  // For stages that copy what they change anyway (workloads, Service defaulting): a copy only when
  // the namespace has to be filled in.
  const nsDefaulted = <T extends KubeObject>(list: T[]): T[] =>
    inExistingNs(list).map((o) => (o.metadata?.namespace !== undefined ? o : nsCopy(o)));

  // 3. Nodes.
  const nodes = deriveNodes(b.Node, config, diagnostics);
  const nodeByName = new Map(nodes.map((n) => [nameOf(n), n]));

  // 4. System objects; the user's own ingress-nginx objects replace michi's defaults.
  const userHas = (list: KubeObject[], ns: string, name: string) =>
    ns === INGRESS_NAMESPACE && list.some((o) => nsOf(o) === ns && nameOf(o) === name);
  const reserved = (list: Service[]) =>
    list.filter((s) => {
      const isReserved =
        (nsOf(s) === "default" && nameOf(s) === "kubernetes") ||
        (nsOf(s) === "kube-system" && nameOf(s) === "kube-dns");
      if (isReserved) {
        diagnostics.push({
          severity: "warning",
          code: "ReservedObject",
          kind: "Service",
          namespace: nsOf(s),
          name: nameOf(s),
          message:
            "this Service is created and owned by the control plane; the manifest's definition is ignored",
        });
      }
      return !isReserved;
    });
  const svcFamily = parseCIDR(config.serviceCIDR)?.family === 6 ? "IPv6" : "IPv4";
  const svcCIDR = parseCIDR(config.serviceCIDR);
  // The API server takes the first address of the range for default/kubernetes.
  const firstServiceIP = svcCIDR ? formatIP({ family: svcCIDR.family, value: svcCIDR.base + 1n }) : undefined;
  const systemServices: Service[] = [kubernetesService(firstServiceIP), kubeDnsService(config)];
  for (const s of ingressNginxServices())
    if (!userHas(b.Service, INGRESS_NAMESPACE, nameOf(s))) systemServices.push(s);
  // Gateway API objects as stored (CRD defaults); each controlled Gateway gets its LoadBalancer Service.
  const gatewayStored = [
    ...gatewayObjects.filter((o) => kindInfo(o.kind)?.namespaced !== true),
    ...inExistingNs(gatewayObjects.filter((o) => kindInfo(o.kind)?.namespaced === true)),
  ].map(storedGatewayObject);
  for (const gw of controlledGateways(gatewayStored, config.gatewayClasses)) {
    const svc = gatewayService(gw);
    if (!b.Service.some((s) => nsOf(s) === nsOf(svc) && nameOf(s) === nameOf(svc))) systemServices.push(svc);
  }
  const systemDeployments: Deployment[] = [corednsDeployment()];
  if (!userHas(b.Deployment, INGRESS_NAMESPACE, "ingress-nginx-controller"))
    systemDeployments.push(ingressNginxDeployment());
  const ingressClasses: IngressClass[] = b.IngressClass.map((c) => keepSource(structuredClone(c), c));
  if (!ingressClasses.some((c) => nameOf(c) === "nginx")) ingressClasses.push(nginxIngressClass());
  for (const c of ingressClasses) {
    c.apiVersion = "networking.k8s.io/v1";
    c.kind = "IngressClass";
    if (c.metadata) delete c.metadata.namespace;
    assignUid(c);
  }
  ingressClasses.sort(byNsName);

  // 5. Workloads → pods → scheduled → IPs.
  const workloads = expandWorkloads(
    {
      deployments: [...systemDeployments, ...nsDefaulted(b.Deployment)],
      replicaSets: nsDefaulted(b.ReplicaSet),
      statefulSets: nsDefaulted(b.StatefulSet),
      daemonSets: nsDefaulted(b.DaemonSet),
      pods: nsDefaulted(b.Pod),
    },
    nodes,
    prev.podNames,
    diagnostics,
  );
  schedule(workloads.drafts, nodes, prev.podNode, diagnostics);
  const pods = assignPodIPs(workloads.drafts, nodes, prev.podIP, diagnostics);
  const podIndex = new PodLabelIndex(pods);

  // 6. Services: defaulting, then allocation (system services first so they win any conflict).
  const userServices = reserved(nsDefaulted(b.Service));
  const defaulted = [...systemServices, ...userServices].map((s) => {
    const d = defaultService(s, svcFamily);
    assignUid(d);
    return d;
  });
  const services = sortedByNsName(allocateServices(defaulted, config, prev.services, diagnostics));

  // 7. Endpoints and EndpointSlices.
  const sliceNames = new Set<string>();
  const userSlices: EndpointSlice[] = withNs(b.EndpointSlice).map((s) => {
    s.apiVersion = "discovery.k8s.io/v1";
    s.kind = "EndpointSlice";
    if (s.ports) s.ports = s.ports.map((p) => ({ ...p, protocol: p.protocol ?? "TCP" }));
    assignUid(s);
    sliceNames.add(`${nsOf(s)}/${nameOf(s)}`);
    return s;
  });
  const taken = (ns: string) => (n: string) => sliceNames.has(`${ns}/${n}`);
  const endpointSlices: EndpointSlice[] = [];
  const endpoints: Endpoints[] = [];
  // The legacy Endpoints of selector Services are computed on first read (only `get endpoints` and
  // `-o json` of the whole state need them); everything they depend on is fixed by now.
  const endpointJobs: { svc: Service; selected: Pod[]; system: boolean }[] = [];
  const cp = controlPlaneNode(nodes);
  const cpIP = cp ? nodeInternalIP(cp) : undefined;
  for (const svc of services) {
    const ns = nsOf(svc);
    const name = nameOf(svc);
    if (ns === "default" && name === "kubernetes") {
      const k = kubernetesEndpoints(cpIP, svcFamily);
      endpoints.push(k.endpoints);
      endpointSlices.push(k.slice);
      sliceNames.add("default/kubernetes");
      continue;
    }
    const selector = svc.spec?.selector;
    if (!selector || Object.keys(selector).length === 0 || svc.spec?.type === "ExternalName") continue;
    const selected = podIndex.select(ns, selector);
    // What the controllers derive for michi's own Services is a system object too.
    const system = svc.metadata?.annotations?.[SYSTEM_ANNOTATION] === "true";
    endpointJobs.push({ svc, selected, system });
    const slices = endpointSlicesFor(
      svc,
      selected,
      nodeByName,
      prev.sliceNames.get(`${ns}/${name}`) ?? [],
      taken(ns),
    );
    for (const o of slices) {
      if (system && o.metadata)
        o.metadata.annotations = { ...o.metadata.annotations, [SYSTEM_ANNOTATION]: "true" };
      assignUid(o);
    }
    for (const s of slices) {
      sliceNames.add(`${ns}/${nameOf(s)}`);
      endpointSlices.push(s);
    }
  }
  // User Endpoints: replaced by the controller's for selector services, mirrored for selector-less ones.
  const serviceByKey = new Map(services.map((s) => [`${nsOf(s)}/${nameOf(s)}`, s]));
  const controllerEndpoints = new Set([
    ...endpoints.map((e) => `${nsOf(e)}/${nameOf(e)}`),
    ...endpointJobs.map((j) => `${nsOf(j.svc)}/${nameOf(j.svc)}`),
  ]);
  const userEndpoints = withNs(b.Endpoints).filter((e) => {
    const k = `${nsOf(e)}/${nameOf(e)}`;
    if (!controllerEndpoints.has(k)) return true;
    diagnostics.push({
      severity: "warning",
      code: "EndpointsOverwritten",
      kind: "Endpoints",
      namespace: nsOf(e),
      name: nameOf(e),
      message:
        "the Service has a selector: the endpoints controller overwrites this object with the selected pods",
    });
    return false;
  });
  for (const e of userEndpoints) {
    e.apiVersion = "v1";
    e.kind = "Endpoints";
    // SetDefaults_EndpointPort: protocol TCP.
    if (e.subsets) {
      e.subsets = e.subsets.map((ss) =>
        ss.ports ? { ...ss, ports: ss.ports.map((p) => ({ ...p, protocol: p.protocol ?? "TCP" })) } : ss,
      );
    }
    assignUid(e);
    endpoints.push(e);
  }
  for (const m of mirrorAll(userEndpoints, serviceByKey, prev.sliceNames, taken, sliceNames)) {
    assignUid(m);
    endpointSlices.push(m);
  }
  endpointSlices.push(...userSlices);
  let sortedEndpoints: Endpoints[] | undefined;
  const legacyEndpoints = (): Endpoints[] => {
    if (!sortedEndpoints) {
      for (const { svc, selected, system } of endpointJobs) {
        const ep = endpointsFor(svc, selected);
        if (system && ep.metadata)
          ep.metadata.annotations = { ...ep.metadata.annotations, [SYSTEM_ANNOTATION]: "true" };
        assignUid(ep);
        endpoints.push(ep);
      }
      sortedEndpoints = sortedByNsName(endpoints);
    }
    return sortedEndpoints;
  };
  // Slices of one service stay in controller order (chunk order); services in namespace/name order.
  const sliceOrder = (s: EndpointSlice) =>
    `${nsOf(s)}/${s.metadata?.labels?.["kubernetes.io/service-name"] ?? nameOf(s)}`;
  const sortedSlices = endpointSlices
    .map((s, i) => ({ s, i, k: sliceOrder(s) }))
    .sort((x, y) => (x.k < y.k ? -1 : x.k > y.k ? 1 : x.i - y.i))
    .map((x) => x.s);

  // 8. Ingresses (default class admission, status from the controller's Service).
  const ingresses = ingressStatus(withNs(b.Ingress), ingressClasses, services);
  for (const i of ingresses) assignUid(i);

  const finish = <T extends KubeObject>(list: T[], apiVersion: string, kind: string): T[] =>
    list.map((o) => {
      o.apiVersion = apiVersion;
      o.kind = kind;
      assignUid(o);
      return o;
    });
  const networkPolicies = finish(withNs(b.NetworkPolicy), "networking.k8s.io/v1", "NetworkPolicy");
  // Cluster-scoped tiers around NetworkPolicy (src/policy/cluster-policy.ts), sorted by kind then name.
  const clusterNetworkPolicies = [
    ...finish(b.AdminNetworkPolicy, "policy.networking.k8s.io/v1alpha1", "AdminNetworkPolicy"),
    ...finish(
      b.BaselineAdminNetworkPolicy,
      "policy.networking.k8s.io/v1alpha1",
      "BaselineAdminNetworkPolicy",
    ),
    ...finish(b.ClusterNetworkPolicy, "policy.networking.k8s.io/v1alpha2", "ClusterNetworkPolicy"),
  ] as AnyClusterNetworkPolicy[];
  const secrets = finish(withNs(b.Secret), "v1", "Secret").map((s) => {
    // The API server folds stringData into data (base64) and defaults the type.
    if (s.stringData) {
      s.data = { ...s.data };
      for (const [k, v] of Object.entries(s.stringData))
        s.data[k] = Buffer.from(v, "utf8").toString("base64");
      delete s.stringData;
    }
    s.type ??= "Opaque";
    return s;
  });
  const configMaps = finish(withNs(b.ConfigMap), "v1", "ConfigMap");
  // 9. The Gateway API controller (status of every Gateway API object).
  for (const o of gatewayStored) assignUid(o);
  // Only when the manifests have Gateway API objects (the state of a cluster without them is unchanged).
  const gatewayApi =
    gatewayStored.length === 0
      ? undefined
      : gatewayApiState({
          objects: gatewayStored,
          services,
          secrets,
          configMaps,
          namespaces,
          ...(config.gatewayClasses ? { controlledClasses: config.gatewayClasses } : {}),
        });

  const base = {
    namespaces,
    nodes,
    pods,
    services,
    endpointSlices: sortedSlices,
    secrets,
  };
  const index = buildIndex(base, podIndex);
  return {
    config,
    ...base,
    get endpoints() {
      return legacyEndpoints();
    },
    deployments: sortedByNsName(workloads.deployments),
    replicaSets: sortedByNsName(workloads.replicaSets),
    statefulSets: sortedByNsName(workloads.statefulSets),
    daemonSets: sortedByNsName(workloads.daemonSets),
    ingresses,
    ingressClasses,
    networkPolicies,
    ...(clusterNetworkPolicies.length > 0 ? { clusterNetworkPolicies } : {}),
    configMaps,
    ...(gatewayApi ? { gatewayApi } : {}),
    others,
    diagnostics,
    index,
  };
}

/** The API server's own endpoint reconciler for default/kubernetes: the control-plane node on 6443. */
function kubernetesEndpoints(
  ip: string | undefined,
  family: "IPv4" | "IPv6",
): { endpoints: Endpoints; slice: EndpointSlice } {
  const port = { name: "https", port: API_SERVER_PORT, protocol: "TCP" as const };
  const endpoints: Endpoints = {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: {
      name: "kubernetes",
      namespace: "default",
      labels: { "endpointslice.kubernetes.io/skip-mirror": "true" },
      annotations: { [SYSTEM_ANNOTATION]: "true" },
    },
    subsets: ip ? [{ addresses: [{ ip }], ports: [port] }] : [],
  };
  const slice: EndpointSlice = {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      name: "kubernetes",
      namespace: "default",
      labels: { "kubernetes.io/service-name": "kubernetes" },
      annotations: { [SYSTEM_ANNOTATION]: "true" },
    },
    addressType: family,
    endpoints: ip ? [{ addresses: [ip], conditions: { ready: true } }] : [],
    ports: [port],
  };
  assignUid(endpoints);
  assignUid(slice);
  return { endpoints, slice };
}
