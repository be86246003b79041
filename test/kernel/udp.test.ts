/**
 * UDP through the kernel: a ClusterIP Service with protocol UDP reaches a
 * pod's UDP server (DNAT, replies un-NATed by conntrack) with the client's
 * pod IP kept, and a policy that admits only TCP silences UDP.
 */

import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KernelDataPlane } from "../../src/dataplane/kernel/kernel-dataplane.js";
import type { Snapshot } from "../../src/snapshot/snapshot.js";
import { FIXTURES, idlePod, Planes, requireKernel, runIn, snapshotOf } from "./harness.js";

const UDP_ECHO = join(FIXTURES, "udp-echo.py");

const CLIENT = `import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1.0)
s.sendto(b"hi", (sys.argv[1], int(sys.argv[2])))
try:
    print("reply " + s.recv(2048).decode())
except socket.timeout:
    print("timeout")
`;

const pod = (name: string, node: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: default
  labels: {app: dns}
  annotations: {michi.dev/command: "python3 ${UDP_ECHO} 5353"}
spec:
  nodeName: ${node}
  containers: [{name: c, image: x, ports: [{containerPort: 5353, protocol: UDP, name: dns}]}]
---
`;

const base =
  pod("dns-1", "node-2") +
  idlePod("client", { app: "client" }, "node-1") +
  `apiVersion: v1
kind: Service
metadata: {name: dns, namespace: default}
spec: {selector: {app: dns}, ports: [{port: 53, protocol: UDP, targetPort: dns}]}
---
`;

const tcpOnly = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: tcp-only, namespace: default}
spec:
  podSelector: {matchLabels: {app: dns}}
  ingress: [{ports: [{protocol: TCP}]}]
---
`;

const planes = new Planes();
let plane: KernelDataPlane;
let snap: Snapshot;
beforeAll(async () => {
  requireKernel();
  snap = snapshotOf(base);
  plane = await planes.start(snap);
  // Bounded wait for the server's UDP socket.
  const ns = plane.podNetns("default/dns-1") ?? "";
  for (let i = 0; i < 150; i++) {
    if ((await runIn(ns, ["ss", "-Hlun", "sport = :5353"])).stdout.trim() !== "") break;
    await new Promise((r) => setTimeout(r, 100));
  }
}, 60_000);
afterAll(() => planes.closeAll());

async function ask(target: string): Promise<string> {
  const [ip, port] = target.split(":");
  const r = await runIn(plane.podNetns("default/client") ?? "", [
    "python3",
    "-c",
    CLIENT,
    ip ?? "",
    port ?? "",
  ]);
  return r.stdout.trim();
}

describe("kernel UDP", () => {
  it("a UDP ClusterIP reaches the pod, which sees the client's pod IP; a TCP-only policy silences it", async () => {
    const svc = `${snap.state.index.service("default", "dns")?.spec?.clusterIP}:53`;
    const client = snap.state.index.pod("default", "client")?.status?.podIP;
    expect(await ask(svc)).toBe(`reply ${client} dns-1`);
    const next = snapshotOf(base + tcpOnly, {}, snap);
    await plane.apply(next);
    expect(await ask(svc)).toBe("timeout");
  });
});
