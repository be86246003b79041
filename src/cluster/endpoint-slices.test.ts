import { describe, expect, it } from "vitest";
import type { Node, Pod, Service } from "../api/types.js";
import { endpointSlicesFor, MAX_ENDPOINTS_PER_SLICE, shouldPodBeInEndpoints } from "./endpoint-slices.js";

const node: Node = { metadata: { name: "n1", labels: { "topology.kubernetes.io/zone": "z1" } } };
const nodes = new Map([["n1", node]]);

function pod(
  name: string,
  opts: {
    ip?: string;
    ready?: boolean;
    terminating?: boolean;
    ports?: [string, number][];
    phase?: string;
    hostname?: string;
    subdomain?: string;
    node?: string;
  } = {},
): Pod {
  const p: Pod = {
    metadata: { name, namespace: "ns", uid: `uid-${name}` },
    spec: {
      nodeName: opts.node ?? "n1",
      containers: [
        {
          name: "c",
          ports: (opts.ports ?? []).map(([n, port]) => ({ name: n, containerPort: port, protocol: "TCP" })),
        },
      ],
    },
    status: {
      phase: opts.phase ?? "Running",
      conditions: [{ type: "Ready", status: opts.ready === false ? "False" : "True" }],
      ...(opts.ip !== undefined ? { podIP: opts.ip, podIPs: [{ ip: opts.ip }] } : {}),
    },
  };
  if (opts.hostname && p.spec) p.spec.hostname = opts.hostname;
  if (opts.subdomain && p.spec) p.spec.subdomain = opts.subdomain;
  if (opts.terminating && p.metadata) p.metadata.deletionTimestamp = "1970-01-01T00:00:00Z";
  return p;
}

function svc(spec: Service["spec"] = {}): Service {
  return {
    metadata: { name: "web", namespace: "ns", uid: "svc-uid", labels: { team: "a" } },
    spec: {
      clusterIP: "10.96.0.5",
      ipFamilies: ["IPv4"],
      selector: { app: "web" },
      ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }],
      ...spec,
    },
  };
}

const slices = (s: Service, pods: Pod[]) => endpointSlicesFor(s, pods, nodes, [], () => false);

describe("shouldPodBeInEndpoints", () => {
  it.each<[string, Pod, boolean, boolean]>([
    ["running with IP", pod("a", { ip: "10.0.0.1" }), true, true],
    ["no IP", pod("a"), false, false],
    ["Succeeded", pod("a", { ip: "10.0.0.1", phase: "Succeeded" }), false, false],
    ["Failed", pod("a", { ip: "10.0.0.1", phase: "Failed" }), false, false],
    ["terminating", pod("a", { ip: "10.0.0.1", terminating: true }), true, false],
  ])("%s", (_d, p, withTerminating, withoutTerminating) => {
    expect(shouldPodBeInEndpoints(p, true)).toBe(withTerminating);
    expect(shouldPodBeInEndpoints(p, false)).toBe(withoutTerminating);
  });
});

