// IngressClass rules: controller path and parameters scope.
import { describe, expect, it } from "vitest";
import type { IngressClass } from "../types.js";
import { check, merge } from "./testing.js";

const base: IngressClass = {
  apiVersion: "networking.k8s.io/v1",
  kind: "IngressClass",
  metadata: { name: "nginx" },
  spec: { controller: "k8s.io/ingress-nginx" },
};
const ic = (spec: unknown) => merge(base, { spec });

describe("IngressClass validation", () => {
  it.each<{ desc: string; obj: IngressClass; errs: string[] }>([
    { desc: "a class", obj: base, errs: [] },
    { desc: "controller required", obj: { ...base, spec: {} }, errs: ["spec.controller: Required value"] },
    {
      desc: "controller is a domain-prefixed path",
      obj: ic({ controller: "nginx" }),
      errs: [
        'spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")',
      ],
    },
    {
      desc: "controller path characters",
      obj: ic({ controller: "example.com/a b" }),
      errs: [
        `spec.controller: Invalid value: "a b": Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')`,
      ],
    },
    {
      desc: "controller too long",
      obj: ic({ controller: `example.com/${"a".repeat(250)}` }),
      errs: ["spec.controller: Too long: may not be more than 250 bytes"],
    },
    {
      desc: "namespaced parameters",
      obj: ic({
        parameters: {
          apiGroup: "k8s.example.com",
          kind: "IngressParameters",
          name: "p",
          scope: "Namespace",
          namespace: "ingress",
        },
      }),
      errs: [],
    },
    {
      desc: "namespace scope needs a namespace",
      obj: ic({ parameters: { kind: "IngressParameters", name: "p", scope: "Namespace" } }),
      errs: ["spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'"],
    },
    {
      desc: "cluster scope (the default) forbids a namespace",
      obj: ic({ parameters: { kind: "IngressParameters", name: "p", namespace: "ingress" } }),
      errs: ["spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'"],
    },
    {
      desc: "scope values",
      obj: ic({ parameters: { kind: "K", name: "p", scope: "Global" } }),
      errs: ['spec.parameters.scope: Unsupported value: "Global": supported values: "Cluster", "Namespace"'],
    },
    {
      desc: "parameters need kind and name",
      obj: ic({ parameters: { apiGroup: "k8s.example.com" } }),
      errs: ["spec.parameters.kind: Required value", "spec.parameters.name: Required value"],
    },
  ])("$desc", ({ obj, errs }) => {
    expect(check(obj)).toEqual(errs);
  });
});
