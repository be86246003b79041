import { describe, expect, it } from "vitest";
import type { KubeObject, Pod } from "../api/types.js";
import { buildCluster } from "./build.js";
import { defaultConfig } from "./config.js";
import { serviceEnv, serviceEnvFor } from "./env.js";

const objects: KubeObject[] = [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } },
  {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web-api", namespace: "shop" },
    spec: {
      clusterIP: "10.96.0.20",
      ports: [
        { name: "http", port: 80 },
        { name: "dns-udp", port: 53, protocol: "UDP" },
      ],
    },
  },
  {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "headless", namespace: "shop" },
    spec: { clusterIP: "None", ports: [{ port: 1 }] },
  },
  {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "ext", namespace: "shop" },
    spec: { type: "ExternalName", externalName: "x.example" },
  },
  {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "other", namespace: "default" },
    spec: { clusterIP: "10.96.0.30", ports: [{ port: 8080 }] },
  },
];
const state = buildCluster(objects, defaultConfig);
const pod = (ns: string, enableServiceLinks?: boolean): Pod => ({
  metadata: { name: "p", namespace: ns },
  spec: { containers: [], ...(enableServiceLinks !== undefined ? { enableServiceLinks } : {}) },
});
const names = (p: Pod) => serviceEnvFor(p, state).map((v) => v.name);

describe("serviceEnv (envvars.FromServices)", () => {
  it("emits service and docker-link variables for every port", () => {
    const svc = state.index.service("shop", "web-api");
    if (!svc) throw new Error("missing service");
    expect(serviceEnv(svc)).toEqual([
      { name: "WEB_API_SERVICE_HOST", value: "10.96.0.20" },
      { name: "WEB_API_SERVICE_PORT", value: "80" },
      { name: "WEB_API_SERVICE_PORT_HTTP", value: "80" },
      { name: "WEB_API_SERVICE_PORT_DNS_UDP", value: "53" },
      { name: "WEB_API_PORT", value: "tcp://10.96.0.20:80" },
      { name: "WEB_API_PORT_80_TCP", value: "tcp://10.96.0.20:80" },
      { name: "WEB_API_PORT_80_TCP_PROTO", value: "tcp" },
      { name: "WEB_API_PORT_80_TCP_PORT", value: "80" },
      { name: "WEB_API_PORT_80_TCP_ADDR", value: "10.96.0.20" },
      { name: "WEB_API_PORT_53_UDP", value: "udp://10.96.0.20:53" },
      { name: "WEB_API_PORT_53_UDP_PROTO", value: "udp" },
      { name: "WEB_API_PORT_53_UDP_PORT", value: "53" },
      { name: "WEB_API_PORT_53_UDP_ADDR", value: "10.96.0.20" },
    ]);
  });
});

describe("serviceEnvFor (kubelet getServiceEnvVarMap)", () => {
  it.each<[string, Pod, string[], string[]]>([
    [
      "own namespace plus the master service; headless and ExternalName skipped; other namespaces not",
      pod("shop"),
      ["KUBERNETES_SERVICE_HOST", "WEB_API_SERVICE_HOST"],
      ["HEADLESS_SERVICE_HOST", "EXT_SERVICE_HOST", "OTHER_SERVICE_HOST"],
    ],
    [
      "enableServiceLinks false: only the master service",
      pod("shop", false),
      ["KUBERNETES_SERVICE_HOST"],
      ["WEB_API_SERVICE_HOST"],
    ],
    [
      "default namespace sees its own services",
      pod("default"),
      ["KUBERNETES_SERVICE_HOST", "OTHER_SERVICE_HOST"],
      ["WEB_API_SERVICE_HOST"],
    ],
  ])("%s", (_d, p, present, absent) => {
    const got = names(p);
    for (const n of present) expect(got).toContain(n);
    for (const n of absent) expect(got).not.toContain(n);
  });

  it("the master service points at the first service IP on 443", () => {
    const vars = Object.fromEntries(serviceEnvFor(pod("shop"), state).map((v) => [v.name, v.value]));
    expect(vars.KUBERNETES_SERVICE_HOST).toBe("10.96.0.1");
    expect(vars.KUBERNETES_SERVICE_PORT).toBe("443");
    expect(vars.KUBERNETES_SERVICE_PORT_HTTPS).toBe("443");
    expect(vars.KUBERNETES_PORT).toBe("tcp://10.96.0.1:443");
  });
});
