/**
 * Cross-check on real manifests from np-guard/netpol-analyzer's tests
 * (test/policy/fixtures/netpol-analyzer). Their analyzer treats ipBlocks
 * differently, but for pod-to-pod traffic without ipBlocks the semantics are
 * the same, so its recorded connectivity for acs-security-demos is an oracle:
 * michi's workload matrix must list exactly those connections. Also: the
 * online boutique policies under lint.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/cluster/config.js";
import { compilePolicy } from "../../src/policy/engine.js";
import { lintCluster } from "../../src/policy/lint.js";
import { computeMatrix } from "../../src/policy/matrix.js";
import { cell, rowsFor } from "../../src/policy/matrix-report.js";
import { loadSnapshot } from "../../src/snapshot/load.js";

// Copied from shared/reference/netpol-analyzer-inputs (see its README).
const INPUTS = "test/policy/fixtures/netpol-analyzer";
const ACS = join(INPUTS, "acs-security-demos");

describe("acs-security-demos against the analyzer's connectivity list", () => {
  it("allows exactly the recorded workload connections on TCP 8080", async () => {
    const r = await loadSnapshot(
      ["frontend", "backend", "payments", "acs_netpols.yaml"]
        .map((p) => join(ACS, p))
        .concat("test/policy/fixtures/acs-namespaces.yaml"),
      defaultConfig,
    );
    expect(r.hasErrors).toBe(false);
    const engine = compilePolicy(r.state);
    const m = computeMatrix(engine, { ports: [{ port: 8080, protocol: "TCP" }] });
    const rows = rowsFor(r.state, r.state.pods, true);
    const demo = (name: string) => /^(frontend|backend|payments)\//.test(name);
    const label = (name: string) => {
      if (name.startsWith("ingress-nginx/")) return "{ingress-controller}";
      const [ns, , wl] = name.split("/");
      return `${ns}/${wl}[Deployment]`;
    };
    const got: string[] = [];
    for (const s of rows) {
      for (const d of rows) {
        if (s === d || !demo(d.name) || !(demo(s.name) || s.name.startsWith("ingress-nginx/"))) continue;
        const v = cell(m, s, d, 0);
        expect(v, `${s.name} -> ${d.name}`).not.toBe("~");
        if (v === ".") got.push(`${label(s.name)} -> ${label(d.name)} TCP 8080`);
      }
    }
    const want = (
      JSON.parse(readFileSync(join(ACS, "connlist_output.json"), "utf8")) as {
        src: string;
        dst: string;
        conn: string;
      }[]
    ).map((c) => `${c.src} -> ${c.dst} ${c.conn}`);
    expect(got.sort()).toEqual(want.sort());
  });
});

describe("online boutique policies under lint", () => {
  it("finds the policies that leave out DNS or DNS over TCP", async () => {
    const dir = join(INPUTS, "onlineboutique_workloads");
    const r = await loadSnapshot([dir], defaultConfig);
    const ds = lintCluster(compilePolicy(r.state), [], r.objects).filter((d) =>
      d.code.startsWith("NoDNSEgress"),
    );
    const brief = ds.map((d) => `${d.severity} ${d.code} ${d.name}`).sort();
    expect(brief).toEqual([
      // `egress: []`: these pods may open no connection at all, DNS included.
      "warning NoDNSEgress adservice-netpol",
      "warning NoDNSEgress cartservice-netpol",
      "warning NoDNSEgress currencyservice-netpol",
      "warning NoDNSEgress emailservice-netpol",
      "warning NoDNSEgress paymentservice-netpol",
      "warning NoDNSEgress productcatalogservice-netpol",
      "warning NoDNSEgress shippingservice-netpol",
      // Their DNS rules allow UDP 53 only.
      "warning NoDNSEgressTCP checkoutservice-netpol",
      "warning NoDNSEgressTCP frontend-netpol",
      "warning NoDNSEgressTCP loadgenerator-netpol",
      "warning NoDNSEgressTCP recommendationservice-netpol",
    ]);
  });
});
