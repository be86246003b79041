/**
 * `michi lint` findings: one table case per check on small manifests, then
 * the two course examples loaded through the real pipeline, where the lint
 * must find the problems the course's manifests really have.
 */
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/api/diagnostics.js";
import { defaultConfig } from "../../src/cluster/config.js";
import { compilePolicy } from "../../src/policy/engine.js";
import { lintCluster } from "../../src/policy/lint.js";
import { loadSnapshot } from "../../src/snapshot/load.js";
import { E2E_MODEL_YAML, makeState, parseYAML } from "./fixture.js";

const np = (name: string, spec: string, ns = "x") =>
  `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n${spec}\n`;
const COREDNS = `---
apiVersion: v1
kind: Pod
metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  containers:
    - name: coredns
      ports: [{name: dns, containerPort: 53, protocol: UDP}, {name: dns-tcp, containerPort: 53, protocol: TCP}]
`;
const lint = (yaml: string) =>
  lintCluster(compilePolicy(makeState(parseYAML(`${E2E_MODEL_YAML}${COREDNS}${yaml}`))));
const brief = (ds: Diagnostic[]) =>
  ds.map((d) => `${d.severity} ${d.code} ${d.kind}/${d.namespace}/${d.name} ${d.field ?? ""}`);

describe("lint checks", () => {
  const cases: { desc: string; yaml: string; want: string[]; message?: RegExp; suggestion?: RegExp }[] = [
    { desc: "no policies: nothing to say", yaml: "", want: [] },
    {
      desc: "egress rules without DNS: an error",
      yaml: np(
        "https-only",
        "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n    - ports: [{port: 443}]",
      ),
      want: ["error NoDNSEgress NetworkPolicy/x/https-only spec.egress"],
      message: /pods a, b, c in x .* cannot reach kube-dns on UDP 53 or TCP 53/,
      suggestion: /k8s-app: kube-dns/,
    },
    {
      desc: "egress denied entirely: DNS too, only a warning",
      yaml: np("deny-egress", "  podSelector: {}\n  policyTypes: [Egress]"),
      want: ["warning NoDNSEgress NetworkPolicy/x/deny-egress spec.egress"],
      message: /may open no connection at all \(no egress rules\), DNS included/,
    },
    {
      desc: "DNS over UDP only",
      yaml: np(
        "dns-udp",
        "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n    - ports: [{port: 53, protocol: UDP}]",
      ),
      want: ["warning NoDNSEgressTCP NetworkPolicy/x/dns-udp spec.egress"],
    },
    {
      desc: "DNS allowed on both protocols to kube-dns",
      yaml: np(
        "dns-ok",
        "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n    - to:\n        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}\n          podSelector: {matchLabels: {k8s-app: kube-dns}}\n      ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]",
      ),
      want: [],
    },
    {
      desc: "DNS rule pointing at the wrong namespace",
      yaml: np(
        "dns-wrong",
        "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n    - to:\n        - podSelector: {matchLabels: {k8s-app: kube-dns}}\n      ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]",
      ),
      want: [
        "error NoDNSEgress NetworkPolicy/x/dns-wrong spec.egress",
        "warning SelectorMatchesNothing NetworkPolicy/x/dns-wrong spec.egress[0].to[0].podSelector",
      ],
    },
    {
      desc: "podSelector that selects no pod",
      yaml: np("nobody", "  podSelector: {matchLabels: {pod: zz}}\n  ingress: []"),
      want: ["warning PolicySelectsNoPods NetworkPolicy/x/nobody spec.podSelector"],
    },
    {
      desc: "namespaceSelector on a hand-set name label that matches nothing",
      yaml: np(
        "from-mon",
        '  podSelector: {}\n  ingress:\n    - from:\n        - namespaceSelector: {matchLabels: {name: "y"}}',
      ),
      want: [
        "warning SelectorMatchesNothing NetworkPolicy/x/from-mon spec.ingress[0].from[0].namespaceSelector",
      ],
      suggestion: /kubernetes\.io\/metadata\.name: y/,
    },
    {
      desc: "namespaceSelector on a hand-set name label that matches",
      yaml: `---\napiVersion: v1\nkind: Namespace\nmetadata: {name: mon, labels: {name: mon}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: prom, namespace: mon}\nspec: {containers: [{name: p}]}\n${np("from-mon", "  podSelector: {}\n  ingress:\n    - from:\n        - namespaceSelector: {matchLabels: {name: mon}}")}`,
      want: [
        "warning NamespaceSelectorOnNameLabel NetworkPolicy/x/from-mon spec.ingress[0].from[0].namespaceSelector",
      ],
      suggestion: /kubernetes\.io\/metadata\.name: mon/,
    },
    {
      desc: "podSelector peer that matches no pod (podSelector alone looks in the policy's namespace)",
      yaml: np(
        "from-dns",
        "  podSelector: {}\n  ingress:\n    - from:\n        - podSelector: {matchLabels: {k8s-app: kube-dns}}",
      ),
      want: ["warning SelectorMatchesNothing NetworkPolicy/x/from-dns spec.ingress[0].from[0].podSelector"],
      message: /namespace x \(a podSelector without namespaceSelector only looks there\)/,
    },
    {
      desc: "named ingress port no selected pod declares",
      yaml: np(
        "named",
        "  podSelector: {}\n  ingress:\n    - ports: [{port: http}, {port: serve-80-tcp}, {port: serve-80-udp}]",
      ),
      want: [
        "warning NamedPortNotDeclared NetworkPolicy/x/named spec.ingress[0].ports[0].port",
        "warning NamedPortNotDeclared NetworkPolicy/x/named spec.ingress[0].ports[2].port",
      ],
    },
    {
      desc: "named egress port the destination pods do not declare",
      yaml: np(
        "named-egress",
        "  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n    - ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]\n    - to:\n        - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}\n      ports: [{port: serve-80-tcp}]",
      ),
      want: ["warning NamedPortNotDeclared NetworkPolicy/x/named-egress spec.egress[1].ports[0].port"],
    },
    {
      desc: "egress rules without Egress in explicit policyTypes",
      yaml: np(
        "ignored",
        "  podSelector: {}\n  policyTypes: [Ingress]\n  ingress:\n    - {}\n  egress:\n    - ports: [{port: 443}]",
      ),
      want: ["warning RulesIgnoredByPolicyTypes NetworkPolicy/x/ignored spec.egress"],
    },
    {
      desc: "service selecting nothing",
      yaml: "---\napiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: x}\nspec:\n  selector: {app: missing}\n  ports: [{port: 80}]\n",
      want: ["warning ServiceSelectsNoPods Service/x/s spec.selector"],
      suggestion: /pod=a/,
    },
    {
      desc: "service targetPorts: named not declared (error), number not exposed (warning)",
      yaml: "---\napiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: x}\nspec:\n  selector: {pod: a}\n  ports:\n    - {name: a, port: 80, targetPort: http}\n    - {name: b, port: 81, targetPort: 9999}\n    - {name: c, port: 82, targetPort: serve-81-tcp}\n",
      want: [
        "error TargetPortNotFound Service/x/s spec.ports[0].targetPort",
        "warning TargetPortNotExposed Service/x/s spec.ports[1].targetPort",
      ],
    },
    {
      desc: "ingress backends and TLS secrets",
      yaml: `---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: x}
spec:
  selector: {pod: a}
  ports: [{name: http, port: 80, targetPort: 80}]
---
apiVersion: v1
kind: Secret
metadata: {name: opaque, namespace: x}
type: Opaque
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ing, namespace: x}
spec:
  tls:
    - {hosts: [a.example], secretName: missing}
    - {hosts: [b.example], secretName: opaque}
  rules:
    - host: a.example
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
          - {path: /x, pathType: Prefix, backend: {service: {name: web, port: {number: 8080}}}}
          - {path: /y, pathType: Prefix, backend: {service: {name: web, port: {name: https}}}}
          - {path: /z, pathType: Prefix, backend: {service: {name: nope, port: {number: 80}}}}
`,
      want: [
        "error IngressBackendPortNotFound Ingress/x/ing spec.rules[0].http.paths[1].backend.service.port.number",
        "error IngressBackendPortNotFound Ingress/x/ing spec.rules[0].http.paths[2].backend.service.port.name",
        "error IngressBackendNotFound Ingress/x/ing spec.rules[0].http.paths[3].backend.service.name",
        "error TLSSecretNotFound Ingress/x/ing spec.tls[0].secretName",
        "error TLSSecretWrongType Ingress/x/ing spec.tls[1].secretName",
      ],
    },
  ];
  it.each(cases)("$desc", ({ yaml, want, message, suggestion }) => {
    const ds = lint(yaml);
    expect(brief(ds)).toEqual(want);
    if (message) expect(ds[0]?.message).toMatch(message);
    if (suggestion) expect(ds[0]?.suggestion).toMatch(suggestion);
  });
});

