import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../api/diagnostics.js";
import { formatCIDR, parseCIDR } from "../api/net.js";
import type { KubeObject, Node } from "../api/types.js";
import { buildCluster } from "./build.js";
import { defaultConfig, makeConfig } from "./config.js";
import { deriveNodes, podCIDRSlice } from "./nodes.js";
import { eligibleNodes } from "./scheduler.js";

describe("nodes", () => {
  it("generates config.nodes nodes with consecutive pod CIDRs and InternalIPs", () => {
    const d: Diagnostic[] = [];
    const nodes = deriveNodes([], makeConfig({ nodes: 3 }), d);
    expect(nodes.map((n) => [n.metadata?.name, n.spec?.podCIDR, n.status?.addresses])).toEqual([
      [
        "node-1",
        "10.244.0.0/24",
        [
          { type: "InternalIP", address: "10.1.0.1" },
          { type: "Hostname", address: "node-1" },
        ],
      ],
      [
        "node-2",
        "10.244.1.0/24",
        [
          { type: "InternalIP", address: "10.1.0.2" },
          { type: "Hostname", address: "node-2" },
        ],
      ],
      [
        "node-3",
        "10.244.2.0/24",
        [
          { type: "InternalIP", address: "10.1.0.3" },
          { type: "Hostname", address: "node-3" },
        ],
      ],
    ]);
    expect(nodes[0]?.metadata?.labels?.["node-role.kubernetes.io/control-plane"]).toBe("");
    expect(nodes[1]?.metadata?.labels?.["kubernetes.io/hostname"]).toBe("node-2");
    expect(d).toEqual([]);
  });
  it("keeps given nodes' CIDRs and addresses and fills the gaps with the lowest free ones", () => {
    const given: Node[] = [
      {
        metadata: { name: "b" },
        spec: { podCIDR: "10.244.0.0/24" },
        status: { addresses: [{ type: "InternalIP", address: "10.1.0.1" }] },
      },
      { metadata: { name: "a" } },
    ];
    const nodes = deriveNodes(given, defaultConfig, []);
    expect(nodes.map((n) => [n.metadata?.name, n.spec?.podCIDR, n.status?.addresses?.[0]?.address])).toEqual([
      ["a", "10.244.1.0/24", "10.1.0.2"],
      ["b", "10.244.0.0/24", "10.1.0.1"],
    ]);
  });
  it("reports pod CIDR exhaustion", () => {
    const d: Diagnostic[] = [];
    deriveNodes([], makeConfig({ nodes: 3, podCIDR: "10.244.0.0/23" }), d);
    expect(d.map((x) => [x.name, x.code])).toEqual([["node-3", "CIDRNotAvailable"]]);
  });
  it("podCIDRSlice", () => {
    const c = parseCIDR("10.244.0.0/16");
    if (!c) throw new Error("bad cidr");
    expect(formatCIDR(podCIDRSlice(c, 24, 255) ?? c)).toBe("10.244.255.0/24");
    expect(podCIDRSlice(c, 24, 256)).toBeUndefined();
  });
});

describe("scheduling and pod IPs", () => {
  const nodes = deriveNodes(
    [
      { metadata: { name: "a", labels: { disk: "ssd" } } },
      { metadata: { name: "b" }, spec: { taints: [{ key: "gpu", value: "yes", effect: "NoSchedule" }] } },
      { metadata: { name: "c" }, spec: { unschedulable: true } },
    ],
    defaultConfig,
    [],
  );
  it.each<[string, Record<string, unknown>, string[]]>([
    ["no constraints: untainted schedulable nodes", {}, ["a"]],
    [
      "toleration opens the tainted node",
      { tolerations: [{ key: "gpu", operator: "Equal", value: "yes", effect: "NoSchedule" }] },
      ["a", "b"],
    ],
    ["Exists without key tolerates everything", { tolerations: [{ operator: "Exists" }] }, ["a", "b"]],
    ["nodeSelector", { nodeSelector: { disk: "ssd" } }, ["a"]],
    ["nodeSelector matching nothing", { nodeSelector: { disk: "nvme" } }, []],
  ])("%s", (_d, spec, want) => {
    expect(eligibleNodes(nodes, { containers: [], ...spec }).map((n) => n.metadata?.name)).toEqual(want);
  });

  const objects: KubeObject[] = [
    { apiVersion: "v1", kind: "Pod", metadata: { name: "p1" }, spec: { containers: [{ name: "c" }] } },
    { apiVersion: "v1", kind: "Pod", metadata: { name: "p2" }, spec: { containers: [{ name: "c" }] } },
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "hn" },
      spec: { hostNetwork: true, nodeName: "node-1", containers: [{ name: "c" }] },
    },
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "stuck" },
      spec: { nodeSelector: { x: "y" }, containers: [{ name: "c" }] },
    },
  ];
  const state = buildCluster(objects, makeConfig({ nodes: 1 }));
  it("gives pods .2 onward of the node's pod CIDR (system pods first), hostNetwork pods the node IP", () => {
    const ip = (n: string) => state.index.pod("default", n)?.status?.podIP;
    // node-1 runs coredns ×2 and the ingress controller first: .2-.4.
    const system = state.pods
      .filter((p) => p.metadata?.namespace !== "default")
      .map((p) => p.status?.podIP)
      .sort();
    expect(system).toEqual(["10.244.0.2", "10.244.0.3", "10.244.0.4"]);
    expect(ip("p1")).toBe("10.244.0.5");
    expect(ip("p2")).toBe("10.244.0.6");
    expect(ip("hn")).toBe("10.1.0.1");
    expect(state.index.podByIP("10.1.0.1")).toBeUndefined();
  });
  it("leaves an unschedulable pod Pending without IP and says why", () => {
    const p = state.index.pod("default", "stuck");
    expect(p?.status?.phase).toBe("Pending");
    expect(p?.status?.podIP).toBeUndefined();
    expect(p?.status?.conditions).toEqual([
      expect.objectContaining({ type: "PodScheduled", status: "False", reason: "Unschedulable" }),
    ]);
    expect(state.diagnostics.map((d) => [d.name, d.code])).toContainEqual(["stuck", "Unschedulable"]);
  });
  it("reports an exhausted node pod CIDR", () => {
    const many: KubeObject[] = [
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "many" },
        spec: {
          replicas: 14,
          selector: { matchLabels: { a: "b" } },
          template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c" }] } },
        },
      },
    ];
    // A /28 per node: .2-.14 usable = 13 pods, 3 of them system pods.
    const s = buildCluster(many, makeConfig({ nodes: 1, nodeCIDRMaskSize: 28 }));
    expect(s.pods.filter((p) => p.status?.podIP).length).toBe(13);
    expect(s.diagnostics.filter((d) => d.code === "PodIPExhausted")).toHaveLength(4);
  });
});
