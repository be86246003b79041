/**
 * `michi matrix --focus`: one workload's peers on idp-system, both
 * directions per port, agreeing with decide(); JSON only pairs with the
 * focus on one end.
 */
import { describe, expect, it } from "vitest";
import { EXAMPLE } from "../../test/diff/scenarios.js";
import { makeConfig } from "../cluster/config.js";
import { compilePolicy } from "../policy/engine.js";
import { computeMatrix } from "../policy/matrix.js";
import { rowsFor } from "../policy/matrix-report.js";
import { resolveTarget } from "../policy/targets.js";
import { loadSnapshot } from "../snapshot/load.js";
import { focusResults, formatFocusTable } from "./matrix-focus.js";

describe("matrix --focus", () => {
  it("shows who the focus reaches and who reaches it", async () => {
    const { state } = await loadSnapshot([EXAMPLE], makeConfig({}));
    const engine = compilePolicy(state);
    const ports = [
      { port: 8080, protocol: "TCP" as const },
      { port: 6379, protocol: "TCP" as const },
    ];
    const m = computeMatrix(engine, { ports });
    const t = resolveTarget(state, "deployment/idp-system/idp-server", "source");
    if (t.kind !== "pods") throw new Error("expected pods");
    const text = formatFocusTable(m, { name: t.label, pods: t.pods }, rowsFor(state, state.pods, true));
    const row = (name: string) =>
      text
        .split("\n")
        .find((l) => l.startsWith(name))
        ?.split(/\s+/)
        .slice(1);
    // idp-server may open Redis (egress rule) but Redis may not open idp-server (ingress isolated).
    expect(row("idp-system/deployment/redis")).toEqual(["X", "X", ".", "X"]);
    // The ingress controller may reach idp-server on 8080 (ingress[0]); idp-server may not reach it.
    expect(row("ingress-nginx/deployment/ingress-nginx-controller")).toEqual(["X", ".", "X", "X"]);
    const results = focusResults(m, t.pods, state.pods);
    const keys = new Set(t.pods.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`));
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) {
      expect(keys.has(r.from) || keys.has(r.to)).toBe(true);
      const src = state.pods.find((p) => `${p.metadata?.namespace}/${p.metadata?.name}` === r.from)!;
      const dst = state.pods.find((p) => `${p.metadata?.namespace}/${p.metadata?.name}` === r.to)!;
      const v = engine.decide({
        src: { kind: "pod", pod: src },
        dst: { kind: "pod", pod: dst },
        port: r.port,
        protocol: "TCP",
      });
      expect(r.allowed).toBe(v.allowed);
    }
  });
});
