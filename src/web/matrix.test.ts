/**
 * The heat map folds pods into equivalence classes; these tests check the
 * fold is exact: every cell's counts equal a brute-force evaluation of every
 * (source pod, destination pod, port) with the same policy engine — on the
 * idp-system example and on random clusters (fast-check).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { KubeObject, Pod, Protocol } from "../api/types.js";
import { defaultConfig } from "../cluster/config.js";
import { compilePolicy, type PolicyEngine } from "../policy/engine.js";
import { loadSnapshot } from "../snapshot/load.js";
import { snapshotOf } from "../snapshot/snapshot.js";
import type { ApiMatrix } from "./api-types.js";
import { computeMatrix, EXTERNAL_CLIENT_IP, type MatrixParams } from "./matrix.js";
import { workloadOf } from "./workload-of.js";

function groupOf(engine: PolicyEngine, pod: Pod, level: MatrixParams["level"]): string {
  const ns = pod.metadata?.namespace ?? "default";
  if (level === "namespace") return `namespace/${ns}`;
  if (level === "pod") return `pod/${ns}/${pod.metadata?.name}`;
  return workloadOf(engine.state, pod).id;
}

/** Every pair, no folding. */
function bruteForce(
  engine: PolicyEngine,
  p: MatrixParams,
  m: ApiMatrix,
): { allowed: number; denied: number }[][] {
  const pods = engine.state.pods.filter((x) => x.status?.podIP);
  const index = new Map(m.groups.map((g, i) => [g.id, i]));
  const cells = m.groups.map(() =>
    m.groups.filter((g) => !g.external).map(() => ({ allowed: 0, denied: 0 })),
  );
  const portsOf = (dst: Pod) =>
    p.port === "declared"
      ? [
          ...new Set(
            engine
              .view(dst)
              .ports.filter((x) => (x.protocol ?? "TCP") === p.protocol)
              .map((x) => x.containerPort),
          ),
        ]
      : [p.port];
  const sources: (Pod | undefined)[] = [...pods, undefined];
  for (const src of sources) {
    const i = src ? index.get(groupOf(engine, src, p.level))! : m.groups.length - 1;
    for (const dst of pods) {
      const j = index.get(groupOf(engine, dst, p.level))!;
      for (const port of portsOf(dst)) {
        const ok =
          src === dst ||
          engine.decide({
            src: src ? { kind: "pod", pod: src } : { kind: "ip", ip: EXTERNAL_CLIENT_IP },
            dst: { kind: "pod", pod: dst },
            port,
            protocol: p.protocol,
          }).allowed;
        const cell = cells[i]![j]!;
        if (ok) cell.allowed++;
        else cell.denied++;
      }
    }
  }
  return cells;
}

function counts(m: ApiMatrix) {
  return m.cells.map((row) => row.map((c) => ({ allowed: c.allowed, denied: c.denied })));
}

