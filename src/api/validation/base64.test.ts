// Go's base64.StdEncoding acceptance and its "illegal base64 data at input byte N" offsets.
import { describe, expect, it } from "vitest";
import { base64ErrorOffset } from "./base64.js";

describe("base64ErrorOffset", () => {
  it.each([
    ["aGVsbG8=", undefined],
    ["aGVsbA==", undefined],
    ["", undefined],
    ["aGVsbG8", 7],
    ["aGV$bG8=", 3],
    ["a===", 1],
    ["aGVsbA==aGVs", 8],
  ])("base64 %j → error at %s", (text, offset) => {
    expect(base64ErrorOffset(text)).toBe(offset);
  });
});
