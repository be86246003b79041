/**
 * The tiered engine, one table per rule of the ClusterNetworkPolicy
 * semantics: each case is a set of policies on a fixed little cluster and an
 * explicit table of connections with the expected verdict and the tier and
 * rule that decided each side (`e=` egress, `i=` ingress).
 */
import { describe, expect, it } from "vitest";
import type { Protocol } from "../api/types.js";
import { compilePolicy, type EngineOptions } from "./engine.js";
import { makeState, parseYAML } from "./testing.js";
import type { SideVerdict, Verdict } from "./verdict.js";

// Namespaces a (team=a) and b (team=b); node-1 runs a/web, a/h (hostNetwork); node-2 the rest.
const CLUSTER = `
apiVersion: v1
kind: Namespace
metadata: {name: a, labels: {team: a}}
---
apiVersion: v1
kind: Namespace
metadata: {name: b, labels: {team: b}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: a, labels: {app: web}}
spec:
  nodeName: node-1
  containers:
    - name: c
      ports:
        - {name: http, containerPort: 80}
        - {name: dns, containerPort: 53, protocol: UDP}
        - {containerPort: 9003, protocol: SCTP}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: a, labels: {app: client}}
spec: {nodeName: node-2, containers: [{name: c}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: b, labels: {app: client}}
spec: {nodeName: node-2, containers: [{name: c}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: b, labels: {app: db}}
spec: {nodeName: node-2, containers: [{name: c, ports: [{name: pg, containerPort: 5432}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: h, namespace: a, labels: {app: web}}
spec: {nodeName: node-1, hostNetwork: true, containers: [{name: c, ports: [{containerPort: 80}]}]}
`;

const cnp = (name: string, tier: string, priority: number, spec: string) => `
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: ${name}}
spec:
  tier: ${tier}
  priority: ${priority}
${spec}`;

const np = (ns: string, name: string, spec: string) => `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: ${ns}}
spec:
${spec}`;

function sideText(s: SideVerdict): string {
  let t: string;
  if (s.clusterRule)
    t = `${s.tier}:${s.clusterRule.policy.replace(/^ClusterNetworkPolicy\//, "")}[${s.clusterRule.rule}]${s.clusterRule.action}`;
  else if (s.tier) t = `${s.tier}:${s.reason}`;
  else t = s.reason;
  for (const p of s.passes ?? []) t += ` pass:${p.policy.replace(/^ClusterNetworkPolicy\//, "")}[${p.rule}]`;
  return t;
}

function row(v: Verdict): string {
  return `${v.allowed ? "allow" : "DENY"} e=${sideText(v.egress)} i=${sideText(v.ingress)}`;
}

type Conn = [from: string, to: string, port: number, protocol?: Protocol];

function table(policies: string, conns: Conn[], opts: EngineOptions = {}): string[] {
  const engine = compilePolicy(makeState(parseYAML(CLUSTER + policies)), opts);
  const peer = (t: string) => {
    if (/^\d/.test(t)) return { kind: "ip" as const, ip: t };
    const [ns, name] = t.split("/");
    return { kind: "pod" as const, pod: engine.state.index.pod(ns!, name!)! };
  };
  return conns.map(
    ([f, t, port, protocol = "TCP"]) =>
      `${f} -> ${t} ${protocol}/${port}: ${row(engine.decide({ src: peer(f), dst: peer(t), port, protocol }))}`,
  );
}

