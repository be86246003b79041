// Hostname intersection of listeners and routes, and Host matching, as the Gateway API spec's tables say.
import { describe, expect, it } from "vitest";
import { hostMatches, intersectHostnames, requestHostname } from "./hostnames.js";

describe("hostMatches", () => {
  it.each([
    ["example.com", "example.com", true],
    ["example.com", "www.example.com", false],
    ["*.example.com", "www.example.com", true],
    ["*.example.com", "a.b.example.com", true],
    ["*.example.com", "example.com", false],
    ["*.example.com", "wwwexample.com", false],
  ])("%s matches %s: %s", (p, h, want) => {
    expect(hostMatches(p, h)).toBe(want);
  });
});

describe("intersectHostnames", () => {
  it.each<[string | undefined, string[] | undefined, string[] | undefined]>([
    [undefined, undefined, undefined],
    [undefined, ["a.example.com"], ["a.example.com"]],
    ["a.example.com", undefined, ["a.example.com"]],
    ["a.example.com", ["a.example.com", "b.example.com"], ["a.example.com"]],
    [
      "*.example.com",
      ["a.example.com", "example.com", "x.b.example.com"],
      ["a.example.com", "x.b.example.com"],
    ],
    ["a.example.com", ["*.example.com"], ["a.example.com"]],
    ["*.example.com", ["*.b.example.com"], ["*.b.example.com"]],
    ["*.b.example.com", ["*.example.com"], ["*.b.example.com"]],
    ["*.example.com", ["*.example.org"], []],
    ["a.example.com", ["b.example.com"], []],
    ["very.specific.com", ["*.specific.com", "specific.com"], ["very.specific.com"]],
  ])("listener %s × route %j → %j", (l, r, want) => {
    expect(intersectHostnames(l, r)).toEqual(want);
  });
});

describe("requestHostname", () => {
  it.each([
    ["Example.COM:8080", "example.com"],
    ["example.com.", "example.com"],
    ["[::1]:80", "[::1]"],
    ["example.com", "example.com"],
  ])("%s → %s", (h, want) => {
    expect(requestHostname(h)).toBe(want);
  });
});
