// Port numbers and IANA service names.
import { describe, expect, it } from "vitest";
import { isValidPortName, isValidPortNum } from "./ports.js";

describe("port numbers", () => {
  it.each([
    [1, true],
    [65535, true],
    [0, false],
    [65536, false],
    [-1, false],
    [80.5, false],
  ])("%d valid=%s", (port, ok) => {
    expect(isValidPortNum(port)).toEqual(ok ? [] : ["must be between 1 and 65535, inclusive"]);
  });
});

describe("IANA service names", () => {
  it.each([
    ["http", []],
    ["h2c", []],
    ["a-b-c", []],
    ["x".repeat(15), []],
    ["x".repeat(16), ["must be no more than 15 characters"]],
    [
      "HTTP",
      [
        "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
        "must contain at least one letter (a-z)",
      ],
    ],
    ["8080", ["must contain at least one letter (a-z)"]],
    ["a--b", ["must not contain consecutive hyphens"]],
    ["-ab", ["must not begin or end with a hyphen"]],
    ["ab-", ["must not begin or end with a hyphen"]],
    ["a_b", ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"]],
  ])("%s", (name, errs) => {
    expect(isValidPortName(name)).toEqual(errs);
  });
});
