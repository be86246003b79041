import { describe, expect, it } from "vitest";
import { compilePolicy } from "./engine.js";
import { buildClasses } from "./pod-classes.js";
import { makeState, parseYAML } from "./testing.js";

const pod = (name: string, labels: string, ports = "[{containerPort: 80}]", extra = "") => `---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: x, labels: {${labels}}}
spec: {nodeName: node-1, ${extra} containers: [{name: c, ports: ${ports}}]}
`;

describe("buildClasses", () => {
  it("groups pods by namespace, labels, ports and ipBlock answers; keeps hostNetwork pods apart", () => {
    const yaml = [
      pod("a1", "app: a"),
      pod("a2", "app: a"),
      pod("a3", "app: a", "[{containerPort: 81}]"),
      pod("b1", "app: b, tier: x"),
      pod("b2", "tier: x, app: b"),
      pod("h", "app: a", "[{containerPort: 80}]", "hostNetwork: true,"),
      // An ipBlock naming a2's IP (the fixture gives pods on node-1 10.244.0.2, .3, …).
      `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: x}
spec:
  podSelector: {}
  ingress: [{from: [{ipBlock: {cidr: 10.244.0.3/32}}]}]
`,
    ].join("");
    const engine = compilePolicy(makeState(parseYAML(yaml), { nodes: 1 }));
    const ci = buildClasses(engine);
    const groups = ci.classes.map((c) => c.pods.map((p) => p.name).join(","));
    expect(engine.state.index.pod("x", "a2")!.status!.podIP).toBe("10.244.0.3");
    expect(groups).toEqual(["a1", "a2", "a3", "b1,b2"]);
    expect(ci.hostNetworkPods.map((p) => p.name)).toEqual(["h"]);
    expect(ci.byLabel.get("app=b")).toEqual([3]);
  });
});
