/**
 * Property: on random clusters (namespaces with labels, pods with labels,
 * named ports and hostNetwork, policies with every selector form, ipBlocks
 * with except, named ports, endPort ranges, every policyTypes form), the
 * engine's decide() and the class-level matrix agree with the brute-force
 * reference on every ordered pod pair and every port/protocol.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type {
  ContainerPort,
  KubeObject,
  LabelSelector,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  Protocol,
} from "../../src/api/types.js";
import { compilePolicy } from "../../src/policy/engine.js";
import { computeMatrix } from "../../src/policy/matrix.js";
import { makeState } from "./fixture.js";
import { referenceAllowed } from "./reference.js";

const nsNames = ["x", "y", "z"];
const labelsArb = (keys: Record<string, string[]>) =>
  fc.record(Object.fromEntries(Object.entries(keys).map(([k, vs]) => [k, fc.constantFrom(...vs)])), {
    requiredKeys: [],
  }) as fc.Arbitrary<Record<string, string>>;

const podLabels = labelsArb({ app: ["a", "b", "c"], tier: ["f", "b"] });
const nsLabels = labelsArb({ env: ["prod", "dev"], team: ["t1"] });

const portPool: ContainerPort[] = [
  { name: "http", containerPort: 80 },
  { name: "http", containerPort: 8080 },
  { name: "dns", containerPort: 53, protocol: "UDP" },
  { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
  { name: "metrics", containerPort: 81 },
];

const selectorArb = (keys: Record<string, string[]>): fc.Arbitrary<LabelSelector> =>
  fc.oneof(
    fc.constant({}),
    labelsArb(keys).map((matchLabels) => ({ matchLabels })),
    fc
      .record({
        key: fc.constantFrom(...Object.keys(keys)),
        operator: fc.constantFrom("In", "NotIn", "Exists", "DoesNotExist") as fc.Arbitrary<
          "In" | "NotIn" | "Exists" | "DoesNotExist"
        >,
        values: fc.subarray(Object.values(keys).flat(), { minLength: 1 }),
      })
      .map((e) => ({
        matchExpressions: [
          e.operator === "Exists" || e.operator === "DoesNotExist" ? { key: e.key, operator: e.operator } : e,
        ],
      })),
  );

const podSel = selectorArb({ app: ["a", "b", "c"], tier: ["f", "b"] });
const nsSel = selectorArb({ env: ["prod", "dev"], "kubernetes.io/metadata.name": nsNames });

const peerArb: fc.Arbitrary<NetworkPolicyPeer> = fc.oneof(
  podSel.map((podSelector) => ({ podSelector })),
  nsSel.map((namespaceSelector) => ({ namespaceSelector })),
  fc.record({ podSelector: podSel, namespaceSelector: nsSel }),
  fc.constantFrom<NetworkPolicyPeer>(
    { ipBlock: { cidr: "10.244.0.0/16", except: ["10.244.1.0/24"] } },
    { ipBlock: { cidr: "10.244.0.2/32" } },
    { ipBlock: { cidr: "0.0.0.0/0" } },
    { ipBlock: { cidr: "10.1.0.0/24" } },
    { ipBlock: { cidr: "10.244.1.0/24", except: ["10.244.1.3/32"] } },
  ),
);

const portArb: fc.Arbitrary<NetworkPolicyPort> = fc.constantFrom(
  { port: 80 },
  { port: "http" },
  { port: "dns", protocol: "UDP" as Protocol },
  { port: "dns" },
  { protocol: "UDP" as Protocol },
  { port: 53, protocol: "UDP" as Protocol },
  { port: 80, endPort: 8080 },
  { port: 81, protocol: "SCTP" as Protocol },
);

const ruleArb = (field: "from" | "to") =>
  fc.record(
    {
      [field]: fc.option(fc.array(peerArb, { maxLength: 2 }), { nil: undefined }),
      ports: fc.option(fc.array(portArb, { maxLength: 2 }), { nil: undefined }),
    },
    { requiredKeys: [] },
  );

const policyArb = fc.record({
  name: fc.constantFrom("p1", "p2", "p3", "p4"),
  ns: fc.constantFrom(...nsNames),
  podSelector: podSel,
  policyTypes: fc.constantFrom(undefined, ["Ingress"], ["Egress"], ["Ingress", "Egress"]),
  ingress: fc.option(fc.array(ruleArb("from"), { maxLength: 2 }), { nil: undefined }),
  egress: fc.option(fc.array(ruleArb("to"), { maxLength: 2 }), { nil: undefined }),
});

const podArb = fc.record({
  ns: fc.constantFrom(...nsNames),
  labels: podLabels,
  ports: fc
    .subarray(portPool.slice(1), { maxLength: 3 })
    .chain((ps) =>
      fc.boolean().map((h) => (h ? [portPool[0]!, ...ps.filter((p) => p.name !== "http")] : ps)),
    ),
  hostNetwork: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
  node: fc.constantFrom("node-1", "node-2"),
});

const clusterArb = fc.record({
  namespaces: fc.tuple(nsLabels, nsLabels, nsLabels),
  pods: fc.array(podArb, { minLength: 1, maxLength: 8 }),
  policies: fc.array(policyArb, { maxLength: 5 }),
});

const checks: { port: number; protocol: Protocol }[] = [
  { port: 80, protocol: "TCP" },
  { port: 81, protocol: "TCP" },
  { port: 8080, protocol: "TCP" },
  { port: 53, protocol: "UDP" },
  { port: 53, protocol: "TCP" },
  { port: 81, protocol: "SCTP" },
];

describe("engine and matrix agree with the reference evaluator", () => {
  it("on every pair of random clusters", () => {
    fc.assert(
      fc.property(clusterArb, (cl) => {
        const objects: KubeObject[] = [];
        nsNames.forEach((n, i) => {
          objects.push({
            apiVersion: "v1",
            kind: "Namespace",
            metadata: { name: n, labels: cl.namespaces[i]! },
          });
        });
        cl.pods.forEach((p, i) => {
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
        for (const p of cl.policies) {
          objects.push({
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: p.name, namespace: p.ns },
            spec: {
              podSelector: p.podSelector,
              ...(p.policyTypes ? { policyTypes: p.policyTypes } : {}),
              ...(p.ingress ? { ingress: p.ingress } : {}),
              ...(p.egress ? { egress: p.egress } : {}),
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
              const want = referenceAllowed(state, s, d, c.port, c.protocol);
              const got = engine.decide({
                src: { kind: "pod", pod: s },
                dst: { kind: "pod", pod: d },
                port: c.port,
                protocol: c.protocol,
              }).allowed;
              const at = `${s.metadata?.namespace}/${s.metadata?.name} -> ${d.metadata?.namespace}/${d.metadata?.name} ${c.protocol}/${c.port}`;
              expect(got, `decide ${at}`).toBe(want);
              expect(matrix.allowed(s, d, pi), `matrix ${at}`).toBe(want);
              if (s !== d && want) allowedPairs++;
            }
          }
          expect(matrix.stats(pi).allowedPairs).toBe(allowedPairs);
          // Per class: pods (hostNetwork ones aside) each member reaches / is reached by.
          const { reaches, reachedBy } = matrix.perClass(pi);
          const podNet = state.pods.filter((p) => !p.spec?.hostNetwork);
          for (const cls of matrix.classIndex.classes) {
            const rep = cls.rep.pod;
            const out = podNet.filter(
              (d) => d !== rep && referenceAllowed(state, rep, d, c.port, c.protocol),
            ).length;
            const inn = podNet.filter(
              (s) => s !== rep && referenceAllowed(state, s, rep, c.port, c.protocol),
            ).length;
            expect(
              [reaches[cls.id], reachedBy[cls.id]],
              `class ${cls.rep.key} ${c.protocol}/${c.port}`,
            ).toEqual([out, inn]);
          }
        });
      }),
      { numRuns: 300 },
    );
  });
});
