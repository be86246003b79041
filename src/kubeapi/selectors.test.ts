import { describe, expect, it } from "vitest";
import { fieldMatcher, labelMatcher } from "./selectors.js";

const obj = (labels: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  metadata: { name: "p", namespace: "ns", labels },
  ...extra,
});

describe("labelSelector", () => {
  const cases: [string, Record<string, string>, boolean][] = [
    ["app=web", { app: "web" }, true],
    ["app==web", { app: "web" }, true],
    ["app!=web", { app: "web" }, false],
    ["app!=web", {}, true],
    ["app in (web, api)", { app: "api" }, true],
    ["app notin (web,api)", { app: "db" }, true],
    ["app notin (web,api)", {}, true],
    ["tier", { tier: "x" }, true],
    ["!tier", { tier: "x" }, false],
    ["app=web,tier in (front)", { app: "web", tier: "front" }, true],
    ["app=web,tier in (front)", { app: "web", tier: "back" }, false],
  ];
  for (const [sel, labels, want] of cases) {
    it(`${sel} on ${JSON.stringify(labels)} → ${want}`, () => {
      expect(labelMatcher(sel)?.(obj(labels))).toBe(want);
    });
  }
  it("refuses what it cannot parse", () => {
    expect(() => labelMatcher("a b c")).toThrow(/unable to parse requirement/);
  });
});

describe("fieldSelector", () => {
  it("matches metadata and per-kind fields, = and !=", () => {
    const pod = obj({}, { spec: { nodeName: "node-1" }, status: { phase: "Running" } });
    expect(fieldMatcher("metadata.name=p,metadata.namespace=ns", "Pod", "pods")?.(pod)).toBe(true);
    expect(fieldMatcher("spec.nodeName=node-1", "Pod", "pods")?.(pod)).toBe(true);
    expect(fieldMatcher("status.phase!=Running", "Pod", "pods")?.(pod)).toBe(false);
    const ev = { metadata: { name: "e" }, involvedObject: { kind: "Pod", name: "p" } };
    expect(fieldMatcher("involvedObject.kind=Pod,involvedObject.name=p", "Event", "events")?.(ev)).toBe(true);
  });
  it("refuses fields the kind does not index, as the API server does", () => {
    expect(() => fieldMatcher("spec.nodeName=x", "Service", "services")).toThrow(
      "field label not supported: spec.nodeName",
    );
  });
});
