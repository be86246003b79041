// The compiled Gateway route table on the upstream conformance manifests: the outcomes conformance/tests/*.go expect.
import { describe, expect, it } from "vitest";
import {
  backendStatus,
  compileGatewayRoutes,
  type GatewayRequest,
  pickBackend,
  type RouteOutcome,
  upstreamHeaders,
} from "../../src/gateway/route-table.js";
import { loadConformance } from "./conformance.js";

const NS = "gateway-conformance-infra";
const V1 = `${NS}/infra-backend-v1`;
const V2 = `${NS}/infra-backend-v2`;
const V3 = `${NS}/infra-backend-v3`;

interface Case {
  path: string;
  host?: string;
  method?: string;
  headers?: Record<string, string>;
  scheme?: "http" | "https";
  port?: number;
  backend?: string;
  status?: number;
  location?: string;
  upstreamPath?: string;
  upstreamHost?: string;
}

function req(c: Case): GatewayRequest {
  return {
    scheme: c.scheme ?? "http",
    port: c.port ?? (c.scheme === "https" ? 443 : 80),
    host: c.host ?? "example.com",
    method: c.method ?? "GET",
    target: c.path,
    headers: c.headers ?? {},
  };
}

function summary(o: RouteOutcome): Partial<Case> {
  if (o.kind === "redirect") return { status: o.status, location: o.location };
  if (o.kind === "fixed") return { status: o.status };
  const b = pickBackend(o, 0);
  return {
    status: backendStatus(b),
    backend: b?.service ?? "",
    upstreamPath: o.upstreamPath,
    upstreamHost: o.upstreamHost,
  };
}

function expectCases(fixture: string, gateway: string, cases: Case[]): void {
  const r = loadConformance(fixture);
  const table = compileGatewayRoutes(r.state, `${NS}/${gateway}`);
  for (const c of cases) {
    const got = summary(table.route(req(c)));
    const want: Partial<Case> = {};
    for (const k of ["backend", "status", "location", "upstreamPath", "upstreamHost"] as const)
      if (c[k] !== undefined) want[k] = c[k] as never;
    if (c.backend !== undefined && c.status === undefined) want.status = 200;
    const picked: Partial<Case> = {};
    for (const k of Object.keys(want) as (keyof Case)[]) picked[k] = got[k] as never;
    expect(
      picked,
      `${c.method ?? "GET"} ${c.host ?? "example.com"}${c.path} ${JSON.stringify(c.headers ?? {})}`,
    ).toEqual(want);
  }
}

