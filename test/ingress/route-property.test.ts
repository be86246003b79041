/**
 * Property tests: the indexed lookup (exact map + prefix lengths) agrees with
 * a brute-force reading of the Ingress spec (every path tested, longest
 * match wins, Exact beats Prefix on ties) for random path sets and requests;
 * and annotation grammars reject anything outside them.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCIDRList, parseRewriteTarget, parseSize } from "../../src/ingress/annotation-values.js";
import { NGINX_PREFIX, SUPPORTED } from "../../src/ingress/annotations.js";
import { routeRequest } from "../../src/ingress/route-request.js";
import { compileRoutes } from "../../src/ingress/route-table.js";
import { ingress, makeState } from "./fixtures.js";

const seg = fc.constantFrom("a", "b", "ab", "ba", "c");
const pathArb = fc.array(seg, { minLength: 1, maxLength: 4 }).map((s) => `/${s.join("/")}`);
const reqArb = fc
  .tuple(fc.array(seg, { minLength: 0, maxLength: 5 }), fc.boolean())
  .map(([s, slash]) => `/${s.join("/")}${slash && s.length > 0 ? "/" : ""}`);

function reference(paths: { path: string; pathType: "Exact" | "Prefix" }[], req: string): number | undefined {
  let best: { i: number; len: number; exact: boolean } | undefined;
  paths.forEach((p, i) => {
    const matches = p.pathType === "Exact" ? req === p.path : req === p.path || req.startsWith(`${p.path}/`);
    if (!matches) return;
    const cand = { i, len: p.path.length, exact: p.pathType === "Exact" };
    if (!best || cand.len > best.len || (cand.len === best.len && cand.exact && !best.exact)) best = cand;
  });
  return best?.i;
}

describe("indexed lookup = brute-force spec", () => {
  it("Exact and Prefix paths", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(pathArb, fc.constantFrom("Exact" as const, "Prefix" as const)), {
          minLength: 1,
          maxLength: 8,
          selector: ([p, t]) => `${t} ${p}`,
        }),
        fc.array(reqArb, { minLength: 1, maxLength: 10 }),
        (pairs, reqs) => {
          const paths = pairs.map(([path, pathType]) => ({ path, pathType }));
          const services = paths.map((_, i) => ({ name: `s${i}`, ips: ["10.244.0.1"] }));
          const t = compileRoutes(
            makeState({
              services,
              ingresses: [
                ingress({
                  name: "p",
                  rules: [{ host: "h", paths: paths.map((p, i) => ({ ...p, service: `s${i}` })) }],
                }),
              ],
            }),
          );
          for (const r of reqs) {
            const want = reference(paths, r);
            const d = routeRequest(t, { method: "GET", scheme: "http", host: "h", path: r });
            expect(d.status === 200 ? d.backend?.service : undefined).toBe(
              want === undefined ? undefined : `default/s${want}`,
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("annotation grammars", () => {
  it("sizes: digits with an optional unit, nothing else", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = parseSize(s);
        expect(r.ok).toBe(/^\d{1,12}[bBkKmMgG]?$/.test(s));
      }),
    );
  });
  it("rewrite-target never accepts nginx syntax characters", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = parseRewriteTarget(s);
        if (r.ok) expect(r.value).not.toMatch(/[;\s"'`\\]/);
      }),
    );
  });
  it.each([
    ["10.0.0.0/8", true],
    ["10.0.0.1", true],
    ["2001:db8::/32, 192.168.0.0/16", true],
    ["10.0.0.0/33", false],
    ["10.0.0.0/8; allow all", false],
    ["", false],
    ["010.0.0.1", false],
  ])("CIDR list %j → %s", (text, ok) => {
    expect(parseCIDRList(text).ok).toBe(ok);
  });
});

describe("annotations never break compilation", () => {
  it("any value for any supported annotation: compiles, and the request is answered", () => {
    const names = [...SUPPORTED];
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...names), fc.string({ maxLength: 30 }), { maxKeys: 6 }),
        fc.string({ maxLength: 30 }),
        (ann, reqPath) => {
          const annotations = Object.fromEntries(Object.entries(ann).map(([k, v]) => [NGINX_PREFIX + k, v]));
          const t = compileRoutes(
            makeState({
              services: [{ name: "a", ips: ["10.244.0.1"] }],
              ingresses: [
                ingress({
                  name: "f",
                  annotations,
                  rules: [{ host: "h", paths: [{ path: "/x", service: "a" }] }],
                }),
              ],
            }),
          );
          const d = routeRequest(t, {
            method: "GET",
            scheme: "http",
            host: "h",
            path: `/${reqPath}`,
            headers: { cookie: "a=b", origin: "https://o.example" },
            sourceIP: "10.0.0.1",
            random: 0.3,
          });
          expect(d.status).toBeGreaterThanOrEqual(200);
          expect(d.status).toBeLessThan(600);
        },
      ),
      { numRuns: 300 },
    );
  });
});
