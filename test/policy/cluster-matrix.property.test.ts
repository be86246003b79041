/**
 * Property: on random clusters with random ClusterNetworkPolicies (both
 * tiers, tied priorities, every action), v1alpha1 Admin/Baseline policies
 * and NetworkPolicies, decide() and the class-level matrix agree with the
 * brute-force tiered reference (cluster-reference.ts) on every ordered pod
 * pair and port/protocol, and the per-class counts match.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ContainerPort, KubeObject, LabelSelector, Protocol } from "../../src/api/types.js";
import { compilePolicy } from "../../src/policy/engine.js";
import { computeMatrix } from "../../src/policy/matrix.js";
import { referenceTieredAllowed } from "./cluster-reference.js";
import { makeState } from "./fixture.js";

const nsNames = ["x", "y", "z"];
const labelsArb = (keys: Record<string, string[]>) =>
  fc.record(Object.fromEntries(Object.entries(keys).map(([k, vs]) => [k, fc.constantFrom(...vs)])), {
    requiredKeys: [],
  }) as fc.Arbitrary<Record<string, string>>;
const selArb = (keys: Record<string, string[]>): fc.Arbitrary<LabelSelector> =>
  fc.oneof(
    fc.constant({}),
    labelsArb(keys).map((matchLabels) => ({ matchLabels })),
    fc
      .record({
        key: fc.constantFrom(...Object.keys(keys)),
        values: fc.subarray(Object.values(keys).flat(), { minLength: 1 }),
      })
      .map((e) => ({ matchExpressions: [{ key: e.key, operator: "NotIn" as const, values: e.values }] })),
  );
const podSel = selArb({ app: ["a", "b", "c"] });
const nsSel = selArb({ env: ["prod", "dev"], "kubernetes.io/metadata.name": nsNames });

const portPool: ContainerPort[] = [
  { name: "http", containerPort: 80 },
  { name: "dns", containerPort: 53, protocol: "UDP" },
  { name: "metrics", containerPort: 81 },
];

const ingressPeer = fc.oneof(
  nsSel.map((namespaces) => ({ namespaces })),
  fc.record({ namespaceSelector: nsSel, podSelector: podSel }).map((pods) => ({ pods })),
);
const egressPeer = fc.oneof(
  ingressPeer,
  fc.constantFrom(
    { networks: ["10.244.0.0/24"] },
    { networks: ["10.244.1.2/32", "10.1.0.0/24"] },
    { networks: ["0.0.0.0/0"] },
    { nodes: {} },
  ),
);
const protocolArb = fc.constantFrom(
  { tcp: { destinationPort: { number: 80 } } },
  { tcp: { destinationPort: { range: { start: 80, end: 81 } } } },
  { udp: { destinationPort: { number: 53 } } },
  { destinationNamedPort: "http" },
  { destinationNamedPort: "dns" },
  { sctp: { destinationPort: { number: 81 } } },
);
const v1PortArb = fc.constantFrom(
  { portNumber: { protocol: "TCP", port: 80 } },
  { portRange: { protocol: "TCP", start: 81, end: 8080 } },
  { portNumber: { protocol: "UDP", port: 53 } },
  { namedPort: "http" },
);
const ruleArb = (field: "from" | "to", actions: string[], v1: boolean) =>
  fc.record(
    <Record<string, fc.Arbitrary<unknown>>>{
      action: fc.constantFrom(...actions),
      [field]: fc.array(field === "from" ? ingressPeer : egressPeer, { minLength: 1, maxLength: 2 }),
      ...(v1
        ? { ports: fc.array(v1PortArb, { minLength: 1, maxLength: 2 }) }
        : { protocols: fc.array(protocolArb, { minLength: 1, maxLength: 2 }) }),
    },
    { requiredKeys: ["action", field] },
  );
const subjectArb = fc.oneof(
  nsSel.map((namespaces) => ({ namespaces })),
  fc.record({ namespaceSelector: nsSel, podSelector: podSel }).map((pods) => ({ pods })),
);
const cnpArb = fc.record({
  kind: fc.constantFrom(
    "ClusterNetworkPolicy",
    "ClusterNetworkPolicy",
    "AdminNetworkPolicy",
    "BaselineAdminNetworkPolicy",
  ),
  name: fc.constantFrom("c1", "c2", "c3"),
  tier: fc.constantFrom("Admin", "Baseline"),
  priority: fc.integer({ min: 1, max: 3 }),
  subject: subjectArb,
  seed: fc.integer({ min: 0, max: 1e6 }),
});
const npArb = fc.record({
  name: fc.constantFrom("n1", "n2"),
  ns: fc.constantFrom(...nsNames),
  podSelector: podSel,
  policyTypes: fc.constantFrom(["Ingress"], ["Egress"], ["Ingress", "Egress"]),
  ingress: fc.array(
    fc.record({
      from: fc.array(fc.record({ namespaceSelector: nsSel, podSelector: podSel }), { maxLength: 1 }),
    }),
    { maxLength: 1 },
  ),
  egress: fc.array(fc.record({ ports: fc.constant([{ port: 80 }]) }), { maxLength: 1 }),
});
const podArb = fc.record({
  ns: fc.constantFrom(...nsNames),
  labels: labelsArb({ app: ["a", "b", "c"] }),
  ports: fc.subarray(portPool),
  hostNetwork: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
  node: fc.constantFrom("node-1", "node-2"),
});

const checks: { port: number; protocol: Protocol }[] = [
  { port: 80, protocol: "TCP" },
  { port: 81, protocol: "TCP" },
  { port: 53, protocol: "UDP" },
  { port: 81, protocol: "SCTP" },
];

describe("tiered engine and class matrix agree with the brute-force reference", () => {
  it("on random ClusterNetworkPolicy + NetworkPolicy sets", () => {
    fc.assert(
      fc.property(
        fc.tuple(
          nsSel.map(() => 0),
          fc.tuple(
            labelsArb({ env: ["prod", "dev"] }),
            labelsArb({ env: ["prod", "dev"] }),
            labelsArb({ env: ["prod", "dev"] }),
          ),
        ),
        fc.array(podArb, { minLength: 1, maxLength: 7 }),
        fc.array(
          cnpArb.chain((c) => {
            const v1 = c.kind !== "ClusterNetworkPolicy";
            const actions =
              c.kind === "AdminNetworkPolicy"
                ? ["Allow", "Deny", "Pass"]
                : c.kind === "BaselineAdminNetworkPolicy"
                  ? ["Allow", "Deny"]
                  : ["Accept", "Deny", "Pass"];
            return fc.record({
              c: fc.constant(c),
              ingress: fc.array(ruleArb("from", actions, v1), { maxLength: 2 }),
              egress: fc.array(ruleArb("to", actions, v1), { maxLength: 2 }),
            });
          }),
          { minLength: 1, maxLength: 4 },
        ),
        fc.array(npArb, { maxLength: 3 }),
        ([, nsl], pods, cnps, nps) => {
          const objects: KubeObject[] = [];
          nsNames.forEach((n, i) => {
            objects.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: n, labels: nsl[i]! } });
          });
          pods.forEach((p, i) => {
            objects.push({
              apiVersion: "v1",
              kind: "Pod",
              metadata: { name: `p${i}`, namespace: p.ns, labels: p.labels },
              spec: {
                nodeName: p.node,
                ...(p.hostNetwork ? { hostNetwork: true } : {}),
                containers: [{ name: "c", ports: p.ports }],
              },
            });
          });
          for (const { c, ingress, egress } of cnps) {
            const name = c.kind === "BaselineAdminNetworkPolicy" ? "default" : c.name;
            const spec: Record<string, unknown> = { subject: c.subject, ingress, egress };
            if (c.kind === "ClusterNetworkPolicy")
              Object.assign(spec, { tier: c.tier, priority: c.priority });
            if (c.kind === "AdminNetworkPolicy") spec.priority = c.priority;
            objects.push({
              apiVersion: "policy.networking.k8s.io/v1alpha2",
              kind: c.kind,
              metadata: { name },
              spec,
            });
          }
          for (const p of nps) {
            objects.push({
              apiVersion: "networking.k8s.io/v1",
              kind: "NetworkPolicy",
              metadata: { name: p.name, namespace: p.ns },
              spec: {
                podSelector: p.podSelector,
                policyTypes: p.policyTypes,
                ingress: p.ingress,
                egress: p.egress,
              },
            });
          }
          const state = makeState(objects);
          const engine = compilePolicy(state);
          const matrix = computeMatrix(engine, { ports: checks });
          checks.forEach((c, pi) => {
            let allowedPairs = 0;
            for (const s of state.pods) {
              for (const d of state.pods) {
                const want = referenceTieredAllowed(state, s, d, c.port, c.protocol);
                const at = `${s.metadata?.namespace}/${s.metadata?.name} -> ${d.metadata?.namespace}/${d.metadata?.name} ${c.protocol}/${c.port}`;
                const got = engine.decide({
                  src: { kind: "pod", pod: s },
                  dst: { kind: "pod", pod: d },
                  port: c.port,
                  protocol: c.protocol,
                });
                expect(got.allowed, `decide ${at}`).toBe(want);
                expect(matrix.allowed(s, d, pi), `matrix ${at}`).toBe(want);
                if (s !== d && want) allowedPairs++;
              }
            }
            expect(matrix.stats(pi).allowedPairs).toBe(allowedPairs);
            const { reaches, reachedBy } = matrix.perClass(pi);
            const podNet = state.pods.filter((p) => !p.spec?.hostNetwork);
            for (const cls of matrix.classIndex.classes) {
              const rep = cls.rep.pod;
              const out = podNet.filter(
                (d) => d !== rep && referenceTieredAllowed(state, rep, d, c.port, c.protocol),
              ).length;
              const inn = podNet.filter(
                (s) => s !== rep && referenceTieredAllowed(state, s, rep, c.port, c.protocol),
              ).length;
              expect(
                [reaches[cls.id], reachedBy[cls.id]],
                `class ${cls.rep.key} ${c.protocol}/${c.port}`,
              ).toEqual([out, inn]);
            }
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
