import { describe, expect, it } from "vitest";
import type { LabelSelector, Labels } from "../api/types.js";
import { compileSelector, formatLabels } from "./selector.js";

describe("compileSelector", () => {
  const cases: {
    desc: string;
    sel: LabelSelector | undefined;
    labels: Labels;
    want: boolean;
    text: string;
  }[] = [
    { desc: "nil matches all", sel: undefined, labels: {}, want: true, text: "{}" },
    { desc: "empty matches all", sel: {}, labels: { a: "1" }, want: true, text: "{}" },
    { desc: "empty matchLabels matches all", sel: { matchLabels: {} }, labels: {}, want: true, text: "{}" },
    {
      desc: "equality hit",
      sel: { matchLabels: { app: "web" } },
      labels: { app: "web", x: "y" },
      want: true,
      text: "app=web",
    },
    {
      desc: "equality miss",
      sel: { matchLabels: { app: "web" } },
      labels: { app: "db" },
      want: false,
      text: "app=web",
    },
    {
      desc: "matchLabels AND expressions",
      sel: {
        matchLabels: { app: "web" },
        matchExpressions: [{ key: "env", operator: "In", values: ["prod"] }],
      },
      labels: { app: "web", env: "dev" },
      want: false,
      text: "app=web,env in (prod)",
    },
    {
      desc: "In hit",
      sel: { matchExpressions: [{ key: "pod", operator: "In", values: ["b", "c"] }] },
      labels: { pod: "c" },
      want: true,
      text: "pod in (b,c)",
    },
    {
      desc: "In absent key",
      sel: { matchExpressions: [{ key: "pod", operator: "In", values: ["b"] }] },
      labels: {},
      want: false,
      text: "pod in (b)",
    },
    {
      desc: "NotIn absent key matches",
      sel: { matchExpressions: [{ key: "ns", operator: "NotIn", values: ["x"] }] },
      labels: {},
      want: true,
      text: "ns notin (x)",
    },
    {
      desc: "NotIn listed value",
      sel: { matchExpressions: [{ key: "ns", operator: "NotIn", values: ["x"] }] },
      labels: { ns: "x" },
      want: false,
      text: "ns notin (x)",
    },
    {
      desc: "Exists",
      sel: { matchExpressions: [{ key: "k", operator: "Exists" }] },
      labels: { k: "" },
      want: true,
      text: "k",
    },
    {
      desc: "DoesNotExist",
      sel: { matchExpressions: [{ key: "k", operator: "DoesNotExist" }] },
      labels: { k: "v" },
      want: false,
      text: "!k",
    },
  ];
  it.each(cases)("$desc", ({ sel, labels, want, text }) => {
    const c = compileSelector(sel);
    expect(c.matches(labels)).toBe(want);
    expect(c.text).toBe(text);
  });

  it("formats labels", () => {
    expect(formatLabels({ a: "1", b: "2" })).toBe("a=1,b=2");
    expect(formatLabels(undefined)).toBe("<none>");
  });
});
