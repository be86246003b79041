/**
 * Name helpers against the forms CoreDNS produces and accepts.
 */
import { describe, expect, it } from "vitest";
import { addressFromReverse, endpointHostname, isSubdomain, podLabelAddress, reverseName } from "./names.js";

describe("reverse names", () => {
  const cases: [string, string | undefined][] = [
    ["1.0.96.10.in-addr.arpa", "10.96.0.1"],
    ["255.255.255.255.in-addr.arpa", "255.255.255.255"],
    ["0.96.10.in-addr.arpa", undefined],
    ["256.0.96.10.in-addr.arpa", undefined],
    ["01.0.96.10.in-addr.arpa", undefined],
    [`1.${"0.".repeat(23)}d.c.b.a.4.3.2.1.ip6.arpa`, "1234:abcd::1"],
    [`1.${"0.".repeat(22)}d.c.b.a.4.3.2.1.ip6.arpa`, undefined],
    [`x.${"0.".repeat(23)}d.c.b.a.4.3.2.1.ip6.arpa`, undefined],
    ["example.com", undefined],
  ];
  for (const [name, ip] of cases) it(`${name} → ${ip}`, () => expect(addressFromReverse(name)).toBe(ip));
  it("round-trips through reverseName", () => {
    for (const ip of ["10.96.0.10", "fd00::3", "2001:db8::1"])
      expect(addressFromReverse(reverseName(ip)!)).toBe(ip);
  });
});

describe("endpoint and pod labels", () => {
  it("dashes IPs like CoreDNS endpointHostname", () => {
    expect(endpointHostname(undefined, "10.244.1.5")).toBe("10-244-1-5");
    expect(endpointHostname(undefined, "1234:abcd::1")).toBe("1234-abcd--1");
    expect(endpointHostname("postgres-0", "10.244.1.5")).toBe("postgres-0");
  });
  const pods: [string, string | undefined][] = [
    ["10-244-1-5", "10.244.1.5"],
    ["fd00--1", "fd00::1"],
    ["1-2-3", undefined],
    ["1-2-3-4-5", undefined],
    ["a-b-c-d", undefined],
    ["1-2-3-256", undefined],
  ];
  for (const [label, ip] of pods)
    it(`pod label ${label} → ${ip}`, () => expect(podLabelAddress(label)).toBe(ip));
});

describe("isSubdomain", () => {
  const cases: [string, string, boolean][] = [
    ["a.cluster.local", "cluster.local", true],
    ["cluster.local", "cluster.local", true],
    ["xcluster.local", "cluster.local", false],
    ["local", "cluster.local", false],
    ["anything", "", true],
  ];
  for (const [n, z, want] of cases) it(`${n} in ${z}: ${want}`, () => expect(isSubdomain(n, z)).toBe(want));
});
