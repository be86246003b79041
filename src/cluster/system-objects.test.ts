import { describe, expect, it } from "vitest";
import type { KubeObject } from "../api/types.js";
import { buildCluster } from "./build.js";
import { defaultConfig } from "./config.js";

const empty = buildCluster([], defaultConfig);
const sys = (o: KubeObject | undefined) => o?.metadata?.annotations?.["michi.dev/system"];

describe("system objects of a kubeadm cluster with ingress-nginx", () => {
  it("has the four kubeadm namespaces and ingress-nginx, each labelled with its name", () => {
    expect(
      empty.namespaces.map((n) => [
        n.metadata?.name,
        n.metadata?.labels?.["kubernetes.io/metadata.name"],
        n.status?.phase,
      ]),
    ).toEqual([
      ["default", "default", "Active"],
      ["ingress-nginx", "ingress-nginx", "Active"],
      ["kube-node-lease", "kube-node-lease", "Active"],
      ["kube-public", "kube-public", "Active"],
      ["kube-system", "kube-system", "Active"],
    ]);
    expect(empty.namespaces.every((n) => sys(n) === "true")).toBe(true);
  });
  it("default/kubernetes at the first service IP, backed by the control-plane node on 6443", () => {
    const k = empty.index.service("default", "kubernetes");
    expect(k?.spec).toMatchObject({
      clusterIP: "10.96.0.1",
      ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }],
    });
    expect(empty.index.slicesForService("default", "kubernetes")[0]).toMatchObject({
      metadata: { name: "kubernetes" },
      endpoints: [{ addresses: ["10.1.0.1"], conditions: { ready: true } }],
      ports: [{ name: "https", port: 6443, protocol: "TCP" }],
    });
    expect(empty.endpoints.find((e) => e.metadata?.name === "kubernetes")?.metadata?.labels).toEqual({
      "endpointslice.kubernetes.io/skip-mirror": "true",
    });
  });
  it("kube-system/kube-dns at dnsServiceIP with dns, dns-tcp and metrics, backed by two CoreDNS pods", () => {
    const dns = empty.index.service("kube-system", "kube-dns");
    expect(dns?.spec?.clusterIP).toBe("10.96.0.10");
    expect(dns?.spec?.ports?.map((p) => `${p.name} ${p.port}/${p.protocol}`)).toEqual([
      "dns 53/UDP",
      "dns-tcp 53/TCP",
      "metrics 9153/TCP",
    ]);
    const slice = empty.index.slicesForService("kube-system", "kube-dns")[0];
    expect(slice?.endpoints).toHaveLength(2);
    expect(slice?.ports?.map((p) => p.port)).toEqual([53, 53, 9153]);
    const pods = empty.index.podsInNamespace("kube-system");
    expect(pods.map((p) => p.metadata?.labels?.["k8s-app"])).toEqual(["kube-dns", "kube-dns"]);
    expect(pods.every((p) => p.spec?.dnsPolicy === "Default")).toBe(true);
  });
  it("the ingress-nginx controller: one pod, a LoadBalancer Service with eTP Local, the nginx IngressClass", () => {
    const svc = empty.index.service("ingress-nginx", "ingress-nginx-controller");
    expect(svc?.spec).toMatchObject({ type: "LoadBalancer", externalTrafficPolicy: "Local" });
    expect(svc?.spec?.healthCheckNodePort).toBeGreaterThanOrEqual(30000);
    expect(svc?.status?.loadBalancer?.ingress).toEqual([{ ip: "10.255.0.1", ipMode: "VIP" }]);
    const pods = empty.index.podsInNamespace("ingress-nginx");
    expect(pods).toHaveLength(1);
    expect(pods[0]?.metadata?.labels).toMatchObject({
      "app.kubernetes.io/component": "controller",
      "app.kubernetes.io/name": "ingress-nginx",
    });
    expect(empty.ingressClasses.map((c) => [c.metadata?.name, c.spec?.controller])).toEqual([
      ["nginx", "k8s.io/ingress-nginx"],
    ]);
  });
  it("keeps the user's ingress-nginx namespace labels and IngressClass, and ignores a user kube-dns", () => {
    const s = buildCluster(
      [
        {
          apiVersion: "v1",
          kind: "Namespace",
          metadata: { name: "ingress-nginx", labels: { name: "ingress-nginx" } },
        },
        {
          apiVersion: "networking.k8s.io/v1",
          kind: "IngressClass",
          metadata: { name: "nginx" },
          spec: { controller: "example.com/other" },
        },
        {
          apiVersion: "v1",
          kind: "Service",
          metadata: { name: "kube-dns", namespace: "kube-system" },
          spec: { clusterIP: "10.96.0.99", ports: [{ port: 53 }] },
        },
      ],
      defaultConfig,
    );
    expect(s.index.namespace("ingress-nginx")?.metadata?.labels).toEqual({
      name: "ingress-nginx",
      "kubernetes.io/metadata.name": "ingress-nginx",
    });
    expect(s.ingressClasses.map((c) => c.spec?.controller)).toEqual(["example.com/other"]);
    expect(s.index.service("kube-system", "kube-dns")?.spec?.clusterIP).toBe("10.96.0.10");
    expect(s.diagnostics.map((d) => d.code)).toEqual(["ReservedObject"]);
  });
  const inNope: KubeObject[] = [
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "x", namespace: "nope" },
      spec: { ports: [{ port: 1 }] },
    },
  ];
  it("with --no-create-namespaces, rejects objects in a namespace that does not exist", () => {
    const s = buildCluster(inNope, { ...defaultConfig, createNamespaces: false });
    expect(s.index.service("nope", "x")).toBeUndefined();
    expect(s.namespaces.map((n) => n.metadata?.name)).not.toContain("nope");
    expect(s.diagnostics).toEqual([
      expect.objectContaining({
        code: "NamespaceNotFound",
        severity: "error",
        message: 'namespaces "nope" not found',
      }),
    ]);
  });
  it("by default, creates the namespace as a cluster admin would, with one warning", () => {
    const s = buildCluster(inNope, defaultConfig);
    expect(s.index.service("nope", "x")?.spec?.clusterIP).toMatch(/^10\./);
    const ns = s.namespaces.find((n) => n.metadata?.name === "nope");
    expect(ns?.metadata?.labels).toEqual({ "kubernetes.io/metadata.name": "nope" });
    expect(ns?.status?.phase).toBe("Active");
    expect(s.diagnostics).toEqual([
      expect.objectContaining({
        code: "NamespaceCreated",
        severity: "warning",
        kind: "Namespace",
        name: "nope",
      }),
    ]);
  });
});
