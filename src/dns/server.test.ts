/**
 * The server's recursion policy: only loopback clients may reach the
 * forwarder unless it is opened explicitly (never an accidental open resolver).
 * Everything else about the server is tested over real sockets in test/dns.
 */
import { describe, expect, it } from "vitest";
import { isLoopback } from "./server.js";

describe("isLoopback", () => {
  const cases: [string, boolean][] = [
    ["127.0.0.1", true],
    ["127.244.1.5", true],
    ["::1", true],
    ["::ffff:127.0.0.1", true],
    ["10.0.0.1", false],
    ["::ffff:10.0.0.1", false],
    ["fe80::1", false],
    ["192.168.1.1", false],
    ["", false],
  ];
  for (const [ip, want] of cases) it(`${ip || "(empty)"} → ${want}`, () => expect(isLoopback(ip)).toBe(want));
});
