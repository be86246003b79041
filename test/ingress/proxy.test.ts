/**
 * The proxy end to end over real sockets: conformance features (default
 * backend, host rules over HTTP and HTTPS/SNI, load balancing), failure
 * statuses (502/503/504, retries), headers, bodies, WebSockets, smuggling,
 * affinity, access log and metrics. Upstreams are echo servers on 127.0.0.1.
 */
import net from "node:net";
import { generate } from "selfsigned";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Secret } from "../../src/api/types.js";
import { compileRoutes } from "../../src/ingress/route-table.js";
import type { RouteTable } from "../../src/ingress/route-types.js";
import { FAKE_CERT_CN } from "../../src/proxy/default-cert.js";
import { type IngressProxy, startIngressProxy } from "../../src/proxy/ingress-proxy.js";
import { ingress, makeState } from "./fixtures.js";
import { type EchoPods, echo, send, startEchoPods } from "./harness.js";

const A = "nginx.ingress.kubernetes.io/";
const pods10 = Array.from({ length: 10 }, (_, i) => `10.244.3.${i + 1}`);
let pods: EchoPods;
let proxy: IngressProxy;
let table: RouteTable;
let cert: string;
const logs: string[] = [];
let httpPort = 0;
let httpsPort = 0;

beforeAll(async () => {
  const pems = await generate([{ name: "commonName", value: "foo.bar.com" }], {
    keyType: "ec",
    curve: "P-256",
    extensions: [{ name: "subjectAltName", altNames: [{ type: 2, value: "foo.bar.com" }] }],
  });
  cert = pems.cert;
  const secret: Secret = {
    kind: "Secret",
    type: "kubernetes.io/tls",
    metadata: { name: "conformance-tls", namespace: "default" },
    data: {
      "tls.crt": Buffer.from(pems.cert).toString("base64"),
      "tls.key": Buffer.from(pems.private).toString("base64"),
    },
  };
  pods = await startEchoPods(
    ["10.244.1.1", "10.244.1.2", "10.244.2.1", "10.244.2.2", "10.244.4.1", "10.244.9.9", ...pods10],
    { slowIps: ["10.244.9.9"] },
  );
  const state = makeState({
    secrets: [secret],
    services: [
      { name: "echo-service", port: 8080, ips: ["10.244.1.1"] },
      { name: "foo-bar-com", portName: "http", ips: ["10.244.1.2"] },
      { name: "wildcard-foo-com", ips: ["10.244.2.1"] },
      { name: "lb", ips: pods10 },
      { name: "half-dead", ips: ["10.244.250.1", "10.244.2.2"] },
      { name: "all-dead", ips: ["10.244.250.2"] },
      { name: "slow", ips: ["10.244.9.9"] },
      { name: "empty", ips: ["!10.244.4.1"] },
      { name: "sticky", ips: ["10.244.1.1", "10.244.1.2", "10.244.2.1"] },
    ],
    ingresses: [
      ingress({ name: "default-backend", defaultBackend: { service: "echo-service", port: 8080 } }),
      ingress({
        name: "host-rules",
        tls: [{ hosts: ["foo.bar.com"], secretName: "conformance-tls" }],
        rules: [
          { host: "*.foo.com", paths: [{ path: "/", service: "wildcard-foo-com" }] },
          { host: "foo.bar.com", paths: [{ path: "/", service: "foo-bar-com" }] },
        ],
      }),
      ingress({ name: "lb", rules: [{ host: "load-balancing", paths: [{ path: "/", service: "lb" }] }] }),
      ingress({
        name: "failures",
        annotations: { [`${A}proxy-read-timeout`]: "1", [`${A}proxy-body-size`]: "4m" },
        rules: [
          {
            host: "fail",
            paths: [
              { path: "/half-dead", service: "half-dead" },
              { path: "/all-dead", service: "all-dead" },
              { path: "/slow", service: "slow" },
              { path: "/empty", service: "empty" },
              { path: "/missing", service: "no-such-service" },
              { path: "/ok", service: "echo-service", port: 8080 },
            ],
          },
        ],
      }),
      ingress({
        name: "small",
        rules: [{ host: "small", paths: [{ path: "/", service: "echo-service", port: 8080 }] }],
      }),
      ingress({
        name: "sticky",
        annotations: { [`${A}affinity`]: "cookie", [`${A}session-cookie-name`]: "route" },
        rules: [{ host: "sticky", paths: [{ path: "/app", service: "sticky" }] }],
      }),
      ingress({
        name: "rewrite",
        annotations: {
          [`${A}rewrite-target`]: "/$2",
          [`${A}x-forwarded-prefix`]: "/api",
          [`${A}upstream-vhost`]: "internal.local",
        },
        rules: [
          {
            host: "rw",
            paths: [
              {
                path: "/api(/|$)(.*)",
                pathType: "ImplementationSpecific",
                service: "echo-service",
                port: 8080,
              },
            ],
          },
        ],
      }),
    ],
  });
  table = compileRoutes(state);
  proxy = await startIngressProxy({
    http: { host: "127.0.0.1", port: 0 },
    https: { host: "127.0.0.1", port: 0 },
    getTable: () => table,
    upstream: (ep) => (ep.ip.startsWith("10.244.250.") ? { host: "127.0.0.1", port: 1 } : pods.upstream(ep)),
    onAccessLog: (line) => logs.push(line),
    debugHeader: true,
  });
  httpPort = proxy.addresses.http?.port ?? 0;
  httpsPort = proxy.addresses.https?.port ?? 0;
});

