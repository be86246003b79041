// The spec's tables: ReplacePrefixMatch, redirect ports, header edits, CORS.
import { describe, expect, it } from "vitest";
import {
  applyHeaderEdits,
  corsHeaders,
  headerEdits,
  redirectLocation,
  replacePrefix,
} from "./http-filters.js";
import { prefixMatches } from "./http-match.js";

describe("ReplacePrefixMatch (the table in HTTPPathModifier)", () => {
  it.each([
    ["/foo/bar", "/foo", "/xyz", "/xyz/bar"],
    ["/foo/bar", "/foo", "/xyz/", "/xyz/bar"],
    ["/foo/bar", "/foo/", "/xyz", "/xyz/bar"],
    ["/foo/bar", "/foo/", "/xyz/", "/xyz/bar"],
    ["/foo", "/foo", "/xyz", "/xyz"],
    ["/foo/", "/foo", "/xyz", "/xyz/"],
    ["/foo/bar", "/foo", "", "/bar"],
    ["/foo/", "/foo", "", "/"],
    ["/foo", "/foo", "", "/"],
    ["/foo/", "/foo", "/", "/"],
    ["/foo", "/foo", "/", "/"],
  ])("%s with prefix %s → %s gives %s", (path, prefix, repl, want) => {
    expect(replacePrefix(path, prefix, repl)).toBe(want);
  });
});

describe("PathPrefix is element-wise", () => {
  it.each([
    ["/abc", "/abc", true],
    ["/abc", "/abc/", true],
    ["/abc", "/abc/def", true],
    ["/abc", "/abcd", false],
    ["", "/anything", true],
  ])("prefix %j on %s: %s", (p, path, want) => {
    expect(prefixMatches(p, path)).toBe(want);
  });
});

describe("RequestRedirect Location", () => {
  const base = {
    scheme: "http" as const,
    host: "example.com",
    listenerPort: 80,
    path: "/a",
    rawQuery: "",
    matchedPrefix: "",
  };
  it.each<[object, object, string, number]>([
    [{}, {}, "http://example.com/a", 302],
    [{ scheme: "https" }, {}, "https://example.com/a", 302],
    [{ scheme: "https", port: 8443 }, {}, "https://example.com:8443/a", 302],
    [{ port: 80 }, { listenerPort: 8080 }, "http://example.com/a", 302],
    [{}, { listenerPort: 8080 }, "http://example.com:8080/a", 302],
    [{ scheme: "http" }, { scheme: "https", listenerPort: 443 }, "http://example.com/a", 302],
    [{}, { scheme: "https", listenerPort: 443 }, "https://example.com/a", 302],
    [{ hostname: "x.org", statusCode: 301 }, { rawQuery: "q=1" }, "http://x.org/a?q=1", 301],
    [{ path: { type: "ReplaceFullPath", replaceFullPath: "/b" } }, {}, "http://example.com/b", 302],
  ])("%j on %j → %s", (f, over, location, status) => {
    expect(redirectLocation(f, { ...base, ...over })).toEqual({ status, location });
  });
});

describe("header edits", () => {
  it("set replaces, add appends, remove deletes, names case-insensitive", () => {
    const h = new Map([
      ["a", ["1"]],
      ["b", ["2"]],
      ["c", ["3"]],
    ]);
    applyHeaderEdits(
      h,
      headerEdits({ set: [{ name: "A", value: "x" }], add: [{ name: "B", value: "y" }], remove: ["C"] }),
    );
    expect(Object.fromEntries(h)).toEqual({ a: ["x"], b: ["2", "y"] });
  });
});

describe("CORS", () => {
  const f = {
    allowOrigins: ["https://*.example.com"],
    allowMethods: ["GET", "POST"],
    allowHeaders: ["x-a"],
    exposeHeaders: ["x-b"],
    maxAge: 10,
  };
  it("answers a preflight from an allowed origin", () => {
    const h = new Map([
      ["origin", ["https://app.example.com"]],
      ["access-control-request-method", ["POST"]],
    ]);
    expect(corsHeaders(f, "OPTIONS", h)).toEqual({
      preflight: true,
      headers: {
        "access-control-allow-origin": "https://app.example.com",
        "access-control-allow-methods": "GET, POST",
        "access-control-allow-headers": "x-a",
        "access-control-max-age": "10",
      },
    });
  });
  it("adds headers to a simple request, ignores other origins", () => {
    expect(
      corsHeaders(f, "GET", new Map([["origin", ["https://app.example.com"]]]))?.headers[
        "access-control-expose-headers"
      ],
    ).toBe("x-b");
    expect(corsHeaders(f, "GET", new Map([["origin", ["https://evil.com"]]]))).toBeUndefined();
  });
});
