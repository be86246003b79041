/**
 * Exposure, the way reviewers ask about it: which workloads accept
 * connections from every namespace (a peer `namespaceSelector: {}` with no
 * narrower podSelector) or from outside the cluster (a rule with no `from`,
 * an ipBlock peer), and on which ports; which workloads no policy selects
 * for ingress (every connection accepted); which may connect to the whole
 * internet (an egress rule with no `to`, or an ipBlock of /0). Rule findings
 * sit on the policy's rule (FILE:LINE of that peer) and name the workloads;
 * unselected workloads are reported on the workload itself. System
 * namespaces and objects michi generates are left out.
 */
import type { Diagnostic } from "../api/diagnostics.js";
import { sourceOf } from "../api/source.js";
import type { KubeObject, Pod } from "../api/types.js";
import type { CompiledPolicy, CompiledRule } from "./compiled-policy.js";
import type { PolicyEngine } from "./engine.js";
import { finding } from "./lint-finding.js";
import { podContainerPorts } from "./ports.js";

const SYSTEM_NAMESPACES = new Set(["kube-system", "kube-public", "kube-node-lease"]);
const MAX_NAMED = 5;

interface Workload {
  /** `deployment/ns/name`. */
  name: string;
  object: KubeObject;
  pods: Pod[];
}

function workloads(engine: PolicyEngine): Map<Pod, Workload> {
  const s = engine.state;
  const objects = new Map<string, KubeObject>();
  const put = (kind: string, o: KubeObject) =>
    objects.set(`${kind}/${o.metadata?.namespace ?? "default"}/${o.metadata?.name ?? ""}`, o);
  for (const o of s.deployments) put("deployment", o);
  for (const o of s.statefulSets) put("statefulset", o);
  for (const o of s.daemonSets) put("daemonset", o);
  for (const o of s.replicaSets) put("replicaset", o);
  const rsOwner = new Map<string, string>();
  for (const rs of s.replicaSets) {
    const dep = rs.metadata?.ownerReferences?.find((o) => o.kind === "Deployment");
    if (dep) rsOwner.set(`${rs.metadata?.namespace ?? "default"}/${rs.metadata?.name ?? ""}`, dep.name);
  }
  const byName = new Map<string, Workload>();
  const out = new Map<Pod, Workload>();
  for (const pod of s.pods) {
    const ns = pod.metadata?.namespace ?? "default";
    const ref =
      pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
    let name = `pod/${ns}/${pod.metadata?.name ?? ""}`;
    if (ref) {
      const dep = ref.kind === "ReplicaSet" ? rsOwner.get(`${ns}/${ref.name}`) : undefined;
      name = dep ? `deployment/${ns}/${dep}` : `${ref.kind.toLowerCase()}/${ns}/${ref.name}`;
    }
    let w = byName.get(name);
    if (!w) {
      w = { name, object: objects.get(name) ?? pod, pods: [] };
      byName.set(name, w);
    }
    w.pods.push(pod);
    out.set(pod, w);
  }
  return out;
}

const userObject = (w: Workload) =>
  !SYSTEM_NAMESPACES.has(w.object.metadata?.namespace ?? "default") && sourceOf(w.object) !== undefined;

function names(ws: readonly Workload[]): string {
  const list = ws.map((w) => w.name);
  return list.length <= MAX_NAMED
    ? list.join(", ")
    : `${list.slice(0, MAX_NAMED).join(", ")} and ${list.length - MAX_NAMED} more`;
}

const portsText = (r: CompiledRule) => (r.ports ? r.ports.map((p) => p.text).join(", ") : "every port");

const isWholeInternet = (cidrText: string | undefined) =>
  cidrText !== undefined && /\/0(\s|$)/.test(cidrText);

function selectedWorkloads(engine: PolicyEngine, p: CompiledPolicy, byPod: Map<Pod, Workload>): Workload[] {
  const out = new Set<Workload>();
  for (const pod of engine.state.index.podsInNamespace(p.namespace)) {
    if (pod.spec?.hostNetwork === true) continue;
    if (!p.podSelector.matches(pod.metadata?.labels ?? {})) continue;
    const w = byPod.get(pod);
    if (w) out.add(w);
  }
  return [...out];
}

