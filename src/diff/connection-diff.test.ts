/**
 * The class-level connection diff against the brute-force reference: every
 * pod pair on every port judged by decide() on both sides. For each edit the
 * pairs the diff reports (added and removed, summed over its groups) are
 * exactly the pairs whose verdict differs, and each group's workloads match.
 */
import { describe, expect, it } from "vitest";
import { type Edit, EXAMPLE, editedCopy, SCENARIOS } from "../../test/diff/scenarios.js";
import type { Pod } from "../api/types.js";
import { makeConfig } from "../cluster/config.js";
import { compilePolicy, type PolicyEngine } from "../policy/engine.js";
import { loadSnapshot } from "../snapshot/load.js";
import type { Snapshot } from "../snapshot/snapshot.js";
import { diffConnections } from "./connection-diff.js";
import { makeLocator } from "./locate.js";
import { workloadNamer } from "./workloads.js";

const EXTRA: Record<string, Edit[]> = {
  /** The monitoring namespace gets the hand-set label the policy selects on: a namespace relabelled. */
  namespaceRelabelled: [
    {
      file: "00-namespaces.yaml",
      from: "  name: monitoring\n",
      to: "  name: monitoring\n  labels:\n    name: monitoring\n",
    },
  ],
  /** The frontend's pod template relabelled as redis-ish: pods renamed, classes change. */
  templateRelabelled: [
    {
      file: "20-frontend.yaml",
      from: "        app: frontend\n",
      to: "        app: frontend\n        tier: cache\n",
    },
  ],
  /** A default-deny for the whole idp-system namespace. */
  defaultDeny: [
    {
      file: "60-network-policy.yaml",
      from: "# The course's policy",
      to: "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: idp-system\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n---\n# The course's policy",
    },
  ],
};

function side(loaded: Snapshot) {
  return {
    engine: compilePolicy(loaded.state),
    locate: makeLocator(loaded.objects),
    workloadOf: workloadNamer(loaded.state),
  };
}

const key = (p: Pod) => `${p.metadata?.namespace}/${p.metadata?.name}`;

/** Changed pairs by brute force, pods matched by name or (renamed) by workload order. */
function bruteForce(
  b: PolicyEngine,
  h: PolicyEngine,
  ports: readonly { port: number; protocol: "TCP" | "UDP" | "SCTP" }[],
) {
  const wb = workloadNamer(b.state);
  const wh = workloadNamer(h.state);
  const hb = b.state.pods.filter((p) => !p.spec?.hostNetwork);
  const hh = h.state.pods.filter((p) => !p.spec?.hostNetwork);
  const byName = new Map(hh.map((p) => [key(p), p]));
  const pairs: [Pod, Pod][] = [];
  const used = new Set<Pod>();
  const left = new Map<string, Pod[]>();
  for (const p of hb) {
    const q = byName.get(key(p));
    if (q && wb(p) === wh(q)) {
      pairs.push([p, q]);
      used.add(q);
    } else left.set(wb(p), [...(left.get(wb(p)) ?? []), p]);
  }
  const leftH = new Map<string, Pod[]>();
  for (const q of hh) if (!used.has(q)) leftH.set(wh(q), [...(leftH.get(wh(q)) ?? []), q]);
  for (const [w, ps] of left) {
    ps.forEach((p, i) => {
      const q = leftH.get(w)?.[i];
      if (q) pairs.push([p, q]);
    });
  }
  const out = new Map<string, number>();
  for (const pp of ports) {
    for (const [s1, s2] of pairs) {
      for (const [d1, d2] of pairs) {
        if (s1 === d1) continue;
        const c = (e: PolicyEngine, s: Pod, d: Pod) =>
          e.decide({ src: { kind: "pod", pod: s }, dst: { kind: "pod", pod: d }, ...pp }).allowed;
        const before = c(b, s1, d1);
        const after = c(h, s2, d2);
        if (before === after) continue;
        const k = `${wh(s2)}>${wh(d2)}:${pp.protocol}/${pp.port}:${after}`;
        out.set(k, (out.get(k) ?? 0) + 1);
      }
    }
  }
  return out;
}

describe("diffConnections", () => {
  const cases: [string, Edit[]][] = [
    ...Object.entries(SCENARIOS).map(([n, e]) => [n, [e]] as [string, Edit[]]),
    ...Object.entries(EXTRA),
    ["everything", [...Object.values(SCENARIOS), ...Object.values(EXTRA).flat()]],
  ];
  it.each(cases)("agrees with every pod pair judged by decide(): %s", async (_name, edits) => {
    const base = await loadSnapshot([EXAMPLE], makeConfig({}));
    const copy = editedCopy(edits);
    try {
      const head = await loadSnapshot([copy.dir], makeConfig({}));
      const d = diffConnections(side(base), side(head));
      const got = new Map<string, number>();
      for (const c of [...d.added, ...d.removed]) {
        const k = `${c.from}>${c.to}:${c.protocol}/${c.port}:${c.allowed}`;
        expect(got.has(k), `${k} reported twice`).toBe(false);
        got.set(k, c.pairs);
      }
      const want = bruteForce(compilePolicy(base.state), compilePolicy(head.state), d.ports);
      expect(Object.fromEntries([...got].sort())).toEqual(Object.fromEntries([...want].sort()));
    } finally {
      copy.cleanup();
    }
  });

  it("finds no change and compares nothing when nothing changed", async () => {
    const a = await loadSnapshot([EXAMPLE], makeConfig({}));
    const b = await loadSnapshot([EXAMPLE], makeConfig({}));
    const d = diffConnections(side(a), side(b));
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
    expect(d.stats.comparisons).toBe(0);
    expect(d.stats.jointClasses).toBeGreaterThan(3);
  });
});
