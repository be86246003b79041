/**
 * Scenarios of the network-policy-api conformance suite (CNPAdminTierIntegration,
 * CNPAdminTierPriorityField, the inline-CIDR egress tests), on michi's own
 * small model of its "houses" cluster: one server pod per house namespace,
 * each serving TCP 80 and 8080, UDP 53 and SCTP 9003. Each step mutates the
 * policies as the Go test does and expects the same reachability.
 */
import { describe, expect, it } from "vitest";
import type { KubeObject, Protocol } from "../../src/api/types.js";
import { compilePolicy } from "../../src/policy/engine.js";
import { makeState } from "./fixture.js";

const HOUSES = ["gryffindor", "slytherin", "hufflepuff", "ravenclaw"];
const house = (h: string) => ({ matchLabels: { "conformance-house": h } });
const podsOf = (h: string) => ({ pods: { namespaceSelector: house(h), podSelector: house(h) } });

function cluster(policies: KubeObject[]) {
  const objects: KubeObject[] = [];
  for (const h of HOUSES) {
    objects.push({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: `ns-${h}`, labels: { "conformance-house": h } },
    });
    objects.push({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: `${h}-0`, namespace: `ns-${h}`, labels: { "conformance-house": h } },
      spec: {
        containers: [
          { name: "web", ports: [{ name: "web", containerPort: 80 }, { containerPort: 8080 }] },
          { name: "dns", ports: [{ name: "dns", containerPort: 53, protocol: "UDP" }] },
          { name: "sctp", ports: [{ containerPort: 9003, protocol: "SCTP" }] },
        ],
      },
    });
  }
  const engine = compilePolicy(makeState([...objects, ...policies]));
  return (from: string, to: string, port: number, protocol: Protocol = "TCP") =>
    engine.decide({
      src: { kind: "pod", pod: engine.state.index.pod(`ns-${from}`, `${from}-0`)! },
      dst: { kind: "pod", pod: engine.state.index.pod(`ns-${to}`, `${to}-0`)! },
      port,
      protocol,
    }).allowed;
}

const cnp = (name: string, tier: string, priority: number, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: "policy.networking.k8s.io/v1alpha2",
  kind: "ClusterNetworkPolicy",
  metadata: { name },
  spec: { tier, priority, ...spec },
});

describe("CNPAdminTierIntegration", () => {
  const admin = (action: string) =>
    cnp("pass-example", "Admin", 10, {
      subject: { namespaces: house("gryffindor") },
      ingress: [{ name: "ingress-from-slytherin", action, from: [{ namespaces: house("slytherin") }] }],
      egress: [{ name: "egress-to-slytherin", action, to: [{ namespaces: house("slytherin") }] }],
    });
  const np: KubeObject = {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "allow-gress-from-to-slytherin", namespace: "ns-gryffindor" },
    spec: {
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ namespaceSelector: house("slytherin") }] }],
      egress: [{ to: [{ namespaceSelector: house("slytherin") }] }],
    },
  };
  const baseline = cnp("default", "Baseline", 10, {
    subject: { namespaces: house("gryffindor") },
    ingress: [{ action: "Deny", from: [{ namespaces: house("slytherin") }] }],
    egress: [{ action: "Deny", to: [{ namespaces: house("slytherin") }] }],
  });
  const both = (ok: ReturnType<typeof cluster>) => [
    ok("slytherin", "gryffindor", 80),
    ok("slytherin", "gryffindor", 8080),
    ok("gryffindor", "slytherin", 80),
    ok("gryffindor", "slytherin", 8080),
  ];

  it("the Admin Deny wins over the NetworkPolicy allow, both directions", () => {
    expect(both(cluster([admin("Deny"), np, baseline]))).toEqual([false, false, false, false]);
  });
  it("Pass hands the traffic to the NetworkPolicy, which allows it", () => {
    expect(both(cluster([admin("Pass"), np, baseline]))).toEqual([true, true, true, true]);
  });
  it("Pass with the NetworkPolicy deleted: the Baseline Deny decides", () => {
    expect(both(cluster([admin("Pass"), baseline]))).toEqual([false, false, false, false]);
  });
  it("other houses are not affected", () => {
    const ok = cluster([admin("Deny"), baseline]);
    expect([ok("hufflepuff", "gryffindor", 80), ok("gryffindor", "ravenclaw", 8080)]).toEqual([true, true]);
  });
});

describe("CNPAdminTierPriorityField", () => {
  const deny50 = cnp("priority-50-example", "Admin", 50, {
    subject: podsOf("gryffindor"),
    ingress: [{ action: "Deny", from: [podsOf("slytherin")] }],
    egress: [{ action: "Deny", to: [podsOf("slytherin")] }],
  });
  const pass = (priority: number) =>
    cnp("old-priority-60-new-priority-40-example", "Admin", priority, {
      subject: podsOf("gryffindor"),
      ingress: [{ action: "Pass", from: [podsOf("slytherin")] }],
      egress: [{ action: "Pass", to: [podsOf("slytherin")] }],
    });
  it.each<[number, boolean]>([
    [60, false],
    [40, true],
  ])("Pass at priority %i against Deny at 50", (priority, want) => {
    const ok = cluster([deny50, pass(priority)]);
    expect([ok("slytherin", "gryffindor", 80), ok("gryffindor", "slytherin", 8080)]).toEqual([want, want]);
  });
});

describe("inline CIDR egress rules", () => {
  it("a Deny on the destination's /32 blocks it on every protocol; an Accept above it re-opens one port", () => {
    // The fixture spreads pods over two nodes: ravenclaw-0, the fourth pod, is 10.244.1.3.
    expect(
      makeState(
        HOUSES.map((h) => ({
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: `${h}-0`, namespace: `ns-${h}` },
        })),
      ).pods[3]!.status!.podIP,
    ).toBe("10.244.1.3");
    const deny = (cidr: string) =>
      cnp("deny-cidr", "Admin", 20, {
        subject: { namespaces: house("gryffindor") },
        egress: [{ action: "Deny", to: [{ networks: [cidr] }] }],
      });
    const accept = cnp("accept-dns", "Admin", 10, {
      subject: { namespaces: house("gryffindor") },
      egress: [
        {
          action: "Accept",
          to: [{ networks: ["0.0.0.0/0"] }],
          protocols: [{ udp: { destinationPort: { number: 53 } } }],
        },
      ],
    });
    const okDeny = cluster([deny("10.244.1.3/32")]);
    expect([
      okDeny("gryffindor", "ravenclaw", 80),
      okDeny("gryffindor", "ravenclaw", 53, "UDP"),
      okDeny("gryffindor", "ravenclaw", 9003, "SCTP"),
      okDeny("gryffindor", "slytherin", 80),
    ]).toEqual([false, false, false, true]);
    const okBoth = cluster([deny("10.244.1.3/32"), accept]);
    expect([okBoth("gryffindor", "ravenclaw", 80), okBoth("gryffindor", "ravenclaw", 53, "UDP")]).toEqual([
      false,
      true,
    ]);
  });
});
