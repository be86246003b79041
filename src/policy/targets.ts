/**
 * Resolving what a user names on the command line into connection ends:
 * a pod `NS/NAME`, `KIND/NS/NAME` (pod, deployment, statefulset, daemonset,
 * replicaset, service), a service DNS name (`NAME.NS`, `NAME.NS.svc`,
 * `NAME.NS.svc.cluster.local`), or an IP (a pod's or node's when one has it,
 * a service's cluster IP, otherwise an address outside the cluster).
 */
import { MichiError } from "../api/diagnostics.js";
import { parseIP } from "../api/net.js";
import type { LabelSelector, Pod, Service } from "../api/types.js";
import type { ClusterState } from "../cluster/state.js";
import { compileSelector } from "./selector.js";

export type Target =
  | { kind: "pods"; label: string; pods: Pod[] }
  | { kind: "service"; label: string; service: Service }
  | { kind: "ip"; label: string; ip: string };

const KINDS: Record<string, string> = {
  pod: "pod",
  pods: "pod",
  po: "pod",
  deployment: "deployment",
  deployments: "deployment",
  deploy: "deployment",
  statefulset: "statefulset",
  statefulsets: "statefulset",
  sts: "statefulset",
  daemonset: "daemonset",
  daemonsets: "daemonset",
  ds: "daemonset",
  replicaset: "replicaset",
  replicasets: "replicaset",
  rs: "replicaset",
  service: "service",
  services: "service",
  svc: "service",
};

const podKey = (p: Pod) => `${p.metadata?.namespace ?? "default"}/${p.metadata?.name ?? ""}`;

function workloadPods(state: ClusterState, kind: string, ns: string, name: string): Pod[] {
  const list =
    kind === "deployment"
      ? state.deployments
      : kind === "statefulset"
        ? state.statefulSets
        : kind === "daemonset"
          ? state.daemonSets
          : state.replicaSets;
  const w = list.find((x) => x.metadata?.name === name && (x.metadata?.namespace ?? "default") === ns);
  if (!w) throw new MichiError("NotFound", `${kind} ${ns}/${name} not found`);
  const selector = (w.spec as { selector?: LabelSelector } | undefined)?.selector;
  const sel = compileSelector(selector ?? { matchLabels: { "\u0000": "none" } });
  return state.index.podsInNamespace(ns).filter((p) => sel.matches(p.metadata?.labels ?? {}));
}

function serviceByDNSName(state: ClusterState, text: string): Service | undefined {
  const domain = state.config.clusterDomain;
  const name = text.replace(/\.$/, "");
  const m = new RegExp(
    `^([a-z0-9-]+)\\.([a-z0-9-]+)(?:\\.svc(?:\\.${domain.replace(/\./g, "\\.")})?)?$`,
  ).exec(name);
  if (!m) return undefined;
  return state.index.service(m[2]!, m[1]!);
}

export function resolveTarget(state: ClusterState, text: string, role: "source" | "destination"): Target {
  if (parseIP(text)) {
    const pod = state.index.podByIP(text);
    if (pod && pod.spec?.hostNetwork !== true)
      return { kind: "pods", label: `${podKey(pod)} (${text})`, pods: [pod] };
    const svc = state.index.serviceByClusterIP(text);
    if (svc && role === "destination")
      return {
        kind: "service",
        label: `service/${svc.metadata?.namespace}/${svc.metadata?.name} (${text})`,
        service: svc,
      };
    return { kind: "ip", label: text, ip: text };
  }
  const parts = text.split("/");
  if (parts.length === 2) {
    const [ns, name] = parts as [string, string];
    const pod = state.index.pod(ns, name);
    if (!pod)
      throw new MichiError(
        "NotFound",
        `pod ${ns}/${name} not found (name a workload as deployment/${ns}/NAME)`,
      );
    return { kind: "pods", label: text, pods: [pod] };
  }
  if (parts.length === 3) {
    const [k, ns, name] = parts as [string, string, string];
    const kind = KINDS[k.toLowerCase()];
    if (!kind)
      throw new MichiError(
        "BadTarget",
        `unknown kind ${JSON.stringify(k)} in ${text}: use pod, deployment, statefulset, daemonset, replicaset or service`,
      );
    if (kind === "pod") return resolveTarget(state, `${ns}/${name}`, role);
    if (kind === "service") {
      const svc = state.index.service(ns, name);
      if (!svc) throw new MichiError("NotFound", `service ${ns}/${name} not found`);
      if (role === "source")
        throw new MichiError("BadTarget", "a service cannot be a source: name the pods or the workload");
      return { kind: "service", label: `service/${ns}/${name}`, service: svc };
    }
    const pods = workloadPods(state, kind, ns, name);
    if (pods.length === 0) throw new MichiError("NotFound", `${kind} ${ns}/${name} has no pods`);
    return { kind: "pods", label: `${kind}/${ns}/${name}`, pods };
  }
  const svc = serviceByDNSName(state, text);
  if (svc) {
    if (role === "source")
      throw new MichiError("BadTarget", "a service cannot be a source: name the pods or the workload");
    return {
      kind: "service",
      label: `service/${svc.metadata?.namespace}/${svc.metadata?.name} (${text})`,
      service: svc,
    };
  }
  throw new MichiError(
    "BadTarget",
    `cannot resolve ${JSON.stringify(text)}: expected NAMESPACE/POD, KIND/NAMESPACE/NAME, a service DNS name or an IP`,
  );
}
