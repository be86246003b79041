import { describe, expect, it } from "vitest";
import type { KubeObject } from "../api/types.js";
import { buildCluster } from "./build.js";
import { PodLabelIndex } from "./cluster-index.js";
import { defaultConfig } from "./config.js";

const deploy = (name: string, labels: Record<string, string>, replicas = 2): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: labels },
    template: { metadata: { labels }, spec: { containers: [{ name: "c" }] } },
  },
});
const state = buildCluster(
  [
    deploy("web", { app: "web", tier: "front" }),
    deploy("api", { app: "api", tier: "back" }, 3),
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web" },
      spec: { selector: { app: "web" }, ports: [{ port: 80 }] },
    },
    { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, stringData: { a: "b" } },
  ],
  defaultConfig,
);

describe("ClusterIndex", () => {
  it("looks objects up by name and address", () => {
    const pod = state.pods.find((p) => p.metadata?.name?.startsWith("web-"));
    const ip = pod?.status?.podIP ?? "";
    expect(state.index.podByIP(ip)).toBe(pod);
    expect(state.index.pod("default", pod?.metadata?.name ?? "")).toBe(pod);
    const svc = state.index.service("default", "web");
    expect(state.index.serviceByClusterIP(svc?.spec?.clusterIP ?? "")).toBe(svc);
    expect(state.index.slicesForService("default", "web")[0]?.endpoints).toHaveLength(2);
    expect(state.index.nodeByIP("10.1.0.2")?.metadata?.name).toBe("node-2");
    expect(state.index.node("node-3")?.spec?.podCIDR).toBe("10.244.2.0/24");
    expect(state.index.namespace("kube-system")?.metadata?.name).toBe("kube-system");
    // stringData is folded into base64 data by the API server.
    expect(state.index.secret("default", "s")?.data).toEqual({ a: "Yg==" });
    expect(state.index.podByIP("10.9.9.9")).toBeUndefined();
  });

  it("selectPods agrees with a brute-force scan", () => {
    for (const selector of [
      { app: "web" },
      { tier: "back" },
      { app: "web", tier: "back" },
      {},
      { app: "nope" },
    ]) {
      const brute = state.index
        .podsInNamespace("default")
        .filter((p) => Object.entries(selector).every(([k, v]) => p.metadata?.labels?.[k] === v));
      expect(state.index.selectPods("default", selector)).toEqual(brute);
    }
    expect(new PodLabelIndex(state.pods).select("kube-system", { "k8s-app": "kube-dns" })).toHaveLength(2);
  });
});
