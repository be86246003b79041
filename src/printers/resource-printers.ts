/**
 * What `michi get` prints per kind: the resource names kubectl accepts
 * (plural, singular, short), the `-o name` prefix, and kubectl's table columns
 * (default and `-o wide`). AGE is `<unknown>`: the model has no clock, so
 * objects carry no creationTimestamp (kubectl prints the same for that case).
 */
import type {
  ConfigMap,
  DaemonSet,
  Deployment,
  EndpointSlice,
  Endpoints,
  Ingress,
  IngressClass,
  LabelSelector,
  NetworkPolicy,
  Node,
  Pod,
  ReplicaSet,
  Secret,
  Service,
  StatefulSet,
} from "../api/types.js";
import { GATEWAY_PRINTERS } from "./gateway-printers.js";
import { AGE, type KindPrinter } from "./printer.js";

function selectorText(sel: LabelSelector | undefined): string {
  if (!sel) return "<none>";
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === "Exists") parts.push(e.key);
    else if (e.operator === "DoesNotExist") parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator.toLowerCase()} (${(e.values ?? []).join(",")})`);
  }
  return parts.length ? parts.join(",") : "<none>";
}

function mapText(m: Record<string, string> | undefined): string {
  const parts = Object.entries(m ?? {}).map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(",") : "<none>";
}

function containersOf(
  t: { spec?: { containers?: { name: string; image?: string }[] } } | undefined,
): [string, string] {
  const cs = t?.spec?.containers ?? [];
  return [cs.map((c) => c.name).join(","), cs.map((c) => c.image ?? "").join(",")];
}

function num(v: unknown): number {
  return typeof v === "number" ? v : 0;
}

function podStatusText(p: Pod): string {
  if (p.metadata?.deletionTimestamp) return "Terminating";
  const waiting = (
    p.status as { containerStatuses?: { state?: { waiting?: { reason?: string } } }[] } | undefined
  )?.containerStatuses?.find((c) => c.state?.waiting)?.state?.waiting?.reason;
  if (p.status?.phase === "Pending" && waiting) return waiting;
  return p.status?.phase ?? "Unknown";
}

function endpointsText(addrs: string[]): string {
  if (addrs.length === 0) return "<none>";
  const shown = addrs.slice(0, 3).join(",");
  return addrs.length > 3 ? `${shown} + ${addrs.length - 3} more...` : shown;
}

const pods: KindPrinter = {
  kind: "Pod",
  names: ["pods", "pod", "po"],
  resource: "pod",
  namespaced: true,
  list: (s) => s.pods,
  headers: ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
  wideHeaders: ["IP", "NODE", "NOMINATED NODE", "READINESS GATES", "LOCAL"],
  row(o, { addresses }) {
    const p = o as Pod;
    const statuses =
      (p.status as { containerStatuses?: { ready?: boolean; restartCount?: number }[] } | undefined)
        ?.containerStatuses ?? [];
    const total = p.spec?.containers?.length ?? 0;
    const ready = statuses.filter((c) => c.ready).length;
    const ip = p.status?.podIP;
    return {
      cells: [p.metadata?.name ?? "", `${ready}/${total}`, podStatusText(p), "0", AGE],
      wide: [
        ip ?? "<none>",
        p.spec?.nodeName ?? "<none>",
        "<none>",
        "<none>",
        (ip && addresses.toLocal(ip)) ?? "<none>",
      ],
    };
  },
};

function servicePorts(s: Service): string {
  const ports = s.spec?.ports ?? [];
  if (ports.length === 0) return "<none>";
  return ports
    .map((p) => `${p.port}${p.nodePort !== undefined ? `:${p.nodePort}` : ""}/${p.protocol ?? "TCP"}`)
    .join(",");
}

function externalIP(s: Service): string {
  const spec = s.spec ?? {};
  if (spec.type === "ExternalName") return spec.externalName ?? "<none>";
  const ips = [...(spec.externalIPs ?? [])];
  if (spec.type === "LoadBalancer") {
    const lb = (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? "");
    if (lb.length === 0 && ips.length === 0) return "<pending>";
    ips.push(...lb);
  }
  return ips.length ? ips.join(",") : "<none>";
}

const services: KindPrinter = {
  kind: "Service",
  names: ["services", "service", "svc"],
  resource: "service",
  namespaced: true,
  list: (s) => s.services,
  headers: ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"],
  wideHeaders: ["SELECTOR", "LOCAL"],
  row(o, { addresses }) {
    const s = o as Service;
    const spec = s.spec ?? {};
    // Where `michi up` serves the cluster IP(s) and LoadBalancer IP(s).
    const served = [
      ...(spec.type === "ExternalName" ? [] : (spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : []))),
      ...(s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? ""),
    ].flatMap((ip) => addresses.toLocal(ip) ?? []);
    return {
      cells: [
        s.metadata?.name ?? "",
        spec.type ?? "ClusterIP",
        spec.type === "ExternalName" ? "<none>" : (spec.clusterIP ?? "<none>"),
        externalIP(s),
        servicePorts(s),
        AGE,
      ],
      wide: [mapText(spec.selector), served.length ? served.join(",") : "<none>"],
    };
  },
};

const endpointSlices: KindPrinter = {
  kind: "EndpointSlice",
  names: ["endpointslices", "endpointslice"],
  resource: "endpointslice.discovery.k8s.io",
  namespaced: true,
  list: (s) => s.endpointSlices,
  headers: ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"],
  wideHeaders: [],
  row(o) {
    const s = o as EndpointSlice;
    const ports = (s.ports ?? []).map((p) => String(p.port));
    return {
      cells: [
        s.metadata?.name ?? "",
        s.addressType,
        ports.length ? ports.join(",") : "<unset>",
        endpointsText((s.endpoints ?? []).flatMap((e) => e.addresses)),
        AGE,
      ],
      wide: [],
    };
  },
};

const endpoints: KindPrinter = {
  kind: "Endpoints",
  names: ["endpoints", "ep"],
  resource: "endpoints",
  namespaced: true,
  list: (s) => s.endpoints,
  headers: ["NAME", "ENDPOINTS", "AGE"],
  wideHeaders: [],
  row(o) {
    const e = o as Endpoints;
    const addrs: string[] = [];
    for (const ss of e.subsets ?? []) {
      // kubectl walks ports, then addresses (formatEndpoints).
      const ports = ss.ports?.length ? ss.ports.map((p) => p.port) : [undefined];
      for (const p of ports)
        for (const a of ss.addresses ?? []) addrs.push(p === undefined ? a.ip : `${a.ip}:${p}`);
    }
    return { cells: [e.metadata?.name ?? "", endpointsText(addrs), AGE], wide: [] };
  },
};

const ingresses: KindPrinter = {
  kind: "Ingress",
  names: ["ingresses", "ingress", "ing"],
  resource: "ingress.networking.k8s.io",
  namespaced: true,
  list: (s) => s.ingresses,
  headers: ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"],
  wideHeaders: [],
  row(o) {
    const i = o as Ingress;
    const hosts = (i.spec?.rules ?? []).map((r) => r.host ?? "*");
    const addr = (i.status?.loadBalancer?.ingress ?? []).map((x) => x.ip ?? x.hostname ?? "");
    return {
      cells: [
        i.metadata?.name ?? "",
        i.spec?.ingressClassName ?? "<none>",
        hosts.length ? hosts.join(",") : "*",
        addr.join(","),
        i.spec?.tls?.length ? "80, 443" : "80",
        AGE,
      ],
      wide: [],
    };
  },
};

const ingressClasses: KindPrinter = {
  kind: "IngressClass",
  names: ["ingressclasses", "ingressclass", "ingclass"],
  resource: "ingressclass.networking.k8s.io",
  namespaced: false,
  list: (s) => s.ingressClasses,
  headers: ["NAME", "CONTROLLER", "PARAMETERS", "AGE"],
  wideHeaders: [],
  row(o) {
    const c = o as IngressClass;
    return { cells: [c.metadata?.name ?? "", c.spec?.controller ?? "", "<none>", AGE], wide: [] };
  },
};

const networkPolicies: KindPrinter = {
  kind: "NetworkPolicy",
  names: ["networkpolicies", "networkpolicy", "netpol"],
  resource: "networkpolicy.networking.k8s.io",
  namespaced: true,
  list: (s) => s.networkPolicies,
  headers: ["NAME", "POD-SELECTOR", "AGE"],
  wideHeaders: [],
  row(o) {
    const n = o as NetworkPolicy;
    const sel = selectorText(n.spec?.podSelector);
    return { cells: [n.metadata?.name ?? "", sel, AGE], wide: [] };
  },
};

const namespaces: KindPrinter = {
  kind: "Namespace",
  names: ["namespaces", "namespace", "ns"],
  resource: "namespace",
  namespaced: false,
  list: (s) => s.namespaces,
  headers: ["NAME", "STATUS", "AGE"],
  wideHeaders: [],
  row(o) {
    const n = o as { metadata?: { name?: string }; status?: { phase?: string } };
    return { cells: [n.metadata?.name ?? "", n.status?.phase ?? "Active", AGE], wide: [] };
  },
};

const nodes: KindPrinter = {
  kind: "Node",
  names: ["nodes", "node", "no"],
  resource: "node",
  namespaced: false,
  list: (s) => s.nodes,
  headers: ["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
  wideHeaders: ["INTERNAL-IP", "EXTERNAL-IP", "POD-CIDR", "LOCAL"],
  row(o, { addresses }) {
    const n = o as Node;
    const ready = n.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
    const roles = Object.keys(n.metadata?.labels ?? {})
      .filter((k) => k.startsWith("node-role.kubernetes.io/"))
      .map((k) => k.slice("node-role.kubernetes.io/".length));
    const addr = (t: string) => n.status?.addresses?.find((a) => a.type === t)?.address ?? "<none>";
    const version = (n.status as { nodeInfo?: { kubeletVersion?: string } } | undefined)?.nodeInfo
      ?.kubeletVersion;
    return {
      cells: [
        n.metadata?.name ?? "",
        `${ready ? "Ready" : "NotReady"}${n.spec?.unschedulable ? ",SchedulingDisabled" : ""}`,
        roles.length ? roles.join(",") : "<none>",
        AGE,
        version ?? "<none>",
      ],
      wide: [
        addr("InternalIP"),
        addr("ExternalIP"),
        n.spec?.podCIDR ?? "<none>",
        addresses.toLocal(addr("InternalIP")) ?? "<none>",
      ],
    };
  },
};

const deployments: KindPrinter = {
  kind: "Deployment",
  names: ["deployments", "deployment", "deploy"],
  resource: "deployment.apps",
  namespaced: true,
  list: (s) => s.deployments,
  headers: ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
  wideHeaders: ["CONTAINERS", "IMAGES", "SELECTOR"],
  row(o) {
    const d = o as Deployment;
    const st = d.status ?? {};
    const [cs, images] = containersOf(d.spec?.template);
    return {
      cells: [
        d.metadata?.name ?? "",
        `${num(st.readyReplicas)}/${d.spec?.replicas ?? 1}`,
        String(num(st.updatedReplicas)),
        String(num(st.availableReplicas)),
        AGE,
      ],
      wide: [cs, images, selectorText(d.spec?.selector)],
    };
  },
};

const replicaSets: KindPrinter = {
  kind: "ReplicaSet",
  names: ["replicasets", "replicaset", "rs"],
  resource: "replicaset.apps",
  namespaced: true,
  list: (s) => s.replicaSets,
  headers: ["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
  wideHeaders: ["CONTAINERS", "IMAGES", "SELECTOR"],
  row(o) {
    const r = o as ReplicaSet;
    const st = r.status ?? {};
    const [cs, images] = containersOf(r.spec?.template);
    return {
      cells: [
        r.metadata?.name ?? "",
        String(r.spec?.replicas ?? 1),
        String(num(st.replicas)),
        String(num(st.readyReplicas)),
        AGE,
      ],
      wide: [cs, images, selectorText(r.spec?.selector)],
    };
  },
};

const statefulSets: KindPrinter = {
  kind: "StatefulSet",
  names: ["statefulsets", "statefulset", "sts"],
  resource: "statefulset.apps",
  namespaced: true,
  list: (s) => s.statefulSets,
  headers: ["NAME", "READY", "AGE"],
  wideHeaders: ["CONTAINERS", "IMAGES"],
  row(o) {
    const s = o as StatefulSet;
    const [cs, images] = containersOf(s.spec?.template);
    return {
      cells: [s.metadata?.name ?? "", `${num(s.status?.readyReplicas)}/${s.spec?.replicas ?? 1}`, AGE],
      wide: [cs, images],
    };
  },
};

const daemonSets: KindPrinter = {
  kind: "DaemonSet",
  names: ["daemonsets", "daemonset", "ds"],
  resource: "daemonset.apps",
  namespaced: true,
  list: (s) => s.daemonSets,
  headers: ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"],
  wideHeaders: ["CONTAINERS", "IMAGES", "SELECTOR"],
  row(o) {
    const d = o as DaemonSet;
    const st = d.status ?? {};
    const [cs, images] = containersOf(d.spec?.template);
    return {
      cells: [
        d.metadata?.name ?? "",
        String(num(st.desiredNumberScheduled)),
        String(num(st.currentNumberScheduled)),
        String(num(st.numberReady)),
        String(num(st.updatedNumberScheduled)),
        String(num(st.numberAvailable)),
        mapText(d.spec?.template?.spec?.nodeSelector),
        AGE,
      ],
      wide: [cs, images, selectorText(d.spec?.selector)],
    };
  },
};

const secrets: KindPrinter = {
  kind: "Secret",
  names: ["secrets", "secret"],
  resource: "secret",
  namespaced: true,
  list: (s) => s.secrets,
  headers: ["NAME", "TYPE", "DATA", "AGE"],
  wideHeaders: [],
  row(o) {
    const s = o as Secret;
    return {
      cells: [s.metadata?.name ?? "", s.type ?? "Opaque", String(Object.keys(s.data ?? {}).length), AGE],
      wide: [],
    };
  },
};

const configMaps: KindPrinter = {
  kind: "ConfigMap",
  names: ["configmaps", "configmap", "cm"],
  resource: "configmap",
  namespaced: true,
  list: (s) => s.configMaps,
  headers: ["NAME", "DATA", "AGE"],
  wideHeaders: [],
  row(o) {
    const c = o as ConfigMap;
    const n = Object.keys(c.data ?? {}).length + Object.keys(c.binaryData ?? {}).length;
    return { cells: [c.metadata?.name ?? "", String(n), AGE], wide: [] };
  },
};

export const PRINTERS: readonly KindPrinter[] = [
  pods,
  services,
  endpointSlices,
  endpoints,
  ingresses,
  ingressClasses,
  networkPolicies,
  namespaces,
  nodes,
  deployments,
  replicaSets,
  statefulSets,
  daemonSets,
  secrets,
  configMaps,
  ...GATEWAY_PRINTERS,
];

/** The printer for a kubectl resource name (`po`, `pods`, `pod`, `deployment.apps`…), case-insensitive. */
export function printerFor(name: string): KindPrinter | undefined {
  const n = name.toLowerCase();
  return PRINTERS.find(
    (p) =>
      p.names.includes(n) ||
      p.resource === n ||
      `${p.names[0]}.${p.resource.split(".").slice(1).join(".")}` === n,
  );
}
