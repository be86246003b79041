// michi lint's Gateway API findings: each mistake named with its object, field and reason.
import { describe, expect, it } from "vitest";
import { loadManifests } from "../../src/api/load.js";
import { defaultConfig } from "../../src/cluster/config.js";
import { lintGateways } from "../../src/gateway/lint.js";
import { snapshotOf } from "../../src/snapshot/snapshot.js";
import { loadConformance } from "./conformance.js";

describe("lintGateways", () => {
  it("names routes that attach to nothing, missing grants and shadowed rules", async () => {
    const loaded = await loadManifests(["test/gateway/fixtures/lint.yaml"]);
    const r = snapshotOf(loaded.objects, loaded.diagnostics, defaultConfig);
    const got = lintGateways(r.state).map(
      (d) => `${d.severity} ${d.code} ${d.kind} ${d.namespace}/${d.name} ${d.field} line ${d.line}`,
    );
    expect(got).toEqual([
      "error GatewayRouteNoMatchingListenerHostname HTTPRoute default/a spec.parentRefs[0] line 19",
      "error GatewayRouteNoMatchingParent HTTPRoute default/b spec.parentRefs[0] line 27",
      "error GatewayRouteParentNotFound HTTPRoute default/b spec.parentRefs[1] line 27",
      "error GatewayBackendRefNotPermitted HTTPRoute default/c spec.rules[0].backendRefs[0] line 36",
      "warning GatewayRuleShadowed HTTPRoute default/c spec.rules[1] line 37",
    ]);
  });

  it("reports listener problems from the controller's status (conformance manifests)", () => {
    const tls = lintGateways(loadConformance("gateway-invalid-tls-configuration").state);
    expect(
      tls
        .filter((d) => d.code === "GatewayListenerInvalidCertificateRef")
        .map((d) => d.name)
        .sort(),
    ).toEqual([
      "gateway-certificate-malformed-secret",
      "gateway-certificate-nonexistent-secret",
      "gateway-certificate-unsupported-group",
      "gateway-certificate-unsupported-kind",
    ]);
    const proto = lintGateways(loadConformance("gateway-invalid-listeners-unsupported-protocol").state);
    expect(proto.filter((d) => d.code === "GatewayListenerUnsupportedProtocol")).toHaveLength(2);
    const kinds = lintGateways(loadConformance("httproute-disallowed-kind").state);
    expect(kinds.map((d) => d.code)).toContain("GatewayRouteNotAllowedByListeners");
  });

  it("finds a conflict on one port between HTTP and TCP listeners", async () => {
    const loaded = await loadManifests(["test/gateway/fixtures/lint.yaml"]);
    const gw = loaded.objects.find((o) => o.kind === "Gateway") as { spec: { listeners: unknown[] } };
    gw.spec.listeners.push({ name: "tcp", port: 80, protocol: "TCP" });
    const r = snapshotOf(loaded.objects, [], defaultConfig);
    const conflicts = lintGateways(r.state).filter((d) => d.code === "GatewayListenerProtocolConflict");
    expect(conflicts.map((d) => d.field)).toEqual(["spec.listeners[0]", "spec.listeners[1]"]);
  });
});
