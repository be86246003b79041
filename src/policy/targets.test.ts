import { describe, expect, it } from "vitest";
import { resolveTarget } from "./targets.js";
import { makeState, parseYAML } from "./testing.js";

const yaml = `
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x, labels: {pod: a}}
spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: svc, namespace: x}
spec: {selector: {pod: a}, ports: [{port: 80}]}
`;

describe("resolveTarget", () => {
  const state = makeState(parseYAML(yaml));
  const a = state.index.pod("x", "a")!;
  const clusterIP = state.index.service("x", "svc")!.spec!.clusterIP!;
  it.each([
    ["x/a", "destination", "pods", "x/a"],
    ["pod/x/a", "destination", "pods", "x/a"],
    ["po/x/a", "source", "pods", "x/a"],
    ["service/x/svc", "destination", "service", "service/x/svc"],
    ["svc/x/svc", "destination", "service", "service/x/svc"],
    ["svc.x", "destination", "service", "service/x/svc (svc.x)"],
    ["svc.x.svc", "destination", "service", "service/x/svc (svc.x.svc)"],
    ["svc.x.svc.cluster.local.", "destination", "service", "service/x/svc (svc.x.svc.cluster.local.)"],
    ["192.0.2.9", "source", "ip", "192.0.2.9"],
  ] as const)("%s as %s", (text, role, kind, label) => {
    const t = resolveTarget(state, text, role);
    expect([t.kind, t.label]).toEqual([kind, label]);
  });
  it("a pod IP is the pod, a cluster IP is the service (as a destination)", () => {
    expect(resolveTarget(state, a.status!.podIP!, "source")).toMatchObject({ kind: "pods", pods: [a] });
    expect(resolveTarget(state, clusterIP, "destination")).toMatchObject({ kind: "service" });
    expect(resolveTarget(state, clusterIP, "source")).toMatchObject({ kind: "ip" });
  });
  it.each([
    ["service/x/svc", "a service cannot be a source"],
    ["svc.x", "a service cannot be a source"],
    ["x/zz", "pod x/zz not found"],
  ])("rejects %s as a source", (text, msg) => {
    expect(() => resolveTarget(state, text, "source")).toThrow(msg);
  });
});
