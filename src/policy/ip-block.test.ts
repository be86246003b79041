import { describe, expect, it } from "vitest";
import { compileIPBlock } from "./ip-block.js";

describe("compileIPBlock", () => {
  const cases = [
    { desc: "inside", cidr: "10.0.0.0/8", except: [], ip: "10.244.1.5", want: true },
    { desc: "outside", cidr: "10.0.0.0/8", except: [], ip: "11.0.0.1", want: false },
    { desc: "in except", cidr: "10.0.0.0/8", except: ["10.244.0.0/16"], ip: "10.244.1.5", want: false },
    { desc: "beside except", cidr: "10.0.0.0/8", except: ["10.244.0.0/16"], ip: "10.245.0.1", want: true },
    { desc: "0.0.0.0/0 matches every v4", cidr: "0.0.0.0/0", except: [], ip: "255.255.255.255", want: true },
    { desc: "/32 exact", cidr: "10.244.1.7/32", except: [], ip: "10.244.1.7", want: true },
    { desc: "/32 neighbour", cidr: "10.244.1.7/32", except: [], ip: "10.244.1.8", want: false },
    { desc: "v4 block never matches v6", cidr: "0.0.0.0/0", except: [], ip: "::1", want: false },
    { desc: "v6 inside", cidr: "fd00::/8", except: ["fd00:1::/32"], ip: "fd00:2::1", want: true },
    { desc: "v6 except", cidr: "fd00::/8", except: ["fd00:1::/32"], ip: "fd00:1::1", want: false },
  ];
  it.each(cases)("$desc", ({ cidr, except, ip, want }) => {
    expect(compileIPBlock({ cidr, except }).matches(ip)).toBe(want);
  });
  it("explains misses", () => {
    const b = compileIPBlock({ cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] });
    expect(b.miss("10.1.2.3")).toBe("it is in except 10.1.0.0/16");
    expect(b.miss("192.168.0.1")).toBe("10.0.0.0/8 does not contain it");
    expect(b.text).toBe("10.0.0.0/8 except 10.1.0.0/16");
  });
});
