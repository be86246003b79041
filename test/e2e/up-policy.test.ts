/**
 * NetworkPolicy in the data path of `michi up`, with --deny reject: the
 * ingress controller runs as a pod of namespace ingress-nginx, so a policy
 * admitting "traffic from the ingress-nginx namespace" lets routed requests
 * through and nothing else; the flow log names the deciding policy; a policy
 * selecting a `name` label a standard install lacks refuses the controller,
 * and the fix applied at runtime takes effect on the next connection.
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type FlowInfo,
  type FrontendInfo,
  httpGet,
  rawHttp,
  startUp,
  type Up,
  type UpPodInfo,
  writeManifests,
} from "./harness.js";

// CLI runs take seconds each on a loaded machine; these are not timing assertions.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 });

const BLOCK = 160;

const APP = `
apiVersion: v1
kind: Namespace
metadata: {name: backend}
---
apiVersion: v1
kind: Namespace
metadata: {name: other}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: backend}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: agnhost, ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: backend}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: api, namespace: backend}
spec:
  ingressClassName: nginx
  rules:
    - host: api.test
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: other, labels: {app: client}}
spec:
  containers: [{name: c, image: curl}]
`;

const POLICY = (nsLabel: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-ingress-controller, namespace: backend}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector: {matchLabels: {${nsLabel}: ingress-nginx}}
      ports: [{port: 8080}]
`;

let up: Up;
let dir: string;
let pods: UpPodInfo[];

function viaIngress(): Promise<{ status: number; body: string }> {
  return httpGet("127.0.0.1", up.http, { headers: { host: "api.test" } });
}

beforeAll(async () => {
  dir = writeManifests({ "app.yaml": APP, "policy.yaml": POLICY("name") });
  // Exercises the unprivileged port rule end to end: model ports below 1024 are served on port + 20000.
  up = await startUp({ block: BLOCK, paths: [dir], extra: ["--deny", "reject"], lowPortOffset: 20000 });
  pods = (await up.api<{ items: UpPodInfo[] }>("/api/up/pods")).items;
});

afterAll(async () => {
  if (up) expect(await up.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

describe("the ingress controller is a pod", () => {
  it("the course's `name: ingress-nginx` selector matches no namespace of a standard install: the ingress gets refused", async () => {
    const r = await viaIngress();
    expect(r.status).toBe(502);
    const flows = (await up.api<{ flows: FlowInfo[] }>("/api/flows")).flows;
    const f = flows.find((x) => x.from.startsWith("ingress-nginx/") && x.to.startsWith("backend/api-"));
    expect(f?.verdict).toBe("REJECTED");
    expect(f?.policies).toEqual(["backend/from-ingress-controller"]);
    // michi curl from the controller pod says the same, with exit code 7.
    const ctl = pods.find((p) => p.namespace === "ingress-nginx") as UpPodInfo;
    const c = await up.cli(["curl", "--from", `ingress-nginx/${ctl.name}`, "http://api.backend/", "-v"]);
    expect(c.code).toBe(7);
    expect(c.stderr, c.stderr).toContain("backend/from-ingress-controller");
  });

  it("after applying the fix (kubernetes.io/metadata.name), routed requests reach the backend from the controller pod", async () => {
    const pdir = writeManifests({ "policy.yaml": POLICY("kubernetes.io/metadata.name") });
    const res = await up.cli(["apply", "-f", pdir]);
    rmSync(pdir, { recursive: true, force: true });
    expect(res.code).toBe(0);
    const ctl = pods.find((p) => p.namespace === "ingress-nginx") as UpPodInfo;
    const r = await viaIngress();
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body) as { pod: string; namespace: string; source: { ip: string } };
    expect(body.namespace).toBe("backend");
    expect(body.source.ip).toBe(ctl.ip);
  });

  it("a client outside the cluster going straight to the pod is rejected, and the flow names the policy", async () => {
    const api = pods.find((p) => p.labels.app === "api") as UpPodInfo;
    const r = await rawHttp(api.local, 8080, { localAddress: up.hostIP });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe("ECONNRESET");
    const flows = (await up.api<{ flows: FlowInfo[] }>("/api/flows")).flows;
    const denied = flows.find(
      (f) => f.from === up.hostIP && f.to === `backend/${api.name}` && f.verdict === "REJECTED",
    );
    expect(denied?.policies).toEqual(["backend/from-ingress-controller"]);
  });

  it("a pod of another namespace through the service is rejected after translation", async () => {
    const client = pods.find((p) => p.name === "client") as UpPodInfo;
    const svc = (await up.api<{ frontends: FrontendInfo[] }>("/api/up")).frontends.find(
      (f) => f.service === "backend/api:80" && f.kind === "ClusterIP",
    ) as FrontendInfo;
    const r = await rawHttp(svc.local as string, svc.localPort, { localAddress: client.local });
    expect(r.ok).toBe(false);
    const flows = (await up.api<{ flows: FlowInfo[] }>("/api/flows")).flows;
    const f = flows.find((x) => x.from === "other/client" && x.service === "backend/api:80");
    expect(f?.verdict).toBe("REJECTED");
    expect(f?.port).toBe(8080);
  });
});

describe("the port rule", () => {
  it("serves model ports below 1024 on port + offset, others as themselves", async () => {
    const fes = (await up.api<{ frontends: FrontendInfo[] }>("/api/up")).frontends;
    const api = fes.find((f) => f.service === "backend/api:80" && f.kind === "ClusterIP") as FrontendInfo;
    expect(api.localPort).toBe(20080);
    const dns = fes.find(
      (f) => f.service === "kube-system/kube-dns:53" && f.protocol === "UDP",
    ) as FrontendInfo;
    expect(dns.localPort).toBe(20053);
    const pod = pods.find((p) => p.labels.app === "api") as UpPodInfo;
    expect(pod.ports).toEqual([{ port: 8080, protocol: "TCP", name: "http", local: 8080 }]);
  });
});
