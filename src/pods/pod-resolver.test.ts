import { describe, expect, it } from "vitest";
import { candidateNames } from "./pod-resolver.js";

const rc = { searches: ["ns.svc.cluster.local", "svc.cluster.local", "cluster.local"], ndots: 5 };

describe("candidateNames (resolv.conf search order)", () => {
  it.each([
    ["web", ["web.ns.svc.cluster.local", "web.svc.cluster.local", "web.cluster.local", "web"]],
    [
      "web.other",
      [
        "web.other.ns.svc.cluster.local",
        "web.other.svc.cluster.local",
        "web.other.cluster.local",
        "web.other",
      ],
    ],
    [
      "a.b.c.d.e.f",
      [
        "a.b.c.d.e.f",
        "a.b.c.d.e.f.ns.svc.cluster.local",
        "a.b.c.d.e.f.svc.cluster.local",
        "a.b.c.d.e.f.cluster.local",
      ],
    ],
    ["example.com.", ["example.com"]],
  ])("%s", (name, want) => {
    expect(candidateNames(name, rc)).toEqual(want);
  });

  it("ndots:1 tries a dotted name as-is first", () => {
    expect(candidateNames("example.com", { searches: ["a"], ndots: 1 })).toEqual([
      "example.com",
      "example.com.a",
    ]);
  });
});
