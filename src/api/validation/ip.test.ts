// IP/CIDR checks with upstream's messages and warnings.
import { describe, expect, it } from "vitest";
import { errorBody } from "./errors.js";
import { validateCIDR, validateIP, validateNonSpecialIP } from "./ip.js";
import { Path } from "./path.js";

const p = Path.root("x");
const show = (errs: ReturnType<typeof validateIP>) =>
  errs.map((e) => `${e.severity ?? "error"}: ${errorBody(e)}`);

describe("IP and CIDR values", () => {
  it.each([
    ["10.0.0.1", []],
    ["2001:db8::1", []],
    [
      "10.0.0.300",
      ['error: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'],
    ],
    [
      "010.0.0.1",
      [
        'warning: non-standard IP address "010.0.0.1" will be considered invalid in a future Kubernetes release: use "10.0.0.1"',
      ],
    ],
  ])("IP %s", (ip, out) => {
    expect(show(validateIP(p, ip))).toEqual(out);
  });

  it.each([
    ["10.0.0.0/8", []],
    ["::/0", []],
    ["A", ['error: Invalid value: "A": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']],
    [
      "10.0.0.0/33",
      [
        'error: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      ],
    ],
    [
      "10.0.0.1/24",
      [
        'warning: CIDR value "10.0.0.1/24" is ambiguous in this context (should be "10.0.0.0/24" or "10.0.0.1/32"?)',
      ],
    ],
  ])("CIDR %s", (cidr, out) => {
    expect(show(validateCIDR(p, cidr))).toEqual(out);
  });

  it.each([
    ["10.244.1.5", []],
    ["0.0.0.0", ["may not be unspecified (0.0.0.0)"]],
    ["127.0.0.1", ["may not be in the loopback range (127.0.0.0/8, ::1/128)"]],
    ["::1", ["may not be in the loopback range (127.0.0.0/8, ::1/128)"]],
    ["169.254.169.254", ["may not be in the link-local range (169.254.0.0/16, fe80::/10)"]],
    ["fe80::1", ["may not be in the link-local range (169.254.0.0/16, fe80::/10)"]],
    ["224.0.0.5", ["may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"]],
    ["ff12::1", ["may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"]],
    ["ff05::1", []],
    ["224.0.1.1", []],
    ["::", ["may not be unspecified (::)"]],
  ])("non-special IP %s", (ip, details) => {
    expect(validateNonSpecialIP(p, ip).map((e) => e.detail)).toEqual(details);
  });
});
