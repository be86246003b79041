/**
 * The topology graph the dashboard draws: namespaces; Ingresses, Services and
 * workloads (pods grouped by owner, each pod with its NetworkPolicy
 * isolation); the world outside the cluster. Edges: outside → Ingress and
 * outside → NodePort/LoadBalancer Service ("exposes"), Ingress → Service for
 * each rule path ("route"), Service → workload for each endpoint the
 * EndpointSlice controller derived ("selects").
 */
import type { Pod, Service } from "../api/types.js";
import { servedIngresses } from "../ingress/ingress-class.js";
import type { Analysis } from "./analysis.js";
import type { ApiTopoEdge, ApiTopology, ApiTopoNode } from "./api-types.js";
import { isolationOf } from "./isolation.js";
import { objectId } from "./object-ids.js";
import { workloadOf } from "./workload-of.js";

/** Pods listed per workload node (fewer in large clusters, to keep the page light); the rest are counted (`podCount`). */
export const PODS_SHOWN = 48;
export const PODS_SHOWN_LARGE = 12;
export const LARGE_CLUSTER = 300;

export function serviceSummary(svc: Service): string {
  const spec = svc.spec ?? {};
  const type = spec.type ?? "ClusterIP";
  if (type === "ExternalName") return `ExternalName → ${spec.externalName ?? "?"}`;
  const ip = spec.clusterIP === "None" ? "headless" : (spec.clusterIP ?? "");
  const ports = (spec.ports ?? []).map(
    (p) => `${p.port}${p.nodePort && type !== "ClusterIP" ? `:${p.nodePort}` : ""}/${p.protocol ?? "TCP"}`,
  );
  const lb = svc.status?.loadBalancer?.ingress?.map((i) => i.ip ?? i.hostname).filter(Boolean) ?? [];
  return [type, ip, ...(lb.length ? [`LB ${lb.join(",")}`] : []), ports.join(",")]
    .filter(Boolean)
    .join(" · ");
}