afterAll(async () => {
  await proxy?.close(100);
  await pods?.close();
});

describe("conformance: default_backend.feature through the proxy", () => {
  it.each([
    ["GET", "my-host", "/"],
    ["GET", "my-host", "/sub-path"],
    ["POST", "some-host", "/"],
    ["PUT", "", "/resource"],
    ["DELETE", "some-host", "/resource"],
    ["PATCH", "my-host", "/resource"],
  ])("%s http://%s%s", async (method, host, path) => {
    const r = await send(httpPort, path, host, { method, headers: { "user-agent": "Go-http-client/1.1" } });
    expect(r.status).toBe(200);
    expect(r.httpVersion).toBe("1.1");
    for (const h of ["content-length", "content-type", "date", "server"]) expect(r.headers[h]).toBeDefined();
    const e = echo(r);
    expect(e.pod).toBe("10.244.1.1");
    expect(e.method).toBe(method);
    expect(e.url).toBe(path);
    expect(e.httpVersion).toBe("1.1");
    expect(e.headers["user-agent"]).toBe("Go-http-client/1.1");
  });
});

describe("conformance: host_rules.feature through the proxy", () => {
  it("HTTPS: SNI picks the Secret's certificate, verified for foo.bar.com, Host picks the route", async () => {
    const r = await send(httpsPort, "/", "foo.bar.com", { tls: { ca: cert } });
    expect(r.status).toBe(200);
    expect(echo(r).pod).toBe("10.244.1.2");
    expect(echo(r).headers.host).toBe("foo.bar.com");
    expect(echo(r).headers["x-forwarded-proto"]).toBe("https");
    expect(r.cert?.subject.CN).toBe("foo.bar.com");
  });
  it("HTTP foo.bar.com (has TLS) is redirected with 308 to the HTTPS listener", async () => {
    const r = await send(httpPort, "/x?y=1", "foo.bar.com");
    expect(r.status).toBe(308);
    expect(r.headers.location).toBe(`https://foo.bar.com:${httpsPort}/x?y=1`);
  });
  it("wildcard *.foo.com over HTTP", async () => {
    const r = await send(httpPort, "/", "bar.foo.com");
    expect(echo(r).pod).toBe("10.244.2.1");
    expect(echo(r).headers.host).toBe("bar.foo.com");
  });
  it.each(["baz.bar.foo.com", "foo.com", "subdomain.bar.com"])(
    "%s → catch-all (the default-backend Ingress here)",
    async (host) => {
      expect(echo(await send(httpPort, "/", host)).pod).toBe("10.244.1.1");
    },
  );
  it("unknown SNI gets the clearly labelled fake certificate", async () => {
    const r = await send(httpsPort, "/", "unknown.example", { tls: { rejectUnauthorized: false } });
    expect(r.cert?.subject.CN).toBe(FAKE_CERT_CN);
    expect(r.status).toBe(200);
  });
  it("TLS 1.1 is refused", async () => {
    const tlsMod = await import("node:tls");
    const err = await new Promise<Error | undefined>((resolve) => {
      const s = tlsMod.connect({
        host: "127.0.0.1",
        port: httpsPort,
        servername: "foo.bar.com",
        maxVersion: "TLSv1.1",
        minVersion: "TLSv1",
        rejectUnauthorized: false,
      });
      s.on("secureConnect", () => {
        s.destroy();
        resolve(undefined);
      });
      s.on("error", (e) => resolve(e));
    });
    expect(err).toBeDefined();
  });
});

