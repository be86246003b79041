/**
 * glibc's search-list behaviour: which names a pod's resolver tries, in
 * which order, and when it stops.
 */
import { describe, expect, it } from "vitest";
import type { DnsResponse } from "./responder.js";
import { runSearch, searchCandidates } from "./stub-resolver.js";

const cluster = {
  searches: ["idp-system.svc.cluster.local", "svc.cluster.local", "cluster.local"],
  ndots: 5,
};

describe("searchCandidates", () => {
  const cases: { name: string; rc: { searches: string[]; ndots: number }; want: string[] }[] = [
    {
      name: "idp-server",
      rc: cluster,
      want: [
        "idp-server.idp-system.svc.cluster.local",
        "idp-server.svc.cluster.local",
        "idp-server.cluster.local",
        "idp-server",
      ],
    },
    {
      // 4 dots < ndots 5: the search list still comes first — the amplification ndots:5 is known for.
      name: "redis.idp-system.svc.cluster.local",
      rc: cluster,
      want: [
        "redis.idp-system.svc.cluster.local.idp-system.svc.cluster.local",
        "redis.idp-system.svc.cluster.local.svc.cluster.local",
        "redis.idp-system.svc.cluster.local.cluster.local",
        "redis.idp-system.svc.cluster.local",
      ],
    },
    {
      name: "redis.idp-system.svc.cluster.local.",
      rc: cluster,
      want: ["redis.idp-system.svc.cluster.local"],
    },
    {
      name: "a.b.c.d.e.f",
      rc: cluster,
      want: [
        "a.b.c.d.e.f",
        "a.b.c.d.e.f.idp-system.svc.cluster.local",
        "a.b.c.d.e.f.svc.cluster.local",
        "a.b.c.d.e.f.cluster.local",
      ],
    },
    {
      name: "example.com",
      rc: { searches: ["corp.example"], ndots: 1 },
      want: ["example.com", "example.com.corp.example"],
    },
    { name: "host", rc: { searches: [], ndots: 1 }, want: ["host"] },
  ];
  for (const c of cases)
    it(`${c.name} (ndots ${c.rc.ndots})`, () => expect(searchCandidates(c.name, c.rc)).toEqual(c.want));
});

const resp = (rcode: number, answers = 0): DnsResponse => ({
  rcode,
  authoritative: true,
  answers: Array.from({ length: answers }, () => ({
    name: "x",
    type: "A" as const,
    ttl: 5,
    data: "10.0.0.1",
  })),
  authority: [],
  additional: [],
});

describe("runSearch", () => {
  it("stops at the first name with records", async () => {
    const asked: string[] = [];
    const r = await runSearch("redis", cluster, async (n) => {
      asked.push(n);
      return n === "redis.svc.cluster.local" ? resp(0, 1) : resp(3);
    });
    expect(asked).toEqual(["redis.idp-system.svc.cluster.local", "redis.svc.cluster.local"]);
    expect(r.answeredBy).toBe("redis.svc.cluster.local");
    expect(r.final.answers).toHaveLength(1);
  });
  it("continues past NODATA and SERVFAIL, reports NODATA over a later NXDOMAIN", async () => {
    const seq = [resp(0), resp(2), resp(3), resp(3)];
    const r = await runSearch("x", cluster, async () => seq.shift()!);
    expect(r.queries).toHaveLength(4);
    expect(r.final.rcode).toBe(0);
    expect(r.answeredBy).toBeUndefined();
  });
  it("stops on REFUSED", async () => {
    const r = await runSearch("x", cluster, async () => resp(5));
    expect(r.queries).toHaveLength(1);
    expect(r.final.rcode).toBe(5);
  });
});
