// Lint of the Admin and Baseline tiers: one case per finding, and a clean policy set.
import { describe, expect, it } from "vitest";
import { compilePolicy } from "./engine.js";
import { lintClusterPolicies } from "./lint-cluster.js";
import { makeState, parseYAML } from "./testing.js";

const PODS = `
apiVersion: v1
kind: Namespace
metadata: {name: a, labels: {team: a}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: a, labels: {app: web}}
spec: {containers: [{name: c, ports: [{name: http, containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: b, labels: {app: client}}
spec: {containers: [{name: c}]}
`;

const cnp = (name: string, tier: string, priority: number, body: string) => `
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: ${name}}
spec:
  tier: ${tier}
  priority: ${priority}
${body}`;

function lint(yaml: string): string[] {
  return lintClusterPolicies(compilePolicy(makeState(parseYAML(PODS + yaml)))).map(
    (d) => `${d.code} ${d.name} ${d.field ?? ""}`,
  );
}

describe("lintClusterPolicies", () => {
  it("a subject that selects no pod", () => {
    expect(
      lint(
        cnp(
          "nobody",
          "Admin",
          1,
          `  subject: {namespaces: {matchLabels: {team: zzz}}}\n  ingress: [{action: Deny, from: [{namespaces: {}}]}]`,
        ),
      ),
    ).toEqual(["ClusterPolicySelectsNothing nobody spec.subject"]);
  });

  it("a rule shadowed by higher-precedence rules (ports and peers covered)", () => {
    const yaml =
      cnp(
        "first",
        "Admin",
        1,
        `  subject: {namespaces: {}}\n  ingress: [{action: Deny, from: [{namespaces: {}}], protocols: [{tcp: {destinationPort: {range: {start: 1, end: 1000}}}}]}]`,
      ) +
      cnp(
        "second",
        "Admin",
        2,
        `  subject: {namespaces: {matchLabels: {team: a}}}
  ingress:
    - {action: Accept, from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: client}}}}], protocols: [{tcp: {destinationPort: {number: 80}}}]}
    - {action: Accept, from: [{namespaces: {}}], protocols: [{tcp: {destinationPort: {number: 8080}}}]}`,
      );
    expect(lint(yaml)).toEqual(["ClusterRuleShadowed second spec.ingress[0]"]);
  });

  it("Pass with nothing below it, in either tier", () => {
    const yaml =
      cnp(
        "delegate",
        "Admin",
        1,
        `  subject: {namespaces: {}}\n  egress: [{action: Pass, to: [{namespaces: {}}]}]`,
      ) +
      cnp(
        "base",
        "Baseline",
        1,
        `  subject: {namespaces: {}}\n  ingress: [{action: Pass, from: [{namespaces: {}}]}]`,
      );
    expect(lint(yaml)).toEqual([
      "ClusterPassNothingBelow delegate spec.egress[0]",
      "ClusterPassNothingBelow base spec.ingress[0]",
    ]);
    // A NetworkPolicy isolating the subjects gives the Admin Pass something to hand over to.
    const np = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np, namespace: a}
spec: {podSelector: {}, policyTypes: [Egress], egress: [{}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np, namespace: b}
spec: {podSelector: {}, policyTypes: [Egress], egress: [{}]}
`;
    expect(
      lint(
        cnp(
          "delegate",
          "Admin",
          1,
          `  subject: {namespaces: {}}\n  egress: [{action: Pass, to: [{namespaces: {}}]}]`,
        ) + np,
      ),
    ).toEqual([]);
  });

  it("same priority, overlapping traffic, different actions", () => {
    const yaml =
      cnp(
        "a-allow",
        "Admin",
        5,
        `  subject: {namespaces: {}}\n  ingress: [{action: Accept, from: [{namespaces: {matchLabels: {team: a}}}]}]`,
      ) +
      cnp(
        "b-deny",
        "Admin",
        5,
        `  subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}}\n  ingress: [{action: Deny, from: [{namespaces: {}}]}]`,
      );
    const out = lintClusterPolicies(compilePolicy(makeState(parseYAML(PODS + yaml))));
    expect(out.map((d) => `${d.code} ${d.name} ${d.field}`)).toEqual([
      "ClusterSamePriorityOverlap b-deny spec.priority",
    ]);
    expect(out[0]!.message).toContain("michi evaluates ClusterNetworkPolicy/a-allow first");
  });

  it("Baseline rules no traffic reaches", () => {
    const np = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np, namespace: a}
spec: {podSelector: {}, policyTypes: [Ingress]}
`;
    const admin = cnp(
      "admin",
      "Admin",
      1,
      `  subject: {namespaces: {}}\n  egress: [{action: Deny, to: [{networks: ["0.0.0.0/0"]}]}]`,
    );
    const yaml =
      np +
      admin +
      cnp(
        "base",
        "Baseline",
        1,
        `  subject: {namespaces: {matchLabels: {team: a}}}
  ingress: [{action: Deny, from: [{namespaces: {}}]}]`,
      ) +
      cnp(
        "base-egress",
        "Baseline",
        2,
        `  subject: {namespaces: {}}\n  egress: [{action: Accept, to: [{networks: ["10.0.0.0/8"]}]}]`,
      );
    expect(lint(yaml)).toEqual([
      "BaselineRuleUnreached base spec.ingress[0]",
      "BaselineRuleUnreached base-egress spec.egress[0]",
    ]);
  });

  it("says nothing about a sound policy set", () => {
    const yaml =
      cnp(
        "protect",
        "Admin",
        1,
        `  subject: {namespaces: {matchLabels: {team: a}}}\n  ingress: [{action: Accept, from: [{namespaces: {}}], protocols: [{destinationNamedPort: http}]}, {action: Deny, from: [{namespaces: {}}]}]`,
      ) +
      cnp(
        "baseline",
        "Baseline",
        1,
        `  subject: {namespaces: {}}\n  egress: [{action: Deny, to: [{networks: ["192.0.2.0/24"]}]}]`,
      );
    expect(lint(yaml)).toEqual([]);
  });
});
