import { describe, expect, it } from "vitest";
import { AddressMap, defaultAddressMap } from "./address-map.js";

describe("AddressMap", () => {
  it("maps 10.a.b.c to 127.a.b.c and back", () => {
    const m = defaultAddressMap();
    expect(m.toLocal("10.244.1.7")).toBe("127.244.1.7");
    expect(m.toModel("127.96.0.10")).toBe("10.96.0.10");
    expect(m.toLocal("192.168.1.1")).toBeUndefined();
  });

  it("maps user ranges block for block", () => {
    const m = new AddressMap([
      { model: "10.0.0.0/8", local: "127.0.0.0/8" },
      { model: "192.168.0.0/16", local: "127.200.0.0/16" },
    ]);
    expect(m.toLocal("192.168.3.4")).toBe("127.200.3.4");
    expect(m.toModel("127.200.3.4")).toBe("192.168.3.4");
    expect(m.toModel("127.1.0.1")).toBe("10.1.0.1");
    expect(() => new AddressMap([{ model: "10.0.0.0/8", local: "127.0.0.0/16" }])).toThrow(/same size/);
  });
});
