/**
 * Every supported nginx.ingress.kubernetes.io annotation, as a table of
 * annotations → request → decision, with ingress-nginx's defaults and
 * precedence (redirects, ssl-redirect, CORS, source ranges, canary, affinity).
 */
import { describe, expect, it } from "vitest";
import type { Secret } from "../../src/api/types.js";
import {
  affinityKey,
  type RouteDecision,
  type RouteRequest,
  routeRequest,
} from "../../src/ingress/route-request.js";
import { compileRoutes } from "../../src/ingress/route-table.js";
import { ingress, makeState } from "./fixtures.js";

const A = "nginx.ingress.kubernetes.io/";

function decide(
  ann: Record<string, string>,
  req: Partial<RouteRequest> & { path: string },
  opts: { tls?: boolean; pathSpec?: string; pathType?: "Prefix" | "Exact" | "ImplementationSpecific" } = {},
): RouteDecision {
  const annotations = Object.fromEntries(
    Object.entries(ann).map(([k, v]) => [k.includes("/") ? k : A + k, v]),
  );
  const t = compileRoutes(
    makeState({
      services: [{ name: "app", ips: ["10.244.1.1", "10.244.1.2"] }],
      ingresses: [
        ingress({
          name: "i",
          annotations,
          ...(opts.tls ? { tls: [{ hosts: ["h.example"], secretName: "missing" }] } : {}),
          rules: [
            {
              host: "h.example",
              paths: [{ path: opts.pathSpec ?? "/", pathType: opts.pathType ?? "Prefix", service: "app" }],
            },
          ],
        }),
      ],
    }),
  );
  return routeRequest(t, {
    method: "GET",
    scheme: "http",
    host: "h.example",
    headers: {},
    sourceIP: "192.168.1.10",
    ...req,
  });
}

interface Case {
  desc: string;
  ann: Record<string, string>;
  req: Partial<RouteRequest> & { path: string };
  tls?: boolean;
  pathSpec?: string;
  pathType?: "Prefix" | "Exact" | "ImplementationSpecific";
  status: number;
  location?: string;
  upstreamPath?: string;
  headers?: Record<string, string>;
  upstreamHeaders?: Record<string, string>;
  upstreamHost?: string;
}

