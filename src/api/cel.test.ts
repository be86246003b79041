/** The CEL wrapper: real evaluation, Kubernetes functions, value conversion, name escaping. */
import { describe, expect, it } from "vitest";
import { compileRule, escapeFieldName, toCel } from "./cel.js";

function run(rule: string, self: unknown, isStruct?: (v: object) => boolean) {
  const p = compileRule(rule);
  if ("error" in p) throw new Error(p.error);
  return p.evaluate({ self: toCel(self, isStruct) });
}

describe("compileRule", () => {
  it("evaluates rules over self with ints, lists, maps and macros", () => {
    expect(run("self.numerator <= self.denominator", { numerator: 3, denominator: 2 })).toEqual({
      result: false,
    });
    expect(run("self.numerator <= self.denominator", { numerator: 1, denominator: 2 })).toEqual({
      result: true,
    });
    expect(run("!('*' in self && self.size() > 1)", ["*", "GET"])).toEqual({ result: false });
    expect(
      run("self.all(l1, self.exists_one(l2, l1.name == l2.name))", [{ name: "a" }, { name: "a" }]),
    ).toEqual({
      result: false,
    });
    expect(run("has(self.x) ? self.x == 'a' : true", {})).toEqual({ result: true });
    expect(run("self.all(key, key.split('/')[0].size() < 4)", { "ab/c": "1", "abcd/e": "2" })).toEqual({
      result: false,
    });
  });
  it("has Kubernetes' isIP and isCIDR and RE2 matches", () => {
    expect(run("self.all(h, !isIP(h))", ["example.com", "10.0.0.1"])).toEqual({ result: false });
    expect(run("self.all(h, !isIP(h))", ["example.com"])).toEqual({ result: true });
    expect(run("isCIDR(self)", "10.0.0.0/8")).toEqual({ result: true });
    expect(run("isCIDR(self)", "10.0.0.0/33")).toEqual({ result: false });
    expect(run(`self.matches(r"""^(\\*\\.)?[a-z]+$""")`, "*.abc")).toEqual({ result: true });
  });
  it("compares durations", () => {
    const rule = "duration(self.backendRequest) > duration(self.request)";
    expect(run(rule, { request: "1s", backendRequest: "2s" })).toEqual({ result: true });
    expect(run(rule, { request: "1m", backendRequest: "2s" })).toEqual({ result: false });
  });
  it("reports a parse error and an evaluation error instead of throwing", () => {
    expect(compileRule("self.all(x, ")).toHaveProperty("error");
    expect(run("self.missing == 1", {})).toHaveProperty("error");
    expect(run("self", "text")).toHaveProperty("error");
  });
  it("reads escaped field names of structs", () => {
    expect(escapeFieldName("namespace")).toBe("__namespace__");
    expect(escapeFieldName("a.b-c/d")).toBe("a__dot__b__dash__c__slash__d");
    expect(escapeFieldName("plain_name")).toBe("plain_name");
    expect(
      run("has(self.__namespace__) && self.__namespace__ == 'x'", { namespace: "x" }, () => true),
    ).toEqual({
      result: true,
    });
  });
  it("evaluates oldSelf in transition rules", () => {
    const p = compileRule("self == oldSelf");
    if ("error" in p) throw new Error(p.error);
    expect(p.evaluate({ self: "a", oldSelf: "b" })).toEqual({ result: false });
    expect(p.evaluate({ self: "a", oldSelf: "a" })).toEqual({ result: true });
  });
});
