import { describe, expect, it } from "vitest";
import { matches, parseBlocks } from "./doc-blocks.js";

describe("doc blocks", () => {
  const md = [
    "text",
    "```",
    "$ michi get pods -f x",
    "NAME   READY   ",
    "…",
    "last",
    "$ echo $?",
    "1",
    "```",
    "<!-- docs-test: not executable: needs up -->",
    "```",
    "$ michi flows",
    "```",
    "```sh",
    "$ dig @127.0.0.1 example.com",
    "```",
  ].join("\n");
  it("reads sessions, exit codes and markers; ignores blocks without michi", () => {
    expect(parseBlocks("a.md", md)).toEqual([
      {
        file: "a.md",
        line: 2,
        sessions: [
          { command: "michi get pods -f x", expected: ["NAME   READY   ", "…", "last"], exitCode: 1 },
        ],
      },
      {
        file: "a.md",
        line: 11,
        notExecutable: "needs up",
        sessions: [{ command: "michi flows", expected: [] }],
      },
    ]);
  });
  it("compares honestly: trailing spaces and blank lines aside, … is any run of lines", () => {
    expect(matches(["a  ", "…", "z"], ["a", "b", "c", "z", ""])).toBe(true);
    expect(matches(["a", "…", "z"], ["a", "z"])).toBe(true);
    expect(matches(["a", "z"], ["a", "b", "z"])).toBe(false);
    expect(matches(["a", "…"], ["b"])).toBe(false);
    expect(matches(["a"], ["a", "extra"])).toBe(false);
    expect(matches([" a"], ["a"])).toBe(false);
  });
});