const cases: Case[] = [
  // ssl-redirect / force-ssl-redirect
  {
    desc: "TLS host: http → 308 https by default",
    ann: {},
    tls: true,
    req: { path: "/a?b=1" },
    status: 308,
    location: "https://h.example/a?b=1",
  },
  {
    desc: "TLS host: https is proxied",
    ann: {},
    tls: true,
    req: { path: "/a", scheme: "https" },
    status: 200,
  },
  {
    desc: "ssl-redirect false disables the redirect",
    ann: { "ssl-redirect": "false" },
    tls: true,
    req: { path: "/" },
    status: 200,
  },
  { desc: "no TLS: no redirect", ann: {}, req: { path: "/" }, status: 200 },
  {
    desc: "force-ssl-redirect without TLS",
    ann: { "force-ssl-redirect": "true" },
    req: { path: "/x" },
    status: 308,
    location: "https://h.example/x",
  },
  {
    desc: "redirect keeps a non-443 HTTPS port",
    ann: { "force-ssl-redirect": "true" },
    req: { path: "/x", host: "h.example:8080", httpsPort: 8443 },
    status: 308,
    location: "https://h.example:8443/x",
  },
  // rewrite-target
  {
    desc: "rewrite-target / sends everything as /",
    ann: { "rewrite-target": "/" },
    pathSpec: "/api",
    req: { path: "/api/users" },
    status: 200,
    upstreamPath: "/",
  },
  {
    desc: "rewrite keeps the query string",
    ann: { "rewrite-target": "/" },
    pathSpec: "/api",
    req: { path: "/api/users?x=1" },
    status: 200,
    upstreamPath: "/?x=1",
  },
  {
    desc: "capture groups",
    ann: { "rewrite-target": "/$2", "use-regex": "true" },
    pathSpec: "/something(/|$)(.*)",
    pathType: "ImplementationSpecific",
    req: { path: "/something/new" },
    status: 200,
    upstreamPath: "/new",
  },
  {
    desc: "capture groups: empty rest",
    ann: { "rewrite-target": "/$2" },
    pathSpec: "/something(/|$)(.*)",
    pathType: "ImplementationSpecific",
    req: { path: "/something" },
    status: 200,
    upstreamPath: "/",
  },
  {
    desc: "rewrite matching is case-insensitive",
    ann: { "rewrite-target": "/$1" },
    pathSpec: "/api/(.*)",
    pathType: "ImplementationSpecific",
    req: { path: "/API/Users" },
    status: 200,
    upstreamPath: "/Users",
  },
  {
    desc: "no rewrite: the raw target is passed unchanged",
    ann: {},
    req: { path: "/a%20b/../c?q=%41" },
    status: 200,
    upstreamPath: "/a%20b/../c?q=%41",
  },
  // app-root
  {
    desc: "app-root redirects / with 302",
    ann: { "app-root": "/app1" },
    req: { path: "/" },
    status: 302,
    location: "http://h.example/app1",
  },
  { desc: "app-root leaves other paths", ann: { "app-root": "/app1" }, req: { path: "/app1" }, status: 200 },
  // permanent / temporal
  {
    desc: "permanent-redirect 301",
    ann: { "permanent-redirect": "https://new.example/" },
    req: { path: "/x" },
    status: 301,
    location: "https://new.example/",
  },
  {
    desc: "permanent-redirect-code",
    ann: { "permanent-redirect": "https://new.example/", "permanent-redirect-code": "308" },
    req: { path: "/x" },
    status: 308,
    location: "https://new.example/",
  },
  {
    desc: "temporal-redirect 302",
    ann: { "temporal-redirect": "https://tmp.example/" },
    req: { path: "/x" },
    status: 302,
    location: "https://tmp.example/",
  },
  {
    desc: "temporal-redirect-code",
    ann: { "temporal-redirect": "https://tmp.example/", "temporal-redirect-code": "307" },
    req: { path: "/x" },
    status: 307,
  },
  {
    desc: "temporal wins over permanent",
    ann: { "temporal-redirect": "https://t.example/", "permanent-redirect": "https://p.example/" },
    req: { path: "/" },
    status: 302,
    location: "https://t.example/",
  },
  {
    desc: "redirect wins over ssl-redirect",
    ann: { "permanent-redirect": "https://p.example/" },
    tls: true,
    req: { path: "/" },
    status: 301,
  },
  // proxy-body-size
  {
    desc: "default 1m: 1 MiB accepted",
    ann: {},
    req: { path: "/", contentLength: 1024 * 1024 },
    status: 200,
  },
  {
    desc: "default 1m: 1 MiB + 1 → 413",
    ann: {},
    req: { path: "/", contentLength: 1024 * 1024 + 1 },
    status: 413,
  },
  {
    desc: "proxy-body-size 10m",
    ann: { "proxy-body-size": "10m" },
    req: { path: "/", contentLength: 5_000_000 },
    status: 200,
  },
  {
    desc: "proxy-body-size 8k",
    ann: { "proxy-body-size": "8k" },
    req: { path: "/", contentLength: 8193 },
    status: 413,
  },
  {
    desc: "proxy-body-size 0 is unlimited",
    ann: { "proxy-body-size": "0" },
    req: { path: "/", contentLength: 10 * 1024 ** 3 },
    status: 200,
  },
  // source ranges
  {
    desc: "whitelist admits",
    ann: { "whitelist-source-range": "192.168.0.0/16" },
    req: { path: "/" },
    status: 200,
  },
  {
    desc: "whitelist rejects 403",
    ann: { "whitelist-source-range": "10.0.0.0/8, 172.16.0.1" },
    req: { path: "/" },
    status: 403,
  },
  {
    desc: "allowlist admits a single IP",
    ann: { "allowlist-source-range": "192.168.1.10" },
    req: { path: "/" },
    status: 200,
  },
  {
    desc: "allowlist with IPv4-mapped source",
    ann: { "allowlist-source-range": "127.0.0.0/8" },
    req: { path: "/", sourceIP: "::ffff:127.0.0.1" },
    status: 200,
  },
  {
    desc: "denylist rejects",
    ann: { "denylist-source-range": "192.168.1.0/24" },
    req: { path: "/" },
    status: 403,
  },
  {
    desc: "denylist admits others",
    ann: { "denylist-source-range": "10.0.0.0/8" },
    req: { path: "/" },
    status: 200,
  },
  // CORS
  {
    desc: "enable-cors preflight → 204 with ingress-nginx defaults",
    ann: { "enable-cors": "true" },
    req: { path: "/", method: "OPTIONS", headers: { origin: "https://x.example" } },
    status: 204,
    headers: {
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "GET, PUT, POST, DELETE, PATCH, OPTIONS",
      "access-control-allow-headers":
        "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization",
      "access-control-allow-credentials": "true",
      "access-control-max-age": "1728000",
    },
  },
  {
    desc: "cors-allow-origin list echoes a matching origin",
    ann: { "enable-cors": "true", "cors-allow-origin": "https://a.example, https://*.b.example" },
    req: { path: "/", headers: { origin: "https://x.b.example" } },
    status: 200,
    headers: { "access-control-allow-origin": "https://x.b.example" },
  },
  {
    desc: "non-matching origin: OPTIONS goes to the backend",
    ann: { "enable-cors": "true", "cors-allow-origin": "https://a.example" },
    req: { path: "/", method: "OPTIONS", headers: { origin: "https://evil.example" } },
    status: 200,
    headers: {},
  },
  // upstream-vhost, x-forwarded-prefix
  {
    desc: "upstream-vhost",
    ann: { "upstream-vhost": "internal.svc" },
    req: { path: "/" },
    status: 200,
    upstreamHost: "internal.svc",
  },
  {
    desc: "x-forwarded-prefix",
    ann: { "x-forwarded-prefix": "/app" },
    req: { path: "/" },
    status: 200,
    upstreamHeaders: { "x-forwarded-prefix": "/app" },
  },
];

