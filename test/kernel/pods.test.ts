/**
 * Pods are places programs run: an unmodified `python3 -m http.server` as a
 * `michi.dev/command` pod binds 0.0.0.0:8080 in its own namespace, is reached
 * through its ClusterIP Service with curl from another pod and logs that
 * pod's real IP; `exec` runs a program in a pod with the pod's resolv.conf
 * (cluster DNS, search list, ndots) and environment (POD_IP = its address).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KernelDataPlane } from "../../src/dataplane/kernel/kernel-dataplane.js";
import type { Snapshot } from "../../src/snapshot/snapshot.js";
import { idlePod, Planes, requireKernel, snapshotOf, waitListening } from "./harness.js";

const yaml = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  labels: {app: web}
  annotations: {michi.dev/command: "python3 -m http.server 8080"}
spec: {nodeName: node-2, containers: [{name: c, image: x, ports: [{containerPort: 8080, name: http}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}
---
${idlePod("client", { app: "client" }, "node-1", "shop")}`;

const planes = new Planes();
let plane: KernelDataPlane;
let snap: Snapshot;
beforeAll(async () => {
  requireKernel();
  snap = snapshotOf(yaml);
  plane = await planes.start(snap);
  await waitListening(plane.podNetns("shop/web") ?? "", 8080);
}, 60_000);
afterAll(() => planes.closeAll());

function collect(key: string, argv: string[]): Promise<{ status: number | null; out: string }> {
  return new Promise((res, rej) => {
    const child = plane.exec(key, argv);
    let out = "";
    child.stdout?.on("data", (d) => {
      out += d;
    });
    child.stderr?.on("data", (d) => {
      out += d;
    });
    const t = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("error", rej);
    child.on("close", (status) => {
      clearTimeout(t);
      res({ status, out });
    });
  });
}

describe("kernel pods", () => {
  it("an unmodified http.server pod is reached through its Service and sees the client's pod IP", async () => {
    const ip = snap.state.index.service("shop", "web")?.spec?.clusterIP;
    const r = await collect("shop/client", [
      "curl",
      "-sS",
      "-m",
      "5",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      `http://${ip}/`,
    ]);
    expect(r).toEqual({ status: 0, out: "200" });
    const client = snap.state.index.pod("shop", "client")?.status?.podIP ?? "";
    // http.server logs each request with the peer address: the client pod's own IP.
    for (let i = 0; i < 50 && !(plane.logs("shop/web") ?? "").includes('"GET / HTTP/1.1" 200'); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(plane.logs("shop/web")).toMatch(
      new RegExp(`^${client.replaceAll(".", "\\.")} - - .*"GET / HTTP/1.1" 200`, "m"),
    );
  });

  it("exec runs with the pod's resolv.conf and environment", async () => {
    const r = await collect("shop/client", [
      "sh",
      "-c",
      'cat /etc/resolv.conf; echo "POD_IP=$POD_IP"; ip -4 -o addr show eth0',
    ]);
    const ip = snap.state.index.pod("shop", "client")?.status?.podIP;
    expect(r.status).toBe(0);
    expect(r.out).toContain(`nameserver ${snap.state.config.dnsServiceIP}`);
    expect(r.out).toMatch(/^search shop\.svc\.cluster\.local svc\.cluster\.local cluster\.local/m);
    expect(r.out).toContain("options ndots:5");
    expect(r.out).toContain(`POD_IP=${ip}`);
    expect(r.out).toContain(`inet ${ip}/32`);
  });

  it("exec into an unknown pod is a clear error", () => {
    expect(() => plane.exec("shop/nope", ["true"])).toThrow(
      "pod shop/nope has no network namespace in this sandbox",
    );
  });
});