describe("tiers: Admin, then NetworkPolicy, then Baseline, then allow", () => {
  const denyB = cnp(
    "deny-b",
    "Admin",
    10,
    `  subject: {namespaces: {matchLabels: {team: a}}}
  ingress: [{action: Deny, from: [{namespaces: {matchLabels: {team: b}}}]}]`,
  );
  const npAllowAll = np("a", "allow-all", "  podSelector: {}\n  ingress: [{}]");
  const npDenyAll = np("a", "deny-all", "  podSelector: {}\n  policyTypes: [Ingress]");

  it("an Admin Deny cannot be overridden by a NetworkPolicy allow", () => {
    expect(
      table(denyB + npAllowAll, [
        ["b/client", "a/web", 80],
        ["a/client", "a/web", 80],
      ]),
    ).toEqual([
      "b/client -> a/web TCP/80: DENY e=default:not-isolated i=Admin:deny-b[0]Deny",
      "a/client -> a/web TCP/80: allow e=default:not-isolated i=NetworkPolicy:rule",
    ]);
  });

  it("an Admin Accept is final for its direction: a NetworkPolicy deny does not apply", () => {
    const accept = cnp(
      "accept-b",
      "Admin",
      10,
      `  subject: {namespaces: {matchLabels: {team: a}}}
  ingress: [{action: Accept, from: [{namespaces: {matchLabels: {team: b}}}]}]`,
    );
    expect(
      table(accept + npDenyAll, [
        ["b/client", "a/web", 80],
        ["a/client", "a/web", 80],
      ]),
    ).toEqual([
      "b/client -> a/web TCP/80: allow e=default:not-isolated i=Admin:accept-b[0]Accept",
      "a/client -> a/web TCP/80: DENY e=default:not-isolated i=NetworkPolicy:no-rule-matched",
    ]);
  });

  it("an egress Accept is still subject to the destination's ingress", () => {
    const egressAccept = cnp(
      "egress-accept",
      "Admin",
      10,
      `  subject: {namespaces: {matchLabels: {team: b}}}
  egress: [{action: Accept, to: [{namespaces: {}}]}]`,
    );
    expect(
      table(egressAccept + npDenyAll, [
        ["b/client", "a/web", 80],
        ["b/client", "b/db", 5432],
      ]),
    ).toEqual([
      "b/client -> a/web TCP/80: DENY e=Admin:egress-accept[0]Accept i=NetworkPolicy:no-rule-matched",
      "b/client -> b/db TCP/5432: allow e=Admin:egress-accept[0]Accept i=default:not-isolated",
    ]);
  });

  it("Pass skips the rest of the Admin tier and hands over to NetworkPolicy", () => {
    const pass = cnp(
      "pass-b",
      "Admin",
      5,
      `  subject: {namespaces: {matchLabels: {team: a}}}
  ingress: [{action: Pass, from: [{namespaces: {matchLabels: {team: b}}}]}]`,
    );
    expect(table(pass + denyB + npAllowAll, [["b/client", "a/web", 80]])).toEqual([
      "b/client -> a/web TCP/80: allow e=default:not-isolated i=NetworkPolicy:rule pass:pass-b[0]",
    ]);
    expect(table(pass + denyB + npDenyAll, [["b/client", "a/web", 80]])).toEqual([
      "b/client -> a/web TCP/80: DENY e=default:not-isolated i=NetworkPolicy:no-rule-matched pass:pass-b[0]",
    ]);
  });

  it("after an Admin Pass and no NetworkPolicy, the Baseline tier decides", () => {
    const pass = cnp(
      "pass-b",
      "Admin",
      5,
      `  subject: {namespaces: {matchLabels: {team: a}}}
  ingress: [{action: Pass, from: [{namespaces: {matchLabels: {team: b}}}]}]`,
    );
    const baseDeny = cnp(
      "base",
      "Baseline",
      10,
      `  subject: {namespaces: {}}\n  ingress: [{action: Deny, from: [{namespaces: {}}]}]`,
    );
    expect(
      table(pass + baseDeny, [
        ["b/client", "a/web", 80],
        ["b/client", "b/db", 5432],
      ]),
    ).toEqual([
      "b/client -> a/web TCP/80: DENY e=default:not-isolated i=Baseline:base[0]Deny pass:pass-b[0]",
      "b/client -> b/db TCP/5432: DENY e=default:not-isolated i=Baseline:base[0]Deny",
    ]);
  });

  it("NetworkPolicy is final for the pods it isolates: the Baseline tier is not consulted", () => {
    const baseAccept = cnp(
      "base-accept",
      "Baseline",
      1,
      `  subject: {namespaces: {}}\n  ingress: [{action: Accept, from: [{namespaces: {}}]}]`,
    );
    const baseDeny = cnp(
      "base-deny",
      "Baseline",
      1,
      `  subject: {namespaces: {}}\n  ingress: [{action: Deny, from: [{namespaces: {}}]}]`,
    );
    expect(
      table(baseAccept + npDenyAll, [
        ["b/client", "a/web", 80],
        ["a/client", "b/db", 5432],
      ]),
    ).toEqual([
      "b/client -> a/web TCP/80: DENY e=default:not-isolated i=NetworkPolicy:no-rule-matched",
      "a/client -> b/db TCP/5432: allow e=default:not-isolated i=Baseline:base-accept[0]Accept",
    ]);
    expect(
      table(baseDeny + npAllowAll, [
        ["b/client", "a/web", 80],
        ["a/client", "b/db", 5432],
      ]),
    ).toEqual([
      "b/client -> a/web TCP/80: allow e=default:not-isolated i=NetworkPolicy:rule",
      "a/client -> b/db TCP/5432: DENY e=default:not-isolated i=Baseline:base-deny[0]Deny",
    ]);
  });

  it("a Baseline Pass leaves the connection to the default, which allows", () => {
    const base = cnp(
      "base",
      "Baseline",
      1,
      `  subject: {namespaces: {}}
  ingress:
    - {action: Pass, from: [{namespaces: {matchLabels: {team: a}}}]}
    - {action: Deny, from: [{namespaces: {}}]}`,
    );
    expect(
      table(base, [
        ["a/client", "b/db", 5432],
        ["b/client", "b/db", 5432],
      ]),
    ).toEqual([
      "a/client -> b/db TCP/5432: allow e=default:not-isolated i=default:not-isolated pass:base[0]",
      "b/client -> b/db TCP/5432: DENY e=default:not-isolated i=Baseline:base[1]Deny",
    ]);
  });

  it("a policy without rules for a direction does not affect it", () => {
    const egressOnly = cnp(
      "egress-only",
      "Admin",
      1,
      `  subject: {namespaces: {}}\n  egress: [{action: Deny, to: [{namespaces: {matchLabels: {team: b}}}]}]`,
    );
    expect(
      table(egressOnly, [
        ["b/client", "a/web", 80],
        ["a/client", "b/db", 5432],
      ]),
    ).toEqual([
      "b/client -> a/web TCP/80: allow e=default:not-isolated i=default:not-isolated",
      "a/client -> b/db TCP/5432: DENY e=Admin:egress-only[0]Deny i=default:not-isolated",
    ]);
  });
});