describe("annotations", () => {
  it.each(cases)("$desc", (c) => {
    const d = decide(c.ann, c.req, {
      ...(c.tls ? { tls: true } : {}),
      ...(c.pathSpec ? { pathSpec: c.pathSpec } : {}),
      ...(c.pathType ? { pathType: c.pathType } : {}),
    });
    expect(d.status).toBe(c.status);
    if (c.location !== undefined) expect(d.location).toBe(c.location);
    if (c.upstreamPath !== undefined) expect(d.upstreamPath).toBe(c.upstreamPath);
    if (c.headers !== undefined)
      expect(d.responseHeaders).toEqual(
        c.headers.constructor === Object &&
          Object.keys(c.headers).length < 5 &&
          Object.keys(c.headers).length > 0
          ? expect.objectContaining(c.headers)
          : c.headers,
      );
    if (c.upstreamHeaders !== undefined) expect(d.upstreamHeaders).toEqual(c.upstreamHeaders);
    if (c.upstreamHost !== undefined) expect(d.upstreamHost).toBe(c.upstreamHost);
  });

  it.each([
    ["ssl-redirect", "yes"],
    ["proxy-body-size", "10 mb"],
    ["proxy-read-timeout", "60s"],
    ["whitelist-source-range", "10.0.0.0/33"],
    ["permanent-redirect", "https://x/;return 200 pwned"],
    ["permanent-redirect-code", "200"],
    ["rewrite-target", "/$1; more_set_headers x"],
    ["upstream-vhost", "$host"],
    ["affinity", "ip"],
    ["backend-protocol", "SMTP"],
  ])("invalid %s=%j makes the Ingress unservable, with an error naming the annotation", (name, value) => {
    const t = compileRoutes(
      makeState({
        services: [{ name: "app", ips: ["10.244.1.1"] }],
        ingresses: [
          ingress({
            name: "i",
            annotations: { [A + name]: value },
            rules: [{ host: "h", paths: [{ path: "/", service: "app" }] }],
          }),
        ],
      }),
    );
    expect(t.ingresses[0]?.served).toBe(false);
    const diag = t.diagnostics.find((d) => d.severity === "error");
    expect(diag?.message).toContain(A + name);
    expect(routeRequest(t, { method: "GET", scheme: "http", host: "h", path: "/" }).status).toBe(404);
  });

  it("snippets are reported and never executed; the Ingress is still served", () => {
    const t = compileRoutes(
      makeState({
        services: [{ name: "app", ips: ["10.244.1.1"] }],
        ingresses: [
          ingress({
            name: "i",
            annotations: { [`${A}configuration-snippet`]: "return 200 'owned';" },
            rules: [{ host: "h", paths: [{ path: "/", service: "app" }] }],
          }),
        ],
      }),
    );
    expect(t.diagnostics.map((d) => d.code)).toContain("SnippetNotExecuted");
    const d = routeRequest(t, { method: "GET", scheme: "http", host: "h", path: "/" });
    expect(d.status).toBe(200);
    expect(d.annotations.map((a) => a.name)).not.toContain(`${A}configuration-snippet`);
  });

  it("timeouts and backend-protocol are typed", () => {
    const d = decide(
      {
        "proxy-connect-timeout": "2",
        "proxy-read-timeout": "3",
        "proxy-send-timeout": "4",
        "backend-protocol": "HTTPS",
      },
      { path: "/" },
    );
    expect(d.config.connectTimeoutMs).toBe(2000);
    expect(d.config.readTimeoutMs).toBe(3000);
    expect(d.config.sendTimeoutMs).toBe(4000);
    expect(d.config.backendProtocol).toBe("HTTPS");
    const def = decide({}, { path: "/" });
    expect([def.config.connectTimeoutMs, def.config.readTimeoutMs, def.config.sendTimeoutMs]).toEqual([
      5000, 60000, 60000,
    ]);
  });
});

