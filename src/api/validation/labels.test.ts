// Label keys, label values and annotations, as apimachinery checks them.
import { describe, expect, it } from "vitest";
import { errorBody } from "./errors.js";
import { isQualifiedName, isValidLabelValue, validateAnnotations } from "./labels.js";
import { Path } from "./path.js";
import { LABEL_KEY_NAME_MSG, LABEL_VALUE_MSG } from "./testing.js";

describe("label keys (qualified names)", () => {
  it.each([
    ["app", []],
    ["app.kubernetes.io/name", []],
    ["example.com/MyName", []],
    ["a".repeat(63), []],
    ["a".repeat(64), ["name part must be no more than 63 characters"]],
    ["app@b", [LABEL_KEY_NAME_MSG]],
    ["/name", ["prefix part must be non-empty"]],
    ["example.com/", ["name part must be non-empty", LABEL_KEY_NAME_MSG]],
    [
      "Example.com/name",
      [
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ],
    ],
    [`${"a".repeat(254)}/name`, expect.arrayContaining(["prefix part must be no more than 253 characters"])],
  ])("%s", (key, errs) => {
    expect(isQualifiedName(key)).toEqual(errs);
  });

  it("rejects two slashes with the whole-name message", () => {
    expect(isQualifiedName("a/b/c")[0]).toMatch(/^a qualified name must consist of/);
  });
});

describe("label values", () => {
  it.each([
    ["", []],
    ["v1.2_3-x", []],
    ["a".repeat(63), []],
    ["a".repeat(64), ["must be no more than 63 characters"]],
    ["$backendservice", [LABEL_VALUE_MSG]],
    ["-x", [LABEL_VALUE_MSG]],
    ["has space", [LABEL_VALUE_MSG]],
  ])("%j", (value, errs) => {
    expect(isValidLabelValue(value)).toEqual(errs);
  });
});

describe("annotations", () => {
  const p = Path.root("metadata").child("annotations");
  it("accepts upper-case keys (checked lower-cased) and reports bad ones at the map", () => {
    expect(validateAnnotations({ "Example.com/Key": "x" }, p)).toEqual([]);
    expect(validateAnnotations({ "a b": "x" }, p).map((e) => `${e.path.text}: ${errorBody(e)}`)).toEqual([
      `metadata.annotations: Invalid value: "a b": ${LABEL_KEY_NAME_MSG}`,
    ]);
  });
  it("limits the total size to 256 KiB", () => {
    expect(validateAnnotations({ a: "x".repeat(256 * 1024 - 1) }, p)).toEqual([]);
    const errs = validateAnnotations({ a: "x".repeat(256 * 1024) }, p);
    expect(errs.map(errorBody)).toEqual(["Too long: may not be more than 262144 bytes"]);
  });
});