describe("computeMatrix", () => {
  it("agrees with brute force on idp-system at every level, port and protocol", async () => {
    const { state } = await loadSnapshot(
      [new URL("../../examples/idp-system", import.meta.url).pathname],
      defaultConfig,
    );
    const engine = compilePolicy(state);
    const params: MatrixParams[] = [];
    for (const level of ["namespace", "workload", "pod"] as const) {
      params.push({ level, port: "declared", protocol: "TCP" });
      params.push({ level, port: 8080, protocol: "TCP" });
      params.push({ level, port: 53, protocol: "UDP" });
    }
    for (const p of params) {
      const m = computeMatrix(engine, p);
      expect(counts(m), `${p.level} ${p.port}/${p.protocol}`).toEqual(bruteForce(engine, p, m));
      expect(m.evaluated).toBeLessThanOrEqual(m.pairs);
    }
  });

  it("agrees with brute force with the cluster tiers (examples/cluster-admin on idp-system)", async () => {
    const { state } = await loadSnapshot(
      [
        new URL("../../examples/idp-system", import.meta.url).pathname,
        new URL("../../examples/cluster-admin", import.meta.url).pathname,
      ],
      defaultConfig,
    );
    const engine = compilePolicy(state);
    expect(engine.clusterPolicies.length).toBeGreaterThan(0);
    for (const level of ["namespace", "workload", "pod"] as const) {
      for (const p of [
        { level, port: "declared", protocol: "TCP" },
        { level, port: 53, protocol: "UDP" },
      ] as MatrixParams[]) {
        const m = computeMatrix(engine, p);
        expect(counts(m), `${p.level} ${p.port}/${p.protocol}`).toEqual(bruteForce(engine, p, m));
      }
    }
  });

  it("a denied cell's sample is a denied connection of that cell", async () => {
    const { state } = await loadSnapshot(
      [new URL("../../examples/idp-system", import.meta.url).pathname],
      defaultConfig,
    );
    const engine = compilePolicy(state);
    const m = computeMatrix(engine, { level: "workload", port: "declared", protocol: "TCP" });
    let checked = 0;
    for (const [i, row] of m.cells.entries()) {
      for (const [j, c] of row.entries()) {
        if (c.denied === 0 || !c.sample) continue;
        const [sns, sname] = c.sample.from.split("/");
        const [dns, dname] = c.sample.to.split("/");
        const src = sname ? state.index.pod(sns!, sname) : undefined;
        const dst = state.index.pod(dns!, dname!)!;
        if (src) expect(workloadOf(state, src).id).toBe(m.groups[i]?.id);
        expect(workloadOf(state, dst).id).toBe(m.groups[j]?.id);
        const v = engine.decide({
          src: src ? { kind: "pod", pod: src } : { kind: "ip", ip: c.sample.from },
          dst: { kind: "pod", pod: dst },
          port: c.sample.port,
          protocol: c.sample.protocol as Protocol,
        });
        expect(v.allowed).toBe(false);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(3);
  });

  it("refuses the pod level for large clusters", async () => {
    const objects: KubeObject[] = [
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "big", namespace: "default" },
        spec: {
          replicas: 401,
          selector: { matchLabels: { app: "big" } },
          template: {
            metadata: { labels: { app: "big" } },
            spec: { containers: [{ name: "c", image: "agnhost", ports: [{ containerPort: 80 }] }] },
          },
        },
      },
    ];
    const { state } = snapshotOf(objects, [], defaultConfig);
    const engine = compilePolicy(state);
    expect(() => computeMatrix(engine, { level: "pod", port: 80, protocol: "TCP" })).toThrow(
      /limited to 400/,
    );
    const m = computeMatrix(engine, { level: "workload", port: 80, protocol: "TCP" });
    expect(m.cells[0]?.[0]).toEqual(expect.objectContaining({ allowed: 401 * 401, denied: 0 }));
    // 401 identical pods are one class: a handful of verdicts stand for 160 000+ pairs.
    expect(m.pairs).toBeGreaterThan(401 * 401);
    expect(m.evaluated).toBeLessThan(30);
  });

  it("agrees with brute force on random clusters", () => {
    const label = fc.constantFrom("a", "b", "c");
    const labels = fc.record({ app: label, tier: label }, { requiredKeys: [] });
    const selector = fc.oneof(
      fc.constant({}),
      labels.map((l) => ({ matchLabels: l })),
      fc
        .record({
          key: fc.constantFrom("app", "tier"),
          operator: fc.constantFrom("In", "NotIn", "Exists", "DoesNotExist"),
          values: fc.array(label, { minLength: 1, maxLength: 2 }),
        })
        .map((e) => ({
          matchExpressions: [
            e.operator === "Exists" || e.operator === "DoesNotExist"
              ? { key: e.key, operator: e.operator }
              : e,
          ],
        })),
    );
    const peer = fc.oneof(
      fc.record({ podSelector: selector }),
      fc.record({ namespaceSelector: selector }),
      fc.record({ namespaceSelector: selector, podSelector: selector }),
      fc.constantFrom(
        { ipBlock: { cidr: "10.244.0.0/16", except: ["10.244.1.0/24"] } },
        { ipBlock: { cidr: "0.0.0.0/0" } },
      ),
    );
    const ports = fc.option(
      fc.array(fc.record({ port: fc.constantFrom(80, 81, "http") }, { requiredKeys: ["port"] }), {
        minLength: 1,
        maxLength: 2,
      }),
      { nil: undefined },
    );
    const rule = fc.record({
      peers: fc.option(fc.array(peer, { minLength: 1, maxLength: 2 }), { nil: undefined }),
      ports,
    });
    const policy = fc.record({
      ns: fc.constantFrom("x", "y"),
      podSelector: selector,
      types: fc.constantFrom(["Ingress"], ["Egress"], ["Ingress", "Egress"]),
      ingress: fc.array(rule, { maxLength: 2 }),
      egress: fc.array(rule, { maxLength: 2 }),
    });
    const pod = fc.record({ ns: fc.constantFrom("x", "y"), labels, port: fc.constantFrom(80, 81) });
    fc.assert(
      fc.property(
        fc.array(pod, { minLength: 2, maxLength: 7 }),
        fc.array(policy, { maxLength: 3 }),
        fc.record({ x: labels, y: labels }),
        fc.constantFrom("namespace", "pod") as fc.Arbitrary<"namespace" | "pod">,
        (pods, policies, nsLabels, level) => {
          const objects: KubeObject[] = [
            ...(["x", "y"] as const).map((n) => ({
              apiVersion: "v1",
              kind: "Namespace",
              metadata: { name: n, labels: nsLabels[n] },
            })),
            ...pods.map((p, i) => ({
              apiVersion: "v1",
              kind: "Pod",
              metadata: { name: `p${i}`, namespace: p.ns, labels: p.labels },
              spec: {
                containers: [
                  { name: "c", image: "agnhost", ports: [{ name: "http", containerPort: p.port }] },
                ],
              },
            })),
            ...policies.map((p, i) => ({
              apiVersion: "networking.k8s.io/v1",
              kind: "NetworkPolicy",
              metadata: { name: `np${i}`, namespace: p.ns },
              spec: {
                podSelector: p.podSelector,
                policyTypes: p.types,
                ingress: p.ingress.map((r) => ({
                  ...(r.peers ? { from: r.peers } : {}),
                  ...(r.ports ? { ports: r.ports } : {}),
                })),
                egress: p.egress.map((r) => ({
                  ...(r.peers ? { to: r.peers } : {}),
                  ...(r.ports ? { ports: r.ports } : {}),
                })),
              },
            })),
          ];
          const { state, hasErrors } = snapshotOf(objects as KubeObject[], [], defaultConfig);
          expect(hasErrors).toBe(false);
          expect(state.networkPolicies).toHaveLength(policies.length);
          expect(state.pods.filter((x) => /^p\d+$/.test(x.metadata?.name ?? ""))).toHaveLength(pods.length);
          const engine = compilePolicy(state);
          for (const port of ["declared", 80] as const) {
            const p: MatrixParams = { level, port, protocol: "TCP" };
            const m = computeMatrix(engine, p);
            expect(counts(m)).toEqual(bruteForce(engine, p, m));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