describe("affinity=cookie", () => {
  it("a cookie naming a live endpoint pins it; defaults to INGRESSCOOKIE", () => {
    const ann = { affinity: "cookie" };
    const first = decide(ann, { path: "/" });
    expect(first.config.affinity?.cookieName).toBe("INGRESSCOOKIE");
    expect(first.stickyEndpoint).toBeUndefined();
    const ep = first.endpoints[1];
    if (!ep) throw new Error("no endpoint");
    const again = decide(ann, { path: "/", headers: { cookie: `a=b; INGRESSCOOKIE=${affinityKey(ep)}` } });
    expect(again.stickyEndpoint).toEqual(ep);
    const stale = decide(ann, { path: "/", headers: { cookie: "INGRESSCOOKIE=0000" } });
    expect(stale.stickyEndpoint).toBeUndefined();
  });
  it("session-cookie-* settings", () => {
    const d = decide(
      {
        affinity: "cookie",
        "session-cookie-name": "route",
        "session-cookie-path": "/p",
        "session-cookie-max-age": "3600",
        "session-cookie-samesite": "Strict",
        "session-cookie-secure": "true",
      },
      { path: "/" },
    );
    expect(d.config.affinity).toMatchObject({
      cookieName: "route",
      path: "/p",
      maxAge: 3600,
      sameSite: "Strict",
      secure: true,
    });
  });
});