describe("lint on the course examples", () => {
  it("idp-system: the name-label selectors and DNS over TCP", async () => {
    const r = await loadSnapshot(["examples/idp-system"], defaultConfig);
    const ds = lintCluster(compilePolicy(r.state), [], r.objects);
    const file = "examples/idp-system/60-network-policy.yaml";
    expect(ds.map((d) => `${d.file}:${d.line} ${d.severity} ${d.code} ${d.field}`)).toEqual([
      `${file}:19 warning NamespaceSelectorOnNameLabel spec.ingress[0].from[0].namespaceSelector`,
      `${file}:26 warning SelectorMatchesNothing spec.ingress[1].from[0].namespaceSelector`,
      `${file}:31 warning NoDNSEgressTCP spec.egress`,
    ]);
    expect(ds[0]!.message).toContain("standard installs (ingress-nginx");
    expect(ds[0]!.suggestion).toContain("kubernetes.io/metadata.name: ingress-nginx");
    expect(ds[1]!.suggestion).toContain("kubernetes.io/metadata.name: monitoring");
  });

  it("my-app: services, targetPorts and ingress backends are consistent", async () => {
    const r = await loadSnapshot(["examples/my-app"], defaultConfig);
    expect(brief(lintCluster(compilePolicy(r.state), [], r.objects))).toEqual([]);
  });

  it("my-app with the api Deployment missing: the service selects nothing", async () => {
    const r = await loadSnapshot(["examples/my-app"], defaultConfig);
    const objects = r.objects.filter((o) => !(o.kind === "Deployment" && o.metadata?.name === "api"));
    const { snapshotOf } = await import("../../src/snapshot/snapshot.js");
    const state = snapshotOf(objects, [], defaultConfig).state;
    const ds = lintCluster(compilePolicy(state), [], objects);
    expect(ds.map((d) => `${d.file}:${d.line} ${d.code} ${d.kind}/${d.name} ${d.field}`)).toEqual([
      "examples/my-app/20-ingress.yaml:56 ServiceSelectsNoPods Service/api-service spec.selector",
    ]);
  });
});
