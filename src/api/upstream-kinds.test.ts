import { describe, expect, it } from "vitest";
import { matchKind } from "./upstream-kinds.js";
import { validateObjects } from "./validate.js";

describe("matchKind", () => {
  it.each([
    ["v1", "Servce", "did you mean kind: Service?"],
    ["apps/v1", "deployment", "did you mean kind: Deployment?"],
    ["networking.k8s.io/v1", "Ingres", "did you mean kind: Ingress?"],
    ["gateway.networking.k8s.io/v1", "HTTPRoutes", "did you mean kind: HTTPRoute?"],
    ["policy.networking.k8s.io/v1alpha2", "ClusterNetworkPolcy", "did you mean kind: ClusterNetworkPolicy?"],
    ["discovery.k8s.io/v1", "Endpointslice", "did you mean kind: EndpointSlice?"],
    ["v1", "Job", "Job is served in batch/v1: use apiVersion: batch/v1"],
  ])("%s %s is the API server's no-match, with %s", (apiVersion, kind, suggestion) => {
    expect(matchKind(apiVersion, kind)).toEqual({
      match: "none",
      message: `no matches for kind "${kind}" in version "${apiVersion}"`,
      suggestion,
    });
  });
  it.each([
    ["v1", "PersistentVolumeClaim"],
    ["autoscaling/v2", "HorizontalPodAutoscaler"],
    ["v1", "ConfigMap"],
    ["batch/v1", "CronJob"],
    ["policy/v1", "PodDisruptionBudget"],
    ["rbac.authorization.k8s.io/v1", "ClusterRole"],
  ])("%s %s is a real kind", (apiVersion, kind) => {
    expect(matchKind(apiVersion, kind)).toEqual({ match: "served" });
  });
  it("kinds of other groups (CRDs) are not judged", () => {
    expect(matchKind("cert-manager.io/v1", "Certificat")).toEqual({ match: "foreign-group" });
    expect(matchKind("gateway.networking.x-k8s.io/v1alpha1", "XListenerSet")).toEqual({
      match: "foreign-group",
    });
  });
});

describe("validateObjects on unmodelled kinds", () => {
  it("rejects a typo of a known group and keeps real and foreign kinds", () => {
    const objs = [
      { apiVersion: "v1", kind: "Servce", metadata: { name: "web" } },
      { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data" } },
      { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } },
    ];
    const r = validateObjects(objs);
    expect(r.valid.map((o) => o.kind)).toEqual(["PersistentVolumeClaim", "Widget"]);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        severity: "error",
        code: "NoKindMatch",
        kind: "Servce",
        message: 'no matches for kind "Servce" in version "v1"; did you mean kind: Service?',
        suggestion: "did you mean kind: Service?",
      }),
    ]);
  });
});
