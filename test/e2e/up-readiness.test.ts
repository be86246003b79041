/**
 * Readiness follows the model in `michi up`: unready pods leave the service
 * (a pod answers direct connections all the same), a service whose pods are
 * all unready refuses, and when every endpoint is terminating kube-proxy's
 * fallback sends traffic to the serving-terminating ones (KEP-1669).
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type FrontendInfo, rawHttp, startUp, type Up, type UpPodInfo, writeManifests } from "./harness.js";

// CLI runs take seconds each on a loaded machine; these are not timing assertions.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 });

const BLOCK = 170;

const deployment = (name: string, replicas: number, annotations: Record<string, string>) => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  annotations: ${JSON.stringify(annotations)}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: c, image: agnhost, ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  selector: {app: ${name}}
  ports: [{port: 80, targetPort: http}]
`;

let up: Up;
let dir: string;
let pods: UpPodInfo[];
let frontends: FrontendInfo[];

const clusterIP = (svc: string) =>
  frontends.find((f) => f.service === `default/${svc}:80` && f.kind === "ClusterIP") as FrontendInfo;

async function podsAnswering(svc: string, n = 6): Promise<Set<string>> {
  const f = clusterIP(svc);
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const r = await rawHttp(f.local as string, f.localPort);
    if (r.ok) seen.add((JSON.parse(r.body) as { pod: string }).pod);
  }
  return seen;
}

beforeAll(async () => {
  dir = writeManifests({
    "a.yaml": deployment("partly", 2, { "michi.dev/unready-replicas": "1" }),
    "b.yaml": deployment("none", 2, { "michi.dev/unready-replicas": "2" }),
    "c.yaml": deployment("leaving", 2, { "michi.dev/terminating-replicas": "2" }),
    "d.yaml": deployment("mixed", 2, { "michi.dev/terminating-replicas": "1" }),
  });
  up = await startUp({ block: BLOCK, paths: [dir] });
  pods = (await up.api<{ items: UpPodInfo[] }>("/api/up/pods")).items;
  frontends = (await up.api<{ frontends: FrontendInfo[] }>("/api/up")).frontends;
});

afterAll(async () => {
  if (up) expect(await up.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

describe("readiness in the data path", () => {
  it("only ready pods get service traffic; the unready one still answers directly", async () => {
    const ready = pods.filter((p) => p.labels.app === "partly" && p.ready).map((p) => p.name);
    const unready = pods.find((p) => p.labels.app === "partly" && !p.ready) as UpPodInfo;
    expect(ready).toHaveLength(1);
    expect([...(await podsAnswering("partly"))]).toEqual(ready);
    const direct = await rawHttp(unready.local, 8080);
    expect(direct.ok && (JSON.parse(direct.body) as { pod: string }).pod).toBe(unready.name);
  });

  it("a service whose pods are all unready refuses connections", async () => {
    expect(clusterIP("none").serving).toBe(false);
    expect(await rawHttp(clusterIP("none").local as string, clusterIP("none").localPort)).toEqual({
      ok: false,
      error: "ECONNREFUSED",
    });
  });

  it("all endpoints terminating: traffic falls back to the serving-terminating ones", async () => {
    const leaving = pods.filter((p) => p.labels.app === "leaving").map((p) => p.name);
    expect([...(await podsAnswering("leaving"))].sort()).toEqual(leaving.sort());
  });

  it("some endpoints terminating: only the ready ones get traffic", async () => {
    const seen = await podsAnswering("mixed");
    expect(seen.size).toBe(1);
    const staying = pods.filter((p) => p.labels.app === "mixed" && !p.terminating);
    expect(staying).toHaveLength(1);
    expect([...seen]).toEqual([staying[0]?.name]);
  });
});
