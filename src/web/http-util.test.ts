/** The guards of the dashboard server: loopback detection and parameter parsing. */
import { describe, expect, it } from "vitest";
import { HttpError, isLoopback, parsePort, parseProtocol } from "./http-util.js";

describe("isLoopback", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.244.1.7", true],
    ["::1", true],
    ["::ffff:127.0.0.1", true],
    ["10.0.0.1", false],
    ["::ffff:10.0.0.1", false],
    ["128.0.0.1", false],
    ["127.0.0.1.evil", false],
    ["", false],
    [undefined, false],
  ])("%s → %s", (address, expected) => {
    expect(isLoopback(address)).toBe(expected);
  });
});

describe("parameters", () => {
  it("parses ports and protocols, refusing the rest with 400", () => {
    expect(parsePort("8080")).toBe(8080);
    expect(parseProtocol(undefined)).toBe("TCP");
    expect(parseProtocol("udp")).toBe("UDP");
    for (const bad of ["0", "65536", "80.5", "http", ""]) {
      expect(() => parsePort(bad)).toThrow(HttpError);
    }
    expect(() => parseProtocol("ICMP")).toThrow(/TCP, UDP or SCTP/);
  });
});
