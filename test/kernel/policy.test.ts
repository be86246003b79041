/**
 * NetworkPolicy in the kernel: a denied SYN is never answered (the client
 * times out, nothing accepts it first), deny=reject refuses instead, an
 * allowed peer connects through the Service and directly; and a property
 * test over random policies: what real connections between pod namespaces
 * do equals the policy engine's verdict (what `michi check` prints).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ipInCIDR } from "../../src/api/net.js";
import type { KernelDataPlane } from "../../src/dataplane/kernel/kernel-dataplane.js";
import type { Snapshot } from "../../src/snapshot/snapshot.js";
import { echoPod, idlePod, Planes, probe, requireKernel, snapshotOf, waitListening } from "./harness.js";

const planes = new Planes();
beforeAll(requireKernel);
afterAll(() => planes.closeAll());

const base =
  echoPod("db", { app: "db" }, "node-2", [5432]) +
  idlePod("api", { app: "api" }, "node-1") +
  idlePod("other", { app: "other" }, "node-1") +
  `apiVersion: v1
kind: Service
metadata: {name: db, namespace: default}
spec: {selector: {app: db}, ports: [{port: 5432, targetPort: p5432}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-api, namespace: default}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: p5432}]}]
---
`;

describe("kernel NetworkPolicy", () => {
  for (const deny of ["drop", "reject"] as const) {
    it(`deny=${deny}: the allowed peer connects (Service and pod IP), the other one ${deny === "drop" ? "times out" : "is refused"}`, async () => {
      const snap = snapshotOf(base);
      const plane = await planes.start(snap, { deny });
      await waitListening(plane.podNetns("default/db") ?? "", 5432);
      const db = snap.state.index.pod("default", "db")?.status?.podIP;
      const svc = `${snap.state.index.service("default", "db")?.spec?.clusterIP}:5432`;
      const api = snap.state.index.pod("default", "api")?.status?.podIP;
      expect(await probe(plane.podNetns("default/api") ?? "", [svc, `${db}:5432`])).toEqual([
        `open ${api} db`,
        `open ${api} db`,
      ]);
      const denied = deny === "drop" ? "timeout" : "refused";
      expect(await probe(plane.podNetns("default/other") ?? "", [svc, `${db}:5432`], 2)).toEqual([
        denied,
        denied,
      ]);
      // The engine agrees (what `michi check` would print).
      const v = snap.policy.decide({
        src: { kind: "pod", pod: snap.state.index.pod("default", "other") as never },
        dst: { kind: "pod", pod: snap.state.index.pod("default", "db") as never },
        port: 5432,
        protocol: "TCP",
      });
      expect(v.allowed).toBe(false);
      await planes.closeAll();
    });
  }
});

// ------------------------------------------------------------ property test

const PODS = [
  { name: "p1", ns: "ns1", app: "a", tier: "x", node: "node-1" },
  { name: "p2", ns: "ns1", app: "b", tier: "y", node: "node-2" },
  { name: "p3", ns: "ns2", app: "c", tier: "x", node: "node-1" },
  { name: "p4", ns: "ns2", app: "d", tier: "y", node: "node-2" },
];
const PORTS = [80, 81];

const podsYaml =
  `apiVersion: v1
kind: Namespace
metadata: {name: ns1, labels: {team: red}}
---
apiVersion: v1
kind: Namespace
metadata: {name: ns2, labels: {team: blue}}
---
` + PODS.map((p) => echoPod(p.name, { app: p.app, tier: p.tier }, p.node, PORTS, p.ns)).join("");

const selector = fc.oneof(
  fc.constant({}),
  fc.constantFrom("x", "y").map((tier) => ({ matchLabels: { tier } })),
  fc.constantFrom("a", "b", "c", "d").map((app) => ({ matchLabels: { app } })),
  fc
    .constantFrom("a", "b")
    .map((app) => ({ matchExpressions: [{ key: "app", operator: "NotIn", values: [app] }] })),
);
const nsSelector = fc.oneof(
  fc.constant({}),
  fc.constantFrom("red", "blue").map((team) => ({ matchLabels: { team } })),
);
/** ipBlocks around the pod CIDRs: a node's /24, the cluster /16, either minus some /32s filled in later. */
const ipBlock = fc.record({
  cidr: fc.constantFrom("10.244.0.0/16", "10.244.0.0/24", "10.244.1.0/24"),
  exceptPod: fc.option(fc.constantFrom(0, 1, 2, 3), { nil: undefined }),
});
const peer = fc.oneof(
  selector.map((podSelector) => ({ podSelector })),
  nsSelector.map((namespaceSelector) => ({ namespaceSelector })),
  fc
    .tuple(selector, nsSelector)
    .map(([podSelector, namespaceSelector]) => ({ podSelector, namespaceSelector })),
  ipBlock.map((ipBlock) => ({ ipBlock })),
);
const port = fc.constantFrom<Record<string, unknown>>(
  { port: 80 },
  { port: 81 },
  { port: "p81" },
  { port: "p80" },
  { port: 80, endPort: 81 },
  { protocol: "TCP" },
  { protocol: "UDP" },
);
const rule = fc.record({
  peers: fc.option(fc.array(peer, { minLength: 1, maxLength: 2 }), { nil: undefined }),
  ports: fc.option(fc.array(port, { minLength: 1, maxLength: 2 }), { nil: undefined }),
});
const policy = fc.record({
  ns: fc.constantFrom("ns1", "ns2"),
  podSelector: selector,
  types: fc.constantFrom<string[]>(["Ingress"], ["Egress"], ["Ingress", "Egress"]),
  ingress: fc.array(rule, { maxLength: 2 }),
  egress: fc.array(rule, { maxLength: 2 }),
});

