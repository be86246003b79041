/**
 * The upstream e2e NetworkPolicy suite (kubernetes test/e2e/network/netpol/
 * network_policy.go), case by case, on its model: namespaces x/y/z, pods
 * a/b/c, ports 80/81 over TCP/UDP/SCTP. Each case states its policies as
 * manifests and its expected truth table the way upstream does; the full
 * 9x9 grid is compared so a failure shows the whole table.
 */
import { describe, expect, it } from "vitest";
import type { KubeObject, NetworkPolicy, Protocol } from "../../src/api/types.js";
import { defaultConfig } from "../../src/cluster/config.js";
import type { ClusterState } from "../../src/cluster/state.js";
import { compilePolicy } from "../../src/policy/engine.js";
import { snapshotOf } from "../../src/snapshot/snapshot.js";
import { E2E_MODEL_YAML, E2E_PODS, makeState, parseYAML } from "./fixture.js";
import { actualGrid, podOf, Reachability } from "./reachability.js";

const P = E2E_PODS;
const all = (v = true) => new Reachability(P, v);

interface Step {
  /** Policies applied in this step (a policy with an existing name replaces it). */
  apply?: string;
  /** Replace the whole model (for label updates). */
  model?: string;
  checks: { port: number; protocol: Protocol; want: Reachability }[];
}

interface Case {
  desc: string;
  steps: Step[];
}

