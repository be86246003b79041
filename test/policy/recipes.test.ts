/**
 * The well-known policy recipes (ahmetb/kubernetes-network-policy-recipes),
 * each with its manifest and explicit expected reachability on the recipes
 * model (test/policy/recipes/model.yaml), run on the fixture and through the
 * real controllers. External sources/destinations are checked with IPs.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { KubeObject, Protocol } from "../../src/api/types.js";
import { defaultConfig } from "../../src/cluster/config.js";
import type { ClusterState } from "../../src/cluster/state.js";
import { compilePolicy } from "../../src/policy/engine.js";
import { snapshotOf } from "../../src/snapshot/snapshot.js";
import { makeState, parseYAML } from "./fixture.js";
import { actualGrid, podOf, Reachability } from "./reachability.js";

const MODEL = readFileSync(new URL("./recipes/model.yaml", import.meta.url), "utf8");
const PODS = [
  "default/web",
  "default/api",
  "default/db",
  "default/search",
  "default/inventory",
  "default/foo",
  "default/monitor",
  "prod/client",
  "dev/client",
  "other/mon",
  "other/client",
  "kube-system/coredns",
];
const all = (v = true) => new Reachability(PODS, v);
const np = (name: string, spec: string, ns = "default") =>
  `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n${spec}\n`;

const WEB_DENY_ALL = np("web-deny-all", "  podSelector:\n    matchLabels: {app: web}\n  ingress: []");

interface Recipe {
  desc: string;
  yaml: string;
  checks: { port: number; protocol?: Protocol; want: Reachability }[];
  /** Connections involving addresses outside the cluster. */
  external?: { from: string; to: string; port: number; protocol?: Protocol; allowed: boolean }[];
}

