/**
 * `michi up` end to end: every Service type over real sockets — ClusterIP
 * (TCP and UDP), NodePort (every node + the host address, SNAT to the node),
 * LoadBalancer, headless and ExternalName through DNS, a service without
 * endpoints (refused), externalTrafficPolicy/internalTrafficPolicy Local and
 * sessionAffinity ClientIP.
 */

import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  CLI,
  dnsQuery,
  type FlowInfo,
  type FrontendInfo,
  rawHttp,
  startUp,
  type Up,
  type UpPodInfo,
  udpAsk,
  writeManifests,
} from "./harness.js";

// CLI runs take seconds each on a loaded machine; these are not timing assertions.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 });

const BLOCK = 150;

const MANIFESTS = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: agnhost
          ports:
            - {name: http, containerPort: 8080}
            - {name: echo-udp, containerPort: 9053, protocol: UDP}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http}
    - {name: udp, port: 53, protocol: UDP, targetPort: echo-udp}
---
apiVersion: v1
kind: Service
metadata: {name: web-np}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: http, nodePort: 30080}]
---
apiVersion: v1
kind: Service
metadata: {name: web-lb}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 8000, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web-sticky}
spec:
  selector: {app: web}
  sessionAffinity: ClientIP
  ports: [{port: 80, targetPort: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: solo}
spec:
  replicas: 1
  selector: {matchLabels: {app: solo}}
  template:
    metadata: {labels: {app: solo}}
    spec:
      containers:
        - name: solo
          image: agnhost
          ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: solo-local}
spec:
  type: NodePort
  externalTrafficPolicy: Local
  selector: {app: solo}
  ports: [{port: 80, targetPort: http, nodePort: 30081}]
---
apiVersion: v1
kind: Service
metadata: {name: solo-itp}
spec:
  internalTrafficPolicy: Local
  selector: {app: solo}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: client}
spec:
  replicas: 3
  selector: {matchLabels: {app: client}}
  template:
    metadata: {labels: {app: client}}
    spec:
      containers: [{name: client, image: curl}]
---
apiVersion: v1
kind: Service
metadata: {name: nothing}
spec:
  selector: {app: nothing}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web-headless}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{name: http, port: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: external}
spec:
  type: ExternalName
  externalName: db.example.org