describe("conformance: load_balancing.feature", () => {
  it("100 requests reach all 10 pods, round-robin", async () => {
    const agent = new (await import("node:http")).Agent({ keepAlive: true, maxSockets: 4 });
    const seen = new Map<string, number>();
    await Promise.all(
      Array.from({ length: 100 }, async () => {
        const r = await send(httpPort, "/", "load-balancing", { agent });
        expect(r.status).toBe(200);
        const p = echo(r).pod;
        seen.set(p, (seen.get(p) ?? 0) + 1);
      }),
    );
    agent.destroy();
    expect(seen.size).toBe(10);
    expect([...seen.values()].every((n) => n === 10)).toBe(true);
  });
});

describe("failures", () => {
  it("a refused endpoint is skipped: the next one answers every time", async () => {
    for (let i = 0; i < 6; i++) {
      const r = await send(httpPort, "/half-dead", "fail");
      expect(r.status).toBe(200);
      expect(echo(r).pod).toBe("10.244.2.2");
    }
  });
  it.each([
    ["/all-dead", 502],
    ["/slow", 504],
    ["/empty", 503],
    ["/missing", 503],
  ])("%s → %i", async (path, status) => {
    const r = await send(httpPort, path, "fail");
    expect(r.status).toBe(status);
    expect(r.body).toContain(String(status));
  });
});

describe("headers", () => {
  it("X-Forwarded-*, X-Real-IP, X-Request-ID set; hop-by-hop and Connection-listed headers removed both ways", async () => {
    const r = await send(httpPort, "/ok", "fail:8080", {
      headers: {
        connection: "keep-alive, x-secret-hop",
        "x-secret-hop": "1",
        te: "trailers",
        "x-forwarded-for": "6.6.6.6",
        proxy: "http://evil",
        "keep-alive": "timeout=5",
      },
    });
    const h = echo(r).headers;
    expect(h["x-forwarded-for"]).toBe("127.0.0.1");
    expect(h["x-original-forwarded-for"]).toBe("6.6.6.6");
    expect(h["x-real-ip"]).toBe("127.0.0.1");
    expect(h["x-forwarded-host"]).toBe("fail:8080");
    expect(h["x-forwarded-port"]).toBe(String(httpPort));
    expect(h["x-forwarded-proto"]).toBe("http");
    expect(h["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
    expect(h["x-secret-hop"]).toBeUndefined();
    expect(h.te).toBeUndefined();
    expect(h.proxy).toBeUndefined();
    expect(h["keep-alive"]).toBeUndefined();
    expect(r.headers["x-upstream-hop"]).toBeUndefined();
    expect(r.headers["x-michi-route"]).toContain("ingress=default/failures");
    expect(r.headers["x-michi-route"]).toContain("backend=default/echo-service:8080");
  });
  it("an incoming X-Request-ID is kept", async () => {
    const r = await send(httpPort, "/ok", "fail", { headers: { "x-request-id": "abc-123" } });
    expect(echo(r).headers["x-request-id"]).toBe("abc-123");
  });
  it("rewrite-target, x-forwarded-prefix and upstream-vhost reach the upstream", async () => {
    const e = echo(await send(httpPort, "/api/users?id=7", "rw"));
    expect(e.url).toBe("/users?id=7");
    expect(e.headers["x-forwarded-prefix"]).toBe("/api");
    expect(e.headers.host).toBe("internal.local");
  });
});

describe("bodies", () => {
  it("streams a 3 MB body (proxy-body-size 4m)", async () => {
    const r = await send(httpPort, "/ok", "fail", {
      method: "POST",
      body: Buffer.alloc(3 * 1024 * 1024, 97),
    });
    expect(echo(r).bodyBytes).toBe(3 * 1024 * 1024);
  });
  it("declared Content-Length over the default 1m → 413", async () => {
    const r = await send(httpPort, "/", "small", { method: "POST", body: Buffer.alloc(1024 * 1024 + 1) });
    expect(r.status).toBe(413);
  });
  it("chunked body over 1m → 413", async () => {
    const http = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({
        host: "127.0.0.1",
        port: httpPort,
        method: "POST",
        path: "/",
        headers: { host: "small", "transfer-encoding": "chunked" },
        agent: false,
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      for (let i = 0; i < 20; i++) req.write(Buffer.alloc(64 * 1024));
      req.end();
    });
    expect(status).toBe(413);
  });
});

function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    let out = "";
    s.on("data", (d) => {
      out += d.toString();
    });
    s.on("end", () => resolve(out));
    s.on("close", () => resolve(out));
    s.on("error", () => resolve(out));
    s.write(text);
    setTimeout(() => s.end(), 500);
  });
}