describe("order: priority ascending, rules in order, same priority by name", () => {
  const two = (pa: number, pb: number) =>
    cnp(
      "a-accept",
      "Admin",
      pa,
      `  subject: {namespaces: {}}\n  ingress: [{action: Accept, from: [{namespaces: {}}]}]`,
    ) +
    cnp(
      "b-deny",
      "Admin",
      pb,
      `  subject: {namespaces: {}}\n  ingress: [{action: Deny, from: [{namespaces: {}}]}]`,
    );
  it.each<[number, number, string]>([
    [1, 2, "allow e=default:not-isolated i=Admin:a-accept[0]Accept"],
    [3, 2, "DENY e=default:not-isolated i=Admin:b-deny[0]Deny"],
    // Same priority: implementation-defined upstream; michi takes the name order (lint warns).
    [7, 7, "allow e=default:not-isolated i=Admin:a-accept[0]Accept"],
  ])("priorities %i and %i", (pa, pb, want) => {
    expect(table(two(pa, pb), [["b/client", "a/web", 80]])).toEqual([`b/client -> a/web TCP/80: ${want}`]);
  });

  it("the first matching rule of a policy decides", () => {
    const p = cnp(
      "ordered",
      "Admin",
      1,
      `  subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}}
  ingress:
    - {name: deny-80, action: Deny, from: [{namespaces: {}}], protocols: [{tcp: {destinationPort: {number: 80}}}]}
    - {name: accept-all, action: Accept, from: [{namespaces: {}}]}`,
    );
    const engine = compilePolicy(makeState(parseYAML(CLUSTER + p)));
    const pod = (ns: string, n: string) => ({ kind: "pod" as const, pod: engine.state.index.pod(ns, n)! });
    const v = engine.decide({ src: pod("b", "client"), dst: pod("a", "web"), port: 80, protocol: "TCP" });
    expect(v.ingress.clusterRule).toEqual({
      policy: "ClusterNetworkPolicy/ordered",
      kind: "ClusterNetworkPolicy",
      name: "ordered",
      tier: "Admin",
      priority: 1,
      direction: "ingress",
      rule: 0,
      ruleName: "deny-80",
      action: "Deny",
      peer: 0,
      protocol: 0,
    });
    expect(v.policies).toEqual(["ClusterNetworkPolicy/ordered"]);
    expect(table(p, [["b/client", "a/web", 81]])).toEqual([
      "b/client -> a/web TCP/81: allow e=default:not-isolated i=Admin:ordered[1]Accept",
    ]);
  });
});