export function lintExposure(engine: PolicyEngine): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byPod = workloads(engine);
  for (const p of engine.policies) {
    if (SYSTEM_NAMESPACES.has(p.namespace)) continue;
    const ws = selectedWorkloads(engine, p, byPod);
    if (ws.length === 0) continue;
    const who = names(ws);
    for (const r of p.ingress ?? []) {
      if (!r.peers) {
        out.push(
          finding(
            p.source,
            "warning",
            "ExposedOutsideCluster",
            ["spec", "ingress", r.index],
            `${who} accept${ws.length === 1 ? "s" : ""} connections from anywhere, inside and outside the cluster, on ${portsText(r)}: ingress[${r.index}] has no \`from\``,
            "list the clients in `from` (podSelector/namespaceSelector, or an ipBlock for external clients)",
          ),
        );
        continue;
      }
      for (const peer of r.peers) {
        const path = ["spec", "ingress", r.index, "from", peer.index];
        if (peer.kind === "ipBlock") {
          out.push(
            finding(
              p.source,
              "warning",
              "ExposedOutsideCluster",
              path,
              `${who} accept${ws.length === 1 ? "s" : ""} connections from outside the cluster (${peer.ipBlock?.text}) on ${portsText(r)}`,
            ),
          );
        } else if (peer.kind === "pods" && peer.namespace?.matchesAll === true && peer.pod.matchesAll) {
          out.push(
            finding(
              p.source,
              "warning",
              "ExposedToAllNamespaces",
              path,
              `${who} accept${ws.length === 1 ? "s" : ""} connections from every pod in every namespace on ${portsText(r)}: namespaceSelector {}`,
              "narrow the namespaceSelector (e.g. `kubernetes.io/metadata.name: NAME`) or add a podSelector",
            ),
          );
        }
      }
    }
    for (const r of p.egress ?? []) {
      const broad = !r.peers
        ? "egress[" + r.index + "] has no `to`"
        : r.peers.find((x) => x.kind === "ipBlock" && isWholeInternet(x.ipBlock?.text))?.ipBlock?.text;
      if (broad === undefined) continue;
      const peer = r.peers?.find((x) => x.kind === "ipBlock" && isWholeInternet(x.ipBlock?.text));
      out.push(
        finding(
          p.source,
          "warning",
          "EgressToInternet",
          peer ? ["spec", "egress", r.index, "to", peer.index] : ["spec", "egress", r.index],
          `${who} may connect to the whole internet on ${portsText(r)}: ${r.peers ? `ipBlock ${broad}` : broad}`,
          "allow only the destinations the workload needs (their CIDRs), or route egress through a proxy",
        ),
      );
    }
  }
  // Workloads no policy isolates for ingress accept every connection.
  const reported = new Set<Workload>();
  for (const [pod, w] of byPod) {
    if (reported.has(w) || pod.spec?.hostNetwork === true || !userObject(w)) continue;
    if (w.pods.some((x) => engine.selecting(x, "ingress").length > 0)) {
      reported.add(w);
      continue;
    }
    reported.add(w);
    const ports = [
      ...new Set(
        w.pods.flatMap((x) =>
          podContainerPorts(x.spec).map((c) => `${c.protocol ?? "TCP"}/${c.containerPort}`),
        ),
      ),
    ];
    out.push(
      finding(
        w.object,
        "warning",
        "NotSelectedByAnyPolicy",
        ["metadata", "name"],
        `${w.name} accepts connections from anywhere${ports.length ? ` on ${ports.join(", ")}` : ""}: no NetworkPolicy selects its pods for ingress`,
        "add a NetworkPolicy whose podSelector matches these pods (a default-deny `podSelector: {}` per namespace, then allow rules)",
      ),
    );
  }
  return out;
}
