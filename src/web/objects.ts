/**
 * GET /api/objects and /api/objects/detail: every object of the state (as
 * the API server and controllers would show it) with a one-line summary, and
 * one object in full: YAML, derived facts, endpoints, env, resolv.conf,
 * isolation, related objects and findings. Secret values are never sent.
 */
import { stringify } from "yaml";
import { sourceOf } from "../api/source.js";
import type {
  Deployment,
  EndpointSlice,
  Ingress,
  KubeObject,
  Namespace,
  NetworkPolicy,
  Node,
  Pod,
  Secret,
  Service,
  StatefulSet,
} from "../api/types.js";
import { HttpError } from "../http/respond.js";
import { compileSelector } from "../policy/selector.js";
import type { Analysis } from "./analysis.js";
import type { ApiObjectDetail, ApiObjectList, ApiObjectRow } from "./api-types.js";
import { isolationOf } from "./isolation.js";
import { findObject, normalizeKind, objectId, objectsByKind } from "./object-ids.js";
import { podEnv, podResolvConf } from "./pod-extras.js";
import { serviceSummary } from "./topology.js";
import { workloadOf } from "./workload-of.js";

function podReady(p: Pod): boolean {
  return p.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
}

function summary(kind: string, o: KubeObject): string {
  switch (kind) {
    case "pod": {
      const p = o as Pod;
      return `${p.status?.podIP ?? "no IP"} · ${p.spec?.nodeName ?? "unscheduled"} · ${podReady(p) ? "ready" : "not ready"}`;
    }
    case "service":
      return serviceSummary(o as Service);
    case "deployment":
    case "statefulset":
    case "replicaset":
      return `${(o as Deployment).spec?.replicas ?? 1} replicas`;
    case "ingress":
      return ((o as Ingress).spec?.rules ?? []).map((r) => r.host ?? "*").join(", ");
    case "networkpolicy": {
      const np = o as NetworkPolicy;
      return `podSelector ${compileSelector(np.spec?.podSelector ?? {}).text} · ${(np.spec?.policyTypes ?? ["Ingress"]).join("+")}`;
    }
    case "namespace":
      return Object.entries(o.metadata?.labels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(" ");
    case "node":
      return ((o as Node).status?.addresses ?? []).map((a) => a.address).join(", ");
    case "endpointslice": {
      const s = o as EndpointSlice;
      return `${(s.endpoints ?? []).length} endpoints · ports ${(s.ports ?? []).map((p) => p.port).join(",")}`;
    }
    case "secret":
      return (o as Secret).type ?? "Opaque";
    default:
      return "";
  }
}

export function listObjects(a: Analysis, kindFilter?: string, ns?: string): ApiObjectList {
  const want = kindFilter ? normalizeKind(kindFilter) : undefined;
  const items: ApiObjectRow[] = [];
  for (const [kind, list] of objectsByKind(a.snapshot.state)) {
    if (want && kind !== want) continue;
    for (const o of list) {
      if (ns && o.metadata?.namespace !== ns) continue;
      const id = objectId(o, kind);
      const row: ApiObjectRow = {
        id,
        kind: o.kind ?? kind,
        name: o.metadata?.name ?? "",
        summary: summary(kind, o),
        findings: a.findingsFor(id).length,
      };
      if (o.metadata?.namespace) row.namespace = o.metadata.namespace;
      items.push(row);
    }
  }
  return { items, total: items.length };
}

/** The object as YAML, with Secret values replaced by their size. */
function toYAML(kind: string, o: KubeObject): string {
  let shown: KubeObject = o;
  if (kind === "secret") {
    const s = o as Secret;
    const redact = (m: Record<string, string> | undefined) =>
      m && Object.fromEntries(Object.keys(m).map((k) => [k, `<redacted: ${m[k]?.length ?? 0} characters>`]));
    shown = {
      ...s,
      ...(s.data ? { data: redact(s.data) } : {}),
      ...(s.stringData ? { stringData: redact(s.stringData) } : {}),
    };
  }
  return stringify(shown, { aliasDuplicateObjects: false, lineWidth: 0 });
}

export function objectDetail(a: Analysis, id: string): ApiObjectDetail {
  const state = a.snapshot.state;
  const found = findObject(state, id);
  if (!found) throw new HttpError(404, "NotFound", `object ${id} not found`);
  const { kind, obj } = found;
  const oid = objectId(obj, kind);
  const detail: ApiObjectDetail = {
    id: oid,
    kind: obj.kind ?? kind,
    name: obj.metadata?.name ?? "",
    yaml: toYAML(kind, obj),
    facts: [],
    related: [],
    findings: [...a.findingsFor(oid)],
  };
  if (obj.metadata?.namespace) detail.namespace = obj.metadata.namespace;
  const src = sourceOf(obj);
  if (src) detail.source = { file: src.file, line: src.line };
  const fact = (label: string, value: string | undefined) => {
    if (value !== undefined && value !== "") detail.facts.push({ label, value });
  };
  const ns = obj.metadata?.namespace ?? "default";

  if (kind === "pod") {
    const pod = obj as Pod;
    fact("pod IP", pod.status?.podIPs?.map((i) => i.ip).join(", ") ?? pod.status?.podIP);
    fact("node", pod.spec?.nodeName);
    fact("host IP", pod.status?.hostIP);
    fact("phase", pod.status?.phase);
    fact("ready", podReady(pod) ? "True" : "False");
    fact(
      "labels",
      Object.entries(pod.metadata?.labels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(" "),
    );
    fact(
      "ports",
      (pod.spec?.containers ?? [])
        .flatMap((c) =>
          (c.ports ?? []).map(
            (p) => `${p.name ? `${p.name}:` : ""}${p.containerPort}/${p.protocol ?? "TCP"}`,
          ),
        )
        .join(", "),
    );
    fact("dnsPolicy", pod.spec?.dnsPolicy);
    if (pod.spec?.hostname)
      fact("hostname", pod.spec.subdomain ? `${pod.spec.hostname}.${pod.spec.subdomain}` : pod.spec.hostname);
    detail.isolation = isolationOf(a.engine, pod);
    const env = podEnv(pod, state);
    if (env) detail.env = env;
    const rc = podResolvConf(pod, state);
    if (rc !== undefined) detail.resolvConf = rc;
    const w = workloadOf(state, pod);
    if (w.kind !== "Pod") detail.related.push({ relation: "owned by", id: w.id });
    if (pod.spec?.nodeName) detail.related.push({ relation: "runs on", id: `node/${pod.spec.nodeName}` });
    const name = pod.metadata?.name;
    for (const svc of state.services) {
      if (svc.metadata?.namespace !== ns) continue;
      const slices = state.index.slicesForService(ns, svc.metadata?.name ?? "");
      if (
        slices.some((s) =>
          (s.endpoints ?? []).some((e) => e.targetRef?.kind === "Pod" && e.targetRef.name === name),
        )
      ) {
        detail.related.push({ relation: "backs", id: objectId(svc, "service") });
      }
    }
    for (const p of detail.isolation.policies)
      detail.related.push({ relation: "selected by", id: `networkpolicy/${p}` });
  } else if (kind === "service") {
    const svc = obj as Service;
    fact("type", svc.spec?.type ?? "ClusterIP");
    fact("cluster IP", svc.spec?.clusterIPs?.join(", ") ?? svc.spec?.clusterIP);
    fact("DNS name", `${svc.metadata?.name}.${ns}.svc.${state.config.clusterDomain}`);
    fact("load balancer", svc.status?.loadBalancer?.ingress?.map((i) => i.ip ?? i.hostname ?? "").join(", "));
    fact(
      "selector",
      Object.entries(svc.spec?.selector ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(","),
    );
    fact(
      "ports",
      (svc.spec?.ports ?? [])
        .map(
          (p) =>
            `${p.name ? `${p.name}:` : ""}${p.port}${p.nodePort ? `:${p.nodePort}` : ""}→${p.targetPort ?? p.port}/${p.protocol ?? "TCP"}`,
        )
        .join(", "),
    );
    if (svc.spec?.externalTrafficPolicy) fact("externalTrafficPolicy", svc.spec.externalTrafficPolicy);
    if (svc.spec?.sessionAffinity && svc.spec.sessionAffinity !== "None")
      fact("sessionAffinity", svc.spec.sessionAffinity);
    if (svc.spec?.type !== "ExternalName") {
      const eps: NonNullable<ApiObjectDetail["endpoints"]> = [];
      const seen = new Set<string>();
      for (const slice of state.index.slicesForService(ns, svc.metadata?.name ?? "")) {
        detail.related.push({ relation: "endpoint slice", id: objectId(slice, "endpointslice") });
        for (const e of slice.endpoints ?? []) {
          for (const ip of e.addresses) {
            if (seen.has(ip)) continue;
            seen.add(ip);
            const ep: NonNullable<ApiObjectDetail["endpoints"]>[number] = {
              ip,
              ready: e.conditions?.ready !== false,
            };
            if (e.targetRef?.name) ep.pod = `${e.targetRef.namespace ?? ns}/${e.targetRef.name}`;
            if (e.nodeName) ep.node = e.nodeName;
            eps.push(ep);
          }
        }
      }
      detail.endpoints = eps;
    }
    for (const ing of state.ingresses) {
      if (ing.metadata?.namespace !== ns) continue;
      const names = [
        ing.spec?.defaultBackend?.service?.name,
        ...(ing.spec?.rules ?? []).flatMap((r) => (r.http?.paths ?? []).map((p) => p.backend.service?.name)),
      ];
      if (names.includes(svc.metadata?.name))
        detail.related.push({ relation: "routed from", id: objectId(ing, "ingress") });
    }
  } else if (kind === "ingress") {
    const ing = obj as Ingress;
    fact("class", ing.spec?.ingressClassName ?? ing.metadata?.annotations?.["kubernetes.io/ingress.class"]);
    fact("hosts", (ing.spec?.rules ?? []).map((r) => r.host ?? "*").join(", "));
    fact(
      "TLS",
      (ing.spec?.tls ?? [])
        .map((t) => `${(t.hosts ?? []).join(",")} ← secret ${t.secretName ?? "(default)"}`)
        .join("; "),
    );
    fact("address", ing.status?.loadBalancer?.ingress?.map((i) => i.ip ?? i.hostname ?? "").join(", "));
    const backends = new Set<string>();
    if (ing.spec?.defaultBackend?.service) backends.add(ing.spec.defaultBackend.service.name);
    for (const r of ing.spec?.rules ?? [])
      for (const p of r.http?.paths ?? []) if (p.backend.service) backends.add(p.backend.service.name);
    for (const b of backends) detail.related.push({ relation: "backend", id: `service/${ns}/${b}` });
    for (const t of ing.spec?.tls ?? [])
      if (t.secretName) detail.related.push({ relation: "TLS secret", id: `secret/${ns}/${t.secretName}` });
  } else if (kind === "networkpolicy") {
    const np = obj as NetworkPolicy;
    const key = `${ns}/${np.metadata?.name ?? ""}`;
    const selected = state.index
      .podsInNamespace(ns)
      .filter((p) => isolationOf(a.engine, p).policies.includes(key));
    fact("podSelector", compileSelector(np.spec?.podSelector ?? {}).text);
    const c = a.engine.policies.find((p) => p.key === key);
    fact(
      "policyTypes",
      c ? [c.ingress ? "Ingress" : "", c.egress ? "Egress" : ""].filter(Boolean).join(", ") : undefined,
    );
    fact("selects", `${selected.length} pods`);
    for (const p of selected.slice(0, 100))
      detail.related.push({ relation: "selects", id: objectId(p, "pod") });
  } else if (
    kind === "deployment" ||
    kind === "statefulset" ||
    kind === "daemonset" ||
    kind === "replicaset"
  ) {
    const w = obj as StatefulSet;
    fact("replicas", String(w.spec?.replicas ?? 1));
    fact("selector", compileSelector(w.spec?.selector ?? {}).text);
    if (w.spec?.serviceName) fact("serviceName", w.spec.serviceName);
    const pods = state.index
      .podsInNamespace(ns)
      .filter(
        (p) =>
          workloadOf(state, p).id === oid ||
          p.metadata?.ownerReferences?.some(
            (r) => r.name === obj.metadata?.name && r.kind.toLowerCase() === kind,
          ),
      );
    for (const p of pods.slice(0, 200)) detail.related.push({ relation: "pod", id: objectId(p, "pod") });
  } else if (kind === "namespace") {
    const n = obj as Namespace;
    fact(
      "labels",
      Object.entries(n.metadata?.labels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(" "),
    );
    fact("pods", String(state.index.podsInNamespace(n.metadata?.name ?? "").length));
  } else if (kind === "node") {
    const n = obj as Node;
    fact("addresses", (n.status?.addresses ?? []).map((x) => `${x.type} ${x.address}`).join(", "));
    fact("pod CIDR", n.spec?.podCIDR);
  }
  return detail;
}
