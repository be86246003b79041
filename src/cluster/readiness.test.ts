import { describe, expect, it } from "vitest";
import type { Pod, ServicePort } from "../api/types.js";
import { findPort } from "./find-port.js";
import { bareHealth, replicaHealth } from "./readiness.js";

describe("replicaHealth", () => {
  it.each<[string, Record<string, string>, Record<string, string>, number, string]>([
    // R = ready, U = not ready, T = terminating (ready), X = terminating and not ready
    ["default: all ready", {}, {}, 4, "RRRR"],
    ["unready-replicas on the workload", { "michi.dev/unready-replicas": "1" }, {}, 4, "RRRU"],
    ["terminating-replicas", { "michi.dev/terminating-replicas": "1" }, {}, 4, "RRRT"],
    [
      "both: unready ones come before the terminating ones",
      { "michi.dev/unready-replicas": "2", "michi.dev/terminating-replicas": "1" },
      {},
      4,
      "RUUT",
    ],
    ["unready-replicas on the template", {}, { "michi.dev/unready-replicas": "3" }, 3, "UUU"],
    ["ready=false on the template", {}, { "michi.dev/ready": "false" }, 2, "UU"],
    ["terminating=true on the template", {}, { "michi.dev/terminating": "true" }, 2, "TT"],
    ["garbage counts are ignored", { "michi.dev/unready-replicas": "-1" }, {}, 2, "RR"],
  ])("%s", (_d, workload, template, replicas, want) => {
    const h = replicaHealth({ annotations: workload }, { annotations: template }, replicas);
    const got = Array.from({ length: replicas }, (_, i) => {
      const x = h(i);
      return x.terminating ? (x.ready ? "T" : "X") : x.ready ? "R" : "U";
    }).join("");
    expect(got).toBe(want);
  });
});

describe("bareHealth", () => {
  it.each<[string, Pod, { ready: boolean; terminating: boolean }]>([
    ["plain pod", { metadata: {} }, { ready: true, terminating: false }],
    [
      "Ready=False condition",
      { status: { conditions: [{ type: "Ready", status: "False" }] } },
      { ready: false, terminating: false },
    ],
    [
      "Ready=True condition",
      { status: { conditions: [{ type: "Ready", status: "True" }] } },
      { ready: true, terminating: false },
    ],
    [
      "ready annotation",
      { metadata: { annotations: { "michi.dev/ready": "false" } } },
      { ready: false, terminating: false },
    ],
    [
      "terminating annotation",
      { metadata: { annotations: { "michi.dev/terminating": "true" } } },
      { ready: true, terminating: true },
    ],
  ])("%s", (_d, pod, want) => {
    expect(bareHealth(pod)).toEqual(want);
  });
});

describe("findPort (podutil.FindPort)", () => {
  const pod: Pod = {
    spec: {
      containers: [
        {
          name: "a",
          ports: [
            { name: "http", containerPort: 8080 },
            { name: "dns", containerPort: 53, protocol: "UDP" },
          ],
        },
        { name: "b", ports: [{ name: "metrics", containerPort: 9100, protocol: "TCP" }] },
      ],
    },
  };
  it.each<[string, ServicePort, number | undefined]>([
    ["number", { port: 80, targetPort: 8081 }, 8081],
    ["unset: the service port", { port: 80 }, 80],
    ["name (TCP by default)", { port: 80, targetPort: "http" }, 8080],
    ["name in a second container", { port: 80, targetPort: "metrics" }, 9100],
    ["name with the wrong protocol", { port: 53, targetPort: "dns", protocol: "TCP" }, undefined],
    ["name with the right protocol", { port: 53, targetPort: "dns", protocol: "UDP" }, 53],
    ["unknown name", { port: 80, targetPort: "nope" }, undefined],
  ])("%s", (_d, sp, want) => {
    expect(findPort(pod, sp)).toBe(want);
  });
});