describe("endpointSlicesFor", () => {
  it("labels, owner, ports and conditions as the endpointslice controller writes them", () => {
    const [s, ...rest] = slices(svc(), [pod("a", { ip: "10.0.0.1" })]);
    expect(rest).toEqual([]);
    expect(s?.metadata?.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(s?.metadata?.generateName).toBe("web-");
    expect(s?.metadata?.labels).toEqual({
      team: "a",
      "kubernetes.io/service-name": "web",
      "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
    });
    expect(s?.metadata?.ownerReferences).toEqual([
      {
        apiVersion: "v1",
        kind: "Service",
        name: "web",
        uid: "svc-uid",
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(s?.addressType).toBe("IPv4");
    expect(s?.ports).toEqual([{ name: "http", port: 8080, protocol: "TCP" }]);
    expect(s?.endpoints).toEqual([
      {
        addresses: ["10.0.0.1"],
        conditions: { ready: true, serving: true, terminating: false },
        targetRef: { kind: "Pod", namespace: "ns", name: "a", uid: "uid-a" },
        nodeName: "n1",
        zone: "z1",
      },
    ]);
  });

  it.each<
    [
      string,
      { ready?: boolean; terminating?: boolean },
      boolean,
      { ready: boolean; serving: boolean; terminating: boolean },
    ]
  >([
    ["ready", {}, false, { ready: true, serving: true, terminating: false }],
    ["not ready", { ready: false }, false, { ready: false, serving: false, terminating: false }],
    [
      "terminating but serving",
      { terminating: true },
      false,
      { ready: false, serving: true, terminating: true },
    ],
    [
      "not ready, publishNotReadyAddresses",
      { ready: false },
      true,
      { ready: true, serving: false, terminating: false },
    ],
    [
      "terminating, publishNotReadyAddresses",
      { terminating: true },
      true,
      { ready: true, serving: true, terminating: true },
    ],
  ])("conditions: %s", (_d, health, publish, want) => {
    const [s] = slices(svc({ publishNotReadyAddresses: publish }), [pod("a", { ip: "10.0.0.1", ...health })]);
    expect(s?.endpoints?.[0]?.conditions).toEqual(want);
  });

  it("resolves named targetPorts per pod and groups pods by resolved ports", () => {
    const s = svc({ ports: [{ name: "http", port: 80, targetPort: "web", protocol: "TCP" }] });
    const got = slices(s, [
      pod("a", { ip: "10.0.0.1", ports: [["web", 8080]] }),
      pod("b", { ip: "10.0.0.2", ports: [["web", 9090]] }),
      pod("c", { ip: "10.0.0.3", ports: [["web", 8080]] }),
      pod("d", { ip: "10.0.0.4", ports: [["other", 1]] }),
    ]);
    const summary = got.map((x) => [x.ports?.map((p) => p.port), x.endpoints?.map((e) => e.targetRef?.name)]);
    expect(summary).toEqual(
      expect.arrayContaining([
        [[8080], ["a", "c"]],
        [[9090], ["b"]],
        [[], ["d"]],
      ]),
    );
    expect(got).toHaveLength(3);
  });

  it("sets hostname only when the pod's subdomain is this service", () => {
    const got = slices(svc({ clusterIP: "None" }), [
      pod("a", { ip: "10.0.0.1", hostname: "a", subdomain: "web" }),
      pod("b", { ip: "10.0.0.2", hostname: "b", subdomain: "other" }),
      pod("c", { ip: "10.0.0.3" }),
    ]);
    expect(got[0]?.endpoints?.map((e) => e.hostname)).toEqual(["a", undefined, undefined]);
    expect(got[0]?.metadata?.labels?.["service.kubernetes.io/headless"]).toBe("");
  });

  it(`splits at ${MAX_ENDPOINTS_PER_SLICE} endpoints per slice`, () => {
    const pods = Array.from({ length: 250 }, (_, i) =>
      pod(`p${String(i).padStart(3, "0")}`, { ip: `10.0.${i >> 8}.${i & 255}` }),
    );
    const got = slices(svc(), pods);
    expect(got.map((x) => x.endpoints?.length)).toEqual([100, 100, 50]);
    expect(new Set(got.map((x) => x.metadata?.name)).size).toBe(3);
  });

  it("skips pods without IP or on a missing node, and leaves one empty placeholder slice when nothing remains", () => {
    const got = slices(svc(), [pod("a"), pod("b", { ip: "10.0.0.2", node: "gone" })]);
    expect(got).toHaveLength(1);
    expect(got[0]?.endpoints).toEqual([]);
    expect(got[0]?.ports).toEqual([]);
    // publishNotReadyAddresses keeps the pod on the missing node.
    expect(
      endpointSlicesFor(
        svc({ publishNotReadyAddresses: true }),
        [pod("b", { ip: "10.0.0.2", node: "gone" })],
        nodes,
        [],
        () => false,
      )[0]?.endpoints,
    ).toHaveLength(1);
  });

  it("reuses previous names and avoids taken ones", () => {
    const [a] = endpointSlicesFor(svc(), [pod("a", { ip: "10.0.0.1" })], nodes, ["web-kept1"], () => false);
    expect(a?.metadata?.name).toBe("web-kept1");
    const first = slices(svc(), [pod("a", { ip: "10.0.0.1" })])[0]?.metadata?.name ?? "";
    const [b] = endpointSlicesFor(svc(), [pod("a", { ip: "10.0.0.1" })], nodes, [], (n) => n === first);
    expect(b?.metadata?.name).not.toBe(first);
  });
});
