/**
 * Path matching: the official examples table from the Kubernetes Ingress
 * docs, the ingress-controller-conformance path_rules feature, and
 * ingress-nginx's ImplementationSpecific and regex behaviour.
 */
import { describe, expect, it } from "vitest";
import { routeRequest } from "../../src/ingress/route-request.js";
import { compileRoutes } from "../../src/ingress/route-table.js";
import { ingress, makeState, type PathSpec } from "./fixtures.js";

function table(paths: PathSpec[], annotations?: Record<string, string>) {
  const services = paths.map((p) => ({ name: p.service, ips: ["10.244.1.1"] }));
  return compileRoutes(
    makeState({
      services,
      ingresses: [
        ingress({ name: "t", ...(annotations ? { annotations } : {}), rules: [{ host: "h", paths }] }),
      ],
    }),
  );
}

function served(paths: PathSpec[], request: string, annotations?: Record<string, string>): string | number {
  const d = routeRequest(table(paths, annotations), {
    method: "GET",
    scheme: "http",
    host: "h",
    path: request,
  });
  return d.status === 200 ? (d.backend?.service.split("/")[1] ?? "?") : d.status;
}

// https://kubernetes.io/docs/concepts/services-networking/ingress/#examples
const official: {
  kind: string;
  paths: [string, "Exact" | "Prefix"][];
  requests: string[];
  match: number | null;
}[] = [
  { kind: "Prefix", paths: [["/", "Prefix"]], requests: ["/", "/anything", "/a/b/c"], match: 0 },
  { kind: "Exact", paths: [["/foo", "Exact"]], requests: ["/foo"], match: 0 },
  { kind: "Exact", paths: [["/foo", "Exact"]], requests: ["/bar"], match: null },
  { kind: "Exact", paths: [["/foo", "Exact"]], requests: ["/foo/"], match: null },
  { kind: "Exact", paths: [["/foo/", "Exact"]], requests: ["/foo"], match: null },
  { kind: "Prefix", paths: [["/foo", "Prefix"]], requests: ["/foo", "/foo/"], match: 0 },
  { kind: "Prefix", paths: [["/foo/", "Prefix"]], requests: ["/foo", "/foo/"], match: 0 },
  { kind: "Prefix", paths: [["/aaa/bb", "Prefix"]], requests: ["/aaa/bbb"], match: null },
  { kind: "Prefix", paths: [["/aaa/bbb", "Prefix"]], requests: ["/aaa/bbb"], match: 0 },
  { kind: "Prefix", paths: [["/aaa/bbb/", "Prefix"]], requests: ["/aaa/bbb"], match: 0 },
  { kind: "Prefix", paths: [["/aaa/bbb", "Prefix"]], requests: ["/aaa/bbb/"], match: 0 },
  { kind: "Prefix", paths: [["/aaa/bbb", "Prefix"]], requests: ["/aaa/bbb/ccc"], match: 0 },
  { kind: "Prefix", paths: [["/aaa/bbb", "Prefix"]], requests: ["/aaa/bbbxyz"], match: null },
  {
    kind: "Prefix",
    paths: [
      ["/", "Prefix"],
      ["/aaa", "Prefix"],
    ],
    requests: ["/aaa/ccc"],
    match: 1,
  },
  {
    kind: "Prefix",
    paths: [
      ["/", "Prefix"],
      ["/aaa", "Prefix"],
      ["/aaa/bbb", "Prefix"],
    ],
    requests: ["/aaa/bbb"],
    match: 2,
  },
  {
    kind: "Prefix",
    paths: [
      ["/", "Prefix"],
      ["/aaa", "Prefix"],
      ["/aaa/bbb", "Prefix"],
    ],
    requests: ["/ccc"],
    match: 0,
  },
  { kind: "Prefix", paths: [["/aaa", "Prefix"]], requests: ["/ccc"], match: null },
  {
    kind: "Mixed",
    paths: [
      ["/foo", "Prefix"],
      ["/foo", "Exact"],
    ],
    requests: ["/foo"],
    match: 1,
  },
];

