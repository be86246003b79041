import { describe, expect, it } from "vitest";
import { compilePolicy } from "./engine.js";
import { computeMatrix } from "./matrix.js";
import { cell, declaredPorts, formatCSV, type Row } from "./matrix-report.js";
import { makeState, parseYAML } from "./testing.js";

const yaml = `
apiVersion: v1
kind: Pod
metadata: {name: s1, namespace: x, labels: {app: s, ok: "yes"}}
spec: {containers: [{name: c, ports: [{containerPort: 80}, {containerPort: 53, protocol: UDP}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: s2, namespace: x, labels: {app: s}}
spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: d, namespace: x, labels: {app: d}}
spec: {containers: [{name: c, ports: [{containerPort: 8080}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: d, namespace: x}
spec:
  podSelector: {matchLabels: {app: d}}
  ingress: [{from: [{podSelector: {matchLabels: {ok: "yes"}}}]}]
`;

describe("matrix report", () => {
  const state = makeState(parseYAML(yaml));
  const engine = compilePolicy(state);
  const m = computeMatrix(engine, { ports: [{ port: 8080, protocol: "TCP" }] });
  const p = (n: string) => state.index.pod("x", n)!;

  it("default ports are every declared containerPort", () => {
    expect(declaredPorts(state.pods)).toEqual([
      { port: 80, protocol: "TCP" },
      { port: 8080, protocol: "TCP" },
      { port: 53, protocol: "UDP" },
    ]);
  });

  it("a grouped cell is . when every pod pair is allowed, X when none, ~ when some", () => {
    const s: Row = { name: "x/s", pods: [p("s1"), p("s2")] };
    const d: Row = { name: "x/d", pods: [p("d")] };
    expect([cell(m, s, d, 0), cell(m, d, s, 0), cell(m, s, s, 0)]).toEqual(["~", ".", "."]);
    expect(cell(m, { name: "x/s2", pods: [p("s2")] }, d, 0)).toBe("X");
  });

  it("csv lists every ordered pair", () => {
    const lines = formatCSV(m, state.pods).trim().split("\n");
    expect(lines).toHaveLength(1 + 9);
    expect(lines).toContain("x/s2,x/d,8080,TCP,false");
    expect(lines).toContain("x/s1,x/d,8080,TCP,true");
  });
});
