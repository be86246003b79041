import { describe, expect, it } from "vitest";
import { type FlowInput, FlowLog } from "./flows.js";

const flow = (verdict: FlowInput["verdict"], protocol = "TCP"): FlowInput => ({
  from: "a/b",
  to: "c/d",
  fromIP: "10.0.0.1",
  fromPort: 1,
  toIP: "10.0.0.2",
  port: 80,
  protocol,
  verdict,
  policies: [],
  localSource: "127.0.0.1:1",
});

describe("FlowLog", () => {
  it("keeps the last `capacity` flows in order and counts every one", () => {
    const log = new FlowLog(3);
    for (const v of ["FORWARDED", "DROPPED", "REJECTED", "FORWARDED", "FORWARDED"] as const)
      log.record(flow(v));
    log.record(flow("DROPPED", "UDP"));
    expect(log.list().map((f) => f.id)).toEqual([4, 5, 6]);
    expect(log.list(5).map((f) => f.id)).toEqual([6]);
    expect(log.counters).toEqual({ forwarded: 3, dropped: 2, rejected: 1, tcp: 5, udp: 1 });
  });

  it("pushes to followers until they unfollow; a throwing follower harms no one", () => {
    const log = new FlowLog();
    const seen: number[] = [];
    log.follow(() => {
      throw new Error("broken");
    });
    const stop = log.follow((f) => seen.push(f.id));
    log.record(flow("FORWARDED"));
    stop();
    log.record(flow("FORWARDED"));
    expect(seen).toEqual([1]);
  });
});
