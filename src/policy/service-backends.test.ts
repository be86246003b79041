import { describe, expect, it } from "vitest";
import { serviceBackends } from "./service-backends.js";
import { makeState, parseYAML } from "./testing.js";

const yaml = `
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x, labels: {app: a}}
spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}, {name: dns, containerPort: 53, protocol: UDP}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: s, namespace: x}
spec:
  selector: {app: a}
  ports:
    - {name: web, port: 80, targetPort: http}
    - {name: dns, port: 53, protocol: UDP, targetPort: dns}
`;

describe("serviceBackends", () => {
  const state = makeState(parseYAML(yaml));
  const svc = state.index.service("x", "s")!;
  it.each([
    [80, "TCP", [["a", 8080]]],
    [53, "UDP", [["a", 53]]],
    [53, "TCP", []],
    [8080, "TCP", []],
  ] as const)("port %i/%s", (port, protocol, want) => {
    const t = serviceBackends(state, svc, port, protocol);
    expect(t.backends.map((b) => [b.pod?.metadata?.name, b.port])).toEqual(want);
    expect(t.servicePort === undefined).toBe(want.length === 0);
  });
});
