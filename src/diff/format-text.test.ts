/**
 * The terminal diff: colour only on a TTY without NO_COLOR, SGR codes around
 * the change lines when on, none when off.
 */
import { describe, expect, it } from "vitest";
import { palette, wantsColour } from "./format-text.js";

describe("diff text colour", () => {
  it("follows the TTY and NO_COLOR", () => {
    expect(wantsColour({ isTTY: true }, {})).toBe(true);
    expect(wantsColour({ isTTY: false }, {})).toBe(false);
    expect(wantsColour({}, {})).toBe(false);
    expect(wantsColour({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    // An empty NO_COLOR does not count (no-color.org).
    expect(wantsColour({ isTTY: true }, { NO_COLOR: "" })).toBe(true);
  });

  it("wraps in SGR codes only when on", () => {
    expect(palette(true).add("+ x")).toBe("\x1b[32m+ x\x1b[0m");
    expect(palette(true).del("- x")).toBe("\x1b[31m- x\x1b[0m");
    expect(palette(false).add("+ x")).toBe("+ x");
  });
});
