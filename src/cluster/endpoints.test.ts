import { describe, expect, it } from "vitest";
import type { Pod, Service } from "../api/types.js";
import { endpointsFor, MAX_ENDPOINTS_ADDRESSES } from "./endpoints.js";

function pod(
  name: string,
  ip: string,
  opts: { ready?: boolean; terminating?: boolean; ports?: [string, number][] } = {},
): Pod {
  return {
    metadata: {
      name,
      namespace: "ns",
      uid: `uid-${name}`,
      ...(opts.terminating ? { deletionTimestamp: "1970-01-01T00:00:00Z" } : {}),
    },
    spec: {
      nodeName: "n1",
      containers: [{ name: "c", ports: (opts.ports ?? []).map(([n, p]) => ({ name: n, containerPort: p })) }],
    },
    status: {
      phase: "Running",
      podIP: ip,
      podIPs: [{ ip }],
      conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True" }],
    },
  };
}

const svc = (spec: Service["spec"] = {}): Service => ({
  metadata: { name: "web", namespace: "ns", labels: { team: "a" } },
  spec: {
    clusterIP: "10.96.0.5",
    selector: { app: "web" },
    ports: [{ port: 80, targetPort: 8080, protocol: "TCP" }],
    ...spec,
  },
});

describe("endpointsFor (endpoints controller)", () => {
  it("puts ready pods in addresses and others in notReadyAddresses, leaves terminating pods out", () => {
    const ep = endpointsFor(svc(), [
      pod("b", "10.0.0.2"),
      pod("a", "10.0.0.1"),
      pod("c", "10.0.0.3", { ready: false }),
      pod("d", "10.0.0.4", { terminating: true }),
    ]);
    expect(ep.metadata).toEqual({ name: "web", namespace: "ns", labels: { team: "a" } });
    expect(ep.subsets).toEqual([
      {
        addresses: [
          {
            ip: "10.0.0.1",
            nodeName: "n1",
            targetRef: { kind: "Pod", namespace: "ns", name: "a", uid: "uid-a" },
          },
          {
            ip: "10.0.0.2",
            nodeName: "n1",
            targetRef: { kind: "Pod", namespace: "ns", name: "b", uid: "uid-b" },
          },
        ],
        notReadyAddresses: [
          {
            ip: "10.0.0.3",
            nodeName: "n1",
            targetRef: { kind: "Pod", namespace: "ns", name: "c", uid: "uid-c" },
          },
        ],
        ports: [{ port: 8080, protocol: "TCP" }],
      },
    ]);
  });

  it("publishNotReadyAddresses lists every pod (terminating included) as ready", () => {
    const ep = endpointsFor(svc({ publishNotReadyAddresses: true }), [
      pod("c", "10.0.0.3", { ready: false }),
      pod("d", "10.0.0.4", { terminating: true }),
    ]);
    expect(ep.subsets?.[0]?.addresses?.map((a) => a.ip)).toEqual(["10.0.0.3", "10.0.0.4"]);
    expect(ep.subsets?.[0]?.notReadyAddresses).toBeUndefined();
  });

  it("repacks: pods resolving a named port differently land in different subsets; a pod resolving none is left out", () => {
    const s = svc({ ports: [{ name: "http", port: 80, targetPort: "web", protocol: "TCP" }] });
    const ep = endpointsFor(s, [
      pod("a", "10.0.0.1", { ports: [["web", 8080]] }),
      pod("b", "10.0.0.2", { ports: [["web", 9090]] }),
      pod("c", "10.0.0.3"),
    ]);
    expect(ep.subsets?.map((x) => [x.addresses?.map((a) => a.ip), x.ports?.map((p) => p.port)])).toEqual(
      expect.arrayContaining([
        [["10.0.0.1"], [8080]],
        [["10.0.0.2"], [9090]],
      ]),
    );
    expect(ep.subsets).toHaveLength(2);
  });

  it("a headless service without ports still lists its pods; no pods → no subsets; labels mark headless", () => {
    const h = svc({ clusterIP: "None", ports: [] });
    expect(endpointsFor(h, [pod("a", "10.0.0.1")]).subsets).toEqual([
      {
        addresses: [
          {
            ip: "10.0.0.1",
            nodeName: "n1",
            targetRef: { kind: "Pod", namespace: "ns", name: "a", uid: "uid-a" },
          },
        ],
      },
    ]);
    const empty = endpointsFor(h, []);
    expect(empty.subsets).toBeUndefined();
    expect(empty.metadata?.labels?.["service.kubernetes.io/headless"]).toBe("");
  });

  it(`truncates past ${MAX_ENDPOINTS_ADDRESSES} addresses and says so`, () => {
    const pods = Array.from({ length: 1005 }, (_, i) => pod(`p${i}`, `10.1.${i >> 8}.${i & 255}`));
    const ep = endpointsFor(svc(), pods);
    expect(ep.subsets?.[0]?.addresses).toHaveLength(1000);
    expect(ep.metadata?.annotations).toEqual({ "endpoints.kubernetes.io/over-capacity": "truncated" });
  });
});