describe("official Ingress path examples", () => {
  for (const row of official) {
    for (const req of row.requests) {
      const desc = `${row.kind} ${row.paths.map((p) => `${p[0]}(${p[1]})`).join(", ")} ← ${req}: ${row.match === null ? "no match (404)" : `path #${row.match}`}`;
      it(desc, () => {
        const paths = row.paths.map(([path, pathType], i) => ({ path, pathType, service: `svc${i}` }));
        expect(served(paths, req)).toBe(row.match === null ? 404 : `svc${row.match}`);
      });
    }
  }
});

describe("conformance: path_rules.feature", () => {
  const exact = [{ path: "/foo", pathType: "Exact" as const, service: "foo-exact" }];
  const prefix = [
    { path: "/foo", pathType: "Prefix" as const, service: "foo-prefix" },
    { path: "/aaa/bbb", pathType: "Prefix" as const, service: "aaa-slash-bbb-prefix" },
    { path: "/aaa", pathType: "Prefix" as const, service: "aaa-prefix" },
  ];
  const mixed = [
    { path: "/foo", pathType: "Prefix" as const, service: "foo-prefix" },
    { path: "/foo", pathType: "Exact" as const, service: "foo-exact" },
  ];
  const trailing = [
    { path: "/aaa/bbb/", pathType: "Prefix" as const, service: "aaa-slash-bbb-slash-prefix" },
    { path: "/foo/", pathType: "Exact" as const, service: "foo-slash-exact" },
  ];
  const cases: [string, PathSpec[], string, string | number][] = [
    ["exact /foo matches /foo", exact, "/foo", "foo-exact"],
    ["exact /foo does not match /foo/", exact, "/foo/", 404],
    ["exact is case sensitive", exact, "/FOO", 404],
    ["exact /foo does not match /bar", exact, "/bar", 404],
    ["prefix /foo matches /foo", prefix, "/foo", "foo-prefix"],
    ["prefix /foo matches /foo/", prefix, "/foo/", "foo-prefix"],
    ["prefix is case sensitive", prefix, "/FOO", 404],
    ["longest prefix /aaa/bbb for /aaa/bbb", prefix, "/aaa/bbb", "aaa-slash-bbb-prefix"],
    ["longest prefix /aaa/bbb for /aaa/bbb/ccc", prefix, "/aaa/bbb/ccc", "aaa-slash-bbb-prefix"],
    ["prefix /aaa for /aaa/ccc", prefix, "/aaa/ccc", "aaa-prefix"],
    ["prefix /aaa does not match /aaaccc", prefix, "/aaaccc", 404],
    ["mixed: Exact preferred", mixed, "/foo", "foo-exact"],
    ["mixed: Prefix for subpaths", mixed, "/foo/x", "foo-prefix"],
    ["prefix /aaa/bbb/ matches /aaa/bbb", trailing, "/aaa/bbb", "aaa-slash-bbb-slash-prefix"],
    ["prefix /aaa/bbb/ matches /aaa/bbb/", trailing, "/aaa/bbb/", "aaa-slash-bbb-slash-prefix"],
    ["exact /foo/ does not match /foo", trailing, "/foo", 404],
  ];
  it.each(cases)("%s", (_d, paths, req, want) => {
    expect(served(paths, req)).toBe(want);
  });
});