// Upstream's SetSpecIngressRules/SetSpecEgressRules also set policyTypes, so
// egress-only cases below say `policyTypes: [Egress]` explicitly.
const np = (name: string, ns: string, spec: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n${spec}\n---\n`;

const tcp = (port: number, want: Reachability) => ({ port, protocol: "TCP" as const, want });

const cases: Case[] = [
  {
    desc: "should support a 'default-deny-ingress' policy",
    steps: [
      {
        apply: np("deny-ingress", "x", "  podSelector: {}\n  ingress: []"),
        checks: [tcp(80, all().expectPeer({}, { ns: "x" }, false))],
      },
    ],
  },
  {
    desc: "should support a 'default-deny-all' policy",
    steps: [
      {
        apply: np("deny-all", "x", "  podSelector: {}\n  policyTypes: [Ingress, Egress]"),
        checks: [tcp(80, all().expectPeer({}, { ns: "x" }, false).expectPeer({ ns: "x" }, {}, false))],
      },
    ],
  },
  {
    desc: "should enforce policy to allow traffic from pods within server namespace based on PodSelector",
    steps: [
      {
        apply: np(
          "x-a-allows-x-b",
          "x",
          "  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - podSelector:\n            matchLabels: {pod: b}",
        ),
        checks: [tcp(80, all().expectAllIngress("x/a", false).expect("x/b", "x/a", true))],
      },
    ],
  },
  {
    desc: "should enforce policy to allow ingress traffic for a target",
    steps: [
      {
        apply:
          np("deny-all", "x", "  podSelector: {}\n  ingress: []") +
          np(
            "allow-all-to-a",
            "x",
            "  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - podSelector: {}\n          namespaceSelector: {}",
          ),
        checks: [
          tcp(
            80,
            all().expectAllIngress("x/a", true).expectAllIngress("x/b", false).expectAllIngress("x/c", false),
          ),
        ],
      },
    ],
  },
  {
    desc: "should enforce policy to allow ingress traffic from pods in all namespaces",
    steps: [
      {
        apply: np(
          "allow-from-another-ns",
          "x",
          "  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels: {}",
        ),
        checks: [tcp(80, all())],
      },
    ],
  },
  {
    desc: "should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector",
    steps: [
      {
        apply: np(
          "allow-client-a-via-ns-selector",
          "x",
          '  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels: {kubernetes.io/metadata.name: "y"}',
        ),
        checks: [
          tcp(
            80,
            all()
              .expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false)
              .expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, false),
          ),
        ],
      },
    ],
  },
  {
    desc: "should enforce policy based on PodSelector with MatchExpressions",
    steps: [
      {
        apply: np(
          "x-a-allows-x-b",
          "x",
          "  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - podSelector:\n            matchExpressions:\n              - {key: pod, operator: In, values: [b]}",
        ),
        checks: [tcp(80, all().expectAllIngress("x/a", false).expect("x/b", "x/a", true))],
      },
    ],
  },
  {
    desc: "should enforce policy based on NamespaceSelector with MatchExpressions",
    steps: [
      {
        apply: np(
          "allow-ns-y-match-selector",
          "x",
          '  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchExpressions:\n              - {key: kubernetes.io/metadata.name, operator: In, values: ["y"]}',
        ),
        checks: [
          tcp(
            80,
            all()
              .expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false)
              .expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, false),
          ),
        ],
      },
    ],
  },
  {
    desc: "should enforce policy based on PodSelector or NamespaceSelector",
    steps: [
      {
        apply: np(
          "allow-ns-y-match-selector",
          "x",
          "  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchExpressions:\n              - {key: kubernetes.io/metadata.name, operator: NotIn, values: [x]}\n        - podSelector:\n            matchLabels: {pod: b}",
        ),
        checks: [tcp(80, all().expect("x/a", "x/a", false).expect("x/c", "x/a", false))],
      },
    ],
  },
  {
    desc: "should enforce policy based on PodSelector and NamespaceSelector",
    steps: [
      {
        apply: np(
          "allow-ns-y-podselector-and-nsselector",
          "x",
          "  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchExpressions:\n              - {key: kubernetes.io/metadata.name, operator: NotIn, values: [x]}\n          podSelector:\n            matchLabels: {pod: b}",
        ),
        checks: [
          tcp(80, all().expectAllIngress("x/a", false).expect("y/b", "x/a", true).expect("z/b", "x/a", true)),
        ],
      },
    ],
  },
  {
    desc: "should enforce policy based on Multiple PodSelectors and NamespaceSelectors",
    steps: [
      {
        apply: np(
          "allow-ns-y-z-pod-b-c",
          "x",
          "  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchExpressions:\n              - {key: kubernetes.io/metadata.name, operator: NotIn, values: [x]}\n          podSelector:\n            matchExpressions:\n              - {key: pod, operator: In, values: [b, c]}",
        ),
        checks: [
          tcp(
            80,
            all()
              .expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false)
              .expect("y/a", "x/a", false)
              .expect("z/a", "x/a", false),
          ),
        ],
      },
    ],
  },
  {
    desc: "should enforce policy based on any PodSelectors",
    steps: [
      {
        apply: np(
          "allow-ns-x-pod-b-c",
          "x",
          "  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - podSelector:\n            matchLabels: {pod: b}\n        - podSelector:\n            matchLabels: {pod: c}",
        ),
        checks: [
          tcp(80, all().expectAllIngress("x/a", false).expect("x/b", "x/a", true).expect("x/c", "x/a", true)),
        ],
      },
    ],
  },
  {
    desc: "should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector",
    steps: [
      {
        apply: np(
          "allow-ns-y-pod-a-via-namespace-pod-selector",
          "x",
          '  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels: {kubernetes.io/metadata.name: "y"}\n          podSelector:\n            matchLabels: {pod: a}',
        ),
        checks: [tcp(80, all().expectAllIngress("x/a", false).expect("y/a", "x/a", true))],
      },
    ],
  },
  {
    desc: "should enforce policy based on Ports",
    steps: [
      {
        apply: np(
          "allow-client-a-via-ns-selector",
          "x",
          '  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels: {kubernetes.io/metadata.name: "y"}\n      ports:\n        - port: 81\n          protocol: TCP',
        ),
        checks: [
          tcp(
            81,
            all()
              .expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false)
              .expectPeer({ ns: "y" }, { ns: "x", pod: "a" }, true)
              .expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, false),
          ),
          tcp(80, all().expectAllIngress("x/a", false)),
        ],
      },
    ],
  },
  {
    desc: "should enforce multiple, stacked policies with overlapping podSelectors",
    steps: [
      {
        apply: np(
          "allow-client-a-via-ns-selector",
          "x",
          '  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels: {kubernetes.io/metadata.name: "y"}\n      ports:\n        - port: 81\n          protocol: TCP',
        ),
        checks: [
          tcp(
            81,
            all()
              .expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false)
              .expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, false),
          ),
          tcp(80, all().expectAllIngress("x/a", false)),
        ],
      },
      {
        apply: np(
          "allow-client-a-via-ns-selector-80",
          "x",
          '  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels: {kubernetes.io/metadata.name: "y"}\n      ports:\n        - port: 80\n          protocol: TCP',
        ),
        checks: [
          tcp(
            80,
            all()
              .expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false)
              .expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, false),
          ),
        ],
      },
    ],
  },
  {
    desc: "should support allow-all policy",
    steps: [
      {
        apply: np("allow-all", "x", "  podSelector: {}\n  ingress:\n    - {}"),
        checks: [tcp(80, all()), tcp(81, all())],
      },
    ],
  },
  {
    desc: "should allow ingress access on one named port",
    steps: [
      {
        apply: np(
          "allow-all",
          "x",
          "  podSelector: {}\n  ingress:\n    - ports:\n        - port: serve-81-tcp",
        ),
        checks: [tcp(81, all()), tcp(80, all().expectPeer({}, { ns: "x" }, false))],
      },
    ],
  },
  {
    desc: "should allow ingress access from namespace on one named port",
    steps: [
      {
        apply: np(
          "allow-client-a-via-ns-selector-80",
          "x",
          '  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels: {kubernetes.io/metadata.name: "y"}\n      ports:\n        - port: serve-80-tcp\n          protocol: TCP',
        ),
        checks: [
          tcp(
            80,
            all()
              .expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false)
              .expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, false),
          ),
          tcp(81, all().expectAllIngress("x/a", false)),
        ],
      },
    ],
  },
  {
    desc: "should allow egress access on one named port",
    steps: [
      {
        apply: np(
          "allow-egress",
          "x",
          "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n    - ports:\n        - port: serve-80-tcp",
        ),
        checks: [tcp(80, all()), tcp(81, all().expectPeer({ ns: "x" }, {}, false))],
      },
    ],
  },
  {
    desc: "should enforce updated policy (allow-all mutated to deny-all)",
    steps: [
      {
        apply: np("allow-all-mutate-to-deny-all", "x", "  podSelector: {}\n  ingress:\n    - {}"),
        checks: [tcp(81, all())],
      },
      {
        apply: np("allow-all-mutate-to-deny-all", "x", "  podSelector: {}\n  ingress: []"),
        checks: [tcp(81, all().expectPeer({}, { ns: "x" }, false))],
      },
    ],
  },
  {
    desc: "should allow ingress access from updated namespace",
    steps: [
      {
        apply: np(
          "allow-client-a-via-ns-selector",
          "x",
          "  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels: {ns2: updated}",
        ),
        checks: [tcp(80, all().expectAllIngress("x/a", false))],
      },
      {
        model: E2E_MODEL_YAML.replace('  name: "y"\n', '  name: "y"\n  labels:\n    ns2: updated\n'),
        checks: [tcp(80, all().expectAllIngress("x/a", false).expectPeer({ ns: "y" }, {}, true))],
      },
    ],
  },
  {
    desc: "should allow ingress access from updated pod",
    steps: [
      {
        apply: np(
          "allow-client-a-via-pod-selector",
          "x",
          "  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - podSelector:\n            matchLabels: {pod: b, pod2: updated}",
        ),
        checks: [tcp(80, all().expectAllIngress("x/a", false))],
      },
      {
        model: E2E_MODEL_YAML.replace(
          "  name: b\n  namespace: x\n  labels:\n",
          "  name: b\n  namespace: x\n  labels:\n    pod2: updated\n",
        ),
        checks: [tcp(80, all().expectAllIngress("x/a", false).expect("x/b", "x/a", true))],
      },
    ],
  },
  {
    desc: "should deny ingress from pods on other namespaces",
    steps: [
      {
        apply: np(
          "deny-empty-policy",
          "x",
          "  podSelector: {}\n  ingress:\n    - from:\n        - podSelector:\n            matchLabels: {}",
        ),
        checks: [
          tcp(
            80,
            all().expectPeer({ ns: "y" }, { ns: "x" }, false).expectPeer({ ns: "z" }, { ns: "x" }, false),
          ),
        ],
      },
    ],
  },
  {
    desc: "should deny ingress access to updated pod",
    steps: [
      {
        apply: np(
          "deny-ingress-via-label-selector",
          "x",
          "  podSelector:\n    matchLabels: {target: isolated}\n  ingress: []",
        ),
        checks: [tcp(80, all())],
      },
      {
        model: E2E_MODEL_YAML.replace(
          "  name: a\n  namespace: x\n  labels:\n",
          "  name: a\n  namespace: x\n  labels:\n    target: isolated\n",
        ),
        checks: [tcp(80, all().expectAllIngress("x/a", false))],
      },
    ],
  },
  {
    desc: "should deny egress from pods based on PodSelector",
    steps: [
      {
        apply: np(
          "deny-egress-pod-a",
          "x",
          "  podSelector:\n    matchLabels: {pod: a}\n  policyTypes: [Egress]",
        ),
        checks: [tcp(80, all().expectAllEgress("x/a", false))],
      },
    ],
  },
  {
    desc: "should deny egress from all pods in a namespace",
    steps: [
      {
        apply: np("deny-egress-ns-x", "x", "  podSelector: {}\n  policyTypes: [Egress]"),
        checks: [tcp(80, all().expectPeer({ ns: "x" }, {}, false))],
      },
    ],
  },
  {
    desc: "should work with Ingress, Egress specified together",
    steps: [
      {
        apply: np(
          "allow-client-a-via-pod-selector",
          "x",
          "  podSelector:\n    matchLabels: {pod: a}\n  policyTypes: [Egress, Ingress]\n  ingress:\n    - from:\n        - podSelector:\n            matchLabels: {pod: b}\n  egress:\n    - ports:\n        - port: 80",
        ),
        checks: [
          tcp(80, all().expectAllIngress("x/a", false).expect("x/b", "x/a", true)),
          tcp(
            81,
            all().expectAllIngress("x/a", false).expectAllEgress("x/a", false).expect("x/b", "x/a", true),
          ),
        ],
      },
    ],
  },
  {
    desc: "should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)",
    steps: [
      {
        apply:
          np(
            "allow-to-ns-y-pod-a",
            "x",
            '  podSelector:\n    matchLabels: {pod: a}\n  policyTypes: [Egress]\n  egress:\n    - to:\n        - namespaceSelector:\n            matchLabels: {kubernetes.io/metadata.name: "y"}\n          podSelector:\n            matchLabels: {pod: a}',
          ) +
          np(
            "allow-from-xa-on-ya-match-selector",
            "y",
            "  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels: {kubernetes.io/metadata.name: x}\n          podSelector:\n            matchLabels: {pod: a}",
          ) +
          np(
            "allow-from-xa-on-yb-match-selector",
            "y",
            "  podSelector:\n    matchLabels: {pod: b}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels: {kubernetes.io/metadata.name: x}\n          podSelector:\n            matchLabels: {pod: a}",
          ),
        checks: [
          tcp(
            80,
            all()
              .expectPeer({ ns: "x", pod: "a" }, {}, false)
              .expectPeer({}, { ns: "y", pod: "a" }, false)
              .expectPeer({ ns: "x", pod: "a" }, { ns: "y", pod: "a" }, true)
              .expectPeer({}, { ns: "y", pod: "b" }, false),
          ),
        ],
      },
    ],
  },
  {
    desc: "should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector",
    steps: [
      {
        apply: np(
          "allow-to-ns-y-pod-a",
          "x",
          '  podSelector:\n    matchLabels: {pod: a}\n  policyTypes: [Egress]\n  egress:\n    - to:\n        - namespaceSelector:\n            matchLabels: {kubernetes.io/metadata.name: "y"}\n          podSelector:\n            matchLabels: {pod: a}',
        ),
        checks: [tcp(80, all().expectAllEgress("x/a", false).expect("x/a", "y/a", true))],
      },
    ],
  },
  {
    desc: "should enforce ingress policy allowing any port traffic to a server on a specific protocol",
    steps: [
      {
        apply: np(
          "allow-ingress-by-proto",
          "x",
          "  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - ports:\n        - protocol: TCP",
        ),
        checks: [
          tcp(80, all()),
          { port: 80, protocol: "UDP", want: all().expectPeer({}, { ns: "x", pod: "a" }, false) },
        ],
      },
    ],
  },
  {
    desc: "should enforce multiple ingress policies with ingress allow-all policy taking precedence",
    steps: [
      {
        apply: np(
          "allow-ingress-port-80",
          "x",
          "  podSelector: {}\n  ingress:\n    - ports:\n        - port: 80",
        ),
        checks: [tcp(81, all().expectPeer({}, { ns: "x" }, false))],
      },
      {
        apply: np("allow-ingress", "x", "  podSelector: {}\n  ingress:\n    - {}"),
        checks: [tcp(81, all())],
      },
    ],
  },
  {
    desc: "should enforce multiple egress policies with egress allow-all policy taking precedence",
    steps: [
      {
        apply: np(
          "allow-egress-port-80",
          "x",
          "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n    - ports:\n        - port: 80",
        ),
        checks: [tcp(81, all().expectPeer({ ns: "x" }, {}, false))],
      },
      {
        apply: np("allow-egress", "x", "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n    - {}"),
        checks: [tcp(81, all())],
      },
    ],
  },
  {
    desc: "should enforce policies to check ingress and egress policies can be controlled independently based on PodSelector",
    steps: [
      {
        apply: np(
          "allow-egress-for-target",
          "x",
          "  podSelector:\n    matchLabels: {pod: a}\n  policyTypes: [Egress]\n  egress:\n    - {}",
        ),
        checks: [tcp(80, all())],
      },
      {
        apply: np(
          "deny-ingress-via-label-selector",
          "x",
          "  podSelector:\n    matchLabels: {pod: a}\n  ingress: []",
        ),
        checks: [tcp(80, all().expectAllIngress("x/a", false))],
      },
    ],
  },
  {
    desc: "should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP', even if the plugin doesn't support SCTP",
    steps: [
      {
        apply:
          np("deny-ingress", "x", "  podSelector: {}\n  ingress: []") +
          np(
            "allow-only-sctp-ingress-on-port-81",
            "x",
            "  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - ports:\n        - port: 81\n          protocol: SCTP",
          ),
        checks: [
          tcp(81, all().expectPeer({}, { ns: "x" }, false)),
          {
            port: 81,
            protocol: "SCTP",
            want: all().expectPeer({}, { ns: "x" }, false).expectAllIngress("x/a", true),
          },
        ],
      },
    ],
  },
  {
    desc: "should properly isolate pods that are selected by a policy allowing SCTP, even if the plugin doesn't support SCTP",
    steps: [
      {
        apply: np(
          "allow-only-sctp-ingress-on-port-80",
          "x",
          "  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - ports:\n        - port: 80\n          protocol: SCTP",
        ),
        checks: [tcp(81, all().expectAllIngress("x/a", false))],
      },
    ],
  },
  {
    desc: "should not allow access by TCP when a policy specifies only UDP",
    steps: [
      {
        apply: np(
          "allow-only-udp-ingress-on-port-81",
          "x",
          "  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - ports:\n        - port: 81\n          protocol: UDP",
        ),
        checks: [tcp(81, all().expectAllIngress("x/a", false)), { port: 81, protocol: "UDP", want: all() }],
      },
    ],
  },
  {
    desc: "should enforce policy based on NamespaceSelector with MatchExpressions using default ns label (egress)",
    steps: [
      {
        apply: np(
          "allow-ns-y-match-selector-for-immutable-ns-label",
          "x",
          '  podSelector:\n    matchLabels: {pod: a}\n  policyTypes: [Egress]\n  egress:\n    - to:\n        - namespaceSelector:\n            matchExpressions:\n              - {key: kubernetes.io/metadata.name, operator: NotIn, values: ["y"]}',
        ),
        checks: [tcp(80, all().expectPeer({ ns: "x", pod: "a" }, { ns: "y" }, false))],
      },
    ],
  },
  {
    desc: "UDP: should support a 'default-deny-ingress' policy",
    steps: [
      {
        apply: np("deny-all", "x", "  podSelector: {}\n  ingress: []"),
        checks: [{ port: 80, protocol: "UDP", want: all().expectPeer({}, { ns: "x" }, false) }],
      },
    ],
  },
  {
    desc: "SCTP: should support a 'default-deny-ingress' policy",
    steps: [
      {
        apply: np("deny-all", "x", "  podSelector: {}\n  ingress: []"),
        checks: [{ port: 80, protocol: "SCTP", want: all().expectPeer({}, { ns: "x" }, false) }],
      },
    ],
  },
  {
    desc: "UDP/SCTP: should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector",
    steps: [
      {
        apply: np(
          "allow-ns-y-pod-a-via-namespace-pod-selector",
          "x",
          '  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels: {kubernetes.io/metadata.name: "y"}\n          podSelector:\n            matchLabels: {pod: a}',
        ),
        checks: [
          {
            port: 80,
            protocol: "UDP",
            want: all().expectAllIngress("x/a", false).expect("y/a", "x/a", true),
          },
          {
            port: 80,
            protocol: "SCTP",
            want: all().expectAllIngress("x/a", false).expect("y/a", "x/a", true),
          },
        ],
      },
    ],
  },
  {
    desc: "should enforce policy to allow traffic based on NamespaceSelector with MatchLabels using default ns label",
    steps: [
      {
        apply: np(
          "allow-client-a-via-ns-selector-for-immutable-ns-label",
          "x",
          '  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels: {kubernetes.io/metadata.name: "y"}',
        ),
        checks: [
          tcp(
            80,
            all()
              .expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false)
              .expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, false),
          ),
        ],
      },
    ],
  },
  {
    desc: "UDP/SCTP: should enforce policy based on Ports",
    steps: [
      {
        apply: np(
          "allow-ingress-on-port-81-ns-x",
          "x",
          '  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels: {kubernetes.io/metadata.name: "y"}\n      ports:\n        - port: 81\n          protocol: UDP\n        - port: 81\n          protocol: SCTP',
        ),
        checks: [
          {
            port: 81,
            protocol: "UDP",
            want: all()
              .expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false)
              .expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, false),
          },
          {
            port: 81,
            protocol: "SCTP",
            want: all()
              .expectPeer({ ns: "x" }, { ns: "x", pod: "a" }, false)
              .expectPeer({ ns: "z" }, { ns: "x", pod: "a" }, false),
          },
          tcp(81, all().expectAllIngress("x/a", false)),
        ],
      },
    ],
  },
];

type Builder = (objects: KubeObject[]) => ClusterState;

// Every case runs twice: on the hand-built fixture and through validation and
// the real controllers (snapshotOf), which assign their own pod IPs and nodes.
const builders: [string, Builder][] = [
  ["fixture", (o) => makeState(o)],
  ["controllers", (o) => snapshotOf(o, [], defaultConfig).state],
];

function run(c: Case, build: Builder) {
  let model = E2E_MODEL_YAML;
  let policies: KubeObject[] = [];
  for (const step of c.steps) {
    if (step.model) model = step.model;
    if (step.apply) policies = [...policies, ...parseYAML(step.apply)];
    const engine = compilePolicy(build([...parseYAML(model), ...policies]));
    for (const chk of step.checks) {
      expect(actualGrid(engine, P, chk.port, chk.protocol), `${chk.protocol}/${chk.port}`).toBe(
        chk.want.grid(),
      );
    }
  }
}

describe.each(builders)("upstream e2e netpol cases (%s)", (_, build) => {
  it.each(cases)("$desc", (c) => run(c, build));

  it("renders an explicit truth table (default-deny-ingress in x, TCP/80)", () => {
    const engine = compilePolicy(
      makeState([...parseYAML(E2E_MODEL_YAML), ...parseYAML(cases[0]!.steps[0]!.apply!)]),
    );
    expect(actualGrid(engine, P, 80, "TCP")).toBe(
      [
        "    x/a x/b x/c y/a y/b y/c z/a z/b z/c",
        "x/a .   X   X   .   .   .   .   .   .",
        "x/b X   .   X   .   .   .   .   .   .",
        "x/c X   X   .   .   .   .   .   .   .",
        "y/a X   X   X   .   .   .   .   .   .",
        "y/b X   X   X   .   .   .   .   .   .",
        "y/c X   X   X   .   .   .   .   .   .",
        "z/a X   X   X   .   .   .   .   .   .",
        "z/b X   X   X   .   .   .   .   .   .",
        "z/c X   X   X   .   .   .   .   .   .",
      ].join("\n"),
    );
  });
});

// The ipBlock cases need a pod's IP in the policy, as upstream reads it from the cluster.
describe.each(builders)("upstream e2e netpol ipBlock cases (%s)", (_, makeState) => {
  const base = parseYAML(E2E_MODEL_YAML);
  const ipOf = (key: string) => podOf(makeState(base), key).status!.podIP!;
  const egressTo = (name: string, ipBlock: { cidr: string; except?: string[] }): NetworkPolicy => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace: "x" },
    spec: {
      podSelector: { matchLabels: { pod: "a" } },
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock }] }],
    },
  });
  const large = (ip: string) => {
    // makeLargeCIDRForIP: the /4 around the IP.
    const first = Number(ip.split(".")[0]) & 0xf0;
    return `${first}.0.0.0/4`;
  };

  it("should allow egress access to server in CIDR block", () => {
    const engine = compilePolicy(
      makeState([...base, egressTo("allow-client-a-via-cidr-egress-rule", { cidr: `${ipOf("y/b")}/32` })]),
    );
    expect(actualGrid(engine, P, 80, "TCP")).toBe(
      all().expectAllEgress("x/a", false).expect("x/a", "y/b", true).grid(),
    );
  });

  it("should enforce except clause while egress access to server in CIDR block", () => {
    const policy = egressTo("allow-client-a-via-cidr-egress-rule", {
      cidr: large(ipOf("x/b")),
      except: [`${ipOf("x/b")}/32`],
    });
    const engine = compilePolicy(makeState([...base, policy]));
    expect(actualGrid(engine, P, 80, "TCP")).toBe(all().expect("x/a", "x/b", false).grid());
  });

  it("should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed (update replaces)", () => {
    const first = egressTo("allow-client-a-via-cidr-egress-rule", {
      cidr: large(ipOf("x/b")),
      except: [`${ipOf("x/b")}/32`],
    });
    const second = egressTo("allow-client-a-via-cidr-egress-rule", { cidr: `${ipOf("x/b")}/32` });
    const engine = compilePolicy(makeState([...base, first, second]));
    expect(actualGrid(engine, P, 80, "TCP")).toBe(
      all().expectAllEgress("x/a", false).expect("x/a", "x/b", true).grid(),
    );
  });

  it("should stop enforcing policies after they are deleted", () => {
    const withPolicy = compilePolicy(
      makeState([
        ...base,
        ...parseYAML(np("deny-all", "x", "  podSelector: {}\n  policyTypes: [Ingress, Egress]")),
      ]),
    );
    expect(actualGrid(withPolicy, P, 80, "TCP")).toBe(
      all().expectPeer({ ns: "x" }, {}, false).expectPeer({}, { ns: "x" }, false).grid(),
    );
    expect(actualGrid(compilePolicy(makeState(base)), P, 80, "TCP")).toBe(all().grid());
  });
});