describe("subjects and peers", () => {
  it("subject pods: namespace AND pod selector; hostNetwork pods are never subjects nor pod peers", () => {
    const p = cnp(
      "web-only",
      "Admin",
      1,
      `  subject: {pods: {namespaceSelector: {matchLabels: {team: a}}, podSelector: {matchLabels: {app: web}}}}
  ingress: [{action: Deny, from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: client}}}}]}]`,
    );
    expect(
      table(p, [
        ["b/client", "a/web", 80],
        ["b/client", "a/client", 80],
        ["b/db", "a/web", 80],
        ["b/client", "a/h", 80],
      ]),
    ).toEqual([
      "b/client -> a/web TCP/80: DENY e=default:not-isolated i=Admin:web-only[0]Deny",
      "b/client -> a/client TCP/80: allow e=default:not-isolated i=default:not-isolated",
      "b/db -> a/web TCP/80: allow e=default:not-isolated i=default:not-isolated",
      "b/client -> a/h TCP/80: allow e=default:not-isolated i=not-a-pod",
    ]);
  });

  it("ingress peers match pods only: an external source never matches", () => {
    const p = cnp(
      "deny-all-ns",
      "Admin",
      1,
      `  subject: {namespaces: {}}\n  ingress: [{action: Deny, from: [{namespaces: {}}]}]`,
    );
    expect(
      table(p, [
        ["203.0.113.9", "a/web", 80],
        ["a/h", "a/web", 80],
      ]),
    ).toEqual([
      "203.0.113.9 -> a/web TCP/80: allow e=not-a-pod i=default:not-isolated",
      // a/h is hostNetwork: node traffic from the pod's own node.
      "a/h -> a/web TCP/80: allow e=not-a-pod i=default:node",
    ]);
  });

  it("egress networks match pod and external addresses; nodes match node addresses by labels", () => {
    const p = cnp(
      "egress",
      "Admin",
      1,
      `  subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: client}}}}
  egress:
    - {action: Deny, to: [{networks: ["10.244.0.0/24", "198.51.100.0/24"]}]}
    - {action: Accept, to: [{nodes: {matchLabels: {role: none}}}]}
    - {action: Deny, to: [{nodes: {}}]}`,
    );
    expect(
      table(p, [
        ["a/client", "a/web", 80],
        ["a/client", "198.51.100.7", 443],
        ["a/client", "203.0.113.1", 443],
        ["a/client", "10.1.0.1", 10250],
        ["b/client", "b/db", 5432],
      ]),
    ).toEqual([
      // a/web is 10.244.0.2 (node-1's first pod).
      "a/client -> a/web TCP/80: DENY e=Admin:egress[0]Deny i=default:not-isolated",
      "a/client -> 198.51.100.7 TCP/443: DENY e=Admin:egress[0]Deny i=not-a-pod",
      "a/client -> 203.0.113.1 TCP/443: allow e=default:not-isolated i=not-a-pod",
      "a/client -> 10.1.0.1 TCP/10250: DENY e=Admin:egress[2]Deny i=not-a-pod",
      "b/client -> b/db TCP/5432: allow e=default:not-isolated i=default:not-isolated",
    ]);
  });

  it("domainNames match nothing without a resolver (fail closed) and the resolver's names with one", () => {
    const p = cnp(
      "dns-allowlist",
      "Admin",
      1,
      `  subject: {namespaces: {}}
  egress:
    - {action: Accept, to: [{domainNames: ["*.example.com", "api.test"]}]}
    - {action: Deny, to: [{networks: ["0.0.0.0/0"]}]}`,
    );
    const conns: Conn[] = [
      ["a/client", "198.51.100.7", 443],
      ["a/client", "198.51.100.8", 443],
      ["a/client", "198.51.100.9", 443],
    ];
    expect(table(p, conns)).toEqual([
      "a/client -> 198.51.100.7 TCP/443: DENY e=Admin:dns-allowlist[1]Deny i=not-a-pod",
      "a/client -> 198.51.100.8 TCP/443: DENY e=Admin:dns-allowlist[1]Deny i=not-a-pod",
      "a/client -> 198.51.100.9 TCP/443: DENY e=Admin:dns-allowlist[1]Deny i=not-a-pod",
    ]);
    const names: Record<string, string[]> = {
      "198.51.100.7": ["www.example.com"],
      "198.51.100.8": ["example.com"],
      "198.51.100.9": ["API.test."],
    };
    expect(table(p, conns, { resolveNames: (ip) => names[ip] ?? [] })).toEqual([
      "a/client -> 198.51.100.7 TCP/443: allow e=Admin:dns-allowlist[0]Accept i=not-a-pod",
      "a/client -> 198.51.100.8 TCP/443: DENY e=Admin:dns-allowlist[1]Deny i=not-a-pod",
      "a/client -> 198.51.100.9 TCP/443: allow e=Admin:dns-allowlist[0]Accept i=not-a-pod",
    ]);
  });

  it("a peer michi does not understand fails closed: Accept matches nothing, Deny and Pass deny everything", () => {
    const rule = (action: string) =>
      cnp(
        `unknown-${action.toLowerCase()}`,
        "Admin",
        1,
        `  subject: {namespaces: {matchLabels: {team: b}}}\n  ingress: [{action: ${action}, from: [{serviceAccounts: {}}]}]`,
      );
    const conns: Conn[] = [
      ["a/client", "b/db", 5432],
      ["203.0.113.9", "b/db", 5432],
    ];
    const npAllow = np("b", "allow", "  podSelector: {}\n  ingress: [{}]");
    expect(table(rule("Accept") + np("b", "deny", "  podSelector: {}"), conns)).toEqual([
      "a/client -> b/db TCP/5432: DENY e=default:not-isolated i=NetworkPolicy:no-rule-matched",
      "203.0.113.9 -> b/db TCP/5432: DENY e=not-a-pod i=NetworkPolicy:no-rule-matched",
    ]);
    expect(table(rule("Pass") + npAllow, conns)).toEqual([
      "a/client -> b/db TCP/5432: DENY e=default:not-isolated i=Admin:unknown-pass[0]Deny",
      "203.0.113.9 -> b/db TCP/5432: DENY e=not-a-pod i=Admin:unknown-pass[0]Deny",
    ]);
  });

  it("a pod reaching its own IP is not subject to ClusterNetworkPolicy (hairpin)", () => {
    const p = cnp(
      "deny-everything",
      "Admin",
      1,
      `  subject: {namespaces: {}}\n  ingress: [{action: Deny, from: [{namespaces: {}}]}]`,
    );
    expect(
      table(p, [
        ["a/web", "a/web", 80],
        ["a/web", "10.244.0.2", 80],
      ]),
    ).toEqual([
      "a/web -> a/web TCP/80: allow e=self i=self",
      "a/web -> 10.244.0.2 TCP/80: allow e=self i=self",
    ]);
  });
});

