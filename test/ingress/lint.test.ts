/**
 * lintIngressAnnotations: unknown/unsupported annotations, snippets, invalid
 * values, ALB annotations explained, the regex quirk across Ingresses, and
 * nginx annotations on Ingresses another controller serves.
 */
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/cluster/config.js";
import { lintIngressAnnotations } from "../../src/ingress/lint.js";
import { loadSnapshot } from "../../src/snapshot/load.js";
import { ingress, makeState } from "./fixtures.js";

const A = "nginx.ingress.kubernetes.io/";

describe("lintIngressAnnotations", () => {
  it.each([
    [{ [`${A}server-snippet`]: "location /x { return 200; }" }, "SnippetNotExecuted", "warning"],
    [{ [`${A}auth-url`]: "http://auth" }, "UnsupportedAnnotation", "warning"],
    [{ [`${A}proxy-body-size`]: "lots" }, "InvalidAnnotation", "error"],
    [{ [`${A}backend-protocol`]: "GRPC" }, "UnsupportedAnnotationValue", "warning"],
    [{ [`${A}canary`]: "true", [`${A}canary-weight`]: "10" }, "CanaryWithoutMain", "warning"],
  ])("%j → %s (%s)", (annotations, code, severity) => {
    const state = makeState({
      services: [{ name: "a", ips: ["10.244.1.1"] }],
      ingresses: [
        ingress({ name: "i", annotations, rules: [{ host: "h", paths: [{ path: "/", service: "a" }] }] }),
      ],
    });
    const found = lintIngressAnnotations(state).find((d) => d.code === code);
    expect(found?.severity).toBe(severity);
    expect(found).toMatchObject({ kind: "Ingress", namespace: "default", name: "i" });
  });

  it("valid, supported annotations produce nothing", () => {
    const state = makeState({
      services: [{ name: "a", ips: ["10.244.1.1"] }],
      ingresses: [
        ingress({
          name: "i",
          annotations: { [`${A}ssl-redirect`]: "false", [`${A}proxy-body-size`]: "8m" },
          rules: [{ host: "h", paths: [{ path: "/", service: "a" }] }],
        }),
      ],
    });
    expect(lintIngressAnnotations(state)).toEqual([]);
  });

  it("warns the other Ingress on a host that the regex quirk changes its paths", () => {
    const state = makeState({
      services: [{ name: "a", ips: ["10.244.1.1"] }],
      ingresses: [
        ingress({
          name: "exacting",
          rules: [{ host: "h", paths: [{ path: "/v1", pathType: "Exact", service: "a" }] }],
        }),
        ingress({
          name: "regexy",
          annotations: { [`${A}use-regex`]: "true" },
          rules: [
            { host: "h", paths: [{ path: "/v[0-9]+/x", pathType: "ImplementationSpecific", service: "a" }] },
          ],
        }),
      ],
    });
    const q = lintIngressAnnotations(state).filter((d) => d.code === "RegexModeQuirk");
    expect(q.map((d) => d.name)).toEqual(["exacting"]);
    expect(q[0]?.message).toContain("default/regexy");
  });

  it("the idp-system ALB Ingress: each alb.* annotation explained, ssl-redirect with its nginx equivalent", async () => {
    const { state } = await loadSnapshot(["examples/idp-system"], defaultConfig);
    const alb = lintIngressAnnotations(state).filter((d) => d.name === "idp-alb-ingress");
    const byField = new Map(alb.map((d) => [d.field, d]));
    expect(byField.get("metadata.annotations[alb.ingress.kubernetes.io/ssl-redirect]")?.message).toMatch(
      /301 redirect to HTTPS port 443/,
    );
    expect(byField.get("metadata.annotations[alb.ingress.kubernetes.io/ssl-redirect]")?.suggestion).toMatch(
      /nginx.ingress.kubernetes.io\/ssl-redirect/,
    );
    expect(byField.get("metadata.annotations[alb.ingress.kubernetes.io/listen-ports]")?.message).toContain(
      '[{"HTTPS":443}]',
    );
    expect(
      byField.get("metadata.annotations[alb.ingress.kubernetes.io/healthcheck-path]")?.message,
    ).toContain("/actuator/health");
    expect(byField.get("metadata.annotations[alb.ingress.kubernetes.io/certificate-arn]")?.message).toMatch(
      /cloud-only/,
    );
    expect(lintIngressAnnotations(state).filter((d) => d.name === "idp-ingress")).toEqual([]);
  });

  it("rewrite-target without a capture group loses the path (the my-app example)", async () => {
    const { state } = await loadSnapshot(["examples/my-app"], defaultConfig);
    const found = lintIngressAnnotations(state).filter((d) => d.code === "RewriteDropsPath");
    expect(found.map((d) => d.field)).toEqual([
      "metadata.annotations[nginx.ingress.kubernetes.io/rewrite-target]",
    ]);
    expect(found[0]).toMatchObject({
      kind: "Ingress",
      namespace: "default",
      name: "my-ingress",
      severity: "warning",
    });
    expect(found[0]?.message).toContain('"/api/users/42 → /"'.slice(1, -1));
    expect(found[0]?.suggestion).toContain("/api(/|$)(.*)");
  });

  it("rewrite-target with a capture group is not flagged", () => {
    const state = makeState({
      services: [{ name: "a", ips: ["10.244.1.1"] }],
      ingresses: [
        ingress({
          name: "i",
          annotations: { [`${A}use-regex`]: "true", [`${A}rewrite-target`]: "/$2" },
          rules: [
            {
              host: "h",
              paths: [{ path: "/api(/|$)(.*)", service: "a", pathType: "ImplementationSpecific" }],
            },
          ],
        }),
      ],
    });
    expect(lintIngressAnnotations(state).filter((d) => d.code === "RewriteDropsPath")).toEqual([]);
  });
});

describe("an Ingress no controller serves (issue 18 item 7)", () => {
  const noClass = (annotations: Record<string, string>) => {
    const ing = ingress({
      name: "orphan",
      annotations,
      rules: [{ host: "h", paths: [{ path: "/", service: "a" }] }],
    });
    delete ing.spec?.ingressClassName;
    return makeState({ services: [{ name: "a", ips: ["10.244.1.1"] }], ingresses: [ing] });
  };
  it.each([
    ["without annotations", {}],
    ["with nginx annotations", { [`${A}ssl-redirect`]: "false" }],
    ["with other annotations", { "example.com/owner": "team-a" }],
  ])("is reported %s", (_what, annotations) => {
    const found = lintIngressAnnotations(noClass(annotations)).filter(
      (d) => d.code === "NoIngressController",
    );
    expect(found).toEqual([
      expect.objectContaining({
        severity: "warning",
        kind: "Ingress",
        namespace: "default",
        name: "orphan",
        message: expect.stringContaining(
          "no class set and no served IngressClass is marked is-default-class",
        ),
      }),
    ]);
  });
  it("is not reported once a default IngressClass serves it", () => {
    const base = noClass({});
    const state = {
      ...base,
      ingressClasses: base.ingressClasses.map((c) => ({
        ...c,
        metadata: { ...c.metadata, annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } },
      })),
    };
    expect(state.ingressClasses.length).toBeGreaterThan(0);
    expect(lintIngressAnnotations(state).filter((d) => d.code === "NoIngressController")).toEqual([]);
  });
});
