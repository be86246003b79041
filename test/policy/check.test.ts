/**
 * `michi check` on real cases: which rule admitted a connection, and for a
 * denied one, each selecting policy and why none of its rules matched (peer
 * mismatch with the reason, or port mismatch). Also service translation to
 * backends and target ports, workloads judged pod by pod, node traffic and
 * external IPs.
 */
import { describe, expect, it } from "vitest";
import { formatCheck, runCheck } from "../../src/policy/check.js";
import { compilePolicy } from "../../src/policy/engine.js";
import { E2E_MODEL_YAML, makeState, parseYAML } from "./fixture.js";

const np = (name: string, ns: string, spec: string) =>
  `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n${spec}\n`;

const engineWith = (yaml: string) => compilePolicy(makeState(parseYAML(`${E2E_MODEL_YAML}\n${yaml}`)));

const allowB = np(
  "x-a-allows-x-b",
  "x",
  "  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - podSelector:\n            matchLabels: {pod: b}",
);
const port81FromY = np(
  "allow-81-from-y",
  "x",
  '  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - namespaceSelector:\n            matchLabels: {kubernetes.io/metadata.name: "y"}\n      ports:\n        - port: 81',
);

describe("check explanations", () => {
  const cases: {
    desc: string;
    policies: string;
    from: string;
    to: string;
    port: number;
    protocol?: "TCP" | "UDP";
    allowed: boolean;
    egress: string[];
    ingress: string[];
    rule?: string;
  }[] = [
    {
      desc: "admitted by a podSelector peer",
      policies: allowB,
      from: "x/b",
      to: "x/a",
      port: 80,
      allowed: true,
      egress: [
        "egress: allowed — pod x/b is not isolated for egress (no policy with Egress in policyTypes selects it)",
      ],
      ingress: [
        "ingress: allowed — pod x/a is isolated for ingress by x/x-a-allows-x-b",
        "  admitted by x/x-a-allows-x-b ingress[0].from[0] (podSelector pod=b), every port",
      ],
      rule: "x/x-a-allows-x-b ingress[0].from[0] (podSelector pod=b), every port",
    },
    {
      desc: "peer mismatch: wrong pod labels",
      policies: allowB,
      from: "x/c",
      to: "x/a",
      port: 80,
      allowed: false,
      egress: [
        "egress: allowed — pod x/c is not isolated for egress (no policy with Egress in policyTypes selects it)",
      ],
      ingress: [
        "ingress: DENIED — pod x/a is isolated for ingress by x/x-a-allows-x-b, and no rule admits pod x/c on TCP/80",
        "  x/x-a-allows-x-b ingress[0]: peer mismatch — from[0] podSelector pod=b: pod x/c (pod=c) does not match podSelector pod=b",
      ],
    },
    {
      desc: "peer mismatch: podSelector alone means the policy's namespace",
      policies: allowB,
      from: "y/b",
      to: "x/a",
      port: 80,
      allowed: false,
      egress: [
        "egress: allowed — pod y/b is not isolated for egress (no policy with Egress in policyTypes selects it)",
      ],
      ingress: [
        "ingress: DENIED — pod x/a is isolated for ingress by x/x-a-allows-x-b, and no rule admits pod y/b on TCP/80",
        "  x/x-a-allows-x-b ingress[0]: peer mismatch — from[0] podSelector pod=b: without a namespaceSelector it selects pods in x only; y/b is in y",
      ],
    },
    {
      desc: "port mismatch",
      policies: port81FromY,
      from: "y/a",
      to: "x/a",
      port: 80,
      allowed: false,
      egress: [
        "egress: allowed — pod y/a is not isolated for egress (no policy with Egress in policyTypes selects it)",
      ],
      ingress: [
        "ingress: DENIED — pod x/a is isolated for ingress by x/allow-81-from-y, and no rule admits pod y/a on TCP/80",
        "  x/allow-81-from-y ingress[0]: port mismatch — from[0] matches, but TCP/80 is not in ports[0] TCP/81",
      ],
    },
    {
      desc: "namespace mismatch with the namespace's labels",
      policies: port81FromY,
      from: "z/a",
      to: "x/a",
      port: 81,
      allowed: false,
      egress: [
        "egress: allowed — pod z/a is not isolated for egress (no policy with Egress in policyTypes selects it)",
      ],
      ingress: [
        "ingress: DENIED — pod x/a is isolated for ingress by x/allow-81-from-y, and no rule admits pod z/a on TCP/81",
        "  x/allow-81-from-y ingress[0]: peer mismatch — from[0] namespaceSelector kubernetes.io/metadata.name=y: namespace z (kubernetes.io/metadata.name=z) does not match namespaceSelector kubernetes.io/metadata.name=y",
      ],
    },
    {
      desc: "egress default deny, and the destination's own policy",
      policies: np("deny-egress", "x", "  podSelector: {}\n  policyTypes: [Egress]") + allowB,
      from: "x/b",
      to: "x/a",
      port: 80,
      allowed: false,
      egress: [
        "egress: DENIED — pod x/b is isolated for egress by x/deny-egress, and no rule admits pod x/a on TCP/80",
        "  x/deny-egress: no egress rules (denies all egress)",
      ],
      ingress: [
        "ingress: allowed — pod x/a is isolated for ingress by x/x-a-allows-x-b",
        "  admitted by x/x-a-allows-x-b ingress[0].from[0] (podSelector pod=b), every port",
      ],
    },
    {
      desc: "UDP-only rule does not open TCP",
      policies: np(
        "udp-only",
        "x",
        "  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - ports:\n        - port: 81\n          protocol: UDP",
      ),
      from: "y/a",
      to: "x/a",
      port: 81,
      allowed: false,
      egress: [
        "egress: allowed — pod y/a is not isolated for egress (no policy with Egress in policyTypes selects it)",
      ],
      ingress: [
        "ingress: DENIED — pod x/a is isolated for ingress by x/udp-only, and no rule admits pod y/a on TCP/81",
        "  x/udp-only ingress[0]: port mismatch — every source matches, but TCP/81 is not in ports[0] UDP/81",
      ],
    },
    {
      desc: "external source matched by an ipBlock",
      policies: np(
        "from-outside",
        "x",
        "  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - ipBlock:\n            cidr: 192.0.2.0/24\n            except: [192.0.2.128/25]",
      ),
      from: "192.0.2.7",
      to: "x/a",
      port: 80,
      allowed: true,
      egress: [
        "egress: allowed — 192.0.2.7 (outside the cluster) is not a pod; no policy applies on this side",
      ],
      ingress: [
        "ingress: allowed — pod x/a is isolated for ingress by x/from-outside",
        "  admitted by x/from-outside ingress[0].from[0] (ipBlock 192.0.2.0/24 except 192.0.2.128/25), every port",
      ],
    },
    {
      desc: "external source in the except range",
      policies: np(
        "from-outside",
        "x",
        "  podSelector:\n    matchLabels: {pod: a}\n  ingress:\n    - from:\n        - ipBlock:\n            cidr: 192.0.2.0/24\n            except: [192.0.2.128/25]",
      ),
      from: "192.0.2.200",
      to: "x/a",
      port: 80,
      allowed: false,
      egress: [
        "egress: allowed — 192.0.2.200 (outside the cluster) is not a pod; no policy applies on this side",
      ],
      ingress: [
        "ingress: DENIED — pod x/a is isolated for ingress by x/from-outside, and no rule admits 192.0.2.200 (outside the cluster) on TCP/80",
        "  x/from-outside ingress[0]: peer mismatch — from[0] ipBlock 192.0.2.0/24 except 192.0.2.128/25: 192.0.2.200: it is in except 192.0.2.128/25",
      ],
    },
  ];

  it.each(cases)("$desc", (c) => {
    const r = runCheck(engineWith(c.policies), {
      from: c.from,
      to: c.to,
      port: c.port,
      protocol: c.protocol ?? "TCP",
    });
    expect(r.allowed).toBe(c.allowed);
    expect(r.connections).toHaveLength(1);
    const conn = r.connections[0]!;
    expect(conn.egress.explanation).toEqual(c.egress);
    expect(conn.ingress.explanation).toEqual(c.ingress);
    if (c.rule) expect(conn.ingress.rule).toBe(c.rule);
  });
});