describe("protocols", () => {
  const p = cnp(
    "ports",
    "Admin",
    1,
    `  subject: {namespaces: {matchLabels: {team: a}}}
  ingress:
    - action: Deny
      from: [{namespaces: {}}]
      protocols:
        - {tcp: {destinationPort: {number: 8080}}}
        - {udp: {destinationPort: {range: {start: 50, end: 53}}}}
        - {sctp: {destinationPort: {number: 9003}}}
        - {destinationNamedPort: http}`,
  );
  it.each<[number, Protocol, string]>([
    [80, "TCP", "DENY"], // named port http = TCP/80 on a/web
    [8080, "TCP", "DENY"],
    [8081, "TCP", "allow"],
    [53, "UDP", "DENY"], // range end is inclusive
    [50, "UDP", "DENY"],
    [54, "UDP", "allow"],
    [53, "TCP", "allow"],
    [9003, "SCTP", "DENY"],
    [80, "UDP", "allow"], // the named port is TCP
  ])("%i/%s", (port, protocol, want) => {
    expect(table(p, [["b/client", "a/web", port, protocol]])[0]).toMatch(new RegExp(`: ${want} `));
  });
  it("a named port resolves on the destination pod only", () => {
    expect(table(p, [["b/client", "a/client", 80]])).toEqual([
      "b/client -> a/client TCP/80: allow e=default:not-isolated i=default:not-isolated",
    ]);
  });
});