describe("hostile requests", () => {
  it.each([
    [
      "CL + TE",
      "POST / HTTP/1.1\r\nHost: small\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    ],
    [
      "two different Content-Lengths",
      "POST / HTTP/1.1\r\nHost: small\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
    ],
    ["space before colon", "GET / HTTP/1.1\r\nHost : small\r\n\r\n"],
    ["HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n"],
    ["garbage", "\x16\x03\x01 not http at all\r\n\r\n"],
  ])("%s → 400, and the proxy keeps serving", async (_d, text) => {
    const out = await raw(httpPort, text);
    expect(out).toMatch(/^HTTP\/1\.1 400 /);
    expect((await send(httpPort, "/", "small")).status).toBe(200);
  });
  // nginx implements no transfer coding but chunked: 501 (it was 400, Node's answer, before issue 19).
  it("obfuscated TE → 501, and the proxy keeps serving", async () => {
    const out = await raw(
      httpPort,
      "POST / HTTP/1.1\r\nHost: small\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
    );
    expect(out).toMatch(/^HTTP\/1\.1 501 /);
    expect((await send(httpPort, "/", "small")).status).toBe(200);
  });
});

describe("oversized headers", () => {
  it("→ 431, and the proxy keeps serving", async () => {
    const out = await raw(httpPort, `GET / HTTP/1.1\r\nHost: small\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
    expect(out).toMatch(/^HTTP\/1\.1 431 /);
    expect((await send(httpPort, "/", "small")).status).toBe(200);
  });
});

describe("WebSocket", () => {
  it("upgrades are tunnelled to the pod both ways", async () => {
    const out = await new Promise<string>((resolve) => {
      const s = net.connect(httpPort, "127.0.0.1");
      let buf = "";
      s.on("data", (d) => {
        buf += d.toString();
        if (buf.includes("\r\n\r\n") && !buf.includes("hello")) s.write("hello");
        if (buf.includes("10.244.1.1:hello")) {
          s.destroy();
          resolve(buf);
        }
      });
      s.write(
        "GET /chat HTTP/1.1\r\nHost: small\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
      );
    });
    expect(out).toMatch(/^HTTP\/1\.1 101 /);
    expect(out).toContain("X-Pod: 10.244.1.1");
  });
});

describe("affinity", () => {
  it("the cookie set on the first response pins later requests to that pod", async () => {
    const first = await send(httpPort, "/app", "sticky");
    const setCookie = first.headers["set-cookie"]?.[0] ?? "";
    expect(setCookie).toMatch(/^route=[0-9a-f]{32}; Path=\/app; HttpOnly$/);
    const pod = echo(first).pod;
    for (let i = 0; i < 5; i++) {
      const r = await send(httpPort, "/app", "sticky", {
        headers: { cookie: setCookie.split(";")[0] ?? "" },
      });
      expect(echo(r).pod).toBe(pod);
      expect(r.headers["set-cookie"]).toBeUndefined();
    }
  });
});

describe("observability", () => {
  it("access log in ingress-nginx upstreaminfo format names the upstream", async () => {
    logs.length = 0;
    await send(httpPort, "/ok?x=1", "fail", { headers: { "user-agent": "t/1", "x-request-id": "rid-1" } });
    await new Promise((r) => setTimeout(r, 20));
    const line = logs.find((l) => l.includes("rid-1")) ?? "";
    expect(line).toMatch(
      /^127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET \/ok\?x=1 HTTP\/1\.1" 200 \d+ "-" "t\/1" 0 \d+\.\d{3} \[default-echo-service-8080\] \[\] 10\.244\.1\.1:8080 \d+ \d+\.\d{3} 200 rid-1$/,
    );
  });
  it("metrics: nginx_ingress_controller_requests with route labels, never raw hosts", async () => {
    await send(httpPort, "/", "random-host-name-1234");
    const m = proxy.metrics();
    expect(m).toMatch(
      /nginx_ingress_controller_requests\{[^}]*ingress="lb"[^}]*service="lb"[^}]*status="200"\} 100/,
    );
    expect(m).not.toContain("random-host-name-1234");
    expect(m).toContain("nginx_ingress_controller_request_duration_seconds_bucket");
  });
});

describe("JSON access log", () => {
  it("one JSON object per request naming ingress, service and rule", async () => {
    const lines: string[] = [];
    const p = await startIngressProxy({
      http: { host: "127.0.0.1", port: 0 },
      getTable: () => table,
      upstream: pods.upstream,
      accessLogFormat: "json",
      onAccessLog: (l) => lines.push(l),
    });
    try {
      await send(p.addresses.http?.port ?? 0, "/app?q=1", "sticky", {
        headers: { "x-request-id": "json-1" },
      });
      await send(p.addresses.http?.port ?? 0, "/nope", "sticky");
      await new Promise((r) => setTimeout(r, 20));
      const [a, b] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(a).toMatchObject({
        request_id: "json-1",
        method: "GET",
        uri: "/app?q=1",
        status: 200,
        ingress: "default/sticky",
        service: "default/sticky",
        rule: "sticky/app (Prefix)",
        upstream_name: "default-sticky-80",
        upstream_status: 200,
      });
      expect(b).toMatchObject({ status: 404, ingress: "", upstream_name: "", upstream_status: null });
    } finally {
      await p.close(100);
    }
  });
});

describe("advertised ports (controller pod behind a frontend)", () => {
  it("X-Forwarded-Port and the ssl-redirect Location use the ports clients see", async () => {
    const p = await startIngressProxy({
      http: { host: "127.0.0.1", port: 0 },
      getTable: () => table,
      upstream: pods.upstream,
      ports: { http: 80, https: 443 },
    });
    try {
      const port = p.addresses.http?.port ?? 0;
      const r = await send(port, "/x", "foo.bar.com");
      expect(r.status).toBe(308);
      expect(r.headers.location).toBe("https://foo.bar.com/x");
      expect(echo(await send(port, "/ok", "fail")).headers["x-forwarded-port"]).toBe("80");
    } finally {
      await p.close(100);
    }
  });
});

describe("backend-protocol HTTPS", () => {
  it("speaks TLS to the pod (certificate not verified, as ingress-nginx's default)", async () => {
    const httpsMod = await import("node:https");
    const pems = await generate([{ name: "commonName", value: "pod.local" }], {
      keyType: "ec",
      curve: "P-256",
    });
    const seen: string[] = [];
    const upstream = httpsMod.createServer({ cert: pems.cert, key: pems.private }, (req, res) => {
      seen.push(`${(req.socket as import("node:tls").TLSSocket).encrypted ? "tls" : "plain"} ${req.url}`);
      res.end("secure-pod");
    });
    await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
    const port = (upstream.address() as import("node:net").AddressInfo).port;
    const state = makeState({
      services: [{ name: "tls-app", ips: ["10.244.7.7"] }],
      ingresses: [
        ingress({
          name: "tls-backend",
          annotations: { [`${A}backend-protocol`]: "HTTPS" },
          rules: [{ host: "secure", paths: [{ path: "/", service: "tls-app" }] }],
        }),
      ],
    });
    const t = compileRoutes(state);
    const p = await startIngressProxy({
      http: { host: "127.0.0.1", port: 0 },
      getTable: () => t,
      upstream: () => ({ host: "127.0.0.1", port }),
    });
    try {
      const r = await send(p.addresses.http?.port ?? 0, "/hello", "secure");
      expect(r.body).toBe("secure-pod");
      expect(seen).toEqual(["tls /hello"]);
    } finally {
      await p.close(100);
      upstream.closeAllConnections();
      upstream.close();
    }
  });
});

describe("HTTP/2 over ALPN (opt-in)", () => {
  it("h2 requests with SNI are routed by :authority; HTTP/1.1 and WebSocket still work on the same port", async () => {
    const http2 = await import("node:http2");
    const p = await startIngressProxy({
      https: { host: "127.0.0.1", port: 0 },
      http2: true,
      getTable: () => table,
      upstream: pods.upstream,
    });
    const port = p.addresses.https?.port ?? 0;
    try {
      const session = http2.connect(`https://foo.bar.com:${port}`, {
        ca: cert,
        servername: "foo.bar.com",
        host: "127.0.0.1",
      } as import("node:http2").SecureClientSessionOptions);
      const h2req = (headers: Record<string, string>, body?: Buffer) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const r = session.request(headers, { endStream: body === undefined });
          let status = 0;
          let data = "";
          r.on("response", (h) => {
            status = Number(h[":status"]);
          });
          r.on("data", (c: Buffer) => {
            data += c.toString();
          });
          r.on("end", () => resolve({ status, body: data }));
          r.on("error", reject);
          if (body) r.end(body);
        });
      const get = await h2req({ ":method": "GET", ":path": "/h2?x=1", ":authority": "foo.bar.com" });
      expect(get.status).toBe(200);
      const e = JSON.parse(get.body) as {
        pod: string;
        url: string;
        headers: Record<string, string>;
        httpVersion: string;
      };
      expect(e.pod).toBe("10.244.1.2");
      expect(e.url).toBe("/h2?x=1");
      expect(e.headers.host).toBe("foo.bar.com");
      expect(e.httpVersion).toBe("1.1");
      const post = await h2req(
        { ":method": "POST", ":path": "/up", ":authority": "foo.bar.com" },
        Buffer.alloc(100_000, 1),
      );
      expect(JSON.parse(post.body).bodyBytes).toBe(100_000);
      const wild = await h2req({ ":method": "GET", ":path": "/", ":authority": "bar.foo.com" });
      expect(JSON.parse(wild.body).pod).toBe("10.244.2.1");
      session.close();
      const h1 = await send(port, "/", "foo.bar.com", { tls: { ca: cert } });
      expect(echo(h1).pod).toBe("10.244.1.2");
      expect(h1.httpVersion).toBe("1.1");
    } finally {
      await p.close(100);
    }
  });
});

