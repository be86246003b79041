import { describe, expect, it } from "vitest";
import { selectEndpoints } from "./endpoint-selection.js";
import type { ServiceEndpoint, ServiceFrontend } from "./service-table.js";

const ep = (ip: string, node: string, c: Partial<ServiceEndpoint> = {}): ServiceEndpoint => ({
  ip,
  port: 8080,
  nodeName: node,
  ready: true,
  serving: true,
  terminating: false,
  ...c,
});

const fe = (
  kind: ServiceFrontend["kind"],
  endpoints: ServiceEndpoint[],
  p: Partial<ServiceFrontend> = {},
): ServiceFrontend => ({
  key: "k",
  kind,
  ip: "10.96.0.1",
  port: 80,
  protocol: "TCP",
  service: { namespace: "ns", name: "s" },
  portName: "",
  servicePort: 80,
  endpoints,
  externalTrafficPolicy: "Cluster",
  internalTrafficPolicy: "Cluster",
  ...p,
});

const A = ep("10.0.0.1", "n1");
const B = ep("10.0.0.2", "n2");
const Bterm = ep("10.0.0.2", "n2", { ready: false, serving: true, terminating: true });
const Bgone = ep("10.0.0.3", "n2", { ready: false, serving: false, terminating: true });
const Cunready = ep("10.0.0.4", "n1", { ready: false, serving: false });

const ips = (s: ReturnType<typeof selectEndpoints>) =>
  s.outcome === "forward" ? s.endpoints.map((e) => e.ip) : s.outcome;

// Cases after kube-proxy's CategorizeEndpoints and the proxiers' REJECT/DROP rules.
const cases: [string, ServiceFrontend, { node?: string; fromPod: boolean }, string[] | string][] = [
  [
    "cluster: ready endpoints only",
    fe("ClusterIP", [A, B, Cunready]),
    { node: "n1", fromPod: true },
    ["10.0.0.1", "10.0.0.2"],
  ],
  [
    "cluster: falls back to serving+terminating",
    fe("ClusterIP", [Bterm, Bgone, Cunready]),
    { fromPod: true },
    ["10.0.0.2"],
  ],
  ["no usable endpoint anywhere: reject", fe("ClusterIP", [Bgone, Cunready]), { fromPod: true }, "reject"],
  [
    "iTP Local: only the client's node",
    fe("ClusterIP", [A, B], { internalTrafficPolicy: "Local" }),
    { node: "n2", fromPod: true },
    ["10.0.0.2"],
  ],
  [
    "iTP Local: none on this node drops",
    fe("ClusterIP", [A], { internalTrafficPolicy: "Local" }),
    { node: "n2", fromPod: true },
    "drop",
  ],
  [
    "iTP Local: local terminating fallback",
    fe("ClusterIP", [A, Bterm], { internalTrafficPolicy: "Local" }),
    { node: "n2", fromPod: true },
    ["10.0.0.2"],
  ],
  [
    "eTP Local NodePort: node-local only",
    fe("NodePort", [A, B], { externalTrafficPolicy: "Local" }),
    { node: "n1", fromPod: false },
    ["10.0.0.1"],
  ],
  [
    "eTP Local NodePort: no local endpoint drops",
    fe("NodePort", [B], { externalTrafficPolicy: "Local" }),
    { node: "n1", fromPod: false },
    "drop",
  ],
  [
    "eTP Local: pods short-circuit to cluster endpoints",
    fe("NodePort", [B], { externalTrafficPolicy: "Local" }),
    { node: "n1", fromPod: true },
    ["10.0.0.2"],
  ],
  [
    "eTP Local LB: every node-local set",
    fe("LoadBalancer", [A, B, Cunready], { externalTrafficPolicy: "Local" }),
    { fromPod: false },
    ["10.0.0.1", "10.0.0.2"],
  ],
  [
    "eTP Cluster NodePort ignores locality",
    fe("NodePort", [B]),
    { node: "n1", fromPod: false },
    ["10.0.0.2"],
  ],
  [
    "iTP does not apply to external traffic",
    fe("NodePort", [B], { internalTrafficPolicy: "Local" }),
    { node: "n1", fromPod: false },
    ["10.0.0.2"],
  ],
];

describe("selectEndpoints", () => {
  it.each(cases)("%s", (_name, frontend, ctx, want) => {
    expect(ips(selectEndpoints(frontend, ctx))).toEqual(want);
  });
});
