// EndpointSlice rules: address types, limits, hostnames, port names.
import { describe, expect, it } from "vitest";
import type { EndpointSlice } from "../types.js";
import { check, DNS1123_LABEL_MSG } from "./testing.js";

const slice = (fields: Record<string, unknown>): EndpointSlice =>
  ({
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: "web-abc12" },
    addressType: "IPv4",
    ...fields,
  }) as EndpointSlice;
const eps = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ addresses: [`10.244.${i >> 8}.${i & 255}`] }));

describe("EndpointSlice validation", () => {
  it.each<{ desc: string; obj: EndpointSlice; errs: string[] }>([
    {
      desc: "a slice",
      obj: slice({
        endpoints: [{ addresses: ["10.244.1.5"], hostname: "web-0" }],
        ports: [{ name: "http", port: 80, protocol: "TCP" }],
      }),
      errs: [],
    },
    {
      desc: "addressType required",
      obj: slice({ addressType: undefined }),
      errs: ["addressType: Required value"],
    },
    {
      desc: "addressType values",
      obj: slice({ addressType: "IP" }),
      errs: ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"'],
    },
    { desc: "1000 endpoints", obj: slice({ endpoints: eps(1000) }), errs: [] },
    {
      desc: "at most 1000 endpoints",
      obj: slice({ endpoints: eps(1001) }),
      errs: ["endpoints: Too many: 1001: must have at most 1000 items"],
    },
    {
      desc: "an endpoint needs an address",
      obj: slice({ endpoints: [{ addresses: [] }] }),
      errs: ["endpoints[0].addresses: Required value: must contain at least 1 address"],
    },
    {
      desc: "IPv4 addresses",
      obj: slice({ endpoints: [{ addresses: ["fd00::1"] }] }),
      errs: ['endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address'],
    },
    {
      desc: "IPv6 addresses",
      obj: slice({ addressType: "IPv6", endpoints: [{ addresses: ["10.0.0.1"] }] }),
      errs: ['endpoints[0].addresses[0]: Invalid value: "10.0.0.1": must be a valid IPv6 address'],
    },
    {
      desc: "FQDN addresses",
      obj: slice({ addressType: "FQDN", endpoints: [{ addresses: ["db.example.com"] }] }),
      errs: [],
    },
    {
      desc: "FQDN needs two labels",
      obj: slice({ addressType: "FQDN", endpoints: [{ addresses: ["db"] }] }),
      errs: [
        'endpoints[0].addresses[0]: Invalid value: "db": should be a domain with at least two segments separated by dots',
      ],
    },
    {
      desc: "no link-local endpoints",
      obj: slice({ endpoints: [{ addresses: ["169.254.1.1"] }] }),
      errs: [
        'endpoints[0].addresses[0]: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)',
      ],
    },
    {
      desc: "hostname is a DNS label",
      obj: slice({ endpoints: [{ addresses: ["10.244.1.5"], hostname: "web.0" }] }),
      errs: ['endpoints[0].hostname: Invalid value: "web.0": must not contain dots'],
    },
    {
      desc: "port names unique and DNS labels",
      obj: slice({
        ports: [
          { name: "http", port: 80 },
          { name: "http", port: 81 },
          { name: "Metrics", port: 9090 },
        ],
      }),
      errs: [
        'ports[1].name: Duplicate value: "http"',
        `ports[2].name: Invalid value: "Metrics": ${DNS1123_LABEL_MSG}`,
      ],
    },
  ])("$desc", ({ obj, errs }) => {
    expect(check(obj)).toEqual(errs);
  });
});
