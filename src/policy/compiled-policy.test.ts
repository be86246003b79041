import { describe, expect, it } from "vitest";
import type { NetworkPolicy } from "../api/types.js";
import { compileNetworkPolicies, compileNetworkPolicy, effectivePolicyTypes } from "./compiled-policy.js";

type Spec = NonNullable<NetworkPolicy["spec"]>;
const np = (name: string, spec: Spec, ns = "x"): NetworkPolicy => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name, namespace: ns },
  spec,
});

describe("effectivePolicyTypes", () => {
  const cases: { desc: string; spec: Spec; want: [boolean, boolean] }[] = [
    { desc: "default: Ingress only", spec: { podSelector: {} }, want: [true, false] },
    { desc: "egress rules add Egress", spec: { podSelector: {}, egress: [{}] }, want: [true, true] },
    { desc: "empty egress list does not", spec: { podSelector: {}, egress: [] }, want: [true, false] },
    {
      desc: "explicit Egress only",
      spec: { podSelector: {}, policyTypes: ["Egress"], ingress: [{}] },
      want: [false, true],
    },
    {
      desc: "explicit both",
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
      want: [true, true],
    },
  ];
  it.each(cases)("$desc", ({ spec, want }) => {
    const t = effectivePolicyTypes(np("p", spec));
    expect([t.ingress, t.egress]).toEqual(want);
  });
});

describe("compileNetworkPolicy", () => {
  it("keeps rule and peer indexes and classifies peers", () => {
    const c = compileNetworkPolicy(
      np("p", {
        podSelector: { matchLabels: { app: "db" } },
        ingress: [
          {},
          {
            from: [
              { podSelector: { matchLabels: { app: "api" } } },
              { namespaceSelector: {}, podSelector: {} },
              { ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } },
            ],
            ports: [{ port: 5432 }],
          },
        ],
      }),
    );
    expect(c.key).toBe("x/p");
    expect(c.egress).toBeUndefined();
    expect(c.ingress?.[0]).toEqual({ index: 0, peers: undefined, ports: undefined });
    expect(c.ingress?.[1]?.peers?.map((p) => [p.index, p.kind, p.text])).toEqual([
      [0, "pods", "podSelector app=api"],
      [1, "pods", "namespaceSelector {} AND podSelector {}"],
      [2, "ipBlock", "ipBlock 10.0.0.0/8 except 10.1.0.0/16"],
    ]);
    expect(c.ingress?.[1]?.peers?.[0]?.namespace).toBeUndefined();
  });

  it("a later policy with the same namespace/name replaces the earlier one", () => {
    const list = compileNetworkPolicies([
      np("b", { podSelector: {} }),
      np("a", { podSelector: { matchLabels: { v: "1" } } }),
      np("a", { podSelector: { matchLabels: { v: "2" } } }),
      np("a", { podSelector: {} }, "y"),
    ]);
    expect(list.map((p) => `${p.key} ${p.podSelector.text}`)).toEqual(["x/a v=2", "x/b {}", "y/a {}"]);
  });
});
