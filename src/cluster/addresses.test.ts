import { describe, expect, it } from "vitest";
import { defaultPortRule, localPort } from "../runtime/port-rule.js";
import { addressMapFor, parseAddressMapping } from "./addresses.js";
import { makeConfig } from "./config.js";

describe("addressMapFor", () => {
  it("maps 10/8 onto 127/8 by default", () => {
    const m = addressMapFor(makeConfig());
    expect(m.toLocal("10.244.1.2")).toBe("127.244.1.2");
    expect(m.toModel("127.96.0.10")).toBe("10.96.0.10");
  });

  it("gives a range outside 10/8 its own block, clear of the configured 10/8 ranges and the host", () => {
    const m = addressMapFor(makeConfig({ podCIDR: "192.168.0.0/16", loadBalancerCIDR: "10.255.0.0/24" }));
    const local = m.toLocal("192.168.3.4") as string;
    expect(local).toMatch(/^127\./);
    expect(m.toModel(local)).toBe("192.168.3.4");
    // The LB pool's own image (127.255.0.0/24) is not taken.
    expect(m.toLocal("10.255.0.7")).toBe("127.255.0.7");
    expect(m.toModel("127.255.0.7")).toBe("10.255.0.7");
    expect(local.startsWith("127.255.0.")).toBe(false);
  });

  it("honours explicit mappings", () => {
    const m = addressMapFor(makeConfig({ serviceCIDR: "172.20.0.0/16" }), [
      parseAddressMapping("172.20.0.0/16=127.20.0.0/16"),
    ]);
    expect(m.toLocal("172.20.0.10")).toBe("127.20.0.10");
  });

  it("rejects bad mappings", () => {
    expect(() => parseAddressMapping("10.0.0.0/8=192.168.0.0/8")).toThrow(/inside 127/);
    expect(() => parseAddressMapping("172.20.0.0/16=127.20.0.0/24")).toThrow(/equal size/);
  });
});

describe("port rule", () => {
  it.each([
    [80, 0, 80],
    [80, 10000, 10080],
    [53, 10000, 10053],
    [1023, 10000, 11023],
    [1024, 10000, 1024],
    [30080, 10000, 30080],
  ])("model port %i with offset %i → %i", (port, offset, want) => {
    expect(localPort(port, { lowPortOffset: offset })).toBe(want);
  });

  it("uses the real port as root, the offset otherwise", () => {
    const root = process.getuid?.() === 0;
    expect(defaultPortRule().lowPortOffset).toBe(root ? 0 : 10000);
  });
});
