/**
 * JUnit XML: one testcase per object (passing objects too), a failure per
 * error (per warning too with strict) typed by its rule id, warnings in
 * system-out otherwise, and XML escaping of every text and attribute.
 */
import { describe, expect, it } from "vitest";
import { casesFor, formatJUnit, xml } from "./junit.js";
import type { ReportItem } from "./report-item.js";

const items: ReportItem[] = [
  {
    ruleId: "FieldValueInvalid",
    level: "error",
    message: 'bad <port> & "quote"',
    object: "Service default/web",
    file: "a.yaml",
    line: 7,
    col: 11,
  },
  {
    ruleId: "ServiceSelectsNoPods",
    level: "warning",
    message: "no pods",
    object: "Service default/api",
    file: "a.yaml",
    line: 20,
    col: 3,
  },
  { ruleId: "YAMLSyntax", level: "error", message: "bad yaml", file: "b.yaml", line: 1, col: 1 },
];
const objects = [
  { name: "Service default/web", file: "a.yaml", line: 1 },
  { name: "Service default/api", file: "a.yaml", line: 14 },
  { name: "Deployment default/ok", file: "a.yaml", line: 30 },
];

describe("JUnit", () => {
  it("has one testcase per object and per file-level problem", () => {
    const cases = casesFor(objects, items);
    expect(cases.map((c) => c.name)).toEqual([
      "Service default/web",
      "Service default/api",
      "Deployment default/ok",
      "b.yaml",
    ]);
    const out = formatJUnit("michi validate", cases);
    expect(
      out.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="michi validate" tests="4" failures="2" errors="0">',
      ),
    ).toBe(true);
    expect(out).toContain(
      '<testcase name="Deployment default/ok" classname="a.yaml" file="a.yaml" line="30"/>',
    );
    expect(out).toContain(
      '<failure type="FieldValueInvalid" message="bad &lt;port&gt; &amp; &quot;quote&quot;">a.yaml:7:11: error: bad &lt;port&gt; &amp; &quot;quote&quot;</failure>',
    );
    expect(out).toContain("<system-out>a.yaml:20:3: warning: ServiceSelectsNoPods: no pods</system-out>");
    expect(out.match(/<testcase /g)).toHaveLength(4);
    expect(out.match(/<failure /g)).toHaveLength(2);
  });

  it("fails warnings too when strict", () => {
    const out = formatJUnit("michi lint", casesFor(objects, items), { strict: true });
    expect(out).toContain('failures="3"');
    expect(out).toContain('<failure type="ServiceSelectsNoPods"');
    expect(out).not.toContain("<system-out>");
  });

  it("drops characters XML cannot carry", () => {
    expect(xml("a\u0000b\u001bc\td\n")).toBe("abc\td\n");
    expect(xml(`<'&">`)).toBe("&lt;&apos;&amp;&quot;&gt;");
  });
});
