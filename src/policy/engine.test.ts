import { describe, expect, it } from "vitest";
import { compilePolicy } from "./engine.js";
import { makeState, parseYAML } from "./testing.js";

// Two pods and a node; web is isolated for ingress and admits app=client on 80.
const yaml = `
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: x, labels: {app: web}}
spec: {nodeName: node-1, containers: [{name: c, ports: [{name: http, containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: x, labels: {app: client}}
spec: {nodeName: node-2, containers: [{name: c}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: x}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
    - from: [{podSelector: {matchLabels: {app: client}}}]
      ports: [{port: http}]
`;

describe("compilePolicy / decide", () => {
  const engine = compilePolicy(makeState(parseYAML(yaml)));
  const pod = (n: string) => ({ kind: "pod" as const, pod: engine.state.index.pod("x", n)! });
  const ip = (n: string) => ({ kind: "ip" as const, ip: engine.state.index.pod("x", n)!.status!.podIP! });

  it("admits by rule and names the deciding policy", () => {
    const v = engine.decide({ src: pod("client"), dst: pod("web"), port: 80, protocol: "TCP" });
    expect(v.allowed).toBe(true);
    expect(v.ingress.admittedBy).toEqual({
      policy: "x/web",
      direction: "ingress",
      rule: 0,
      peer: 0,
      port: 0,
    });
    expect(v.policies).toEqual(["x/web"]);
  });

  it("denies with structured misses and the isolating policy", () => {
    const v = engine.decide({ src: pod("client"), dst: pod("web"), port: 81, protocol: "TCP" });
    expect(v.allowed).toBe(false);
    expect(v.ingress.misses).toEqual([
      { policy: "x/web", rules: [{ rule: 0, peer: 0, portMatched: false }] },
    ]);
    expect(v.policies).toEqual(["x/web"]);
  });

  it("treats an IP that is a pod's IP as that pod", () => {
    expect(engine.endpoint(ip("client")).kind).toBe("pod");
    expect(engine.decide({ src: ip("client"), dst: ip("web"), port: 80, protocol: "TCP" }).allowed).toBe(
      true,
    );
  });

  it("resolves node IPs and external IPs", () => {
    expect(engine.endpoint({ kind: "ip", ip: "10.1.0.2" })).toMatchObject({
      kind: "node",
      nodeName: "node-2",
    });
    expect(engine.endpoint({ kind: "ip", ip: "192.0.2.1" })).toEqual({ kind: "external", ip: "192.0.2.1" });
    const v = engine.decide({
      src: { kind: "ip", ip: "192.0.2.1" },
      dst: pod("web"),
      port: 80,
      protocol: "TCP",
    });
    expect([v.allowed, v.egress.reason, v.ingress.reason]).toEqual([false, "not-a-pod", "no-rule-matched"]);
  });

  it("looks policies up by key and lists selecting policies per direction", () => {
    expect(engine.policy("x/web")?.name).toBe("web");
    expect(engine.selecting(pod("web").pod, "ingress").map((p) => p.key)).toEqual(["x/web"]);
    expect(engine.selecting(pod("web").pod, "egress")).toEqual([]);
  });
});
