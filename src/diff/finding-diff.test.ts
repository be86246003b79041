/**
 * Findings added and resolved: positions and renumbered field paths do not
 * make a finding new; counts are kept.
 */
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../api/diagnostics.js";
import { diffFindings } from "./finding-diff.js";

const f = (message: string, extra: Partial<Diagnostic> = {}): Diagnostic => ({
  severity: "warning",
  code: "EgressToInternet",
  kind: "NetworkPolicy",
  namespace: "ns",
  name: "p",
  message,
  ...extra,
});

describe("diffFindings", () => {
  it("ignores moved lines and renumbered rules", () => {
    const d = diffFindings(
      [f("a", { field: "spec.egress[3].to[0]", line: 54 })],
      [f("a", { field: "spec.egress[2].to[0]", line: 47 })],
    );
    expect(d).toEqual({ added: [], resolved: [] });
  });

  it("reports new and gone findings, with counts", () => {
    const d = diffFindings([f("a"), f("a"), f("b")], [f("a"), f("c")]);
    expect(d.added.map((x) => x.message)).toEqual(["c"]);
    expect(d.resolved.map((x) => x.message)).toEqual(["a", "b"]);
  });
});