type Policy = typeof policy extends fc.Arbitrary<infer T> ? T : never;

function policyYaml(ps: Policy[], podIPs: string[]): string {
  return ps
    .map((p, i) => {
      const peers = (r: Policy["ingress"][number]) =>
        r.peers?.map((x) =>
          "ipBlock" in x
            ? {
                ipBlock: {
                  cidr: x.ipBlock.cidr,
                  ...(x.ipBlock.exceptPod !== undefined &&
                  ipInCIDR(podIPs[x.ipBlock.exceptPod] ?? "", x.ipBlock.cidr)
                    ? { except: [`${podIPs[x.ipBlock.exceptPod]}/32`] }
                    : {}),
                },
              }
            : x,
        );
      const spec = {
        podSelector: p.podSelector,
        policyTypes: p.types,
        ...(p.types.includes("Ingress")
          ? {
              ingress: p.ingress.map((r) => ({
                ...(r.peers ? { from: peers(r) } : {}),
                ...(r.ports ? { ports: r.ports } : {}),
              })),
            }
          : {}),
        ...(p.types.includes("Egress")
          ? {
              egress: p.egress.map((r) => ({
                ...(r.peers ? { to: peers(r) } : {}),
                ...(r.ports ? { ports: r.ports } : {}),
              })),
            }
          : {}),
      };
      return JSON.stringify({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: `np${i}`, namespace: p.ns },
        spec,
      });
    })
    .join("\n---\n");
}

describe("kernel NetworkPolicy = policy engine", () => {
  let plane: KernelDataPlane;
  let snap: Snapshot;
  beforeAll(async () => {
    snap = snapshotOf(podsYaml);
    plane = await planes.start(snap);
    for (const p of PODS)
      for (const port of PORTS) await waitListening(plane.podNetns(`${p.ns}/${p.name}`) ?? "", port);
  }, 60_000);

  it("real connections between pod namespaces get exactly the engine's verdicts on random policies", async () => {
    const ips = PODS.map((p) => snap.state.index.pod(p.ns, p.name)?.status?.podIP ?? "");
    await fc.assert(
      fc.asyncProperty(fc.array(policy, { minLength: 1, maxLength: 3 }), async (ps) => {
        const next = snapshotOf(`${podsYaml}${policyYaml(ps, ips)}`, {}, snap);
        await plane.apply(next);
        const results = await Promise.all(
          PODS.map((src) =>
            probe(
              plane.podNetns(`${src.ns}/${src.name}`) ?? "",
              PODS.flatMap((_, j) => PORTS.map((port) => `${ips[j]}:${port}`)),
              0.6,
            ),
          ),
        );
        PODS.forEach((src, i) => {
          PODS.forEach((dst, j) => {
            PORTS.forEach((port, k) => {
              const got = results[i]?.[j * PORTS.length + k] ?? "";
              const v = next.policy.decide({
                src: { kind: "pod", pod: next.state.index.pod(src.ns, src.name) as never },
                dst: { kind: "pod", pod: next.state.index.pod(dst.ns, dst.name) as never },
                port,
                protocol: "TCP",
              });
              const kernel = got.startsWith("open ") ? "allowed" : got === "timeout" ? "denied" : got;
              expect(
                kernel,
                `${src.ns}/${src.name} → ${dst.ns}/${dst.name}:${port}\n${policyYaml(ps, ips)}`,
              ).toBe(v.allowed ? "allowed" : "denied");
            });
          });
        });
      }),
      { numRuns: 12, seed: 20261208, endOnFailure: true },
    );
  }, 240_000);
});
