import { describe, expect, it } from "vitest";
import { parseManifests } from "../api/load.js";
import { buildCluster } from "../cluster/build.js";
import { defaultConfig } from "../cluster/config.js";
import { compileServiceTable } from "./service-table.js";

function table(yaml: string, hostIP?: string) {
  const { objects } = parseManifests(yaml, "t.yaml");
  const state = buildCluster(objects, defaultConfig);
  return { state, table: compileServiceTable(state, hostIP ? { hostIP } : {}) };
}

const APP = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: w, image: x, ports: [{name: http, containerPort: 8080}, {name: dns, containerPort: 5353, protocol: UDP}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: LoadBalancer
  externalIPs: [10.50.0.1]
  sessionAffinity: ClientIP
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http, nodePort: 30080}
    - {name: dns, port: 53, protocol: UDP, targetPort: dns}
---
apiVersion: v1
kind: Service
metadata: {name: hl}
spec: {clusterIP: None, selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: ext}
spec: {type: ExternalName, externalName: example.org}
`;

describe("compileServiceTable", () => {
  it("has one frontend per address a client can use, with endpoints resolved per named targetPort", () => {
    const { table: t, state } = table(APP, "127.0.0.1");
    const web = t.frontends.filter((f) => f.service.name === "web");
    const kinds = web.map((f) => `${f.kind}/${f.protocol}`).sort();
    // ClusterIP, ExternalIP and LoadBalancer per port; NodePort on 3 nodes + the host for each port.
    expect(kinds.filter((k) => k === "ClusterIP/TCP")).toHaveLength(1);
    expect(kinds.filter((k) => k === "ClusterIP/UDP")).toHaveLength(1);
    expect(kinds.filter((k) => k === "NodePort/TCP")).toHaveLength(4);
    expect(kinds.filter((k) => k === "ExternalIP/TCP")).toHaveLength(1);
    expect(kinds.filter((k) => k === "LoadBalancer/TCP")).toHaveLength(1);
    const tcp = web.find((f) => f.kind === "ClusterIP" && f.protocol === "TCP");
    expect(tcp?.endpoints.map((e) => e.port)).toEqual([8080, 8080]);
    const podIPs = state.pods.filter((p) => p.metadata?.labels?.app === "web").map((p) => p.status?.podIP);
    expect(tcp?.endpoints.map((e) => e.ip).sort()).toEqual(podIPs.sort());
    expect(
      web.find((f) => f.kind === "ClusterIP" && f.protocol === "UDP")?.endpoints.map((e) => e.port),
    ).toEqual([5353, 5353]);
    expect(tcp?.affinitySeconds).toBe(10800);
    const host = web.find((f) => f.localIP === "127.0.0.1" && f.protocol === "TCP");
    expect(host).toMatchObject({ kind: "NodePort", port: 30080, node: "node-1" });
  });

  it("gives headless and ExternalName services no frontend", () => {
    const { table: t } = table(APP);
    expect(t.frontends.some((f) => f.service.name === "hl" || f.service.name === "ext")).toBe(false);
    expect(t.frontends.some((f) => f.localIP !== undefined)).toBe(false);
  });

  it("keys are unique and stable", () => {
    const a = table(APP).table;
    const b = table(APP).table;
    expect(a.frontends.map((f) => f.key)).toEqual(b.frontends.map((f) => f.key));
    expect(new Set(a.frontends.map((f) => f.key)).size).toBe(a.frontends.length);
  });
});
