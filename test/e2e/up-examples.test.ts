/**
 * The two course examples run for real, checked with the clients a user
 * would use (curl, dig, michi curl, michi flows): idp-system's HTTPS ingress
 * reaches an idp-server pod, the headless postgres names resolve, the course
 * policy denies frontend → idp-server:8080 and the flow log names it; every
 * my-app Service type answers.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type FlowInfo,
  type FrontendInfo,
  ROOT,
  rawHttp,
  startUp,
  type Up,
  type UpPodInfo,
} from "./harness.js";

// CLI runs take seconds each on a loaded machine; these are not timing assertions.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 });

const run = promisify(execFile);

describe("examples/idp-system", () => {
  let up: Up;
  let pods: UpPodInfo[];
  beforeAll(async () => {
    up = await startUp({ block: 200, paths: [join(ROOT, "examples/idp-system")] });
    pods = (await up.api<{ items: UpPodInfo[] }>("/api/up/pods")).items;
  });
  afterAll(async () => {
    if (up) expect(await up.stop()).toBe(0);
  });

  it("curl over HTTPS to auth.example.com through the ingress reaches an idp-server pod", async () => {
    const { stdout } = await run("curl", [
      "-sk",
      "--max-time",
      "10",
      "--resolve",
      `auth.example.com:${up.https}:127.0.0.1`,
      `https://auth.example.com:${up.https}/login`,
    ]);
    const body = JSON.parse(stdout) as {
      pod: string;
      namespace: string;
      path: string;
      source: { ip: string };
      headers: Record<string, string>;
    };
    expect(body.namespace).toBe("idp-system");
    // The controller pod's port as a cluster would name it, not the internal port michi's proxy listens on.
    expect(body.headers["x-forwarded-port"]).toBe("443");
    expect(body.headers["x-forwarded-proto"]).toBe("https");
    expect(body.pod).toMatch(/^idp-server-/);
    expect(body.path).toBe("/login");
    const ctl = pods.find((p) => p.namespace === "ingress-nginx") as UpPodInfo;
    expect(body.source.ip).toBe(ctl.ip);
  });

  it("plain HTTP is redirected to HTTPS (ssl-redirect)", async () => {
    const { stdout } = await run("curl", [
      "-s",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code} %{redirect_url}",
      "-H",
      "Host: auth.example.com",
      `http://127.0.0.1:${up.http}/x`,
    ]);
    expect(stdout).toBe("308 https://auth.example.com/x");
  });

  it("dig answers the headless postgres names", async () => {
    const postgres0 = pods.find((p) => p.name === "postgres-0") as UpPodInfo;
    const one = await run("dig", [
      "@127.0.0.1",
      "-p",
      String(up.dns),
      "+short",
      "postgres-0.postgres-headless.idp-system.svc.cluster.local",
    ]);
    expect(one.stdout.trim()).toBe(postgres0.ip);
    const all = await run("dig", [
      "@127.0.0.1",
      "-p",
      String(up.dns),
      "+short",
      "postgres-headless.idp-system.svc.cluster.local",
    ]);
    const want = pods
      .filter((p) => p.labels.app === "postgres")
      .map((p) => p.ip)
      .sort();
    expect(all.stdout.trim().split("\n").sort()).toEqual(want);
  });

  it("michi curl --from a workload speaks for its first pod", async () => {
    const first = pods
      .filter((p) => p.labels.app === "frontend")
      .map((p) => p.name)
      .sort()[0];
    const r = await up.cli([
      "curl",
      "--from",
      "deployment/idp-system/frontend",
      "http://idp-server.idp-system/",
      "-v",
    ]);
    expect(r.code).toBe(7);
    expect(r.stderr).toContain(`* from pod idp-system/${first} `);
    const missing = await up.cli([
      "curl",
      "--from",
      "deployment/idp-system/nope",
      "http://idp-server.idp-system/",
    ]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("deployment idp-system/nope not found");
  });

  it("michi curl: frontend is denied to idp-server:8080 by the course policy, and michi flows shows it", async () => {
    const fe = pods.find((p) => p.labels.app === "frontend") as UpPodInfo;
    const r = await up.cli([
      "curl",
      "--from",
      `idp-system/${fe.name}`,
      "http://idp-server.idp-system/",
      "-v",
    ]);
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/DNS A idp-server\.idp-system\.svc\.cluster\.local @10\.201\.0\.10: NOERROR/);
    expect(r.stderr).toContain("idp-system/idp-server-network-policy");
    const flows = await up.cli(["flows", "-o", "json"]);
    expect(flows.code).toBe(0);
    const lines = flows.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as FlowInfo);
    const denied = lines.find(
      (f) => f.from === `idp-system/${fe.name}` && f.to.startsWith("idp-system/idp-server-"),
    );
    expect(denied).toMatchObject({
      port: 8080,
      protocol: "TCP",
      verdict: "DROPPED",
      service: "idp-system/idp-server:80",
    });
    expect(denied?.policies).toEqual(["idp-system/idp-server-network-policy"]);
  });

  it("michi curl: idp-server reaches redis (egress rule, DNS over UDP 53 allowed)", async () => {
    const idp = pods.find((p) => p.labels.app === "idp-server") as UpPodInfo;
    const r = await up.cli([
      "curl",
      "--from",
      `idp-system/${idp.name}`,
      "http://redis.idp-system.svc.cluster.local:6379/ping",
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      namespace: "idp-system",
      path: "/ping",
      source: { ip: idp.ip },
    });
  });

  it("pod → outside the cluster is judged by the egress policy (443 only): port 80 is denied before any packet leaves", async () => {
    const idp = pods.find((p) => p.labels.app === "idp-server") as UpPodInfo;
    // 192.0.2.10 is TEST-NET-1: outside every mapped range, never contacted because the policy denies it.
    const r = await up.cli(["curl", "--from", `idp-system/${idp.name}`, "http://192.0.2.10/", "-v"]);
    expect(r.code).toBe(7);
    expect(r.stderr).toContain("denied by egress policy idp-system/idp-server-network-policy");
    const flows = (await up.api<{ flows: FlowInfo[] }>("/api/flows")).flows;
    expect(flows.some((f) => f.to === "192.0.2.10" && f.port === 80 && f.verdict === "DROPPED")).toBe(true);
  });

  it("prometheus cannot scrape idp-server: monitoring has no `name` label", async () => {
    const prom = pods.find((p) => p.labels.app === "prometheus") as UpPodInfo;
    const idp = pods.find((p) => p.labels.app === "idp-server") as UpPodInfo;
    const r = await rawHttp(idp.local, 9090, { localAddress: prom.local, timeoutMs: 700 });
    expect(r).toEqual({ ok: false, error: "TIMEOUT" });
  });
});

describe("examples/my-app", () => {
  let up: Up;
  let frontends: FrontendInfo[];
  beforeAll(async () => {
    up = await startUp({ block: 210, paths: [join(ROOT, "examples/my-app")] });
    frontends = (await up.api<{ frontends: FrontendInfo[] }>("/api/up")).frontends;
  });
  afterAll(async () => {
    if (up) expect(await up.stop()).toBe(0);
  });

  it.each([
    ["ClusterIP", "default/my-app-service:80"],
    ["NodePort", "default/my-app-nodeport:80"],
    ["LoadBalancer", "default/my-app-lb:80"],
  ])("%s answers from a my-app pod", async (kind, service) => {
    const fs = frontends.filter((f) => f.kind === kind && f.service === service);
    expect(fs.length).toBeGreaterThan(0);
    for (const f of fs) {
      const r = await rawHttp(f.local as string, f.localPort);
      expect(r.ok).toBe(true);
      if (r.ok) expect((JSON.parse(r.body) as { pod: string }).pod).toMatch(/^my-app-/);
    }
  });

  it("the ingress routes /api to api-service with rewrite-target /", async () => {
    const { stdout } = await run("curl", [
      "-s",
      "-H",
      "Host: myapp.example.com",
      `http://127.0.0.1:${up.http}/api/users`,
    ]);
    const body = JSON.parse(stdout) as { pod: string; path: string };
    expect(body.pod).toMatch(/^api-/);
    expect(body.path).toBe("/");
  });
});
