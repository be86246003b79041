// DNS-1123/1035 names and wildcard subdomains, word for word with upstream.
import { describe, expect, it } from "vitest";
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isWildcardDNS1123Subdomain,
  nameIsDNSSubdomain,
} from "./names.js";
import { DNS1035_MSG, DNS1123_LABEL_MSG, DNS1123_SUBDOMAIN_MSG } from "./testing.js";

describe("DNS name formats", () => {
  const cases: { fn: (v: string) => string[]; value: string; errs: string[] }[] = [
    { fn: isDNS1123Label, value: "my-name", errs: [] },
    { fn: isDNS1123Label, value: "123-abc", errs: [] },
    { fn: isDNS1123Label, value: "a".repeat(63), errs: [] },
    { fn: isDNS1123Label, value: "a".repeat(64), errs: ["must be no more than 63 characters"] },
    { fn: isDNS1123Label, value: "My-Name", errs: [DNS1123_LABEL_MSG] },
    { fn: isDNS1123Label, value: "-abc", errs: [DNS1123_LABEL_MSG] },
    { fn: isDNS1123Label, value: "a.b", errs: ["must not contain dots"] },
    { fn: isDNS1123Subdomain, value: "example.com", errs: [] },
    { fn: isDNS1123Subdomain, value: "a..b", errs: [DNS1123_SUBDOMAIN_MSG] },
    { fn: isDNS1123Subdomain, value: "foo_bar", errs: [DNS1123_SUBDOMAIN_MSG] },
    {
      fn: isDNS1123Subdomain,
      value: `${"a".repeat(250)}.com`,
      errs: ["must be no more than 253 characters"],
    },
    { fn: isDNS1035Label, value: "web", errs: [] },
    { fn: isDNS1035Label, value: "1web", errs: [DNS1035_MSG] },
    { fn: isWildcardDNS1123Subdomain, value: "*.example.com", errs: [] },
  ];
  it.each(cases)("$fn.name($value)", ({ fn, value, errs }) => {
    expect(fn(value)).toEqual(errs);
  });

  it.each(["*.*.example.com", "foo.*.example.com", "*example.com", "f*.example.com", "*"])(
    "rejects the wildcard %s",
    (value) => {
      expect(isWildcardDNS1123Subdomain(value)).toHaveLength(1);
    },
  );

  it("allows a trailing '-' only in a generateName prefix", () => {
    expect(nameIsDNSSubdomain("web-", true)).toEqual([]);
    expect(nameIsDNSSubdomain("web-", false)).toEqual([DNS1123_SUBDOMAIN_MSG]);
  });
});
