// Gateway API status on the upstream conformance manifests: the conditions and reasons conformance/tests/*.go assert.
import { describe, expect, it } from "vitest";
import { conds, gateway, httpRoute, listener, loadConformance, parentConds } from "./conformance.js";

const INFRA = "gateway-conformance-infra";

describe("Gateway API status (conformance manifests)", () => {
  it("base: the class is accepted, every Gateway gets an LB address and is programmed", () => {
    const r = loadConformance();
    expect(r.hasErrors).toBe(false);
    const gc = r.state.gatewayApi?.gatewayClasses.find((c) => c.metadata?.name === "michi");
    expect(conds(gc?.status)).toEqual(["Accepted=True/Accepted", "SupportedVersion=True/SupportedVersion"]);
    const g = gateway(r, INFRA, "same-namespace");
    expect(conds(g.status)).toEqual(["Accepted=True/Accepted", "Programmed=True/Programmed"]);
    expect(g.status?.addresses?.[0]?.type).toBe("IPAddress");
    expect(g.status?.addresses?.[0]?.value).toMatch(/^10\.255\.0\.\d+$/);
    const svc = r.state.services.find(
      (s) => s.metadata?.namespace === INFRA && s.metadata.name === "same-namespace-michi",
    );
    expect(svc?.spec?.type).toBe("LoadBalancer");
    expect(svc?.status?.loadBalancer?.ingress?.[0]?.ip).toBe(g.status?.addresses?.[0]?.value);
    expect(conds(listener(g, "http"))).toEqual([
      "Accepted=True/Accepted",
      "Programmed=True/Programmed",
      "ResolvedRefs=True/ResolvedRefs",
      "Conflicted=False/NoConflicts",
    ]);
    expect(listener(g, "http").supportedKinds.map((k) => k.kind)).toEqual(["HTTPRoute", "GRPCRoute"]);
    const https = gateway(r, INFRA, "same-namespace-with-https-listener");
    expect(conds(https.status)).toEqual(["Accepted=True/Accepted", "Programmed=True/Programmed"]);
  });

  it("GatewayInvalidRouteKind: InvalidRouteKinds, supportedKinds without the invalid kind", () => {
    const r = loadConformance("gateway-invalid-route-kind");
    const only = listener(gateway(r, INFRA, "gateway-only-invalid-route-kind"), "http");
    expect(only.supportedKinds).toEqual([]);
    expect(conds(only)).toContain("ResolvedRefs=False/InvalidRouteKinds");
    expect(only.attachedRoutes).toBe(0);
    const both = listener(gateway(r, INFRA, "gateway-supported-and-invalid-route-kind"), "http");
    expect(both.supportedKinds).toEqual([{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }]);
    expect(conds(both)).toContain("ResolvedRefs=False/InvalidRouteKinds");
  });

  it("GatewayInvalidListenersUnsupportedProtocol: Accepted False/True ListenersNotValid", () => {
    const r = loadConformance("gateway-invalid-listeners-unsupported-protocol");
    const only = gateway(r, INFRA, "gateway-only-unsupported-protocols");
    expect(conds(only.status)[0]).toBe("Accepted=False/ListenersNotValid");
    expect(conds(listener(only, "invalid"))[0]).toBe("Accepted=False/UnsupportedProtocol");
    expect(listener(only, "invalid").supportedKinds).toEqual([]);
    const mixed = gateway(r, INFRA, "gateway-supported-and-unsupported-protocols");
    expect(conds(mixed.status)[0]).toBe("Accepted=True/ListenersNotValid");
    expect(conds(listener(mixed, "http"))[0]).toBe("Accepted=True/Accepted");
  });

  it("GatewayInvalidTLSConfiguration: InvalidCertificateRef, not programmed", () => {
    const r = loadConformance("gateway-invalid-tls-configuration");
    for (const g of r.state.gatewayApi?.gateways.filter((x) =>
      x.metadata?.name?.startsWith("gateway-certificate"),
    ) ?? []) {
      const l = g.status?.listeners?.[0];
      expect(conds(l)).toContain("ResolvedRefs=False/InvalidCertificateRef");
      expect(conds(l)).toContain("Programmed=False/Invalid");
    }
    expect(
      r.state.gatewayApi?.gateways.some((x) => x.metadata?.name?.startsWith("gateway-certificate")),
    ).toBe(true);
  });

  it("GatewaySecretMissingReferenceGrant / ...ReferenceGrantSpecific: RefNotPermitted until granted", () => {
    const missing = loadConformance("gateway-secret-missing-reference-grant");
    const g = gateway(missing, INFRA, "gateway-secret-missing-reference-grant");
    expect(conds(listener(g, "https"))).toContain("ResolvedRefs=False/RefNotPermitted");
    const granted = loadConformance("gateway-secret-reference-grant-specific");
    const g2 = gateway(granted, INFRA, "gateway-secret-reference-grant-specific");
    expect(conds(listener(g2, "https"))).toContain("ResolvedRefs=True/ResolvedRefs");
  });

  it("GatewayWithAttachedRoutes: attachedRoutes counts accepted routes per listener", () => {
    const r = loadConformance("gateway-with-attached-routes");
    expect(listener(gateway(r, INFRA, "gateway-with-one-attached-route"), "http").attachedRoutes).toBe(1);
    expect(listener(gateway(r, INFRA, "gateway-with-two-attached-routes"), "http").attachedRoutes).toBe(2);
    const unresolved = gateway(r, INFRA, "unresolved-gateway-with-one-attached-unresolved-route");
    expect(listener(unresolved, "tls").attachedRoutes).toBe(1);
    expect(conds(listener(unresolved, "tls"))).toContain("ResolvedRefs=False/InvalidCertificateRef");
  });

  it("route parent reasons: NoMatchingParent (sectionName, port), NotAllowedByListeners, NoMatchingListenerHostname", () => {
    const section = loadConformance("httproute-invalid-parentref-not-matching-section-name");
    expect(
      parentConds(
        httpRoute(section, INFRA, "httproute-listener-not-matching-section-name"),
        "same-namespace",
      )[0],
    ).toBe("Accepted=False/NoMatchingParent");
    const port = loadConformance("httproute-invalid-parentref-not-matching-listener-port");
    expect(
      parentConds(httpRoute(port, INFRA, "httproute-listener-not-matching-route-port"), "same-namespace")[0],
    ).toBe("Accepted=False/NoMatchingParent");
    const xns = loadConformance("httproute-invalid-cross-namespace-parent-ref");
    expect(
      parentConds(
        httpRoute(xns, "gateway-conformance-web-backend", "invalid-cross-namespace-parent-ref"),
        "same-namespace",
      )[0],
    ).toBe("Accepted=False/NotAllowedByListeners");
    const hosts = loadConformance("httproute-hostname-intersection");
    const none = hosts.state.gatewayApi?.httpRoutes.find((x) => x.metadata?.name === "no-intersecting-hosts");
    expect(none && parentConds(none, "httproute-hostname-intersection")[0]).toBe(
      "Accepted=False/NoMatchingListenerHostname",
    );
  });

  it("route ResolvedRefs reasons: RefNotPermitted, InvalidKind, BackendNotFound; ReferenceGrant allows", () => {
    const xns = loadConformance("httproute-invalid-cross-namespace-backend-ref");
    expect(
      parentConds(httpRoute(xns, INFRA, "invalid-cross-namespace-backend-ref"), "same-namespace"),
    ).toEqual(["Accepted=True/Accepted", "ResolvedRefs=False/RefNotPermitted"]);
    const kind = loadConformance("httproute-invalid-backendref-unknown-kind");
    expect(parentConds(httpRoute(kind, INFRA, "invalid-backend-ref-unknown-kind"), "same-namespace")[1]).toBe(
      "ResolvedRefs=False/InvalidKind",
    );
    const missing = loadConformance("httproute-invalid-nonexistent-backendref");
    expect(
      parentConds(httpRoute(missing, INFRA, "invalid-nonexistent-backend-ref"), "same-namespace")[1],
    ).toBe("ResolvedRefs=False/BackendNotFound");
    const granted = loadConformance("httproute-reference-grant");
    expect(parentConds(httpRoute(granted, INFRA, "reference-grant"), "same-namespace")).toEqual([
      "Accepted=True/Accepted",
      "ResolvedRefs=True/ResolvedRefs",
    ]);
    const wrongGrant = loadConformance("httproute-invalid-reference-grant");
    expect(parentConds(httpRoute(wrongGrant, INFRA, "reference-grant"), "same-namespace")[1]).toBe(
      "ResolvedRefs=False/RefNotPermitted",
    );
  });

  it("HTTPRouteDisallowedKind: a listener allowing only TCPRoute does not take an HTTPRoute", () => {
    const r = loadConformance("httproute-disallowed-kind");
    const route = r.state.gatewayApi?.httpRoutes.find((x) => x.metadata?.name === "disallowed-kind");
    expect(route && parentConds(route, "tlsroutes-only")[0]).toBe("Accepted=False/NotAllowedByListeners");
  });
});
