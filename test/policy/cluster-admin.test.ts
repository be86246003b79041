/**
 * examples/cluster-admin on top of idp-system, through the real pipeline
 * (loader, validation, controllers): what the Admin tier protects
 * (kube-system, monitoring), what it accepts over an application policy
 * (Prometheus scraping), the Pass that delegates idp-system to its own
 * policies, and the Baseline default deny — each with the deciding tier and
 * rule, as `michi check` reports them; and the class matrix against decide().
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Protocol } from "../../src/api/types.js";
import { defaultConfig } from "../../src/cluster/config.js";
import { runCheck } from "../../src/policy/check.js";
import { compilePolicy, type PolicyEngine } from "../../src/policy/engine.js";
import { lintClusterPolicies } from "../../src/policy/lint-cluster.js";
import { computeMatrix } from "../../src/policy/matrix.js";
import { loadSnapshot } from "../../src/snapshot/load.js";

let engine: PolicyEngine;
beforeAll(async () => {
  const r = await loadSnapshot(["examples/idp-system", "examples/cluster-admin"], defaultConfig);
  expect(r.state.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  engine = compilePolicy(r.state);
});

function summary(from: string, to: string, port: number, protocol: Protocol = "TCP"): string {
  const r = runCheck(engine, { from, to, port, protocol });
  const c = r.connections[0]!;
  const side = (s: typeof c.egress) =>
    `${s.tier}${s.clusterRule ? ` ${s.clusterRule.policy}[${s.clusterRule.rule}] ${s.clusterRule.action}` : ""}${(s.passes ?? []).map((p) => ` pass ${p.policy}`).join("")}`;
  return `${r.allowed ? "allowed" : "DENIED"} | egress ${side(c.egress)} | ingress ${side(c.ingress)}`;
}

describe("examples/cluster-admin", () => {
  it.each<[string, string, number, Protocol, string]>([
    [
      "deployment/idp-system/idp-server",
      "service/kube-system/kube-dns",
      53,
      "UDP",
      "allowed | egress NetworkPolicy | ingress Admin ClusterNetworkPolicy/protect-kube-system[0] Accept",
    ],
    [
      "deployment/idp-system/frontend",
      "deployment/kube-system/coredns",
      8080,
      "TCP",
      "DENIED | egress default | ingress Admin ClusterNetworkPolicy/protect-kube-system[1] Deny",
    ],
    [
      // The application policy's `name: monitoring` selector matches nothing; the Admin Accept repairs it.
      "deployment/monitoring/prometheus",
      "service/idp-system/idp-server",
      9090,
      "TCP",
      "allowed | egress default | ingress Admin ClusterNetworkPolicy/monitoring-scrape[0] Accept",
    ],
    [
      "deployment/idp-system/frontend",
      "service/monitoring/prometheus",
      9090,
      "TCP",
      "DENIED | egress default | ingress Admin ClusterNetworkPolicy/protect-monitoring[1] Deny",
    ],
    [
      // Passed to idp-system's own policy, which admits postgres egress; postgres itself falls to the Baseline.
      "deployment/idp-system/idp-server",
      "statefulset/idp-system/postgres",
      5432,
      "TCP",
      "allowed | egress NetworkPolicy | ingress Baseline ClusterNetworkPolicy/idp-system-baseline[0] Accept pass ClusterNetworkPolicy/delegate-idp-system",
    ],
    [
      "deployment/monitoring/prometheus",
      "deployment/idp-system/redis",
      6379,
      "TCP",
      "DENIED | egress default | ingress Baseline ClusterNetworkPolicy/default-deny[0] Deny",
    ],
    [
      "deployment/ingress-nginx/ingress-nginx-controller",
      "deployment/idp-system/frontend",
      80,
      "TCP",
      "allowed | egress default | ingress Baseline ClusterNetworkPolicy/idp-system-baseline[1] Accept",
    ],
  ])("%s → %s %i/%s", (from, to, port, protocol, want) => {
    expect(summary(from, to, port, protocol)).toBe(want);
  });

  it("the explanation names tier, policy, priority, rule and the Pass on the way", () => {
    const r = runCheck(engine, {
      from: "deployment/idp-system/frontend",
      to: "deployment/idp-system/redis",
      port: 6379,
      protocol: "TCP",
    });
    expect(r.connections[0]!.ingress.explanation.slice(1)).toEqual([
      '  passed by Admin tier ClusterNetworkPolicy/delegate-idp-system (priority 50) ingress[0] "same-namespace" Pass, from[0] (namespaces kubernetes.io/metadata.name=idp-system), every port — evaluation continues with NetworkPolicy, then the Baseline tier',
      '  decided by Baseline tier ClusterNetworkPolicy/idp-system-baseline (priority 10) ingress[0] "same-namespace" Accept, from[0] (namespaces kubernetes.io/metadata.name=idp-system), every port',
    ]);
  });

  it("lints clean and its class matrix agrees with decide() on every pod pair", () => {
    expect(lintClusterPolicies(engine)).toEqual([]);
    const ports = [
      { port: 53, protocol: "UDP" as const },
      { port: 9090, protocol: "TCP" as const },
      { port: 6379, protocol: "TCP" as const },
    ];
    const m = computeMatrix(engine, { ports });
    const pods = engine.state.pods;
    ports.forEach((pp, pi) => {
      for (const s of pods)
        for (const d of pods) {
          const want =
            s === d ||
            engine.decide({ src: { kind: "pod", pod: s }, dst: { kind: "pod", pod: d }, ...pp }).allowed;
          expect(m.allowed(s, d, pi), `${s.metadata?.name} -> ${d.metadata?.name} ${pp.port}`).toBe(want);
        }
    });
  });
});
