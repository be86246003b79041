/**
 * Hosts, merging, default backends, classes and endpoints: the
 * host_rules / default_backend / ingress_class conformance features as route
 * tables, plus ingress-nginx's server selection and oldest-first merging.
 */
import { describe, expect, it } from "vitest";
import type { IngressClass } from "../../src/api/types.js";
import { type RouteRequest, routeRequest } from "../../src/ingress/route-request.js";
import { compileRoutes } from "../../src/ingress/route-table.js";
import { ingress, makeState } from "./fixtures.js";

const get = (host: string, path = "/", extra: Partial<RouteRequest> = {}): RouteRequest => ({
  method: "GET",
  scheme: "http",
  host,
  path,
  ...extra,
});

describe("conformance: host_rules.feature", () => {
  const state = makeState({
    services: [
      { name: "wildcard-foo-com", ips: ["10.244.1.1"] },
      { name: "foo-bar-com", portName: "http", ips: ["10.244.1.2"] },
    ],
    ingresses: [
      ingress({
        name: "host-rules",
        rules: [
          { host: "*.foo.com", paths: [{ path: "/", service: "wildcard-foo-com" }] },
          { host: "foo.bar.com", paths: [{ path: "/", service: "foo-bar-com" }] },
        ],
      }),
    ],
  });
  const t = compileRoutes(state);
  const cases: [string, string, string | number][] = [
    ["exact host", "foo.bar.com", "default/foo-bar-com"],
    ["port stripped and case folded", "FOO.bar.com:8080", "default/foo-bar-com"],
    ["trailing dot", "foo.bar.com.", "default/foo-bar-com"],
    ["other host is 404", "subdomain.bar.com", 404],
    ["wildcard covers one label", "bar.foo.com", "default/wildcard-foo-com"],
    ["wildcard does not cover two labels", "baz.bar.foo.com", 404],
    ["wildcard does not cover the bare domain", "foo.com", 404],
  ];
  it.each(cases)("%s: %s", (_d, host, want) => {
    const d = routeRequest(t, get(host));
    expect(d.status === 200 ? d.backend?.service : d.status).toBe(want);
  });
});

describe("server selection and merging", () => {
  const services = ["a", "b", "c", "d", "def"].map((name) => ({ name, ips: ["10.244.1.1"] }));
  it("exact host beats wildcard", () => {
    const t = compileRoutes(
      makeState({
        services,
        ingresses: [
          ingress({ name: "w", rules: [{ host: "*.example.com", paths: [{ path: "/", service: "a" }] }] }),
          ingress({ name: "e", rules: [{ host: "api.example.com", paths: [{ path: "/", service: "b" }] }] }),
        ],
      }),
    );
    expect(routeRequest(t, get("api.example.com")).backend?.service).toBe("default/b");
    expect(routeRequest(t, get("www.example.com")).backend?.service).toBe("default/a");
  });

  it("host-less rules serve hosts that no server claims; a claimed host does not fall through (ingress-nginx servers)", () => {
    const t = compileRoutes(
      makeState({
        services,
        ingresses: [
          ingress({ name: "any", rules: [{ paths: [{ path: "/", service: "a" }] }] }),
          ingress({ name: "h", rules: [{ host: "h.example", paths: [{ path: "/only", service: "b" }] }] }),
        ],
      }),
    );
    expect(routeRequest(t, get("whatever")).backend?.service).toBe("default/a");
    expect(routeRequest(t, get("")).backend?.service).toBe("default/a");
    expect(routeRequest(t, get("h.example", "/only")).backend?.service).toBe("default/b");
    expect(routeRequest(t, get("h.example", "/other")).status).toBe(404);
  });

  it("several Ingresses on one host merge; the oldest wins a conflict, with a warning", () => {
    const t = compileRoutes(
      makeState({
        services,
        ingresses: [
          ingress({
            name: "young",
            created: "2024-02-01T00:00:00Z",
            rules: [
              {
                host: "h",
                paths: [
                  { path: "/x", service: "b" },
                  { path: "/y", service: "c" },
                ],
              },
            ],
          }),
          ingress({
            name: "old",
            created: "2024-01-01T00:00:00Z",
            rules: [{ host: "h", paths: [{ path: "/x", service: "a" }] }],
          }),
        ],
      }),
    );
    expect(routeRequest(t, get("h", "/x")).ingress).toEqual({ namespace: "default", name: "old" });
    expect(routeRequest(t, get("h", "/y")).backend?.service).toBe("default/c");
    const w = t.diagnostics.find((d) => d.code === "PathConflict");
    expect(w?.name).toBe("young");
    expect(w?.severity).toBe("warning");
  });

  it("same creationTimestamp: namespace/name order decides", () => {
    const t = compileRoutes(
      makeState({
        services: [...services, { name: "a", namespace: "zz", ips: ["10.244.9.9"] }],
        ingresses: [
          ingress({
            name: "i",
            namespace: "zz",
            rules: [{ host: "h", paths: [{ path: "/", service: "a" }] }],
          }),
          ingress({
            name: "i",
            namespace: "default",
            rules: [{ host: "h", paths: [{ path: "/", service: "b" }] }],
          }),
        ],
      }),
    );
    expect(routeRequest(t, get("h", "/")).backend?.service).toBe("default/b");
  });
});

