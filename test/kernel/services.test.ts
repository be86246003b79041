/**
 * Services in the kernel (kube-proxy's nftables mode) with real clients in
 * pod namespaces and in the hub (the world outside the nodes): ClusterIP with
 * the client's pod IP kept, random endpoint choice, sessionAffinity,
 * NodePort and LoadBalancer and externalIPs with externalTrafficPolicy
 * Cluster (masqueraded to the node) and Local (source kept, node-local
 * endpoints only), internalTrafficPolicy Local, no-endpoint REJECT, hairpin.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KernelDataPlane } from "../../src/dataplane/kernel/kernel-dataplane.js";
import type { Snapshot } from "../../src/snapshot/snapshot.js";
import { echoPod, idlePod, Planes, probe, requireKernel, snapshotOf, waitListening } from "./harness.js";

const svc = (name: string, selector: Record<string, string>, spec: string) => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: default}
spec: {selector: ${JSON.stringify(selector)}, ports: [{port: 80, targetPort: 8080}]${spec ? `, ${spec}` : ""}}
---
`;

const yaml =
  echoPod("web-1", { app: "web", only: "one" }, "node-1", [8080]) +
  echoPod("web-2", { app: "web", only: "two" }, "node-2", [8080]) +
  idlePod("client", { app: "client" }, "node-1") +
  idlePod("client2", { app: "client" }, "node-2") +
  svc("web", { app: "web" }, "") +
  svc("web-aff", { app: "web" }, "sessionAffinity: ClientIP") +
  svc("none", { app: "none" }, "") +
  svc("two-itp", { only: "two" }, "internalTrafficPolicy: Local") +
  svc("one", { only: "one" }, "") +
  svc("web-np", { app: "web" }, "type: NodePort") +
  svc("two-local", { only: "two" }, "type: NodePort, externalTrafficPolicy: Local") +
  svc("web-lb", { app: "web" }, "type: LoadBalancer") +
  svc("two-lb-local", { only: "two" }, "type: LoadBalancer, externalTrafficPolicy: Local") +
  svc("web-ext", { app: "web" }, "externalIPs: [192.0.2.10]");

const planes = new Planes();
let plane: KernelDataPlane;
let snap: Snapshot;
beforeAll(async () => {
  requireKernel();
  snap = snapshotOf(yaml);
  plane = await planes.start(snap);
  await waitListening(plane.podNetns("default/web-1") ?? "", 8080);
  await waitListening(plane.podNetns("default/web-2") ?? "", 8080);
}, 60_000);
afterAll(() => planes.closeAll());

const podIP = (name: string) => snap.state.index.pod("default", name)?.status?.podIP ?? "";
const nodeIP = (name: string) =>
  snap.state.index.node(name)?.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "";
const clusterIP = (name: string) => `${snap.state.index.service("default", name)?.spec?.clusterIP}:80`;
const nodePort = (name: string) => snap.state.index.service("default", name)?.spec?.ports?.[0]?.nodePort ?? 0;
const lbIP = (name: string) =>
  snap.state.index.service("default", name)?.status?.loadBalancer?.ingress?.[0]?.ip ?? "";
const from = (pod: string) => plane.podNetns(`default/${pod}`) ?? "";
const hub = () => plane.hubNetns ?? "";

describe("kernel Services", () => {
  it("ClusterIP: reached from another node's pod, the server sees the client's own pod IP; endpoints chosen at random", async () => {
    const r = await probe(from("client"), Array(30).fill(clusterIP("web")));
    expect(new Set(r)).toEqual(new Set([`open ${podIP("client")} web-1`, `open ${podIP("client")} web-2`]));
  });

  it("sessionAffinity ClientIP keeps one client on one endpoint", async () => {
    const first = await probe(from("client2"), [clusterIP("web-aff")]);
    const rest = await probe(from("client2"), Array(16).fill(clusterIP("web-aff")));
    expect(new Set(rest)).toEqual(new Set(first));
    // Without affinity the same client meets both endpoints.
    expect(new Set(await probe(from("client2"), Array(30).fill(clusterIP("web")))).size).toBe(2);
  });

  it("a Service without endpoints rejects (connection refused), never hangs", async () => {
    expect(await probe(from("client"), [clusterIP("none")])).toEqual(["refused"]);
  });

  it("internalTrafficPolicy Local: only node-local endpoints, dropped on a node without one", async () => {
    expect(await probe(from("client2"), [clusterIP("two-itp")])).toEqual([`open ${podIP("client2")} web-2`]);
    expect(await probe(from("client"), [clusterIP("two-itp")])).toEqual(["timeout"]);
  });

  it("hairpin: a pod reaching itself through its Service is answered (masqueraded to its node)", async () => {
    expect(await probe(from("web-1"), [clusterIP("one")])).toEqual([`open ${nodeIP("node-1")} web-1`]);
  });

  it("NodePort, eTP Cluster: every node's address, the source masqueraded to the node the client used", async () => {
    for (const node of ["node-1", "node-2"]) {
      const r = await probe(hub(), Array(12).fill(`${nodeIP(node)}:${nodePort("web-np")}`));
      expect(new Set(r)).toEqual(new Set([`open ${nodeIP(node)} web-1`, `open ${nodeIP(node)} web-2`]));
    }
  });

  it("NodePort, eTP Local: the client's address kept, only the node with an endpoint answers", async () => {
    const port = nodePort("two-local");
    expect(await probe(hub(), [`${nodeIP("node-2")}:${port}`])).toEqual([`open ${plane.hubIP} web-2`]);
    expect(await probe(hub(), [`${nodeIP("node-1")}:${port}`])).toEqual(["timeout"]);
    // A pod reaching the external address short-circuits to every endpoint (as kube-proxy does).
    expect(await probe(from("client"), [`${nodeIP("node-1")}:${port}`])).toEqual([
      `open ${podIP("client")} web-2`,
    ]);
  });

  it("LoadBalancer and externalIPs from outside the nodes; eTP Local keeps the source", async () => {
    const lb = await probe(hub(), Array(12).fill(`${lbIP("web-lb")}:80`));
    expect(lb.every((l) => /^open 10\.1\.0\.\d+ web-[12]$/.test(l))).toBe(true);
    expect(await probe(hub(), [`${lbIP("two-lb-local")}:80`])).toEqual([`open ${plane.hubIP} web-2`]);
    const ext = await probe(hub(), ["192.0.2.10:80"]);
    expect(ext[0]).toMatch(/^open 10\.1\.0\.\d+ web-[12]$/);
  });

  it("an incremental sync after one Service change touches only that Service's chains and map elements", async () => {
    const next = snapshotOf(`${yaml}${svc("late", { only: "one" }, "")}`, {}, snap);
    await plane.apply(next);
    const ip = `${next.state.index.service("default", "late")?.spec?.clusterIP}:80`;
    expect(await probe(from("client"), [ip])).toEqual([`open ${podIP("client")} web-1`]);
    // Two nodes, each: a service chain, an endpoint chain, one map element — a few hundred bytes, not the ruleset.
    expect(plane.lastSync.nftBytes).toBeLessThan(2000);
    expect(await probe(from("client"), [clusterIP("web")])).toEqual([
      expect.stringMatching(/^open .* web-[12]$/),
    ]);
  });
});
