import { describe, expect, it } from "vitest";
import type { LabelSelector } from "../api/types.js";
import { matchesMap, matchesSelector } from "./label-selector.js";

describe("matchesSelector", () => {
  const labels = { app: "web", tier: "front" };
  it.each<[string, LabelSelector, Record<string, string> | undefined, boolean]>([
    ["empty selects all", {}, labels, true],
    ["matchLabels hit", { matchLabels: { app: "web" } }, labels, true],
    ["matchLabels miss", { matchLabels: { app: "db" } }, labels, false],
    ["In", { matchExpressions: [{ key: "tier", operator: "In", values: ["front", "x"] }] }, labels, true],
    ["In missing key", { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }, labels, false],
    [
      "NotIn missing key matches",
      { matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a"] }] },
      labels,
      true,
    ],
    ["NotIn hit", { matchExpressions: [{ key: "app", operator: "NotIn", values: ["web"] }] }, labels, false],
    ["Exists", { matchExpressions: [{ key: "app", operator: "Exists" }] }, labels, true],
    ["DoesNotExist", { matchExpressions: [{ key: "app", operator: "DoesNotExist" }] }, labels, false],
    [
      "ANDed",
      { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["back"] }] },
      labels,
      false,
    ],
    ["no labels", { matchLabels: { app: "web" } }, undefined, false],
  ])("%s", (_d, sel, l, want) => {
    expect(matchesSelector(sel, l)).toBe(want);
  });
  it("matchesMap needs every pair", () => {
    expect(matchesMap({ app: "web", tier: "front" }, labels)).toBe(true);
    expect(matchesMap({ app: "web", tier: "back" }, labels)).toBe(false);
    expect(matchesMap({}, undefined)).toBe(true);
  });
});
