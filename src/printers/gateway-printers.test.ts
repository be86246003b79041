// `michi get` columns for the Gateway API kinds: the CRDs' printer columns on the controller's status.
import { describe, expect, it } from "vitest";
import { loadConformance } from "../../test/gateway/conformance.js";
import { defaultAddressMap } from "../cluster/address-map.js";
import { evalColumn } from "./gateway-printers.js";
import { printerFor } from "./resource-printers.js";

describe("evalColumn", () => {
  const obj = {
    spec: { hostnames: ["a.com"] },
    status: {
      addresses: [{ value: "10.0.0.1" }, { value: "10.0.0.2" }],
      conditions: [{ type: "Programmed", status: "True" }],
    },
  };
  it.each([
    [".spec.hostnames", [["a.com"]]],
    [".status.addresses[*].value", ["10.0.0.1", "10.0.0.2"]],
    ['.status.conditions[?(@.type=="Programmed")].status', ["True"]],
    ['.status.conditions[?(@.type=="Accepted")].status', []],
    [".spec.missing", []],
  ])("%s", (path, want) => {
    expect(evalColumn(obj, path)).toEqual(want);
  });
});

describe("gateway printers", () => {
  const r = loadConformance("httproute-hostname-intersection");
  const ctx = { state: r.state, addresses: defaultAddressMap() };
  it("knows kubectl's names", () => {
    for (const n of [
      "gtw",
      "gateways",
      "gateway",
      "gc",
      "gatewayclasses",
      "httproutes",
      "grpcroutes",
      "tlsroutes",
      "tcproutes",
      "udproutes",
      "referencegrants",
      "refgrant",
      "backendtlspolicies",
      "httproute.gateway.networking.k8s.io",
    ])
      expect(printerFor(n), n).toBeDefined();
  });
  it("prints Gateways with class, address and Programmed", () => {
    const p = printerFor("gtw");
    const g = p?.list(r.state).find((o) => o.metadata?.name === "same-namespace");
    expect(p?.headers).toEqual(["NAME", "CLASS", "ADDRESS", "PROGRAMMED", "AGE"]);
    expect(g && p?.row(g, ctx).cells).toEqual([
      "same-namespace",
      "michi",
      expect.stringMatching(/^10\.255\.0\.\d+$/),
      "True",
      "<unknown>",
    ]);
  });
  it("prints GatewayClasses with the description as a wide column", () => {
    const p = printerFor("gc");
    expect(p?.headers).toEqual(["NAME", "CONTROLLER", "ACCEPTED", "AGE"]);
    expect(p?.wideHeaders).toEqual(["DESCRIPTION"]);
    const gc = p?.list(r.state)[0];
    expect(gc && p?.row(gc, ctx)).toEqual({
      cells: ["michi", "michi.dev/gateway-controller", "True", "<unknown>"],
      wide: ["<none>"],
    });
  });
  it("prints HTTPRoute hostnames as kubectl does (a JSON list)", () => {
    const p = printerFor("httproutes");
    const h = p
      ?.list(r.state)
      .find((o) => o.metadata?.name === "wildcard-host-matches-listener-wildcard-host");
    expect(h && p?.row(h, ctx).cells).toEqual([
      "wildcard-host-matches-listener-wildcard-host",
      '["*.anotherwildcard.io"]',
      "<unknown>",
    ]);
  });
});
