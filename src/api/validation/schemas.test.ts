// Every kind michi models has a decoding schema, and every closed struct lists its typed fields once.
import { describe, expect, it } from "vitest";
import { KINDS } from "../kinds.js";
import { SCHEMAS, type Schema } from "./schemas.js";

function closedStructs(s: Schema, out: { obj: Record<string, Schema>; closed: readonly string[] }[] = []) {
  if (typeof s === "string") return out;
  if ("list" in s) return closedStructs(s.list, out);
  if ("map" in s) return closedStructs(s.map, out);
  if (s.closed) out.push({ obj: { ...s.obj }, closed: s.closed });
  for (const sub of Object.values(s.obj)) closedStructs(sub, out);
  return out;
}

describe("decoding schemas", () => {
  it.each([...KINDS.keys()])("%s has a schema with metadata", (kind) => {
    const s = SCHEMAS[kind];
    expect(s && typeof s === "object" && "obj" in s && "metadata" in s.obj).toBe(true);
  });

  it("never lists a field both as typed and as untyped", () => {
    for (const s of Object.values(SCHEMAS)) {
      for (const { obj, closed } of closedStructs(s)) {
        expect(closed.filter((f) => Object.hasOwn(obj, f))).toEqual([]);
      }
    }
  });
});