describe("v1alpha1 AdminNetworkPolicy and BaselineAdminNetworkPolicy on the same engine", () => {
  const anp = `
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: legacy}
spec:
  priority: 5
  subject: {namespaces: {matchLabels: {team: a}}}
  ingress:
    - {action: Allow, from: [{namespaces: {matchLabels: {team: b}}}], ports: [{portNumber: {protocol: TCP, port: 80}}]}
    - {action: Pass, from: [{namespaces: {matchLabels: {team: b}}}], ports: [{namedPort: dns}]}
    - {action: Deny, from: [{namespaces: {}}], ports: [{portRange: {protocol: SCTP, start: 9000, end: 9010}}]}
`;
  const banp = `
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {namespaces: {}}
  ingress: [{action: Deny, from: [{namespaces: {}}]}]
`;
  it("Allow reads Accept, ports read protocols, the BANP comes after every Baseline CNP", () => {
    const baseCnp = cnp(
      "base-accept-a",
      "Baseline",
      1000,
      `  subject: {namespaces: {}}\n  ingress: [{action: Accept, from: [{namespaces: {matchLabels: {team: a}}}]}]`,
    );
    const rows = table(anp + banp + baseCnp, [
      ["b/client", "a/web", 80],
      ["b/client", "a/web", 53, "UDP"],
      ["b/client", "a/web", 9003, "SCTP"],
      ["a/client", "b/db", 5432],
      ["b/client", "b/db", 5432],
    ]).map((r) => r.replaceAll("AdminNetworkPolicy/", "ANP/"));
    expect(rows).toEqual([
      "b/client -> a/web TCP/80: allow e=default:not-isolated i=Admin:ANP/legacy[0]Accept",
      "b/client -> a/web UDP/53: DENY e=default:not-isolated i=Baseline:BaselineANP/default[0]Deny pass:ANP/legacy[1]",
      "b/client -> a/web SCTP/9003: DENY e=default:not-isolated i=Admin:ANP/legacy[2]Deny",
      "a/client -> b/db TCP/5432: allow e=default:not-isolated i=Baseline:base-accept-a[0]Accept",
      "b/client -> b/db TCP/5432: DENY e=default:not-isolated i=Baseline:BaselineANP/default[0]Deny",
    ]);
  });
});
