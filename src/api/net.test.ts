import { describe, expect, it } from "vitest";
import { cidrContains, cidrWithin, formatIP, ipInCIDR, parseCIDR, parseIP } from "./net.js";

describe("net", () => {
  it.each([
    ["10.244.1.5", "10.244.1.5"],
    ["fd00::1", "fd00::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["::ffff:10.0.0.1", "::ffff:a00:1"],
  ])("round-trips %s", (text, canonical) => {
    const ip = parseIP(text);
    expect(ip).toBeDefined();
    expect(formatIP(ip!)).toBe(canonical);
  });

  it.each(["10.0.0.256", "010.0.0.1", "abc", "", "1.2.3"])("rejects %s", (text) => {
    expect(parseIP(text)).toBeUndefined();
  });

  it("parses CIDRs and containment", () => {
    const c = parseCIDR("10.244.0.0/16")!;
    expect(c.prefix).toBe(16);
    expect(cidrContains(c, parseIP("10.244.200.1")!)).toBe(true);
    expect(cidrContains(c, parseIP("10.245.0.1")!)).toBe(false);
    expect(cidrWithin(parseCIDR("10.244.1.0/24")!, c)).toBe(true);
    expect(cidrWithin(c, parseCIDR("10.244.1.0/24")!)).toBe(false);
    expect(parseCIDR("10.0.0.1/24")!.hostBitsSet).toBe(true);
    expect(parseCIDR("10.0.0.0/33")).toBeUndefined();
    expect(ipInCIDR("1.2.3.4", "0.0.0.0/0")).toBe(true);
    expect(ipInCIDR("fd00::5", "fd00::/64")).toBe(true);
    expect(ipInCIDR("fd00::5", "10.0.0.0/8")).toBe(false);
  });
});
