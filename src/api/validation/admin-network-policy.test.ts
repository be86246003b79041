// AdminNetworkPolicy and BaselineAdminNetworkPolicy (v1alpha1) CRD schemas and CEL rules.
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../types.js";
import { check, merge } from "./testing.js";

const anp: KubeObject = {
  apiVersion: "policy.networking.k8s.io/v1alpha1",
  kind: "AdminNetworkPolicy",
  metadata: { name: "cluster-control" },
  spec: {
    priority: 20,
    subject: { namespaces: {} },
    ingress: [
      { name: "pass-same", action: "Pass", from: [{ namespaces: {} }], ports: [{ namedPort: "http" }] },
      {
        action: "Allow",
        from: [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: "mon" } } } }],
        ports: [{ portNumber: { protocol: "TCP", port: 9090 } }, { portRange: { start: 8000, end: 8080 } }],
      },
    ],
    egress: [{ action: "Deny", to: [{ networks: ["0.0.0.0/0"] }] }],
  },
};
const banp: KubeObject = {
  apiVersion: "policy.networking.k8s.io/v1alpha1",
  kind: "BaselineAdminNetworkPolicy",
  metadata: { name: "default" },
  spec: { subject: { namespaces: {} }, ingress: [{ action: "Deny", from: [{ namespaces: {} }] }] },
};

describe("AdminNetworkPolicy validation", () => {
  it.each<{ desc: string; obj: KubeObject; errs: string[] }>([
    { desc: "a policy", obj: anp, errs: [] },
    {
      desc: "priority and subject required",
      obj: merge(anp, { spec: { priority: undefined, subject: undefined } }),
      errs: ["spec.priority: Required value", "spec.subject: Required value"],
    },
    {
      desc: "v1alpha1 actions",
      obj: merge(anp, { spec: { egress: [{ action: "Accept", to: [{ namespaces: {} }] }] } }),
      errs: ['spec.egress[0].action: Unsupported value: "Accept": supported values: "Allow", "Deny", "Pass"'],
    },
    {
      desc: "a port sets exactly one field",
      obj: merge(anp, {
        spec: {
          ingress: [
            {
              action: "Deny",
              from: [{ namespaces: {} }],
              ports: [{ namedPort: "a", portNumber: { port: 1 } }],
            },
          ],
        },
      }),
      errs: [
        "spec.ingress[0].ports[0]: Invalid value: 2: spec.ingress[0].ports[0] in body should have at most 1 properties",
      ],
    },
    {
      desc: "port protocol enum",
      obj: merge(anp, {
        spec: {
          ingress: [
            {
              action: "Deny",
              from: [{ namespaces: {} }],
              ports: [{ portNumber: { protocol: "ICMP", port: 1 } }],
            },
          ],
        },
      }),
      errs: [
        'spec.ingress[0].ports[0].portNumber.protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
      ],
    },
    {
      desc: "portRange start < end (CEL)",
      obj: merge(anp, {
        spec: {
          ingress: [
            { action: "Deny", from: [{ namespaces: {} }], ports: [{ portRange: { start: 90, end: 80 } }] },
          ],
        },
      }),
      errs: [
        'spec.ingress[0].ports[0].portRange: Invalid value: "object": Start port must be less than End port',
      ],
    },
    {
      desc: "named port towards nodes (CEL)",
      obj: merge(anp, {
        spec: { egress: [{ action: "Allow", to: [{ nodes: {} }], ports: [{ namedPort: "x" }] }] },
      }),
      errs: [
        'spec.egress[0]: Invalid value: "object": networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames',
      ],
    },
  ])("$desc", ({ obj, errs }) => {
    expect(check(obj)).toEqual(errs);
  });
});

describe("BaselineAdminNetworkPolicy validation", () => {
  it.each<{ desc: string; obj: KubeObject; errs: string[] }>([
    { desc: "the default policy", obj: banp, errs: [] },
    {
      desc: "only `default` (CEL on the object)",
      obj: merge(banp, { metadata: { name: "other" } }),
      errs: [
        '<nil>: Invalid value: "object": Only one baseline admin network policy with metadata.name="default" can be created in the cluster',
      ],
    },
    {
      desc: "no Pass in the baseline",
      obj: merge(banp, { spec: { ingress: [{ action: "Pass", from: [{ namespaces: {} }] }] } }),
      errs: ['spec.ingress[0].action: Unsupported value: "Pass": supported values: "Allow", "Deny"'],
    },
    {
      desc: "no priority",
      obj: merge(banp, { spec: { priority: 3 } }),
      errs: ['spec.priority: strict decoding error: unknown field "spec.priority"'],
    },
    {
      desc: "no domainNames peer",
      obj: merge(banp, { spec: { egress: [{ action: "Allow", to: [{ domainNames: ["example.com"] }] }] } }),
      errs: [
        'spec.egress[0].to[0].domainNames: strict decoding error: unknown field "spec.egress[0].to[0].domainNames"',
      ],
    },
  ])("$desc", ({ obj, errs }) => {
    expect(check(obj)).toEqual(errs);
  });
});
