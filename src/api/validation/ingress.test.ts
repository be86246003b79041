// Ingress rules: hosts, pathType and path sequences, backends, tls, class.
import { describe, expect, it } from "vitest";
import type { Ingress } from "../types.js";
import { check, DNS1035_MSG, DNS1123_SUBDOMAIN_MSG, merge, PORT_RANGE_MSG } from "./testing.js";

const backend = { service: { name: "web", port: { number: 80 } } };
const base: Ingress = {
  apiVersion: "networking.k8s.io/v1",
  kind: "Ingress",
  metadata: { name: "web" },
  spec: {
    ingressClassName: "nginx",
    rules: [{ host: "app.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend }] } }],
  },
};
const ing = (spec: unknown, meta: unknown = {}) => merge(base, { spec, metadata: meta });
const rule = (r: unknown) => ing({ rules: [r] });
const path = (p: unknown) => rule({ host: "app.example.com", http: { paths: [p] } });
const be = (b: unknown) => path({ path: "/", pathType: "Prefix", backend: b });
const WILDCARD_MSG =
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe("Ingress validation", () => {
  it.each<{ desc: string; obj: Ingress; errs: string[] }>([
    { desc: "an ingress", obj: base, errs: [] },
    {
      desc: "needs rules or a defaultBackend",
      obj: { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "x" }, spec: {} },
      errs: [
        "spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified",
      ],
    },
    {
      desc: "defaultBackend alone",
      obj: {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { name: "x" },
        spec: { defaultBackend: backend },
      },
      errs: [],
    },
    {
      desc: "pathType required",
      obj: path({ path: "/", backend }),
      errs: ["spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"],
    },
    {
      desc: "pathType values",
      obj: path({ path: "/", pathType: "Regex", backend }),
      errs: [
        'spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"',
      ],
    },
    {
      desc: "Prefix path must be absolute",
      obj: path({ path: "api", pathType: "Prefix", backend }),
      errs: ['spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path'],
    },
    {
      desc: "Exact path must not be empty",
      obj: path({ pathType: "Exact", backend }),
      errs: ['spec.rules[0].http.paths[0].path: Invalid value: "": must be an absolute path'],
    },
    ...(["//", "/./", "/../", "%2f", "%2F"] as const).map((seq) => ({
      desc: `Prefix path containing ${seq}`,
      obj: path({ path: `/a${seq}b`, pathType: "Prefix", backend }),
      errs: [`spec.rules[0].http.paths[0].path: Invalid value: "/a${seq}b": must not contain '${seq}'`],
    })),
    ...(["/..", "/."] as const).map((suf) => ({
      desc: `Exact path ending in ${suf}`,
      obj: path({ path: `/a${suf}`, pathType: "Exact", backend }),
      errs: [`spec.rules[0].http.paths[0].path: Invalid value: "/a${suf}": cannot end with '${suf}'`],
    })),
    {
      desc: "'/a/..' ends in '/..'",
      obj: path({ path: "/a/..", pathType: "Prefix", backend }),
      errs: [`spec.rules[0].http.paths[0].path: Invalid value: "/a/..": cannot end with '/..'`],
    },
    {
      desc: "ImplementationSpecific may use regex-like paths",
      obj: path({ path: "/api(/|$)(.*)", pathType: "ImplementationSpecific", backend }),
      errs: [],
    },
    {
      desc: "ImplementationSpecific allows '//'",
      obj: path({ path: "/a//b", pathType: "ImplementationSpecific", backend }),
      errs: [],
    },
    {
      desc: "ImplementationSpecific may be empty",
      obj: path({ pathType: "ImplementationSpecific", backend }),
      errs: [],
    },
    {
      desc: "ImplementationSpecific must be absolute when given",
      obj: path({ path: "api", pathType: "ImplementationSpecific", backend }),
      errs: ['spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path'],
    },
    {
      desc: "host wildcard",
      obj: rule({ host: "*.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend }] } }),
      errs: [],
    },
    {
      desc: "wildcard only as the first label",
      obj: rule({ host: "foo.*.example.com" }),
      errs: [`spec.rules[0].host: Invalid value: "foo.*.example.com": ${WILDCARD_MSG}`],
    },
    {
      desc: "bare wildcard",
      obj: rule({ host: "*" }),
      errs: [`spec.rules[0].host: Invalid value: "*": ${WILDCARD_MSG}`],
    },
    {
      desc: "host may not be an IP",
      obj: rule({ host: "10.0.0.1" }),
      errs: ['spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address'],
    },
    {
      desc: "host may not have a port",
      obj: rule({ host: "example.com:8080" }),
      errs: [`spec.rules[0].host: Invalid value: "example.com:8080": ${DNS1123_SUBDOMAIN_MSG}`],
    },
    {
      desc: "host upper case",
      obj: rule({ host: "App.example.com" }),
      errs: [`spec.rules[0].host: Invalid value: "App.example.com": ${DNS1123_SUBDOMAIN_MSG}`],
    },
    { desc: "rule without http", obj: rule({ host: "a.example.com" }), errs: [] },
    {
      desc: "http needs paths",
      obj: rule({ http: { paths: [] } }),
      errs: ["spec.rules[0].http.paths: Required value"],
    },
    {
      desc: "backend needs a port",
      obj: be({ service: { name: "web" } }),
      errs: ["spec.rules[0].http.paths[0].backend: Required value: port name or number is required"],
    },
    {
      desc: "backend port name and number",
      obj: be({ service: { name: "web", port: { name: "http", number: 80 } } }),
      errs: [
        'spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both port name & port number',
      ],
    },
    { desc: "backend port by name", obj: be({ service: { name: "web", port: { name: "http" } } }), errs: [] },
    {
      desc: "backend port number range",
      obj: be({ service: { name: "web", port: { number: 70000 } } }),
      errs: [
        `spec.rules[0].http.paths[0].backend.service.port.number: Invalid value: 70000: ${PORT_RANGE_MSG}`,
      ],
    },
    {
      desc: "backend service name is a DNS-1035 label",
      obj: be({ service: { name: "1web", port: { number: 80 } } }),
      errs: [`spec.rules[0].http.paths[0].backend.service.name: Invalid value: "1web": ${DNS1035_MSG}`],
    },
    {
      desc: "backend service name required",
      obj: be({ service: { port: { number: 80 } } }),
      errs: ["spec.rules[0].http.paths[0].backend.service.name: Required value"],
    },
    {
      desc: "resource backend",
      obj: be({ resource: { apiGroup: "k8s.example.com", kind: "StorageBucket", name: "static" } }),
      errs: [],
    },
    {
      desc: "resource and service backends",
      obj: be({ resource: { kind: "Bucket", name: "b" }, service: { name: "web", port: { number: 80 } } }),
      errs: [
        'spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both resource and service backends',
      ],
    },
    {
      desc: "empty backend",
      obj: be({}),
      errs: [
        'spec.rules[0].http.paths[0].backend: Invalid value: "": resource or service backend is required',
      ],
    },
    {
      desc: "tls hosts",
      obj: ing({ tls: [{ hosts: ["app.example.com", "*.example.com"], secretName: "tls" }] }),
      errs: [],
    },
    {
      desc: "tls host format",
      obj: ing({ tls: [{ hosts: ["App.example.com"], secretName: "Tls" }] }),
      errs: [
        `spec.tls[0].hosts[0]: Invalid value: "App.example.com": ${DNS1123_SUBDOMAIN_MSG}`,
        `spec.tls[0].secretName: Invalid value: "Tls": ${DNS1123_SUBDOMAIN_MSG}`,
      ],
    },
    {
      desc: "ingressClassName format",
      obj: ing({ ingressClassName: "Nginx" }),
      errs: [`spec.ingressClassName: Invalid value: "Nginx": ${DNS1123_SUBDOMAIN_MSG}`],
    },
    {
      desc: "class annotation must agree with ingressClassName",
      obj: ing({}, { annotations: { "kubernetes.io/ingress.class": "traefik" } }),
      errs: [
        'annotations.kubernetes.io/ingress.class: Invalid value: "traefik": must match `ingressClassName` when both are specified',
      ],
    },
  ])("$desc", ({ obj, errs }) => {
    expect(check(obj)).toEqual(errs);
  });
});
