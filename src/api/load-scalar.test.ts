/** Kubernetes' (go-yaml v2) reading of plain scalars, and where it differs from YAML 1.2. */
import { describe, expect, it } from "vitest";
import { isYaml11Surprise, plainKey, resolvePlain } from "./load-scalar.js";

describe("resolvePlain (go-yaml v2 rules)", () => {
  const cases: [string, unknown][] = [
    ["yes", true],
    ["Yes", true],
    ["YES", true],
    ["y", true],
    ["Y", true],
    ["on", true],
    ["On", true],
    ["ON", true],
    ["true", true],
    ["True", true],
    ["no", false],
    ["N", false],
    ["off", false],
    ["OFF", false],
    ["FALSE", false],
    ["yEs", "yEs"],
    ["", null],
    ["~", null],
    ["null", null],
    ["NULL", null],
    ["0755", 493],
    ["0o17", 15],
    ["0x1F", 31],
    ["0b101", 5],
    ["-0b11", -3],
    ["1_000", 1000],
    ["+12", 12],
    ["-7", -7],
    ["08", 8],
    ["8080", 8080],
    ["1.5", 1.5],
    ["1e3", 1000],
    [".5", 0.5],
    [".inf", Number.POSITIVE_INFINITY],
    ["-.Inf", Number.NEGATIVE_INFINITY],
    ["2024-01-02", "2024-01-02"],
    ["1.2.3", "1.2.3"],
    ["nginx:1.27", "nginx:1.27"],
    ["10.0.0.1", "10.0.0.1"],
    ["-addr=:8080", "-addr=:8080"],
    ["name", "name"],
  ];
  it.each(cases)("%j → %j", (src, want) => {
    expect(resolvePlain(src)).toStrictEqual(want);
  });
  it("reads NaN", () => expect(Number.isNaN(resolvePlain(".nan"))).toBe(true));
});

describe("isYaml11Surprise", () => {
  const cases: [string, boolean][] = [
    ["yes", true],
    ["on", true],
    ["True", true],
    ["true", false],
    ["false", false],
    ["0755", true],
    ["0b101", true],
    ["1_000", true],
    ["8080", false],
    ["0x1F", false],
    ["1.5", false],
  ];
  it.each(cases)("%j → %j", (src, want) => {
    expect(isYaml11Surprise(src, resolvePlain(src))).toBe(want);
  });
});

describe("plainKey (sigs.k8s.io/yaml key conversion)", () => {
  const cases: [string, { key: string } | "error"][] = [
    ["on", { key: "true" }],
    ["no", { key: "false" }],
    ["80", { key: "80" }],
    ["0755", { key: "493" }],
    ["1.5", { key: "1.5" }],
    ["1e3", { key: "1000" }],
    ["app.kubernetes.io/name", { key: "app.kubernetes.io/name" }],
    ["~", "error"],
    ["null", "error"],
  ];
  it.each(cases)("%j → %j", (src, want) => {
    const got = plainKey(src);
    if (want === "error") expect(got).toHaveProperty("error");
    else expect(got).toStrictEqual(want);
  });
});
