/** The HTTP toolkit of the admin API and the dashboard: guards, parameters, the router. */

import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { hostAllowed, isLoopback, tokenMatches } from "./guards.js";
import { parsePort, parseProtocol } from "./query.js";
import { HttpError } from "./respond.js";

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

describe("hostAllowed", () => {
  it.each([
    ["127.0.0.1:7070", true],
    ["localhost:7070", true],
    ["app.localhost", true],
    ["[::1]:7070", true],
    [undefined, true],
    ["evil.example.com", false],
    ["127.0.0.1.nip.io", false],
  ])("%s → %s", (host, expected) => {
    expect(hostAllowed(host)).toBe(expected);
  });
});

describe("tokenMatches", () => {
  const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
  it("takes a bearer token or X-Michi-Token and compares whole tokens only", () => {
    expect(tokenMatches("s3cret", req({ authorization: "Bearer s3cret" }))).toBe(true);
    expect(tokenMatches("s3cret", req({ "x-michi-token": "s3cret" }))).toBe(true);
    expect(tokenMatches("s3cret", req({ authorization: "Bearer s3cre" }))).toBe(false);
    expect(tokenMatches("s3cret", req({ authorization: "Bearer s3cretX" }))).toBe(false);
    expect(tokenMatches("s3cret", req({ authorization: "Basic s3cret" }))).toBe(false);
    expect(tokenMatches("s3cret", req({}))).toBe(false);
  });
});