export function buildTopology(a: Analysis): ApiTopology {
  const state = a.snapshot.state;
  const nodes: ApiTopoNode[] = [];
  const edges: ApiTopoEdge[] = [];
  const edgeKeys = new Set<string>();
  const addEdge = (e: ApiTopoEdge) => {
    const k = `${e.from}|${e.to}|${e.kind}|${e.label}`;
    if (edgeKeys.has(k)) return;
    edgeKeys.add(k);
    edges.push(e);
  };
  const count = (id: string) => a.findingsFor(id).length;

  nodes.push({
    id: "external",
    kind: "external",
    label: "outside the cluster",
    sub: "clients, the Internet",
    findings: 0,
  });

  // Workloads, with their pods.
  const byWorkload = new Map<string, { node: ApiTopoNode; pods: Pod[] }>();
  const podWorkload = new Map<string, string>();
  for (const pod of state.pods) {
    const w = workloadOf(state, pod);
    let entry = byWorkload.get(w.id);
    if (!entry) {
      entry = {
        node: {
          id: w.id,
          kind: w.kind === "Pod" ? "pod" : "workload",
          ref: w.id,
          namespace: w.namespace,
          label: w.name,
          sub: w.kind,
          pods: [],
          podCount: 0,
          findings: count(w.id),
        },
        pods: [],
      };
      byWorkload.set(w.id, entry);
    }
    entry.pods.push(pod);
    podWorkload.set(`${w.namespace}/${pod.metadata?.name ?? ""}`, w.id);
  }
  const shown = state.pods.length > LARGE_CLUSTER ? PODS_SHOWN_LARGE : PODS_SHOWN;
  for (const { node, pods } of byWorkload.values()) {
    node.podCount = pods.length;
    const ports = new Set<string>();
    for (const c of pods[0]?.spec?.containers ?? [])
      for (const p of c.ports ?? []) ports.add(`${p.containerPort}/${p.protocol ?? "TCP"}`);
    node.sub = `${node.sub} · ${pods.length} pod${pods.length === 1 ? "" : "s"}${ports.size ? ` · ${[...ports].join(",")}` : ""}`;
    node.pods = pods.slice(0, shown).map((p) => {
      const ready = p.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
      return {
        id: objectId(p, "pod"),
        name: p.metadata?.name ?? "",
        ip: p.status?.podIP ?? "",
        ready,
        isolation: isolationOf(a.engine, p),
      };
    });
    node.findings += pods.reduce((n, p) => n + count(objectId(p, "pod")), 0);
    nodes.push(node);
  }

  // Services and what they select.
  for (const svc of state.services) {
    const id = objectId(svc, "service");
    const ns = svc.metadata?.namespace ?? "default";
    const name = svc.metadata?.name ?? "";
    nodes.push({
      id,
      kind: "service",
      ref: id,
      namespace: ns,
      label: name,
      sub: serviceSummary(svc),
      findings: count(id),
    });
    const type = svc.spec?.type ?? "ClusterIP";
    if (type === "NodePort" || type === "LoadBalancer") {
      const lb = svc.status?.loadBalancer?.ingress?.map((i) => i.ip ?? i.hostname).filter(Boolean) ?? [];
      const nodePorts = (svc.spec?.ports ?? [])
        .map((p) => p.nodePort)
        .filter((p): p is number => p !== undefined);
      const label =
        type === "LoadBalancer" && lb.length
          ? `LoadBalancer ${lb.join(",")}:${(svc.spec?.ports ?? []).map((p) => p.port).join(",")}`
          : `NodePort ${nodePorts.join(",")}`;
      addEdge({ from: "external", to: id, kind: "exposes", label });
    }
    const svcPorts = svc.spec?.ports ?? [];
    for (const slice of state.index.slicesForService(ns, name)) {
      for (const ep of slice.endpoints ?? []) {
        const ref = ep.targetRef;
        if (ref?.kind !== "Pod" || !ref.name) continue;
        const w = podWorkload.get(`${ref.namespace ?? ns}/${ref.name}`);
        if (!w) continue;
        const ports = (slice.ports ?? [])
          .map((sp) => {
            const spec = svcPorts.find((p) => (p.name ?? "") === (sp.name ?? ""));
            return spec ? `${spec.port}→${sp.port}` : `${sp.port}`;
          })
          .join(",");
        addEdge({ from: id, to: w, kind: "selects", label: ports });
      }
    }
  }

  // Ingresses and their routes.
  const served = servedIngresses(state);
  for (const ing of state.ingresses) {
    const id = objectId(ing, "ingress");
    const ns = ing.metadata?.namespace ?? "default";
    const verdict = served.get(ing);
    const hosts = [...new Set((ing.spec?.rules ?? []).map((r) => r.host ?? "*"))];
    const tls = (ing.spec?.tls ?? []).length > 0;
    const sub = `${tls ? "HTTPS " : ""}${hosts.join(", ") || "*"}${verdict && !verdict.served ? " · not served here" : ""}`;
    nodes.push({
      id,
      kind: "ingress",
      ref: id,
      namespace: ns,
      label: ing.metadata?.name ?? "",
      sub,
      findings: count(id),
    });
    addEdge({
      from: "external",
      to: id,
      kind: "exposes",
      label: verdict && !verdict.served ? `${hosts.join(", ")} (${verdict.reason})` : hosts.join(", "),
    });
    const backendEdge = (host: string, path: string, service: string | undefined, port: string) => {
      if (!service) return;
      addEdge({
        from: id,
        to: `service/${ns}/${service}`,
        kind: "route",
        label: `${host}${path} → :${port}`,
      });
    };
    if (ing.spec?.defaultBackend?.service) {
      const b = ing.spec.defaultBackend.service;
      backendEdge("*", "", b.name, String(b.port?.number ?? b.port?.name ?? ""));
    }
    for (const rule of ing.spec?.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        const b = p.backend.service;
        backendEdge(rule.host ?? "*", p.path ?? "/", b?.name, String(b?.port?.number ?? b?.port?.name ?? ""));
      }
    }
  }

  const known = new Set(nodes.map((n) => n.id));
  const namespaces = state.namespaces.map((n) => ({
    name: n.metadata?.name ?? "",
    labels: n.metadata?.labels ?? {},
    pods: state.index.podsInNamespace(n.metadata?.name ?? "").length,
  }));
  return { namespaces, nodes, edges: edges.filter((e) => known.has(e.from) && known.has(e.to)) };
}
