// Route table outcomes the conformance manifests do not pin: statuses without valid backends, tie-breaks, listener choice.
import { describe, expect, it } from "vitest";
import { parseManifests } from "../api/load.js";
import { defaultConfig } from "../cluster/config.js";
import { snapshotOf } from "../snapshot/snapshot.js";
import { backendStatus, compileGatewayRoutes, type GatewayRequest, pickBackend } from "./route-table.js";

const BASE = `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: michi}
spec: {controllerName: michi.dev/gateway-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  gatewayClassName: michi
  listeners:
  - {name: http, port: 80, protocol: HTTP}
  - {name: foo, port: 80, protocol: HTTP, hostname: foo.example.com}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: empty, namespace: default}
spec: {selector: {app: nothing}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: default, labels: {app: web}}
spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 8080}]}]}
`;

function table(routes: string) {
  const text = `${BASE}---\n${routes}`;
  const r = snapshotOf(parseManifests(text, "t.yaml").objects, [], defaultConfig);
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return compileGatewayRoutes(r.state, "default/gw");
}

const get = (path: string, host = "example.com"): GatewayRequest => ({
  scheme: "http",
  port: 80,
  host,
  method: "GET",
  target: path,
  headers: {},
});

function status(t: ReturnType<typeof table>, rq: GatewayRequest): number {
  const o = t.route(rq);
  return o.kind === "proxy" ? backendStatus(pickBackend(o, 0)) : o.status;
}

const route = (name: string, rules: string, extra = "") => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: default${extra}}
spec:
  parentRefs: [{name: gw, sectionName: http}]
  rules: ${rules}
---
`;

describe("Gateway route table outcomes", () => {
  it("200 with ready endpoints, 503 without, 500 for a missing Service or no backendRefs, 404 when nothing matches", () => {
    const t = table(
      route(
        "r",
        `
  - matches: [{path: {type: PathPrefix, value: /ok}}]
    backendRefs: [{name: web, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /empty}}]
    backendRefs: [{name: empty, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /missing}}]
    backendRefs: [{name: nope, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /none}}]
  - matches: [{path: {type: PathPrefix, value: /zero}}]
    backendRefs: [{name: web, port: 80, weight: 0}]`,
      ),
    );
    expect(status(t, get("/ok"))).toBe(200);
    const o = t.route(get("/ok/x"));
    expect(o.kind === "proxy" && pickBackend(o, 0)?.endpoints).toEqual([
      { ip: expect.any(String), port: 8080, pod: "default/web-1" },
    ]);
    expect(status(t, get("/empty"))).toBe(503);
    expect(status(t, get("/missing"))).toBe(500);
    expect(status(t, get("/none"))).toBe(500);
    expect(status(t, get("/zero"))).toBe(500);
    expect(status(t, get("/other"))).toBe(404);
  });

  it("an invalid backendRef answers 500 for its share of the weight", () => {
    const t = table(
      route(
        "r",
        `
  - backendRefs: [{name: web, port: 80, weight: 1}, {name: nope, port: 80, weight: 3}]`,
      ),
    );
    const o = t.route(get("/"));
    if (o.kind !== "proxy") throw new Error(o.kind);
    expect(backendStatus(pickBackend(o, 0.1))).toBe(200);
    expect(backendStatus(pickBackend(o, 0.5))).toBe(500);
  });

  it("ties: the oldest route, then namespace/name order, then rule order", () => {
    const t = table(
      route(
        "b-older",
        `
  - matches: [{path: {value: /x}}]
    backendRefs: [{name: web, port: 80}]`,
        ", creationTimestamp: '2020-01-01T00:00:00Z'",
      ) +
        route(
          "a-newer",
          `
  - matches: [{path: {value: /x}}]
    backendRefs: [{name: web, port: 80}]`,
          ", creationTimestamp: '2024-01-01T00:00:00Z'",
        ) +
        route(
          "c",
          `
  - matches: [{path: {value: /y}}]
    backendRefs: [{name: web, port: 80}]
  - matches: [{path: {value: /y}}]
    backendRefs: [{name: web, port: 80}]`,
        ) +
        route(
          "d",
          `
  - matches: [{path: {value: /y}, method: GET}]
    backendRefs: [{name: web, port: 80}]`,
        ),
    );
    expect(t.route(get("/x")).route).toMatchObject({ name: "default/b-older", rule: 0 });
    expect(t.route(get("/y")).route).toMatchObject({ name: "default/d" });
    expect(t.route({ ...get("/y"), method: "POST" }).route).toMatchObject({ name: "default/c", rule: 0 });
  });

  it("the most specific listener takes the request, and only its routes count", () => {
    const t = table(
      route(
        "general",
        `
  - backendRefs: [{name: web, port: 80}]`,
      ) +
        `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: foo-only, namespace: default}
spec:
  parentRefs: [{name: gw, sectionName: foo}]
  rules:
  - matches: [{path: {type: Exact, value: /only}}]
    backendRefs: [{name: web, port: 80}]
`,
    );
    expect(t.route(get("/", "bar.example.com")).listener).toBe("http");
    expect(t.route(get("/only", "foo.example.com"))).toMatchObject({
      listener: "foo",
      route: { name: "default/foo-only" },
    });
    // Listener isolation: the general route does not serve the foo listener's host.
    expect(t.route(get("/", "foo.example.com"))).toMatchObject({
      listener: "foo",
      kind: "fixed",
      status: 404,
    });
  });

  it("a RegularExpression path is a full match, ahead of prefixes", () => {
    const t = table(
      route(
        "r",
        `
  - matches: [{path: {type: RegularExpression, value: "/v[0-9]+/.*"}}]
    backendRefs: [{name: web, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /v1}}]
    backendRefs: [{name: empty, port: 80}]`,
      ),
    );
    expect(t.route(get("/v1/users")).route?.rule).toBe(0);
    expect(t.route(get("/v1")).route?.rule).toBe(1);
    expect(t.route(get("/x/v1/users")).kind).toBe("fixed");
  });

  it("ExtensionRef filters answer 500 (michi has no extensions)", () => {
    const t = table(
      route(
        "r",
        `
  - filters: [{type: ExtensionRef, extensionRef: {group: example.com, kind: Foo, name: f}}]
    backendRefs: [{name: web, port: 80}]`,
      ),
    );
    expect(t.route(get("/"))).toMatchObject({ kind: "fixed", status: 500 });
  });
});