describe("canary", () => {
  function canaryTable(canaryAnn: Record<string, string>, canaryIps = ["10.244.2.1"]) {
    return compileRoutes(
      makeState({
        services: [
          { name: "main", ips: ["10.244.1.1"] },
          { name: "canary", ips: canaryIps },
        ],
        ingresses: [
          ingress({
            name: "main",
            created: "2024-01-01T00:00:00Z",
            rules: [{ host: "h", paths: [{ path: "/", service: "main" }] }],
          }),
          ingress({
            name: "canary",
            created: "2024-01-02T00:00:00Z",
            annotations: Object.fromEntries(
              Object.entries({ canary: "true", ...canaryAnn }).map(([k, v]) => [A + k, v]),
            ),
            rules: [{ host: "h", paths: [{ path: "/", service: "canary" }] }],
          }),
        ],
      }),
    );
  }
  const go = (t: ReturnType<typeof canaryTable>, headers: Record<string, string>, random?: number) =>
    routeRequest(t, {
      method: "GET",
      scheme: "http",
      host: "h",
      path: "/",
      headers,
      ...(random !== undefined ? { random } : {}),
    }).backend?.service;

  const cases: {
    desc: string;
    ann: Record<string, string>;
    headers: Record<string, string>;
    random?: number;
    want: string;
  }[] = [
    {
      desc: "header always",
      ann: { "canary-by-header": "X-Canary" },
      headers: { "x-canary": "always" },
      want: "default/canary",
    },
    {
      desc: "header never",
      ann: { "canary-by-header": "X-Canary", "canary-weight": "100" },
      headers: { "x-canary": "never" },
      random: 0,
      want: "default/main",
    },
    {
      desc: "header other value falls to weight",
      ann: { "canary-by-header": "X-Canary", "canary-weight": "100" },
      headers: { "x-canary": "maybe" },
      random: 0.5,
      want: "default/canary",
    },
    {
      desc: "header value match",
      ann: { "canary-by-header": "X-Canary", "canary-by-header-value": "blue" },
      headers: { "x-canary": "blue" },
      want: "default/canary",
    },
    {
      desc: "header value mismatch: 'always' is just a value",
      ann: { "canary-by-header": "X-Canary", "canary-by-header-value": "blue" },
      headers: { "x-canary": "always" },
      want: "default/main",
    },
    {
      desc: "header pattern",
      ann: { "canary-by-header": "X-Canary", "canary-by-header-pattern": "^(blue|green)$" },
      headers: { "x-canary": "green" },
      want: "default/canary",
    },
    {
      desc: "header beats cookie",
      ann: { "canary-by-header": "X-Canary", "canary-by-cookie": "c" },
      headers: { "x-canary": "never", cookie: "c=always" },
      want: "default/main",
    },
    {
      desc: "cookie always",
      ann: { "canary-by-cookie": "c" },
      headers: { cookie: "c=always" },
      want: "default/canary",
    },
    {
      desc: "cookie never beats weight",
      ann: { "canary-by-cookie": "c", "canary-weight": "100" },
      headers: { cookie: "c=never" },
      random: 0,
      want: "default/main",
    },
    {
      desc: "weight 30: draw 30 → canary",
      ann: { "canary-weight": "30" },
      headers: {},
      random: 0.29,
      want: "default/canary",
    },
    {
      desc: "weight 30: draw 31 → main",
      ann: { "canary-weight": "30" },
      headers: {},
      random: 0.3,
      want: "default/main",
    },
    {
      desc: "weight-total 1000",
      ann: { "canary-weight": "5", "canary-weight-total": "1000" },
      headers: {},
      random: 0.004,
      want: "default/canary",
    },
    { desc: "weight 0 never", ann: { "canary-weight": "0" }, headers: {}, random: 0, want: "default/main" },
  ];
  it.each(cases)("$desc", ({ ann, headers, random, want }) => {
    expect(go(canaryTable(ann), headers, random)).toBe(want);
  });

  it("canary with no ready endpoints falls back to the main backend", () => {
    const t = canaryTable({ "canary-by-header": "X-Canary" }, ["!10.244.2.1"]);
    const d = routeRequest(t, {
      method: "GET",
      scheme: "http",
      host: "h",
      path: "/",
      headers: { "x-canary": "always" },
    });
    expect(d.backend?.service).toBe("default/main");
    expect(d.canary?.used).toBe(false);
  });

  it("a canary without a main Ingress is ignored with a warning", () => {
    const t = compileRoutes(
      makeState({
        services: [{ name: "canary", ips: ["10.244.2.1"] }],
        ingresses: [
          ingress({
            name: "c",
            annotations: { [`${A}canary`]: "true" },
            rules: [{ host: "h", paths: [{ path: "/", service: "canary" }] }],
          }),
        ],
      }),
    );
    expect(routeRequest(t, { method: "GET", scheme: "http", host: "h", path: "/", headers: {} }).status).toBe(
      404,
    );
    expect(t.diagnostics.map((d) => d.code)).toContain("CanaryWithoutMain");
  });
});