const recipes: Recipe[] = [
  {
    desc: "01 deny all traffic to an application",
    yaml: WEB_DENY_ALL,
    checks: [{ port: 80, want: all().expectAllIngress("default/web", false) }],
    external: [{ from: "203.0.113.9", to: "default/web", port: 80, allowed: false }],
  },
  {
    desc: "02 limit traffic to an application",
    yaml: np(
      "api-allow",
      "  podSelector:\n    matchLabels: {app: bookstore, role: api}\n  ingress:\n    - from:\n        - podSelector:\n            matchLabels: {app: bookstore}",
    ),
    checks: [
      {
        port: 80,
        want: all()
          .expectAllIngress("default/api", false)
          .expect("default/db", "default/api", true)
          .expect("default/search", "default/api", true),
      },
    ],
  },
  {
    desc: "02a allow all traffic to an application (overrides web-deny-all)",
    yaml:
      WEB_DENY_ALL + np("web-allow-all", "  podSelector:\n    matchLabels: {app: web}\n  ingress:\n    - {}"),
    checks: [{ port: 80, want: all() }],
    external: [{ from: "203.0.113.9", to: "default/web", port: 80, allowed: true }],
  },
  {
    desc: "03 deny all non-whitelisted traffic to a namespace",
    yaml: np("default-deny-all", "  podSelector: {}\n  ingress: []"),
    checks: [{ port: 80, want: all().expectPeer({}, { ns: "default" }, false) }],
  },
  {
    desc: "04 deny traffic from other namespaces",
    yaml: np(
      "deny-from-other-namespaces",
      "  podSelector:\n    matchLabels: {}\n  ingress:\n    - from:\n        - podSelector: {}",
    ),
    checks: [
      {
        port: 80,
        want: all()
          .expectPeer({}, { ns: "default" }, false)
          .expectPeer({ ns: "default" }, { ns: "default" }, true),
      },
    ],
  },
  {
    desc: "05 allow traffic to an application from all namespaces",
    yaml:
      WEB_DENY_ALL +
      np(
        "web-allow-all-namespaces",
        "  podSelector:\n    matchLabels: {app: web}\n  ingress:\n    - from:\n        - namespaceSelector: {}",
      ),
    checks: [{ port: 80, want: all() }],
    // Every pod, but not the outside world.
    external: [{ from: "203.0.113.9", to: "default/web", port: 80, allowed: false }],
  },
  {
    desc: "06 allow all traffic from a namespace",
    yaml: np(
      "web-allow-prod",
      "  podSelector:\n    matchLabels: {app: web}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels: {purpose: production}",
    ),
    checks: [
      {
        port: 80,
        want: all().expectAllIngress("default/web", false).expect("prod/client", "default/web", true),
      },
    ],
  },
  {
    desc: "07 allow traffic from some pods in another namespace",
    yaml: np(
      "web-allow-all-ns-monitoring",
      "  podSelector:\n    matchLabels: {app: web}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels: {team: operations}\n          podSelector:\n            matchLabels: {type: monitoring}",
    ),
    checks: [
      {
        port: 80,
        want: all().expectAllIngress("default/web", false).expect("other/mon", "default/web", true),
      },
    ],
  },
  {
    desc: "07b the same selectors as two peers (OR): everything in other, and type=monitoring in default",
    yaml: np(
      "web-allow-or",
      "  podSelector:\n    matchLabels: {app: web}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels: {team: operations}\n        - podSelector:\n            matchLabels: {type: monitoring}",
    ),
    checks: [
      {
        port: 80,
        want: all()
          .expectAllIngress("default/web", false)
          .expectPeer({ ns: "other" }, { ns: "default", pod: "web" }, true),
      },
    ],
  },
  {
    desc: "08 allow traffic from external clients",
    yaml:
      WEB_DENY_ALL +
      np("web-allow-external", "  podSelector:\n    matchLabels: {app: web}\n  ingress:\n    - from: []"),
    checks: [{ port: 80, want: all() }],
    external: [{ from: "203.0.113.9", to: "default/web", port: 80, allowed: true }],
  },
  {
    desc: "09 allow traffic only to a port of an application",
    yaml: np(
      "api-allow-5000",
      "  podSelector:\n    matchLabels: {app: bookstore, role: api}\n  ingress:\n    - ports:\n        - port: 5000\n      from:\n        - podSelector:\n            matchLabels: {role: monitoring}",
    ),
    checks: [
      {
        port: 5000,
        want: all().expectAllIngress("default/api", false).expect("default/monitor", "default/api", true),
      },
      { port: 80, want: all().expectAllIngress("default/api", false) },
    ],
  },
  {
    desc: "10 allow traffic with multiple selectors",
    yaml: np(
      "redis-allow-services",
      "  podSelector:\n    matchLabels: {app: bookstore, role: db}\n  ingress:\n    - from:\n        - podSelector:\n            matchLabels: {app: bookstore, role: search}\n        - podSelector:\n            matchLabels: {app: bookstore, role: api}\n        - podSelector:\n            matchLabels: {app: inventory, role: web}",
    ),
    checks: [
      {
        port: 80,
        want: all()
          .expectAllIngress("default/db", false)
          .expect("default/search", "default/db", true)
          .expect("default/api", "default/db", true)
          .expect("default/inventory", "default/db", true),
      },
    ],
  },
  {
    desc: "11 deny egress traffic from an application",
    yaml: np(
      "foo-deny-egress",
      "  podSelector:\n    matchLabels: {app: foo}\n  policyTypes: [Egress]\n  egress: []",
    ),
    checks: [
      { port: 80, want: all().expectAllEgress("default/foo", false) },
      { port: 53, protocol: "UDP", want: all().expectAllEgress("default/foo", false) },
    ],
    external: [{ from: "default/foo", to: "198.51.100.1", port: 443, allowed: false }],
  },
  {
    desc: "11 deny egress traffic from an application, allowing DNS",
    yaml: np(
      "foo-deny-egress",
      "  podSelector:\n    matchLabels: {app: foo}\n  policyTypes: [Egress]\n  egress:\n    - ports:\n        - {port: 53, protocol: UDP}\n        - {port: 53, protocol: TCP}",
    ),
    checks: [
      { port: 80, want: all().expectAllEgress("default/foo", false) },
      { port: 53, protocol: "UDP", want: all() },
      { port: 53, protocol: "TCP", want: all() },
    ],
  },
  {
    desc: "12 deny all non-whitelisted egress traffic from a namespace",
    yaml: np("default-deny-all-egress", "  podSelector: {}\n  policyTypes: [Egress]\n  egress: []"),
    checks: [{ port: 80, want: all().expectPeer({ ns: "default" }, {}, false) }],
  },
  {
    desc: "14 deny external egress traffic",
    yaml: np(
      "foo-deny-external-egress",
      "  podSelector:\n    matchLabels: {app: foo}\n  policyTypes: [Egress]\n  egress:\n    - ports:\n        - {port: 53, protocol: UDP}\n        - {port: 53, protocol: TCP}\n    - to:\n        - namespaceSelector: {}",
    ),
    checks: [{ port: 80, want: all() }],
    external: [
      { from: "default/foo", to: "198.51.100.1", port: 443, allowed: false },
      { from: "default/foo", to: "198.51.100.1", port: 53, protocol: "UDP", allowed: true },
    ],
  },
];

const builders: [string, (o: KubeObject[]) => ClusterState][] = [
  ["fixture", (o) => makeState(o)],
  ["controllers", (o) => snapshotOf(o, [], defaultConfig).state],
];

describe.each(builders)("network policy recipes (%s)", (_, build) => {
  it.each(recipes)("$desc", (r) => {
    const engine = compilePolicy(build(parseYAML(`${MODEL}\n${r.yaml}`)));
    for (const c of r.checks) {
      const protocol = c.protocol ?? "TCP";
      expect(actualGrid(engine, PODS, c.port, protocol), `${protocol}/${c.port}`).toBe(c.want.grid());
    }
    for (const x of r.external ?? []) {
      const peer = (s: string) =>
        s.includes("/")
          ? { kind: "pod" as const, pod: podOf(engine.state, s) }
          : { kind: "ip" as const, ip: s };
      const v = engine.decide({
        src: peer(x.from),
        dst: peer(x.to),
        port: x.port,
        protocol: x.protocol ?? "TCP",
      });
      expect(v.allowed, `${x.from} -> ${x.to}:${x.port}`).toBe(x.allowed);
    }
  });
});
