/**
 * The most common NetworkPolicy outage: pods isolated for egress with no
 * rule letting them reach cluster DNS. Judged with the engine itself against
 * a kube-dns pod (the cluster's CoreDNS pod, or one shaped like kubeadm's when
 * the manifests have none) on UDP 53 and TCP 53 — UDP missing breaks every
 * lookup; TCP missing breaks large answers (truncation falls back to TCP).
 */
import type { Diagnostic } from "../api/diagnostics.js";
import type { Pod } from "../api/types.js";
import type { PolicyEngine } from "./engine.js";
import { finding } from "./lint-finding.js";

const DNS_SUGGESTION =
  "add an egress rule: `- to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]` with `ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]`";

/** The pod DNS queries reach after the kube-dns Service is translated. */
export function kubeDNSPod(engine: PolicyEngine): Pod {
  const real = engine.state.pods.find(
    (p) =>
      p.metadata?.namespace === "kube-system" &&
      p.metadata.labels?.["k8s-app"] === "kube-dns" &&
      p.spec?.hostNetwork !== true,
  );
  if (real) return real;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "coredns", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
    spec: {
      containers: [
        {
          name: "coredns",
          ports: [
            { name: "dns", containerPort: 53, protocol: "UDP" },
            { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
            { name: "metrics", containerPort: 9153, protocol: "TCP" },
          ],
        },
      ],
    },
  };
}

export function lintDNSEgress(engine: PolicyEngine): Diagnostic[] {
  const dns = kubeDNSPod(engine);
  const out: Diagnostic[] = [];
  // Egress to kube-dns depends only on the set of policies selecting the source.
  const groups = new Map<string, Pod[]>();
  for (const pod of engine.state.pods) {
    if (pod === dns) continue;
    const sel = engine.selecting(pod, "egress");
    if (sel.length === 0) continue;
    const key = sel.map((p) => p.key).join("\n");
    let g = groups.get(key);
    if (!g) {
      g = [];
      groups.set(key, g);
    }
    g.push(pod);
  }
  for (const pods of groups.values()) {
    const rep = pods[0]!;
    const judge = (protocol: "UDP" | "TCP") =>
      engine.decide({ src: { kind: "pod", pod: rep }, dst: { kind: "pod", pod: dns }, port: 53, protocol });
    const udp = judge("UDP");
    const tcp = judge("TCP");
    if (udp.egress.allowed && tcp.egress.allowed) continue;
    const policies = engine.selecting(rep, "egress");
    const policy = policies[0]!.source;
    const names =
      pods
        .map((p) => p.metadata?.name ?? "")
        .slice(0, 3)
        .join(", ") + (pods.length > 3 ? `, … (${pods.length} pods)` : "");
    const who = `pods ${names} in ${rep.metadata?.namespace} (isolated for egress by ${policies.map((p) => p.key).join(", ")})`;
    if (!udp.egress.allowed) {
      // With no egress rule at all the pods are meant to make no connection:
      // DNS failing is then only worth a warning (recipe 11 does this on purpose).
      const hasRules = policies.some((p) => (p.egress?.length ?? 0) > 0);
      out.push(
        finding(
          policy,
          hasRules ? "error" : "warning",
          "NoDNSEgress",
          ["spec", "egress"],
          hasRules
            ? `${who} cannot reach kube-dns on UDP 53${tcp.egress.allowed ? "" : " or TCP 53"}: every DNS lookup will time out, so connections by name to what the egress rules allow fail too`
            : `${who} may open no connection at all (no egress rules), DNS included: lookups will time out`,
          DNS_SUGGESTION,
        ),
      );
    } else {
      out.push(
        finding(
          policy,
          "warning",
          "NoDNSEgressTCP",
          ["spec", "egress"],
          `${who} can reach kube-dns on UDP 53 but not TCP 53: answers larger than 512 bytes (truncated, retried over TCP) will fail`,
          "add `{port: 53, protocol: TCP}` next to the UDP 53 port of the DNS egress rule",
        ),
      );
    }
  }
  return out;
}