describe("TLS selection", () => {
  it("a secret whose certificate does not cover the host falls back to the default certificate with a warning", async () => {
    const { generate } = await import("selfsigned");
    const pems = await generate([{ name: "commonName", value: "other.example" }], {
      keySize: 2048,
      extensions: [{ name: "subjectAltName", altNames: [{ type: 2, value: "other.example" }] }],
    });
    const secret: Secret = {
      kind: "Secret",
      type: "kubernetes.io/tls",
      metadata: { name: "s", namespace: "default" },
      data: {
        "tls.crt": Buffer.from(pems.cert).toString("base64"),
        "tls.key": Buffer.from(pems.private).toString("base64"),
      },
    };
    const t = compileRoutes(
      makeState({
        services: [{ name: "app", ips: ["10.244.1.1"] }],
        secrets: [secret],
        ingresses: [
          ingress({
            name: "i",
            tls: [{ hosts: ["h.example", "other.example"], secretName: "s" }],
            rules: [
              { host: "h.example", paths: [{ path: "/", service: "app" }] },
              { host: "other.example", paths: [{ path: "/", service: "app" }] },
            ],
          }),
        ],
      }),
    );
    expect(t.servers.get("other.example")?.tls?.secret).toBe("default/s");
    expect(t.servers.get("h.example")?.tls?.secret).toBeUndefined();
    expect(t.servers.get("h.example")?.tls?.problem).toMatch(/does not cover/);
  });
});

describe("regexes that could backtrack without bound are refused", () => {
  it("a use-regex path with nested quantifiers is skipped with an error", () => {
    const t = compileRoutes(
      makeState({
        services: [{ name: "app", ips: ["10.244.1.1"] }],
        ingresses: [
          ingress({
            name: "r",
            annotations: { [`${A}use-regex`]: "true" },
            rules: [
              {
                host: "h",
                paths: [
                  { path: "/(a+)+$", pathType: "ImplementationSpecific", service: "app" },
                  { path: "/ok/(.*)", pathType: "ImplementationSpecific", service: "app" },
                ],
              },
            ],
          }),
        ],
      }),
    );
    expect(t.diagnostics.find((d) => d.code === "RegexBacktracking")?.field).toBe(
      "spec.rules[0].http.paths[0]",
    );
    // Were the location kept, this request would backtrack for minutes (the test would time out).
    expect(
      routeRequest(t, { method: "GET", scheme: "http", host: "h", path: `/${"a".repeat(40)}!` }).status,
    ).toBe(404);
    expect(routeRequest(t, { method: "GET", scheme: "http", host: "h", path: "/ok/x" }).status).toBe(200);
  });
  it("a canary-by-header-pattern with nested quantifiers makes the canary Ingress invalid", () => {
    const t = compileRoutes(
      makeState({
        services: [{ name: "app", ips: ["10.244.1.1"] }],
        ingresses: [
          ingress({
            name: "c",
            annotations: {
              [`${A}canary`]: "true",
              [`${A}canary-by-header`]: "X",
              [`${A}canary-by-header-pattern`]: "^(\\w+)*$",
            },
            rules: [{ host: "h", paths: [{ path: "/", service: "app" }] }],
          }),
        ],
      }),
    );
    expect(t.ingresses[0]?.served).toBe(false);
    expect(t.diagnostics.find((d) => d.severity === "error")?.message).toContain("canary-by-header-pattern");
  });
});
