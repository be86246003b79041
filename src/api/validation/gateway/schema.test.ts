// Gateway API admission: the CRDs' OpenAPI constraints and their CEL rules, worded as the API server does.
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../types.js";
import { check } from "../testing.js";
import { withDefaults } from "./schema.js";

const V1 = "gateway.networking.k8s.io/v1";
const obj = (kind: string, spec: unknown, apiVersion = V1): KubeObject =>
  ({ apiVersion, kind, metadata: { name: "x", namespace: "ns" }, spec }) as KubeObject;
const route = (rule: unknown) => obj("HTTPRoute", { parentRefs: [{ name: "gw" }], rules: [rule] });
const gateway = (listeners: unknown[], more: Record<string, unknown> = {}) =>
  obj("Gateway", { gatewayClassName: "michi", listeners, ...more });

describe("Gateway API validation", () => {
  it.each<{ desc: string; o: KubeObject; errs: string[] }>([
    { desc: "a minimal HTTPRoute", o: obj("HTTPRoute", {}), errs: [] },
    {
      desc: "spec is required",
      o: { apiVersion: V1, kind: "HTTPRoute", metadata: { name: "x" } },
      errs: ["spec: Required value"],
    },
    {
      desc: "path must be absolute (CEL rule on the defaulted match)",
      o: route({ matches: [{ path: { value: "foo" } }] }),
      errs: [
        `spec.rules[0].matches[0].path: Invalid value: "object": value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']`,
      ],
    },
    {
      desc: "path type enum blocks the CEL pass",
      o: route({ matches: [{ path: { type: "Regex", value: "/" } }] }),
      errs: [
        'spec.rules[0].matches[0].path.type: Unsupported value: "Regex": supported values: "Exact", "PathPrefix", "RegularExpression"',
        'Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
      ],
    },
    {
      desc: "a RegularExpression path is not checked as a path",
      o: route({ matches: [{ path: { type: "RegularExpression", value: "^/a.*" } }] }),
      errs: [],
    },
    {
      desc: "hostname pattern",
      o: obj("HTTPRoute", { hostnames: ["Foo.com"] }),
      errs: [
        `spec.hostnames[0]: Invalid value: "Foo.com": spec.hostnames[0] in body should match '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'`,
      ],
    },
    {
      desc: "Service backendRef needs a port; weight minimum",
      o: route({ backendRefs: [{ name: "svc", weight: -1 }] }),
      errs: [
        'spec.rules[0].backendRefs[0]: Invalid value: "object": Must have port for Service reference',
        "spec.rules[0].backendRefs[0].weight: Invalid value: -1: spec.rules[0].backendRefs[0].weight in body should be greater than or equal to 0",
      ],
    },
    {
      desc: "redirect with backendRefs, and status code enum",
      o: route({
        filters: [{ type: "RequestRedirect", requestRedirect: { statusCode: 305 } }],
        backendRefs: [{ name: "svc", port: 80 }],
      }),
      errs: [
        'spec.rules[0].filters[0].requestRedirect.statusCode: Unsupported value: 305: supported values: "301", "302", "303", "307", "308"',
        'Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
      ],
    },
    {
      desc: "redirect with backendRefs",
      o: route({
        filters: [{ type: "RequestRedirect", requestRedirect: {} }],
        backendRefs: [{ name: "svc", port: 80 }],
      }),
      errs: [
        'spec.rules[0]: Invalid value: "object": RequestRedirect filter must not be used together with backendRefs',
      ],
    },
    {
      desc: "filter type needs its field",
      o: route({ filters: [{ type: "URLRewrite" }] }),
      errs: [
        'spec.rules[0].filters[0]: Invalid value: "object": filter.urlRewrite must be specified for URLRewrite filter.type',
      ],
    },
    {
      desc: "ReplacePrefixMatch needs exactly one PathPrefix match",
      o: route({
        matches: [{ path: { type: "Exact", value: "/a" } }],
        filters: [
          {
            type: "URLRewrite",
            urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/b" } },
          },
        ],
      }),
      errs: [
        'spec.rules[0]: Invalid value: "object": When using URLRewrite filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified',
      ],
    },
    {
      desc: "timeouts: durations compared by CEL, pattern on each",
      o: route({ timeouts: { request: "1s", backendRequest: "2s" } }),
      errs: [
        'spec.rules[0].timeouts: Invalid value: "object": backendRequest timeout cannot be longer than request timeout',
      ],
    },
    {
      desc: "unknown field under strict decoding",
      o: route({ extra: 1 }),
      errs: ['strict decoding error: unknown field "spec.rules[0].extra"'],
    },
    {
      desc: "an experimental-channel field is a warning, and checked against that channel's schema",
      o: route({ retry: { attempts: 2 } }),
      errs: [
        'spec.rules[0].retry: warning: field of the Gateway API experimental channel: accepted with the experimental CRDs, rejected with the standard ones (strict decoding error: unknown field "spec.rules[0].retry")',
      ],
    },
    {
      desc: "too many hostnames",
      o: obj("HTTPRoute", { hostnames: Array.from({ length: 17 }, (_, i) => `h${i}.example.com`) }),
      errs: ["spec.hostnames: Too many: 17: must have at most 16 items"],
    },
    {
      desc: "two parentRefs to the same parent without sectionName",
      o: obj("HTTPRoute", { parentRefs: [{ name: "gw" }, { name: "gw" }] }),
      errs: [
        'spec.parentRefs: Invalid value: "array": sectionName must be unique when parentRefs includes 2 or more references to the same parent',
      ],
    },
    {
      desc: "parentRefs with distinct sectionNames",
      o: obj("HTTPRoute", {
        parentRefs: [
          { name: "gw", sectionName: "a" },
          { name: "gw", sectionName: "b" },
        ],
      }),
      errs: [],
    },
    { desc: "a Gateway", o: gateway([{ name: "http", port: 80, protocol: "HTTP" }]), errs: [] },
    {
      desc: "listeners: unique names (list-map key and CEL), tls on HTTP",
      o: gateway([
        { name: "http", port: 80, protocol: "HTTP", tls: { certificateRefs: [{ name: "c" }] } },
        { name: "http", port: 81, protocol: "HTTP" },
      ]),
      errs: [
        'spec.listeners[1]: Duplicate value: map[string]interface {}{"name":"http"}',
        `spec.listeners: Invalid value: "array": tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']`,
        'spec.listeners: Invalid value: "array": Listener name must be unique within the Gateway',
      ],
    },
    {
      desc: "listener port type and range",
      o: gateway([{ name: "a", port: "80", protocol: "HTTP" }]),
      errs: [
        'spec.listeners[0].port: Invalid value: "string": spec.listeners[0].port in body must be of type integer: "string"',
        'Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
      ],
    },
    {
      desc: "HTTPS needs certificateRefs (CEL on defaulted tls.mode)",
      o: gateway([{ name: "a", port: 443, protocol: "HTTPS", tls: { certificateRefs: [], options: {} } }]),
      errs: [
        'spec.listeners[0].tls: Invalid value: "object": certificateRefs or options must be specified when mode is Terminate',
      ],
    },
    {
      desc: "a rule reading an absent field fails as cel-go does",
      o: gateway([{ name: "a", port: 443, protocol: "HTTPS", tls: {} }]),
      errs: [
        `spec.listeners[0].tls: Invalid value: "object": no such key: certificateRefs evaluating rule: self.mode == 'Terminate' ? size(self.certificateRefs) > 0 || size(self.options) > 0 : true`,
      ],
    },
    {
      desc: "IPAddress address must be an IP (oneOf with formats)",
      o: gateway([{ name: "a", port: 80, protocol: "HTTP" }], { addresses: [{ value: "nope" }] }),
      errs: [
        'spec.addresses[0]: Invalid value: "": spec.addresses[0] in body must validate one and only one schema (oneOf)',
        'spec.addresses[0].value: Invalid value: "nope": spec.addresses[0].value in body must be of type ipv4: "nope"',
        'spec.addresses[0].value: Invalid value: "nope": spec.addresses[0].value in body must be of type ipv6: "nope"',
      ],
    },
    {
      desc: "GatewayClass controllerName pattern",
      o: {
        apiVersion: V1,
        kind: "GatewayClass",
        metadata: { name: "c" },
        spec: { controllerName: "michi" },
      } as KubeObject,
      errs: [
        `spec.controllerName: Invalid value: "michi": spec.controllerName in body should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\/[A-Za-z0-9\\/\\-._~%!$&'()*+,;=:]+$'`,
      ],
    },
    {
      desc: "TLSRoute hostnames cannot be IPs (isIP)",
      o: obj("TLSRoute", { hostnames: ["10.0.0.1"], rules: [{ backendRefs: [{ name: "s", port: 443 }] }] }),
      errs: ['spec.hostnames: Invalid value: "array": Hostnames cannot contain an IP'],
    },
    {
      desc: "TCPRoute v1alpha2 is still served",
      o: obj(
        "TCPRoute",
        { rules: [{ backendRefs: [{ name: "s", port: 5432 }] }] },
        "gateway.networking.k8s.io/v1alpha2",
      ),
      errs: [],
    },
    {
      desc: "an unserved version",
      o: obj("HTTPRoute", {}, "gateway.networking.k8s.io/v1alpha1"),
      errs: ['no matches for kind "HTTPRoute" in version "gateway.networking.k8s.io/v1alpha1"'],
    },
    {
      desc: "ReferenceGrant requires from and to",
      o: obj("ReferenceGrant", { from: [] }),
      errs: [
        "spec.to: Required value",
        'spec.from: Invalid value: "": spec.from in body should have at least 1 items',
      ],
    },
  ])("$desc", ({ o, errs }) => {
    expect(check(o).sort()).toEqual([...errs].sort());
  });

  it("defaults as the API server stores the object", () => {
    const spec = withDefaults("HTTPRoute", {
      parentRefs: [{ name: "gw" }],
      rules: [{ backendRefs: [{ name: "s", port: 80 }] }],
    });
    expect(spec).toEqual({
      parentRefs: [{ name: "gw", group: "gateway.networking.k8s.io", kind: "Gateway" }],
      rules: [
        {
          matches: [{ path: { type: "PathPrefix", value: "/" } }],
          backendRefs: [{ name: "s", port: 80, group: "", kind: "Service", weight: 1 }],
        },
      ],
    });
  });
});