describe("check targets", () => {
  const objects = `${E2E_MODEL_YAML}
---
apiVersion: v1
kind: Service
metadata: {name: svc-a, namespace: x}
spec:
  selector: {pod: a}
  ports:
    - {name: web, port: 8080, targetPort: serve-80-tcp}
${allowB}`;

  it("translates a service to its backend and named target port", () => {
    const engine = compilePolicy(makeState(parseYAML(objects)));
    const r = runCheck(engine, { from: "x/b", to: "service/x/svc-a", port: 8080, protocol: "TCP" });
    expect(r.service).toEqual({
      name: "service/x/svc-a",
      port: 8080,
      protocol: "TCP",
      targetPorts: [80],
      backends: 1,
    });
    expect(r.connections.map((c) => [c.to, c.port, c.allowed])).toEqual([["x/a", 80, true]]);
    const viaDNS = runCheck(engine, {
      from: "x/c",
      to: "svc-a.x.svc.cluster.local",
      port: 8080,
      protocol: "TCP",
    });
    expect(viaDNS.allowed).toBe(false);
    expect(viaDNS.to).toBe("service/x/svc-a (svc-a.x.svc.cluster.local)");
    expect(runCheck(engine, { from: "x/b", to: "svc-a.x", port: 8080, protocol: "TCP" }).allowed).toBe(true);
  });

  it("a service without ready backends: nothing to judge, the connection is refused", () => {
    const engine = compilePolicy(
      makeState(
        parseYAML(
          `${objects}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: empty, namespace: x}\nspec:\n  selector: {pod: zz}\n  ports: [{port: 80}]\n`,
        ),
      ),
    );
    const r = runCheck(engine, { from: "x/b", to: "service/x/empty", port: 80, protocol: "TCP" });
    expect([r.allowed, r.connections.length, r.service?.backends]).toEqual([false, 0, 0]);
    expect(formatCheck(r)).toContain(
      "service/x/empty has no ready backends: the connection would be refused before any policy applies",
    );
  });

  it("rejects a service port the service does not have", () => {
    const engine = compilePolicy(makeState(parseYAML(objects)));
    expect(() => runCheck(engine, { from: "x/b", to: "service/x/svc-a", port: 80, protocol: "TCP" })).toThrow(
      "service/x/svc-a has no port 80/TCP (ports: 8080/TCP)",
    );
  });

  it("treats a pod's IP as that pod", () => {
    const engine = compilePolicy(makeState(parseYAML(objects)));
    const state = engine.state;
    const r = runCheck(engine, {
      from: state.pods.find((p) => p.metadata?.namespace === "y" && p.metadata.name === "b")!.status!.podIP!,
      to: "x/a",
      port: 80,
      protocol: "TCP",
    });
    expect(r.from).toMatch(/^y\/b \(/);
    expect(r.allowed).toBe(false);
  });

  it("allows traffic from the pod's own node only", () => {
    const engine = compilePolicy(
      makeState(parseYAML(`${E2E_MODEL_YAML}${np("deny", "x", "  podSelector: {}\n  ingress: []")}`)),
    );
    const xa = engine.state.index.pod("x", "a")!;
    const own = engine.state.nodes.find((n) => n.metadata?.name === xa.spec?.nodeName)!.status!.addresses![0]!
      .address;
    const other = engine.state.nodes.find((n) => n.metadata?.name !== xa.spec?.nodeName)!.status!
      .addresses![0]!.address;
    const fromOwn = runCheck(engine, { from: own, to: "x/a", port: 80, protocol: "TCP" });
    expect(fromOwn.allowed).toBe(true);
    expect(fromOwn.connections[0]!.ingress.reason).toBe("node");
    const fromOther = runCheck(engine, { from: other, to: "x/a", port: 80, protocol: "TCP" });
    expect(fromOther.allowed).toBe(false);
    expect(fromOther.connections[0]!.ingress.explanation[1]).toBe(
      "  x/deny: no ingress rules (denies all ingress)",
    );
  });

  it("formats a human report", () => {
    const engine = compilePolicy(makeState(parseYAML(objects)));
    const text = formatCheck(
      runCheck(engine, { from: "x/c", to: "service/x/svc-a", port: 8080, protocol: "TCP" }),
    );
    expect(text).toContain("x/c → service/x/svc-a TCP/8080: DENIED");
    expect(text).toContain("service/x/svc-a port 8080/TCP → 1 backend(s) on target port 80");
    expect(text).toContain("x/x-a-allows-x-b ingress[0]: peer mismatch");
  });

  it.each([
    ["nope/x", "pod nope/x not found"],
    ["deployment/x/none", "deployment x/none not found"],
    ["widget/x/a", 'unknown kind "widget"'],
    ["not a target", "cannot resolve"],
  ])("reports a bad target %s", (to, msg) => {
    const engine = compilePolicy(makeState(parseYAML(objects)));
    expect(() => runCheck(engine, { from: "x/b", to, port: 80, protocol: "TCP" })).toThrow(msg);
  });
});

describe("node traffic", () => {
  it("a pod may always reach its own node, not another node when egress-isolated", () => {
    const engine = compilePolicy(
      makeState(
        parseYAML(`${E2E_MODEL_YAML}${np("deny-egress", "x", "  podSelector: {}\n  policyTypes: [Egress]")}`),
      ),
    );
    const xa = engine.state.index.pod("x", "a")!;
    const ips = (own: boolean) =>
      engine.state.nodes.find((n) => (n.metadata?.name === xa.spec?.nodeName) === own)!.status!.addresses![0]!
        .address;
    const toOwn = runCheck(engine, { from: "x/a", to: ips(true), port: 10250, protocol: "TCP" });
    expect(toOwn.allowed).toBe(true);
    expect(toOwn.connections[0]!.egress.explanation[0]).toMatch(
      /^egress: allowed — traffic to the pod's own node \(node node-\d \(10\.1\.0\.\d\)\) is always allowed$/,
    );
    expect(runCheck(engine, { from: "x/a", to: ips(false), port: 10250, protocol: "TCP" }).allowed).toBe(
      false,
    );
  });
});

describe("self and hostNetwork", () => {
  const hostPod = (node: string) => `---
apiVersion: v1
kind: Pod
metadata: {name: agent-${node}, namespace: y, labels: {pod: a}}
spec:
  hostNetwork: true
  nodeName: ${node}
  containers: [{name: agent, ports: [{containerPort: 9100}]}]
`;
  const yaml = `${E2E_MODEL_YAML}${hostPod("node-1")}${hostPod("node-2")}${np("deny", "x", "  podSelector: {}\n  policyTypes: [Ingress, Egress]")}${np(
    "from-y-a",
    "x",
    "  podSelector: {}\n  ingress:\n    - from:\n        - namespaceSelector: {}\n          podSelector: {matchLabels: {pod: a}}",
  )}`;

  it("a pod can always reach itself", () => {
    const engine = compilePolicy(makeState(parseYAML(yaml)));
    const r = runCheck(engine, { from: "x/a", to: "x/a", port: 80, protocol: "TCP" });
    expect(r.allowed).toBe(true);
    expect(r.connections[0]!.ingress.explanation).toEqual([
      "ingress: allowed — a pod can always reach itself",
    ]);
  });

  it("hostNetwork pods are node traffic: never selected, matched only by ipBlocks, allowed on their own node", () => {
    const engine = compilePolicy(makeState(parseYAML(yaml)));
    const xa = engine.state.index.pod("x", "a")!;
    const same = `y/agent-${xa.spec!.nodeName}`;
    const other = `y/agent-${xa.spec!.nodeName === "node-1" ? "node-2" : "node-1"}`;
    // pod=a in y would match from-y-a's peer, but a hostNetwork pod is not a pod to NetworkPolicy.
    const fromOther = runCheck(engine, { from: other, to: "x/a", port: 80, protocol: "TCP" });
    expect(fromOther.allowed).toBe(false);
    expect(fromOther.connections[0]!.ingress.explanation).toContain(
      `  x/from-y-a ingress[0]: peer mismatch — from[0] namespaceSelector {} AND podSelector pod=a: selects pods; hostNetwork pod ${other} (node ${other.replace("y/agent-", "")}) is node traffic, which only an ipBlock matches`,
    );
    const fromSame = runCheck(engine, { from: same, to: "x/a", port: 80, protocol: "TCP" });
    expect(fromSame.allowed).toBe(true);
    expect(fromSame.connections[0]!.ingress.reason).toBe("node");
    // A hostNetwork pod is never isolated: policies in y selecting pod=a would not apply to it.
    expect(engine.selecting(engine.state.index.pod("y", `agent-node-1`)!, "ingress")).toEqual([]);
  });
});

describe("workloads are judged pod by pod", () => {
  it("a Deployment with one replica admitted and one not is denied, 1 of 2", async () => {
    const { snapshotOf } = await import("../../src/snapshot/snapshot.js");
    const { defaultConfig } = await import("../../src/cluster/config.js");
    const base = parseYAML(`${E2E_MODEL_YAML}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: client, namespace: "y"}
spec:
  replicas: 2
  selector: {matchLabels: {app: client}}
  template:
    metadata: {labels: {app: client}}
    spec: {containers: [{name: c, image: curl}]}
`);
    const first = snapshotOf(base, [], defaultConfig).state;
    const replicas = first.pods.filter((p) => p.metadata?.labels?.app === "client");
    expect(replicas).toHaveLength(2);
    const admitted = replicas[0]!;
    // Admit only the first replica's IP into x/a.
    const policy = parseYAML(
      np(
        "one-replica",
        "x",
        `  podSelector: {matchLabels: {pod: a}}\n  ingress:\n    - from: [{ipBlock: {cidr: ${admitted.status!.podIP}/32}}]`,
      ),
    );
    const engine = compilePolicy(snapshotOf([...base, ...policy], [], defaultConfig).state);
    const r = runCheck(engine, { from: "deployment/y/client", to: "x/a", port: 80, protocol: "TCP" });
    expect(r.connections.map((c) => [c.from, c.allowed])).toEqual([
      [`y/${admitted.metadata!.name}`, true],
      [`y/${replicas[1]!.metadata!.name}`, false],
    ]);
    expect(r.allowed).toBe(false);
    expect(r.ingress).toEqual({ allowed: false, isolated: true, policies: ["x/one-replica"] });
    expect(formatCheck(r)).toContain("1 of 2 connections allowed");
  });
});
