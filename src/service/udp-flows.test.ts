/**
 * The UDP conntrack table's bounds: least recently used eviction past
 * maxFlows, a socket budget shared by tables (evicting the least recently
 * used socket-owning flow of any table), and idle expiry.
 */
import { describe, expect, it } from "vitest";
import { createUdpFlowTable, defaultUdpSocketBudget, type EvictReason, UdpFlowBudget } from "./udp-flows.js";

describe("createUdpFlowTable", () => {
  it("evicts the least recently used flow when full, and says so", () => {
    const expired: string[] = [];
    const evicted: EvictReason[] = [];
    const t = createUdpFlowTable<number>(60_000, (k) => expired.push(k), {
      maxFlows: 3,
      onEvict: (r) => evicted.push(r),
    });
    t.set("a", 1);
    t.set("b", 2);
    t.set("c", 3);
    t.touch("a"); // b is now the oldest
    t.set("d", 4);
    expect(expired).toEqual(["b"]);
    expect(evicted).toEqual(["table"]);
    expect(t.size()).toBe(3);
    expect(t.get("a")).toBe(1);
    expect(t.get("b")).toBeUndefined();
    // 3000 flows through a table of 3: never more than 3, every eviction counted.
    for (let i = 0; i < 3000; i++) t.set(`x${i}`, i);
    expect(t.size()).toBe(3);
    expect(evicted).toHaveLength(3001);
    t.clear();
    expect(t.size()).toBe(0);
  });

  it("shares a socket budget across tables: the least recently used socket flow of any table goes", () => {
    const budget = new UdpFlowBudget(2);
    const closed: string[] = [];
    const evicted: EvictReason[] = [];
    const opts = {
      budget,
      holdsSocket: (f: { socket: boolean }) => f.socket,
      onEvict: (r: EvictReason) => evicted.push(r),
    };
    const t1 = createUdpFlowTable<{ socket: boolean }>(60_000, (k) => closed.push(`t1:${k}`), opts);
    const t2 = createUdpFlowTable<{ socket: boolean }>(60_000, (k) => closed.push(`t2:${k}`), opts);
    t1.set("a", { socket: true });
    t2.set("b", { socket: true });
    t1.set("local", { socket: false }); // in-process delivery: no slot
    expect(budget.used).toBe(2);
    t1.touch("a"); // t2:b is the least recently used socket flow
    t1.set("c", { socket: true });
    expect(closed).toEqual(["t2:b"]);
    expect(evicted).toEqual(["sockets"]);
    expect(budget.used).toBe(2);
    expect(t2.size()).toBe(0);
    expect(t1.size()).toBe(3);
    t1.clear();
    expect(budget.used).toBe(0);
  });

  it("expires idle flows and frees their slot", async () => {
    const budget = new UdpFlowBudget(10);
    const expired: string[] = [];
    const t = createUdpFlowTable<boolean>(50, (k) => expired.push(k), { budget, holdsSocket: () => true });
    t.set("a", true);
    await new Promise((r) => setTimeout(r, 120));
    expect(expired).toEqual(["a"]);
    expect(budget.used).toBe(0);
  });

  it("budgets a quarter of the open-files limit, within 64..4096", () => {
    const b = defaultUdpSocketBudget();
    expect(b).toBeGreaterThanOrEqual(64);
    expect(b).toBeLessThanOrEqual(4096);
  });
});
