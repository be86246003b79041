// ClusterNetworkPolicy (v1alpha2) CRD schema and CEL rules, with the API server's wording.
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../types.js";
import { check, merge } from "./testing.js";

const base: KubeObject = {
  apiVersion: "policy.networking.k8s.io/v1alpha2",
  kind: "ClusterNetworkPolicy",
  metadata: { name: "protect-kube-system" },
  spec: {
    tier: "Admin",
    priority: 10,
    subject: { namespaces: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } },
    ingress: [
      {
        name: "deny-all",
        action: "Deny",
        from: [{ namespaces: {} }],
        protocols: [{ tcp: { destinationPort: { number: 53 } } }],
      },
    ],
    egress: [{ action: "Accept", to: [{ networks: ["10.0.0.0/8", "fd00::/8"] }] }],
  },
};
const cnp = (spec: unknown) => merge(base, { spec });
const egress = (...rules: unknown[]) => cnp({ egress: rules });
const proto = (...protocols: unknown[]) =>
  cnp({ ingress: [{ action: "Accept", from: [{ namespaces: {} }], protocols }] });

describe("ClusterNetworkPolicy validation", () => {
  it.each<{ desc: string; obj: KubeObject; errs: string[] }>([
    { desc: "a policy", obj: base, errs: [] },
    {
      desc: "tier, priority and subject are required",
      obj: merge(base, { spec: { tier: undefined, priority: undefined, subject: undefined } }),
      errs: ["spec.priority: Required value", "spec.subject: Required value", "spec.tier: Required value"],
    },
    {
      desc: "tier enum",
      obj: cnp({ tier: "Developer" }),
      errs: ['spec.tier: Unsupported value: "Developer": supported values: "Admin", "Baseline"'],
    },
    {
      desc: "priority bounds",
      obj: cnp({ priority: 1001 }),
      errs: [
        "spec.priority: Invalid value: 1001: spec.priority in body should be less than or equal to 1000",
      ],
    },
    {
      desc: "priority type",
      obj: cnp({ priority: "high" }),
      errs: [
        'spec.priority: Invalid value: "string": spec.priority in body must be of type integer: "string"',
      ],
    },
    {
      desc: "exactly one subject",
      obj: cnp({ subject: { namespaces: {}, pods: { podSelector: {} } } }),
      errs: ["spec.subject: Invalid value: 2: spec.subject in body should have at most 1 properties"],
    },
    {
      desc: "an empty subject",
      obj: cnp({ subject: { namespaces: undefined } }),
      errs: ["spec.subject: Invalid value: 0: spec.subject in body should have at least 1 properties"],
    },
    {
      desc: "pods subject needs a podSelector",
      obj: cnp({ subject: { namespaces: undefined, pods: { namespaceSelector: {} } } }),
      errs: ["spec.subject.pods.podSelector: Required value"],
    },
    {
      desc: "action enum and from required",
      obj: cnp({ ingress: [{ action: "Allow" }] }),
      errs: [
        'spec.ingress[0].action: Unsupported value: "Allow": supported values: "Accept", "Deny", "Pass"',
        "spec.ingress[0].from: Required value",
      ],
    },
    {
      desc: "at least one peer",
      obj: cnp({ ingress: [{ action: "Deny", from: [] }] }),
      errs: [
        "spec.ingress[0].from: Invalid value: 0: spec.ingress[0].from in body should have at least 1 items",
      ],
    },
    {
      desc: "ingress peers cannot be networks",
      obj: cnp({ ingress: [{ action: "Deny", from: [{ networks: ["10.0.0.0/8"] }] }] }),
      errs: [
        'spec.ingress[0].from[0].networks: strict decoding error: unknown field "spec.ingress[0].from[0].networks"',
      ],
    },
    {
      desc: "at most 25 rules",
      obj: cnp({
        ingress: Array.from({ length: 26 }, () => ({ action: "Deny", from: [{ namespaces: {} }] })),
      }),
      errs: ["spec.ingress: Too many: 26: must have at most 25 items"],
    },
    {
      desc: "rule name length",
      obj: cnp({ ingress: [{ name: "x".repeat(101), action: "Deny", from: [{ namespaces: {} }] }] }),
      errs: ["spec.ingress[0].name: Too long: may not be more than 100 bytes"],
    },
    {
      desc: "a peer sets exactly one field",
      obj: egress({ action: "Deny", to: [{ namespaces: {}, networks: ["10.0.0.0/8"] }] }),
      errs: [
        "spec.egress[0].to[0]: Invalid value: 2: spec.egress[0].to[0] in body should have at most 1 properties",
      ],
    },
    {
      desc: "networks are CIDRs (isCIDR)",
      obj: egress({ action: "Deny", to: [{ networks: ["10.0.0.0", "10.0.0.0/08", "10.1.0.0/16"] }] }),
      errs: [
        'spec.egress[0].to[0].networks[0]: Invalid value: "string": Invalid CIDR format provided',
        'spec.egress[0].to[0].networks[1]: Invalid value: "string": Invalid CIDR format provided',
      ],
    },
    {
      desc: "networks are a set",
      obj: egress({ action: "Deny", to: [{ networks: ["10.0.0.0/8", "10.0.0.0/8"] }] }),
      errs: ['spec.egress[0].to[0].networks[1]: Duplicate value: "10.0.0.0/8"'],
    },
    {
      desc: "domain names: exact or a *. prefix",
      obj: egress({ action: "Accept", to: [{ domainNames: ["example.com", "*.example.com", "www.*.com"] }] }),
      errs: [
        `spec.egress[0].to[0].domainNames[2]: Invalid value: "www.*.com": spec.egress[0].to[0].domainNames[2] in body should match '^(\\*\\.)?([a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\\.)+[a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\\.?$'`,
      ],
    },
    {
      desc: "no named port towards networks (CEL)",
      obj: egress({
        action: "Accept",
        to: [{ networks: ["0.0.0.0/0"] }],
        protocols: [{ destinationNamedPort: "dns" }],
      }),
      errs: [
        'spec.egress[0]: Invalid value: "object": networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames',
      ],
    },
    {
      desc: "a named port towards pods is fine",
      obj: egress({
        action: "Accept",
        to: [{ namespaces: {} }],
        protocols: [{ destinationNamedPort: "dns" }],
      }),
      errs: [],
    },
    {
      desc: "a protocol sets exactly one field",
      obj: proto({ tcp: { destinationPort: { number: 80 } }, udp: { destinationPort: { number: 80 } } }),
      errs: [
        "spec.ingress[0].protocols[0]: Invalid value: 2: spec.ingress[0].protocols[0] in body should have at most 1 properties",
      ],
    },
    {
      desc: "tcp needs a destinationPort",
      obj: proto({ tcp: {} }),
      errs: [
        "spec.ingress[0].protocols[0].tcp: Invalid value: 0: spec.ingress[0].protocols[0].tcp in body should have at least 1 properties",
      ],
    },
    {
      desc: "port number bounds",
      obj: proto({ udp: { destinationPort: { number: 0 } } }),
      errs: [
        "spec.ingress[0].protocols[0].udp.destinationPort.number: Invalid value: 0: spec.ingress[0].protocols[0].udp.destinationPort.number in body should be greater than or equal to 1",
      ],
    },
    {
      desc: "a range's start is below its end (CEL)",
      obj: proto({ sctp: { destinationPort: { range: { start: 9000, end: 9000 } } } }),
      errs: [
        'spec.ingress[0].protocols[0].sctp.destinationPort.range: Invalid value: "object": Start port must be less than End port',
      ],
    },
    {
      desc: "a range needs both ends",
      obj: proto({ tcp: { destinationPort: { range: { start: 9000 } } } }),
      errs: ["spec.ingress[0].protocols[0].tcp.destinationPort.range.end: Required value"],
    },
    {
      desc: "unknown spec field",
      obj: cnp({ podSelector: {} }),
      errs: ['spec.podSelector: strict decoding error: unknown field "spec.podSelector"'],
    },
  ])("$desc", ({ obj, errs }) => {
    expect(check(obj)).toEqual(errs);
  });

  it("is served only as v1alpha2", () => {
    expect(check({ ...base, apiVersion: "policy.networking.k8s.io/v1" })).toEqual([
      'no matches for kind "ClusterNetworkPolicy" in version "policy.networking.k8s.io/v1"',
    ]);
  });
});
