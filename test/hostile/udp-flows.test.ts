/**
 * The UDP flow table under a flood: 3000 DNS queries from distinct
 * 127.50.x.y sources to a running `michi up`'s kube-dns address (the report
 * used 24 000 in 16 s; one socket per flow exhausted the descriptors, then the
 * ingress failed and DNS answered intermittently). Now DNS flows need no
 * socket, the flood is answered, michi's descriptors stay flat, and DNS, a
 * Service and the ingress keep answering (probe loop: zero failures).
 */
import { createSocket } from "node:dgram";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type FrontendInfo, startUp, type Up, writeManifests } from "../e2e/harness.js";
import { decodeReply, encodeQuery } from "./dns-client.js";
import { openFds, startProbes } from "./probe.js";

vi.setConfig({ testTimeout: 120_000, hookTimeout: 90_000 });

const BLOCK = 140;
const APP = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: agnhost, ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
`;

let up: Up;
let dir: string;
beforeAll(async () => {
  dir = writeManifests({ "app.yaml": APP });
  up = await startUp({ block: BLOCK, paths: [dir] });
});
afterAll(async () => {
  await up?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** One query from `source`; true when an answer with records came back. */
function askFrom(source: string, port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = createSocket("udp4");
    const t = setTimeout(() => {
      s.close();
      res(false);
    }, 8000);
    s.on("message", (m) => {
      clearTimeout(t);
      s.close();
      const r = decodeReply(m);
      res(r.ok && r.answers > 0);
    });
    s.on("error", () => {
      clearTimeout(t);
      s.close();
      res(false);
    });
    s.bind({ address: source, port: 0 }, () =>
      s.send(encodeQuery("web.default.svc.cluster.local", "A", 9), port, "127.0.0.1"),
    );
  });
}

describe("UDP flow flood", () => {
  it("3000 sources are answered; descriptors stay flat; DNS, a Service and the ingress keep answering", async () => {
    const pid = up.proc.pid as number;
    const fe = (await up.api<{ frontends: FrontendInfo[] }>("/api/up")).frontends.find(
      (f) => f.service.startsWith("default/web:") && f.kind === "ClusterIP",
    );
    const fdsBefore = await openFds(pid);
    const probes = startProbes(up, {
      dnsName: "web.default.svc.cluster.local",
      http: { host: fe?.local as string, port: fe?.localPort as number },
      ingress: { host: "127.0.0.1", port: up.http },
    });
    let answered = 0;
    let peakFds = fdsBefore;
    // 3000 distinct sources, 100 at a time (bounded).
    for (let batch = 0; batch < 30; batch++) {
      const asks: Promise<boolean>[] = [];
      for (let i = 0; i < 100; i++) {
        const n = batch * 100 + i;
        asks.push(askFrom(`127.50.${Math.floor(n / 250)}.${(n % 250) + 1}`, up.dns));
      }
      answered += (await Promise.all(asks)).filter(Boolean).length;
      peakFds = Math.max(peakFds, await openFds(pid));
    }
    const totals = await probes.stop();
    expect(totals.errors).toEqual([]);
    expect(totals.failed).toBe(0);
    expect(answered).toBe(3000);
    // One socket per flow would have added ~3000 descriptors for 30 s.
    expect(peakFds - fdsBefore).toBeLessThan(300);
  });
});
