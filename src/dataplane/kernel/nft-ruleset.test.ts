import { describe, expect, it } from "vitest";
import { addElement, diffTable, type NftTable, newTable, renderTable } from "./nft-ruleset.js";

function table(chains: Record<string, string[]>, elems: Record<string, string> = {}): NftTable {
  const t = newTable("ip", "t");
  t.sets.set("m", { kind: "map", decl: "type ipv4_addr : verdict;", elements: new Map() });
  t.chains.set("base", {
    base: "type nat hook prerouting priority dstnat; policy accept;",
    rules: ["ip daddr vmap @m"],
  });
  for (const [name, rules] of Object.entries(chains)) t.chains.set(name, { rules });
  for (const [k, v] of Object.entries(elems)) addElement(t, "m", k, v);
  return t;
}

describe("nft table diff", () => {
  it("renders a new table after deleting a leftover of the same name, declarations before rules", () => {
    const text = renderTable(table({ a: ["accept"] }, { "10.0.0.1": "goto a" }));
    expect(text.split("\n").slice(0, 9)).toEqual([
      "add table ip t",
      "delete table ip t",
      "add table ip t",
      "add map ip t m { type ipv4_addr : verdict; }",
      "add chain ip t base { type nat hook prerouting priority dstnat; policy accept; }",
      "add chain ip t a",
      "add rule ip t base ip daddr vmap @m",
      "add rule ip t a accept",
      "add element ip t m { 10.0.0.1 : goto a }",
    ]);
  });

  it("is empty when nothing changed", () => {
    expect(diffTable(table({ a: ["accept"] }), table({ a: ["accept"] }))).toBe("");
  });

  it("touches only what changed: a new chain and element, a rewritten chain, a removed chain after its element", () => {
    const prev = table(
      { a: ["accept"], b: ["drop"], gone: ["accept"] },
      { "10.0.0.1": "goto a", "10.0.0.9": "goto gone" },
    );
    const next = table(
      { a: ["accept"], b: ["reject"], c: ["accept"] },
      { "10.0.0.1": "goto a", "10.0.0.3": "goto c" },
    );
    expect(diffTable(prev, next).trim().split("\n")).toEqual([
      "add chain ip t c",
      "delete element ip t m { 10.0.0.9 }",
      "flush chain ip t b",
      "add rule ip t b reject",
      "add rule ip t c accept",
      "add element ip t m { 10.0.0.3 : goto c }",
      "flush chain ip t gone",
      "delete chain ip t gone",
    ]);
  });

  it("replaces an element whose verdict changed (delete then add in one transaction)", () => {
    const prev = table({ a: [], b: [] }, { "10.0.0.1": "goto a" });
    const next = table({ a: [], b: [] }, { "10.0.0.1": "goto b" });
    expect(diffTable(prev, next).trim().split("\n")).toEqual([
      "delete element ip t m { 10.0.0.1 }",
      "add element ip t m { 10.0.0.1 : goto b }",
    ]);
  });

  it("removes a dynamic set after the rules using it and before the chains", () => {
    const prev = table({ a: ["update @s { ip saddr }"] });
    prev.sets.set("s", {
      kind: "set",
      decl: "type ipv4_addr; flags dynamic,timeout; timeout 10s;",
      elements: undefined,
    });
    const next = table({});
    expect(diffTable(prev, next).trim().split("\n")).toEqual([
      "flush chain ip t a",
      "delete set ip t s",
      "delete chain ip t a",
    ]);
  });
});
