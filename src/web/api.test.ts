/**
 * The dashboard's JSON API over a real HTTP server on a free loopback port,
 * on the idp-system example: every endpoint's answer checked against what
 * the cluster state and the policy/ingress/DNS planes say.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../cluster/config.js";
import { FlowLog } from "../runtime/flows.js";
import { loadSnapshot } from "../snapshot/load.js";
import type { Snapshot } from "../snapshot/snapshot.js";
import { createWebHandler, type WebHandlerOptions } from "./api.js";
import type {
  ApiCheck,
  ApiDns,
  ApiLint,
  ApiMatrix,
  ApiObjectDetail,
  ApiObjectList,
  ApiRoute,
  ApiSummary,
  ApiTopology,
} from "./api-types.js";

const EXAMPLE = new URL("../../examples/idp-system", import.meta.url).pathname;

async function serve(options: WebHandlerOptions): Promise<{ server: Server; base: string }> {
  const web = createWebHandler(options);
  const server = createServer(async (req, res) => {
    if (await web(req, res)) return;
    res.writeHead(418);
    res.end("not mine");
  });
  await new Promise<void>((r) => server.listen({ host: "127.0.0.1", port: 0 }, r));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let loaded: Snapshot;
let server: Server;
let base: string;

async function get<T>(path: string): Promise<T> {
  const res = await fetch(base + path);
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  return (await res.json()) as T;
}

/** fetch() may not set Host; node:http can (as a DNS-rebinding page's browser would send it). */
function statusWithHost(path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(base + path, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

function podsOf(prefix: string, ns = "idp-system"): string[] {
  return loaded.state.pods
    .filter((p) => p.metadata?.namespace === ns && p.metadata?.name?.startsWith(prefix))
    .map((p) => `${ns}/${p.metadata?.name}`);
}

beforeAll(async () => {
  loaded = await loadSnapshot([EXAMPLE], defaultConfig);
  ({ server, base } = await serve({
    getSnapshot: () => loaded,
  }));
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe("read-only API on idp-system", () => {
  it("summarises the state", async () => {
    const s = await get<ApiSummary>("/api/summary");
    expect(s.mode).toBe("static");
    expect(s.canApply).toBe(false);
    expect(s.counts.pods).toBe(loaded.state.pods.length);
    expect(s.counts.networkpolicies).toBe(1);
    expect(s.warnings + s.errors).toBeGreaterThan(0); // lint finds the course policy's problems
  });

  it("lists objects by kind and shows a pod's derived state", async () => {
    const list = await get<ApiObjectList>("/api/objects?kind=po");
    expect(list.items.map((i) => `${i.namespace}/${i.name}`).sort()).toEqual(
      loaded.state.pods.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`).sort(),
    );
    const id = podsOf("idp-server-")[0]!;
    const pod = loaded.state.index.pod("idp-system", id.split("/")[1]!)!;
    const d = await get<ApiObjectDetail>(`/api/objects/detail?id=${encodeURIComponent(`pod/${id}`)}`);
    expect(d.kind).toBe("Pod");
    expect(d.facts).toContainEqual({ label: "pod IP", value: pod.status?.podIP });
    expect(d.isolation).toEqual({
      ingress: true,
      egress: true,
      policies: ["idp-system/idp-server-network-policy"],
    });
    expect(d.resolvConf).toContain("search idp-system.svc.cluster.local svc.cluster.local cluster.local");
    expect(d.resolvConf).toContain("nameserver 10.96.0.10");
    const redisIP = loaded.state.index.service("idp-system", "redis")?.spec?.clusterIP;
    expect(d.env).toContainEqual({ name: "REDIS_SERVICE_HOST", value: redisIP });
    expect(d.related).toContainEqual({ relation: "owned by", id: "deployment/idp-system/idp-server" });
    expect(d.related).toContainEqual({ relation: "backs", id: "service/idp-system/idp-server" });
    expect(d.yaml).toContain(`podIP: ${pod.status?.podIP}`);
  });

  it("shows a service's endpoints and never sends secret values", async () => {
    const svc = await get<ApiObjectDetail>("/api/objects/detail?id=service/idp-system/idp-server");
    expect(svc.endpoints?.map((e) => e.pod).sort()).toEqual(podsOf("idp-server-").sort());
    expect(svc.related).toContainEqual({ relation: "routed from", id: "ingress/idp-system/idp-ingress" });
    const secret = await get<ApiObjectDetail>("/api/objects/detail?id=secret/idp-system/idp-tls");
    const key = loaded.state.index.secret("idp-system", "idp-tls")?.data?.["tls.key"] ?? "";
    expect(key.length).toBeGreaterThan(100);
    expect(secret.yaml).not.toContain(key.slice(0, 40));
    expect(secret.yaml).toContain("<redacted:");
  });

  it("draws the topology: routes, selection, exposure and isolation", async () => {
    const t = await get<ApiTopology>("/api/topology");
    const edge = (from: string, to: string, kind: string) =>
      t.edges.some((e) => e.from === from && e.to === to && e.kind === kind);
    expect(edge("ingress/idp-system/idp-ingress", "service/idp-system/idp-server", "route")).toBe(true);
    expect(edge("service/idp-system/idp-server", "deployment/idp-system/idp-server", "selects")).toBe(true);
    expect(edge("service/idp-system/postgres-headless", "statefulset/idp-system/postgres", "selects")).toBe(
      true,
    );
    expect(edge("external", "service/idp-system/idp-server-lb", "exposes")).toBe(true);
    expect(edge("external", "service/idp-system/redis", "exposes")).toBe(false);
    const idp = t.nodes.find((n) => n.id === "deployment/idp-system/idp-server");
    expect(idp?.podCount).toBe(3);
    expect(idp?.pods?.every((p) => p.isolation.ingress && p.isolation.egress)).toBe(true);
    const frontend = t.nodes.find((n) => n.id === "deployment/idp-system/frontend");
    expect(frontend?.pods?.every((p) => !p.isolation.ingress && !p.isolation.egress)).toBe(true);
    expect(t.namespaces.map((n) => n.name)).toContain("monitoring");
  });

  it("explains a denied check with the deciding policy on the ingress side", async () => {
    const prom = podsOf("prometheus-", "monitoring")[0]!;
    const c = await get<ApiCheck>(`/api/check?from=${prom}&to=service/idp-system/idp-server&port=9090`);
    expect(c.allowed).toBe(false);
    expect(c.egress.allowed).toBe(true);
    expect(c.ingress.allowed).toBe(false);
    expect(c.ingress.policies).toEqual(["idp-system/idp-server-network-policy"]);
    expect(c.ingress.reasons.join("\n")).toMatch(/namespaceSelector name=monitoring/);
    expect(c.connections).toHaveLength(3);
    expect(c.service?.backends).toBe(3);
  });

  it("names the admitting rule of an allowed check", async () => {
    const ctrl = loaded.state.pods.find((p) => p.metadata?.namespace === "ingress-nginx")!;
    const to = podsOf("idp-server-")[0]!;
    const c = await get<ApiCheck>(`/api/check?from=ingress-nginx/${ctrl.metadata?.name}&to=${to}&port=8080`);
    expect(c.allowed).toBe(true);
    expect(c.ingress.admittedBy?.policy).toBe("idp-system/idp-server-network-policy");
    expect(c.ingress.admittedBy?.rule).toBe(0);
  });

  it("routes a request through the ingress to idp-server", async () => {
    const r = await get<ApiRoute>(
      `/api/route?url=${encodeURIComponent("https://auth.example.com/login?x=1")}`,
    );
    expect(r.status).toBe(200);
    expect(r.ingress).toBe("idp-system/idp-ingress");
    expect(r.backend).toEqual({ service: "idp-system/idp-server", port: 80 });
    expect(r.endpoints).toHaveLength(3);
    const miss = await get<ApiRoute>(`/api/route?url=${encodeURIComponent("http://nobody.example.com/")}`);
    expect(miss.status).toBe(404);
    const hdr = await get<ApiRoute>(
      `/api/route?url=${encodeURIComponent("https://10.0.0.1/")}&header=${encodeURIComponent("Host: auth.example.com")}`,
    );
    expect(hdr.backend?.service).toBe("idp-system/idp-server");
  });

  it("answers DNS directly and as a pod's resolver", async () => {
    const pg0 = loaded.state.index.pod("idp-system", "postgres-0")!;
    const d = await get<ApiDns>(
      "/api/dns?name=postgres-0.postgres-headless.idp-system.svc.cluster.local&type=A",
    );
    expect(d.rcode).toBe("NOERROR");
    expect(d.answers.map((a) => a.data)).toEqual([pg0.status?.podIP]);
    const fromPod = await get<ApiDns>("/api/dns?name=redis&from=idp-system/custom-dns-pod");
    expect(fromPod.queries?.[0]).toEqual({
      name: "redis.idp-system.svc.cluster.local",
      rcode: "NOERROR",
      answers: 1,
    });
    expect(fromPod.answers[0]?.data).toBe(loaded.state.index.service("idp-system", "redis")?.spec?.clusterIP);
    const other = await get<ApiDns>("/api/dns?name=redis.monitoring&from=idp-system/custom-dns-pod");
    expect(other.rcode).toBe("NXDOMAIN");
    expect(other.queries?.length).toBe(4);
  });

  it("lists lint findings naming objects", async () => {
    const l = await get<ApiLint>("/api/lint");
    const np = l.findings.filter((f) => f.object === "networkpolicy/idp-system/idp-server-network-policy");
    expect(np.length).toBeGreaterThan(0);
    expect(np.every((f) => f.source === "lint")).toBe(true);
  });

  it("computes the workload matrix with a cell per group pair", async () => {
    const m = await get<ApiMatrix>("/api/matrix?level=workload");
    const gi = (id: string) => m.groups.findIndex((g) => g.id === id);
    const idp = gi("deployment/idp-system/idp-server");
    const prom = gi("deployment/monitoring/prometheus");
    const ctrl = gi("deployment/ingress-nginx/ingress-nginx-controller");
    // idp-server declares 8080 and 9090: the controller may use 8080 only, Prometheus neither (label mismatch).
    expect(m.cells[ctrl]?.[idp]).toMatchObject({ allowed: 3, denied: 3 });
    expect(m.cells[prom]?.[idp]).toMatchObject({ allowed: 0, denied: 6 });
    expect(m.cells[prom]?.[idp]?.sample).toMatchObject({ port: expect.any(Number), protocol: "TCP" });
    expect(m.groups.at(-1)?.external).toBe(true);
  });
});

describe("errors and guards", () => {
  it("answers bad requests with stable codes", async () => {
    const cases: [string, number, string][] = [
      ["/api/check?from=a/b", 400, "MissingParameter"],
      ["/api/check?from=idp-system/nope&to=idp-system/postgres-0&port=80", 404, "NotFound"],
      ["/api/check?from=idp-system/postgres-0&to=idp-system/postgres-1&port=99999", 400, "BadParameter"],
      ["/api/matrix?level=galaxy", 400, "BadParameter"],
      ["/api/dns?name=x&type=BOGUS", 400, "BadParameter"],
      ["/api/objects/detail?id=pod/idp-system/nope", 404, "NotFound"],
      ["/api/route?url=ftp%3A%2F%2Fx", 400, "BadParameter"],
      ["/api/live", 404, "NotLive"],
      ["/api/live/flows", 404, "NotLive"],
    ];
    for (const [path, status, code] of cases) {
      const res = await fetch(base + path);
      expect(res.status, path).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code, path).toBe(code);
    }
  });

  it("is read-only, refuses foreign Host names, and leaves other paths to the caller", async () => {
    expect((await fetch(`${base}/api/summary`, { method: "POST" })).status).toBe(405);
    expect(await statusWithHost("/api/summary", "attacker.example")).toBe(403);
    expect(await statusWithHost("/api/summary", "localhost:1234")).toBe(200);
    expect(await statusWithHost("/api/summary", "127.0.0.1")).toBe(200);
    const other = await fetch(`${base}/api/up`);
    expect(other.status).toBe(418);
    expect((await fetch(`${base}/api/apply`, { method: "POST", body: "x" })).status).toBe(418);
    expect((await fetch(`${base}/readyz`)).status).toBe(418);
  });

  it("answers 503 until a snapshot exists", async () => {
    const s = await serve({ getSnapshot: () => undefined });
    try {
      const res = await fetch(`${s.base}/api/topology`);
      expect(res.status).toBe(503);
    } finally {
      s.server.close();
    }
  });
});

describe("apply", () => {
  it("needs the token and passes the body through", async () => {
    const bodies: string[] = [];
    const s = await serve({
      getSnapshot: () => loaded,
      token: "s3cret-token",
      apply: async (text) => {
        bodies.push(text);
        return text.includes("bad") ? { ok: false, diagnostics: ["bad object"] } : { ok: true, applied: 1 };
      },
    });
    try {
      const post = (headers: Record<string, string>, body = "kind: Namespace") =>
        fetch(`${s.base}/api/apply`, { method: "POST", headers, body });
      expect((await post({})).status).toBe(401);
      expect((await post({ authorization: "Bearer wrong-token!" })).status).toBe(401);
      const ok = await post({ authorization: "Bearer s3cret-token" });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ ok: true, applied: 1 });
      const bad = await post({ "x-michi-token": "s3cret-token" }, "bad");
      expect(bad.status).toBe(422);
      expect(bodies).toEqual(["kind: Namespace", "bad"]);
      expect(((await fetch(`${s.base}/api/summary`).then((r) => r.json())) as ApiSummary).canApply).toBe(
        true,
      );
    } finally {
      s.server.close();
    }
  });
});

describe("live", () => {
  it("streams flows as server-sent events with a verdict filter", async () => {
    const log = new FlowLog(100);
    const flow = (verdict: "FORWARDED" | "DROPPED", port: number) =>
      log.record({
        from: "idp-system/frontend-1",
        to: "idp-system/idp-server-1",
        fromIP: "10.244.0.2",
        fromPort: 40000,
        toIP: "10.244.0.3",
        port,
        protocol: "TCP",
        verdict,
        policies: verdict === "DROPPED" ? ["idp-system/idp-server-network-policy"] : [],
        localSource: "127.244.0.2:40000",
      });
    flow("DROPPED", 1);
    const s = await serve({
      getSnapshot: () => loaded,
      live: {
        follow: (fn) => log.follow(fn),
        recent: () => log.list(),
        counters: () => ({ ...log.counters }),
        diagnostics: () => [{ severity: "error", code: "Rejected", message: "last apply was rejected" }],
      },
    });
    const ac = new AbortController();
    try {
      const res = await fetch(`${s.base}/api/live/flows?verdict=DROPPED&replay=10`, { signal: ac.signal });
      expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
      const reader = res.body!.getReader();
      const events: { port: number; verdict: string; policies: string[] }[] = [];
      let buf = "";
      flow("FORWARDED", 2);
      flow("DROPPED", 3);
      while (events.length < 2) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += new TextDecoder().decode(value);
        let i = buf.indexOf("\n\n");
        while (i >= 0) {
          const data = buf
            .slice(0, i)
            .split("\n")
            .find((l) => l.startsWith("data: "));
          if (data) events.push(JSON.parse(data.slice(6)));
          buf = buf.slice(i + 2);
          i = buf.indexOf("\n\n");
        }
      }
      expect(events.map((e) => [e.port, e.verdict])).toEqual([
        [1, "DROPPED"],
        [3, "DROPPED"],
      ]);
      expect(events[1]?.policies).toEqual(["idp-system/idp-server-network-policy"]);
      const live = (await fetch(`${s.base}/api/live`).then((r) => r.json())) as {
        counters: Record<string, number>;
        findings: { message: string }[];
      };
      expect(live.counters).toMatchObject({ forwarded: 1, dropped: 2 });
      expect(live.findings[0]?.message).toBe("last apply was rejected");
      const summary = (await fetch(`${s.base}/api/summary`).then((r) => r.json())) as ApiSummary;
      expect(summary.mode).toBe("live");
    } finally {
      ac.abort();
      s.server.closeAllConnections();
      s.server.close();
    }
  });
});

describe("static files", () => {
  it("serves the built front end and nothing outside it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "michi-web-"));
    mkdirSync(join(dir, "assets"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>t</title>");
    writeFileSync(join(dir, "assets", "app-1.js"), "console.log(1)");
    const s = await serve({ getSnapshot: () => undefined, staticDir: dir });
    try {
      const index = await fetch(`${s.base}/`);
      expect(index.status).toBe(200);
      expect(index.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await index.text()).toContain("<title>t</title>");
      const js = await fetch(`${s.base}/assets/app-1.js`);
      expect(js.headers.get("content-type")).toMatch(/^text\/javascript/);
      expect(js.headers.get("cache-control")).toMatch(/immutable/);
      expect((await fetch(`${s.base}/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
      expect((await fetch(`${s.base}/assets/%2e%2e/%2e%2e/etc/passwd`)).status).not.toBe(200);
      expect((await fetch(`${s.base}/assets/missing.js`)).status).toBe(404);
    } finally {
      s.server.close();
    }
    const empty = await serve({ getSnapshot: () => undefined, staticDir: join(dir, "nowhere") });
    try {
      const res = await fetch(`${empty.base}/`);
      expect(res.status).toBe(503);
      expect(await res.text()).toMatch(/npm run build/);
    } finally {
      empty.server.close();
    }
  });
});