describe("Gateway route table (conformance)", () => {
  it("HTTPRouteMatching: prefix element-wise, headers", () =>
    expectCases("httproute-matching", "same-namespace", [
      { path: "/", backend: V1 },
      { path: "/example", backend: V1 },
      { path: "/", headers: { Version: "one" }, backend: V1 },
      { path: "/v2", backend: V2 },
      { path: "/v2/example", backend: V2 },
      { path: "/", headers: { Version: "two" }, backend: V2 },
      { path: "/v2/", backend: V2 },
      { path: "/v2example", backend: V1 },
      { path: "/foo/v2/example", backend: V1 },
    ]));

  it("HTTPRoutePathMatchOrder: exact over prefix, longest prefix first", () =>
    expectCases("httproute-path-match-order", "same-namespace", [
      { path: "/match/exact/one", backend: V3 },
      { path: "/match/exact", backend: V2 },
      { path: "/match", backend: V1 },
      { path: "/match/prefix/one/any", backend: V2 },
      { path: "/match/prefix/any", backend: V1 },
      { path: "/match/any", backend: V3 },
    ]));

  it("HTTPRouteMatchingAcrossRoutes: precedence over all routes of the listener, hostnames", () =>
    expectCases("httproute-matching-across-routes", "same-namespace", [
      { host: "example.com", path: "/", backend: V1 },
      { host: "example.com", path: "/example", backend: V1 },
      { host: "example.net", path: "/example", backend: V1 },
      { host: "example.com", path: "/example", headers: { Version: "one" }, backend: V1 },
      { host: "example.com", path: "/v2", backend: V2 },
      { host: "example.net", path: "/v2", backend: V1 },
      { host: "example.com", path: "/v2/example", backend: V2 },
      { host: "example.com", path: "/", headers: { Version: "two" }, backend: V2 },
      { host: "example.org", path: "/", status: 404 },
    ]));

  it("HTTPRouteRedirectPath: ReplacePrefixMatch and ReplaceFullPath in Location", () =>
    expectCases("httproute-redirect-path", "same-namespace", [
      {
        path: "/original-prefix/lemon",
        status: 302,
        location: "http://example.com/replacement-prefix/lemon",
      },
      { path: "/full/path/original", status: 302, location: "http://example.com/full-path-replacement" },
      { path: "/path-and-host", status: 302, location: "http://example.org/replacement-prefix" },
      { path: "/path-and-status", status: 301, location: "http://example.com/replacement-prefix" },
      { path: "/full-path-and-host", status: 302, location: "http://example.org/replacement-full" },
      { path: "/full-path-and-status", status: 301, location: "http://example.com/replacement-full" },
    ]));

  it("HTTPRouteRedirectPortAndScheme: the spec's default-port rules", () => {
    expectCases("httproute-redirect-port-and-scheme", "same-namespace", [
      {
        path: "/scheme-nil-and-port-nil",
        status: 302,
        location: "http://example.org/scheme-nil-and-port-nil",
      },
      { path: "/scheme-nil-and-port-80", status: 302, location: "http://example.org/scheme-nil-and-port-80" },
      {
        path: "/scheme-nil-and-port-8080",
        status: 302,
        location: "http://example.org:8080/scheme-nil-and-port-8080",
      },
      {
        path: "/scheme-https-and-port-nil",
        status: 302,
        location: "https://example.org/scheme-https-and-port-nil",
      },
      {
        path: "/scheme-https-and-port-443",
        status: 302,
        location: "https://example.org/scheme-https-and-port-443",
      },
      {
        path: "/scheme-https-and-port-8443",
        status: 302,
        location: "https://example.org:8443/scheme-https-and-port-8443",
      },
    ]);
    expectCases("httproute-redirect-port-and-scheme", "same-namespace-with-http-listener-on-8080", [
      {
        port: 8080,
        path: "/scheme-nil-and-port-nil",
        status: 302,
        location: "http://example.org:8080/scheme-nil-and-port-nil",
      },
      {
        port: 8080,
        path: "/scheme-nil-and-port-80",
        status: 302,
        location: "http://example.org/scheme-nil-and-port-80",
      },
      {
        port: 8080,
        path: "/scheme-https-and-port-nil",
        status: 302,
        location: "https://example.org/scheme-https-and-port-nil",
      },
    ]);
  });

  it("HTTPRouteRewritePath: the upstream path per the ReplacePrefixMatch table", () =>
    expectCases("httproute-rewrite-path", "same-namespace", [
      { path: "/prefix/one/two", upstreamPath: "/one/two", backend: V1 },
      { path: "/strip-prefix/three", upstreamPath: "/three", backend: V1 },
      { path: "/strip-prefix", upstreamPath: "/", backend: V1 },
      { path: "/full/one/two", upstreamPath: "/one", backend: V1 },
      { path: "/full/rewrite-path-and-modify-headers/test", upstreamPath: "/test", backend: V1 },
      { path: "/prefix/rewrite-path-and-modify-headers/one", upstreamPath: "/prefix/one", backend: V1 },
    ]));

  it("HTTPRouteHostnameIntersection and ListenerHostnameMatching", () => {
    expectCases("httproute-hostname-intersection", "httproute-hostname-intersection", [
      { host: "very.specific.com", path: "/s1", backend: V1 },
      { host: "non.matching.com", path: "/s1", status: 404 },
      { host: "foo.nonmatchingwildcard.io", path: "/s1", status: 404 },
      { host: "foo.wildcard.io", path: "/s2", backend: V2 },
      { host: "bar.wildcard.io", path: "/s2", backend: V2 },
      { host: "foo.bar.wildcard.io", path: "/s2", backend: V2 },
      { host: "wildcard.io", path: "/s2", status: 404 },
      { host: "very.specific.com", path: "/s3", backend: V3 },
      { host: "anotherwildcard.io", path: "/s4", status: 404 },
      { host: "foo.anotherwildcard.io", path: "/s4", backend: V1 },
      { host: "specific.but.wrong.com", path: "/s5", status: 404 },
    ]);
    expectCases("httproute-listener-hostname-matching", "httproute-listener-hostname-matching", [
      { host: "bar.com", path: "/", backend: V1 },
      { host: "foo.bar.com", path: "/", backend: V2 },
      { host: "baz.bar.com", path: "/", backend: V3 },
      { host: "boo.bar.com", path: "/", backend: V3 },
      { host: "multiple.prefixes.bar.com", path: "/", backend: V3 },
      { host: "multiple.prefixes.foo.com", path: "/", backend: V3 },
      { host: "foo.com", path: "/", status: 404 },
      { host: "no.matching.host", path: "/", status: 404 },
    ]);
  });

  it("header, query param and method matches", () => {
    expectCases("httproute-method-matching", "same-namespace", [
      { method: "POST", path: "/", backend: V1 },
      { method: "GET", path: "/", backend: V2 },
      { method: "HEAD", path: "/", status: 404 },
    ]);
    expectCases("httproute-query-param-matching", "same-namespace", [
      { path: "/?animal=whale", backend: V1 },
      { path: "/?animal=dolphin", backend: V2 },
      { path: "/?animal=dolphin&color=blue", backend: V3 },
      { path: "/?ANIMAL=Whale", backend: V3 },
      { path: "/?animal=whale&otherparam=irrelevant", backend: V1 },
      { path: "/?animal=dolphin&color=yellow", backend: V2 },
      { path: "/?color=blue", status: 404 },
      { path: "/?animal=dog", status: 404 },
      { path: "/?animal=whaledolphin", status: 404 },
      { path: "/", status: 404 },
      { path: "/path1?animal=whale", backend: V1 },
      { path: "/?animal=whale", headers: { version: "one" }, backend: V2 },
      { path: "/path2?animal=whale", headers: { version: "two" }, backend: V3 },
      { path: "/path3?animal=shark", backend: V1 },
      { path: "/path4?animal=kraken", headers: { version: "three" }, backend: V1 },
    ]);
    expectCases("httproute-header-matching", "same-namespace", [
      { path: "/", headers: { Version: "one" }, backend: V1 },
      { path: "/", headers: { Version: "two" }, backend: V2 },
      { path: "/", headers: { Version: "two", Color: "orange" }, backend: V1 },
      { path: "/", headers: { Version: "two", Color: "blue" }, backend: V2 },
      { path: "/", headers: { Color: "orange" }, status: 404 },
      { path: "/", headers: { "Some-Other-Header": "one" }, status: 404 },
      { path: "/", headers: { Color: "blue" }, backend: V1 },
      { path: "/", headers: { Color: "green" }, backend: V1 },
      { path: "/", headers: { Color: "red" }, backend: V2 },
      { path: "/", headers: { Color: "yellow" }, backend: V2 },
      { path: "/", headers: { Color: "purple" }, status: 404 },
    ]);
  });

  it("request header modifier: the headers the backend receives", () => {
    const r = loadConformance("httproute-request-header-modifier");
    const t = compileGatewayRoutes(r.state, `${NS}/same-namespace`);
    const rq = req({ path: "/set", headers: { "Some-Other-Header": "val" } });
    const o = t.route(rq);
    expect(o.kind).toBe("proxy");
    if (o.kind !== "proxy") return;
    const h = upstreamHeaders(rq, o, pickBackend(o, 0));
    expect(h.get("x-header-set")).toEqual(["set-overwrites-values"]);
    expect(h.get("some-other-header")).toEqual(["val"]);
    const rm = req({ path: "/remove", headers: { "X-Header-Remove": "val" } });
    const o2 = t.route(rm);
    if (o2.kind !== "proxy") throw new Error(o2.kind);
    expect(upstreamHeaders(rm, o2, pickBackend(o2, 0)).has("x-header-remove")).toBe(false);
  });

  it("HTTPRouteWeight: backends and weights in proportion", () => {
    const r = loadConformance("httproute-weight");
    const t = compileGatewayRoutes(r.state, `${NS}/same-namespace`);
    const o = t.route(req({ path: "/" }));
    if (o.kind !== "proxy") throw new Error(o.kind);
    expect(o.backends.map((b) => [b.service, b.weight])).toEqual([
      [V1, 70],
      [V2, 30],
    ]);
    expect(pickBackend(o, 0.69)?.service).toBe(V1);
    expect(pickBackend(o, 0.71)?.service).toBe(V2);
  });
});