describe("ingress-nginx specifics", () => {
  const cases: {
    desc: string;
    paths: PathSpec[];
    ann?: Record<string, string>;
    req: string;
    want: string | number;
  }[] = [
    {
      desc: "ImplementationSpecific is an nginx string prefix",
      paths: [{ path: "/foo", pathType: "ImplementationSpecific", service: "a" }],
      req: "/foobar",
      want: "a",
    },
    {
      desc: "ImplementationSpecific longest string prefix wins",
      paths: [
        { path: "/fo", pathType: "ImplementationSpecific", service: "a" },
        { path: "/foo/b", pathType: "ImplementationSpecific", service: "b" },
      ],
      req: "/foo/bar",
      want: "b",
    },
    {
      desc: "query string ignored for matching",
      paths: [{ path: "/foo", pathType: "Exact", service: "a" }],
      req: "/foo?x=/bar",
      want: "a",
    },
    {
      desc: "percent-decoded before matching",
      paths: [{ path: "/foo", pathType: "Exact", service: "a" }],
      req: "/f%6Fo",
      want: "a",
    },
    {
      desc: "merge_slashes",
      paths: [{ path: "/foo/bar", pathType: "Exact", service: "a" }],
      req: "//foo///bar",
      want: "a",
    },
    {
      desc: "dot segments resolved",
      paths: [
        { path: "/admin", pathType: "Prefix", service: "adm" },
        { path: "/", pathType: "Prefix", service: "pub" },
      ],
      req: "/public/../admin/x",
      want: "adm",
    },
    {
      desc: ".. above the root is a 400",
      paths: [{ path: "/", pathType: "Prefix", service: "a" }],
      req: "/../etc/passwd",
      want: 400,
    },
    {
      desc: "bad percent escape is a 400",
      paths: [{ path: "/", pathType: "Prefix", service: "a" }],
      req: "/%zz",
      want: 400,
    },
    {
      desc: "use-regex: capture-group path",
      ann: { "nginx.ingress.kubernetes.io/use-regex": "true" },
      paths: [{ path: "/api/v[0-9]+/", pathType: "ImplementationSpecific", service: "a" }],
      req: "/api/v2/users",
      want: "a",
    },
    {
      desc: "regex mode is case-insensitive",
      ann: { "nginx.ingress.kubernetes.io/use-regex": "true" },
      paths: [{ path: "/foo", pathType: "Exact", service: "a" }],
      req: "/FOO",
      want: "a",
    },
    {
      desc: "regex mode turns Exact into a prefix regex (quirk)",
      ann: { "nginx.ingress.kubernetes.io/use-regex": "true" },
      paths: [{ path: "/foo", pathType: "Exact", service: "a" }],
      req: "/foobar",
      want: "a",
    },
    {
      desc: "regex mode: longest path tried first",
      ann: { "nginx.ingress.kubernetes.io/use-regex": "true" },
      paths: [
        { path: "/a", pathType: "Prefix", service: "short" },
        { path: "/a/b", pathType: "Prefix", service: "long" },
      ],
      req: "/a/b/c",
      want: "long",
    },
  ];
  it.each(cases)("$desc", ({ paths, ann, req, want }) => {
    expect(served(paths, req, ann)).toBe(want);
  });

  it("rewrite-target on one Ingress makes another Ingress's paths on the same host case-insensitive regexes", () => {
    const state = makeState({
      services: [
        { name: "a", ips: ["10.244.1.1"] },
        { name: "b", ips: ["10.244.1.2"] },
      ],
      ingresses: [
        ingress({
          name: "plain",
          rules: [{ host: "h", paths: [{ path: "/exact", pathType: "Exact", service: "a" }] }],
        }),
        ingress({
          name: "rw",
          annotations: { "nginx.ingress.kubernetes.io/rewrite-target": "/" },
          rules: [{ host: "h", paths: [{ path: "/api", service: "b" }] }],
        }),
        ingress({
          name: "other",
          rules: [{ host: "other", paths: [{ path: "/exact", pathType: "Exact", service: "a" }] }],
        }),
      ],
    });
    const t = compileRoutes(state);
    expect(
      routeRequest(t, { method: "GET", scheme: "http", host: "h", path: "/EXACT/more" }).backend?.service,
    ).toBe("default/a");
    expect(
      routeRequest(t, { method: "GET", scheme: "http", host: "other", path: "/EXACT/more" }).status,
    ).toBe(404);
  });
});