`;

let up: Up;
let dir: string;
let pods: UpPodInfo[];
let frontends: FrontendInfo[];

function fe(service: string, kind: string, protocol = "TCP", node?: string): FrontendInfo {
  const f = frontends.find(
    (x) =>
      x.service.startsWith(`${service}:`) &&
      x.kind === kind &&
      x.protocol === protocol &&
      (node === undefined || (x.node === node && x.ip !== undefined)),
  );
  if (!f?.local) throw new Error(`no frontend ${service} ${kind} ${protocol} ${node ?? ""}`);
  return f;
}

function podOf(body: string): { pod: string; source: { ip: string }; node: string } {
  return JSON.parse(body) as { pod: string; source: { ip: string }; node: string };
}

beforeAll(async () => {
  dir = writeManifests({ "app.yaml": MANIFESTS });
  up = await startUp({ block: BLOCK, paths: [dir], extra: ["--drop-hold", "2000"] });
  pods = (await up.api<{ items: UpPodInfo[] }>("/api/up/pods")).items;
  frontends = (await up.api<{ frontends: FrontendInfo[] }>("/api/up")).frontends;
});

afterAll(async () => {
  if (up) expect(await up.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

describe("admin API", () => {
  it("answers /readyz 200 and counts flows in /metrics", async () => {
    expect((await fetch(`${up.server}/readyz`)).status).toBe(200);
    const f = fe("default/web", "ClusterIP");
    await rawHttp(f.local as string, f.localPort);
    const metrics = await (await fetch(`${up.server}/metrics`)).text();
    const forwarded = Number(/michi_flows_total\{verdict="FORWARDED"\} (\d+)/.exec(metrics)?.[1]);
    expect(forwarded).toBeGreaterThan(0);
    expect(metrics).toMatch(/michi_pods \d+/);
  });
});

describe("michi flows --follow", () => {
  it("streams a new connection's flow as one JSON line", async () => {
    const child = spawn(process.execPath, [CLI, "flows", "--follow", "-o", "json"], { env: up.env });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    try {
      const f = fe("default/web", "ClusterIP");
      const client = pods.find((p) => p.labels.app === "client") as UpPodInfo;
      const deadline = Date.now() + 20_000;
      let marker = "";
      while (Date.now() < deadline) {
        const r = await rawHttp(f.local as string, f.localPort, { localAddress: client.local });
        if (r.ok) marker = `"from":"default/${client.name}"`;
        if (marker && out.includes(marker)) break;
        await new Promise((res) => setTimeout(res, 300));
      }
      const line = out
        .split("\n")
        .find((l) => l.includes(marker) && l.includes('"service":"default/web:80"'));
      expect(line).toBeDefined();
      expect(JSON.parse(line as string)).toMatchObject({ verdict: "FORWARDED", protocol: "TCP", port: 8080 });
    } finally {
      child.kill();
    }
  });
});

describe("ClusterIP", () => {
  it("TCP: balances across every ready endpoint, named targetPort resolved per pod", async () => {
    const f = fe("default/web", "ClusterIP");
    expect(f.ip?.startsWith(`10.${BLOCK + 1}.`)).toBe(true);
    expect(f.local).toBe(f.ip?.replace(/^10\./, "127."));
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const r = await rawHttp(f.local as string, f.localPort);
      expect(r.ok).toBe(true);
      if (r.ok) seen.add(podOf(r.body).pod);
    }
    const web = pods.filter((p) => p.labels.app === "web").map((p) => p.name);
    expect([...seen].sort()).toEqual(web.sort());
  });

  it("UDP: hostname answered by one of the endpoints", async () => {
    const f = fe("default/web", "ClusterIP", "UDP");
    const answer = await udpAsk(f.local as string, f.localPort, "hostname", { localAddress: up.hostIP });
    expect(pods.filter((p) => p.labels.app === "web").map((p) => p.name)).toContain(answer);
  });

  it("a pod's connection keeps the pod as source (no SNAT for ClusterIP)", async () => {
    const client = pods.find((p) => p.labels.app === "client") as UpPodInfo;
    const f = fe("default/web", "ClusterIP");
    const r = await rawHttp(f.local as string, f.localPort, { localAddress: client.local });
    expect(r.ok && podOf(r.body).source.ip).toBe(client.ip);
  });

  it("a service without endpoints refuses connections (kube-proxy REJECT)", async () => {
    const f = frontends.find((x) => x.service.startsWith("default/nothing:")) as FrontendInfo;
    expect(f.serving).toBe(false);
    const r = await rawHttp(f.local as string, f.localPort);
    expect(r).toEqual({ ok: false, error: "ECONNREFUSED" });
  });

  it("sessionAffinity ClientIP sends one client to one endpoint; None spreads", async () => {
    const sticky = fe("default/web-sticky", "ClusterIP");
    const got = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const r = await rawHttp(sticky.local as string, sticky.localPort, { localAddress: up.hostIP });
      if (r.ok) got.add(podOf(r.body).pod);
    }
    expect(got.size).toBe(1);
    // Another client address gets its own (round-robin-chosen) endpoint, independently.
    const client = pods.find((p) => p.labels.app === "client") as UpPodInfo;
    const r2 = await rawHttp(sticky.local as string, sticky.localPort, { localAddress: client.local });
    expect(r2.ok).toBe(true);
  });
});

describe("NodePort", () => {
  it("answers on every node's address and on the host address; eTP=Cluster SNATs to the node", async () => {
    const nodeFrontends = frontends.filter((x) => x.service === "default/web-np:80" && x.kind === "NodePort");
    expect(nodeFrontends.length).toBe(4); // 3 nodes + host
    for (const f of nodeFrontends) {
      expect(f.localPort).toBe(30080);
      const r = await rawHttp(f.local as string, f.localPort, { localAddress: up.hostIP });
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      const body = podOf(r.body);
      if (f.ip) expect(body.source.ip).toBe(f.ip);
    }
  });

  it("externalTrafficPolicy Local: node with the endpoint answers and keeps the client source; others drop", async () => {
    const solo = pods.find((p) => p.labels.app === "solo") as UpPodInfo;
    const local = fe("default/solo-local", "NodePort", "TCP", solo.node);
    const r = await rawHttp(local.local as string, local.localPort, { localAddress: up.hostIP });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(podOf(r.body).pod).toBe(solo.name);
      expect(podOf(r.body).source.ip).toBe(up.hostIP);
    }
    const other = frontends.find(
      (x) =>
        x.service === "default/solo-local:80" &&
        x.kind === "NodePort" &&
        x.ip !== undefined &&
        x.node !== solo.node,
    ) as FrontendInfo;
    const r2 = await rawHttp(other.local as string, other.localPort, {
      localAddress: up.hostIP,
      timeoutMs: 800,
    });
    expect(r2).toEqual({ ok: false, error: "TIMEOUT" });
    const flows = (await up.api<{ flows: FlowInfo[] }>("/api/flows")).flows;
    expect(
      flows.some(
        (fl) =>
          fl.service === "default/solo-local:80" &&
          fl.verdict === "DROPPED" &&
          fl.reason === "no-local-endpoints",
      ),
    ).toBe(true);
  });
});

describe("LoadBalancer", () => {
  it("serves on the pool IP's local address", async () => {
    const f = fe("default/web-lb", "LoadBalancer");
    expect(f.ip?.startsWith(`10.${BLOCK + 2}.1.`)).toBe(true);
    const r = await rawHttp(f.local as string, f.localPort);
    expect(r.ok && podOf(r.body).pod.startsWith("web-")).toBe(true);
  });
});

describe("internalTrafficPolicy Local", () => {
  it("a client pod reaches only its own node's endpoint and is dropped on nodes without one", async () => {
    const solo = pods.find((p) => p.labels.app === "solo") as UpPodInfo;
    const f = fe("default/solo-itp", "ClusterIP");
    const clients = pods.filter((p) => p.labels.app === "client");
    const same = clients.find((c) => c.node === solo.node);
    const other = clients.find((c) => c.node !== solo.node);
    expect(same && other).toBeTruthy();
    const r = await rawHttp(f.local as string, f.localPort, { localAddress: same?.local as string });
    expect(r.ok && podOf(r.body).pod).toBe(solo.name);
    const r2 = await rawHttp(f.local as string, f.localPort, {
      localAddress: other?.local as string,
      timeoutMs: 800,
    });
    expect(r2).toEqual({ ok: false, error: "TIMEOUT" });
  });
});

describe("DNS-only services", () => {
  it("headless: A records are the ready pods; no proxy listens for it", async () => {
    const r = await dnsQuery("127.0.0.1", up.dns, `web-headless.default.svc.cluster.local`);
    expect(r.rcode).toBe("NOERROR");
    const ips = r.answers
      .filter((a) => a.type === "A")
      .map((a) => a.data as string)
      .sort();
    expect(ips).toEqual(
      pods
        .filter((p) => p.labels.app === "web")
        .map((p) => p.ip)
        .sort(),
    );
    expect(frontends.some((x) => x.service.startsWith("default/web-headless:"))).toBe(false);
  });

  it("ExternalName: a CNAME, nothing served", async () => {
    const r = await dnsQuery("127.0.0.1", up.dns, "external.default.svc.cluster.local", "CNAME");
    expect(r.answers.find((a) => a.type === "CNAME")?.data).toBe("db.example.org");
    expect(frontends.some((x) => x.service.startsWith("default/external:"))).toBe(false);
  });

  it("the kube-dns service address answers too", async () => {
    const dnsFe = fe("kube-system/kube-dns", "ClusterIP", "UDP");
    const r = await dnsQuery(dnsFe.local as string, dnsFe.localPort, "web.default.svc.cluster.local");
    expect(r.answers.find((a) => a.type === "A")?.data).toBe(fe("default/web", "ClusterIP").ip);
  });
});