describe("conformance: default_backend.feature and spec.defaultBackend", () => {
  const services = [
    { name: "echo-service", port: 8080, ips: ["10.244.1.1"] },
    { name: "b", ips: ["10.244.1.2"] },
  ];
  const t = compileRoutes(
    makeState({
      services,
      ingresses: [
        ingress({ name: "default-backend", defaultBackend: { service: "echo-service", port: 8080 } }),
      ],
    }),
  );
  it.each([
    ["GET", "my-host", "/"],
    ["GET", "my-host", "/sub-path"],
    ["POST", "some-host", "/"],
    ["PUT", "", "/resource"],
    ["DELETE", "some-host", "/resource"],
    ["PATCH", "my-host", "/resource"],
  ])("%s http://%s%s → echo-service", (method, host, path) => {
    const d = routeRequest(t, { method, scheme: "http", host, path });
    expect(d.status).toBe(200);
    expect(d.backend?.service).toBe("default/echo-service");
    expect(d.upstreamPath).toBe(path);
  });

  it("an Ingress with rules and a defaultBackend uses it for its hosts' unmatched paths", () => {
    const t2 = compileRoutes(
      makeState({
        services,
        ingresses: [
          ingress({
            name: "x",
            defaultBackend: { service: "echo-service", port: 8080 },
            rules: [{ host: "h", paths: [{ path: "/b", service: "b" }] }],
          }),
        ],
      }),
    );
    expect(routeRequest(t2, get("h", "/b")).backend?.service).toBe("default/b");
    expect(routeRequest(t2, get("h", "/zzz")).backend?.service).toBe("default/echo-service");
    expect(routeRequest(t2, get("other", "/zzz")).status).toBe(404);
  });

  it("no Ingress: 404 from the default backend", () => {
    expect(routeRequest(compileRoutes(makeState({})), get("x")).status).toBe(404);
  });
});

describe("classes (ingress_class.feature)", () => {
  const services = [{ name: "a", ips: ["10.244.1.1"] }];
  const rules = [{ host: "h", paths: [{ path: "/", service: "a" }] }];
  const nginxDefault: IngressClass = {
    kind: "IngressClass",
    metadata: { name: "nginx", annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } },
    spec: { controller: "k8s.io/ingress-nginx" },
  };
  const cases: {
    desc: string;
    className?: string | null;
    annotations?: Record<string, string>;
    classes?: IngressClass[];
    served: boolean;
  }[] = [
    { desc: "ingressClassName nginx", className: "nginx", served: true },
    { desc: "invalid class name", className: "some-invalid-class-name", served: false },
    {
      desc: "legacy annotation nginx",
      className: null,
      annotations: { "kubernetes.io/ingress.class": "nginx" },
      served: true,
    },
    {
      desc: "legacy annotation alb",
      className: null,
      annotations: { "kubernetes.io/ingress.class": "alb" },
      served: false,
    },
    { desc: "class-less without default class", className: null, served: false },
    { desc: "class-less with default class", className: null, classes: [nginxDefault], served: true },
    {
      desc: "custom class of michi's controller",
      className: "internal",
      classes: [
        { kind: "IngressClass", metadata: { name: "internal" }, spec: { controller: "michi.dev/ingress" } },
      ],
      served: true,
    },
    {
      desc: "class of another controller",
      className: "traefik",
      classes: [
        {
          kind: "IngressClass",
          metadata: { name: "traefik" },
          spec: { controller: "traefik.io/ingress-controller" },
        },
      ],
      served: false,
    },
  ];
  it.each(cases)("$desc → served=$served", ({ className, annotations, classes, served }) => {
    const t = compileRoutes(
      makeState({
        services,
        ...(classes ? { ingressClasses: classes } : {}),
        ingresses: [
          ingress({
            name: "i",
            className: className ?? null,
            ...(annotations ? { annotations } : {}),
            rules,
          }),
        ],
      }),
    );
    expect(t.ingresses[0]?.served).toBe(served);
    expect(routeRequest(t, get("h")).status).toBe(served ? 200 : 404);
  });

  it("the classes option overrides the selection", () => {
    const t = compileRoutes(
      makeState({ services, ingresses: [ingress({ name: "i", className: "alb", rules })] }),
      { classes: ["alb"] },
    );
    expect(routeRequest(t, get("h")).status).toBe(200);
  });
});

describe("backends", () => {
  it("ready endpoints only, with the resolved target port; 503 when none are ready", () => {
    const t = compileRoutes(
      makeState({
        services: [
          { name: "a", port: 80, targetPort: 9376, ips: ["10.244.1.1", "!10.244.1.2", "10.244.2.3"] },
          { name: "down", ips: ["!10.244.1.9"] },
        ],
        ingresses: [
          ingress({
            name: "i",
            rules: [
              {
                host: "h",
                paths: [
                  { path: "/", service: "a" },
                  { path: "/down", service: "down" },
                  { path: "/missing", service: "nope" },
                ],
              },
            ],
          }),
        ],
      }),
    );
    const d = routeRequest(t, get("h"));
    expect(d.endpoints).toEqual([
      { ip: "10.244.1.1", port: 9376, pod: "default/a-0" },
      { ip: "10.244.2.3", port: 9376, pod: "default/a-2" },
    ]);
    expect(routeRequest(t, get("h", "/down")).status).toBe(503);
    const missing = routeRequest(t, get("h", "/missing"));
    expect(missing.status).toBe(503);
    expect(missing.reason).toMatch(/not found/);
  });

  it("port by name", () => {
    const state = makeState({
      services: [{ name: "a", portName: "http", port: 80, targetPort: 8080, ips: ["10.244.1.1"] }],
      ingresses: [],
    });
    const ing = ingress({ name: "i", rules: [{ host: "h", paths: [{ path: "/", service: "a" }] }] });
    const path = ing.spec?.rules?.[0]?.http?.paths[0];
    if (path?.backend.service) path.backend.service.port = { name: "http" };
    const t = compileRoutes({ ...state, ingresses: [ing] });
    expect(routeRequest(t, get("h")).endpoints[0]?.port).toBe(8080);
  });
});