describe("HTTP/2 edge cases", () => {
  it("413 drops only the stream; WebSocket over TLS (HTTP/1.1 ALPN) still upgrades", async () => {
    const http2 = await import("node:http2");
    const tlsMod = await import("node:tls");
    const p = await startIngressProxy({
      https: { host: "127.0.0.1", port: 0 },
      http2: true,
      getTable: () => table,
      upstream: pods.upstream,
    });
    const port = p.addresses.https?.port ?? 0;
    try {
      const session = http2.connect(`https://127.0.0.1:${port}`, { rejectUnauthorized: false });
      const status = (headers: Record<string, string>, body?: Buffer) =>
        new Promise<number>((resolve) => {
          const r = session.request(headers, { endStream: body === undefined });
          r.on("response", (h) => resolve(Number(h[":status"])));
          r.on("error", () => resolve(-1));
          if (body) r.end(body);
        });
      expect(
        await status(
          {
            ":method": "POST",
            ":path": "/",
            ":authority": "small",
            "content-length": String(2 * 1024 * 1024),
          },
          Buffer.alloc(2 * 1024 * 1024),
        ),
      ).toBe(413);
      expect(await status({ ":method": "GET", ":path": "/", ":authority": "small" })).toBe(200);
      session.close();
      const out = await new Promise<string>((resolve) => {
        const s = tlsMod.connect(
          {
            port,
            host: "127.0.0.1",
            servername: "small",
            rejectUnauthorized: false,
            ALPNProtocols: ["http/1.1"],
          },
          () =>
            s.write("GET /ws HTTP/1.1\r\nHost: small\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"),
        );
        let buf = "";
        s.on("data", (d: Buffer) => {
          buf += d.toString();
          if (buf.includes("\r\n\r\n") && !buf.includes("ping")) s.write("ping");
          if (buf.includes("10.244.1.1:ping")) {
            s.destroy();
            resolve(buf);
          }
        });
      });
      expect(out).toMatch(/^HTTP\/1\.1 101 /);
    } finally {
      await p.close(100);
    }
  });
});
