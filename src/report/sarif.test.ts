/**
 * SARIF output of validate, lint and diff, validated against the official
 * SARIF 2.1.0 JSON schema (test/fixtures/reference/sarif, a draft-04 schema)
 * with Ajv; plus what code scanning relies on beyond the schema: one result
 * per diagnostic, its rule among the driver's rules, relative artifact URIs,
 * 1-based lines and columns.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import AjvDraft04 from "ajv-draft-04";
import ajvFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { EXAMPLE, editedCopy, ROOT, SCENARIOS } from "../../test/diff/scenarios.js";
import { parseManifests } from "../api/load.js";
import { validateObjects } from "../api/validate.js";
import { makeConfig } from "../cluster/config.js";
import { diffManifests } from "../diff/diff.js";
import { lintFindings } from "../diff/diff-lint.js";
import { compilePolicy } from "../policy/engine.js";
import { loadSnapshot } from "../snapshot/load.js";
import { diffItems } from "./diff-items.js";
import { diagnosticItem } from "./report-item.js";
import { artifactURI, formatSarif } from "./sarif.js";

const schema = JSON.parse(
  readFileSync(join(ROOT, "test/fixtures/reference/sarif/sarif-schema-2.1.0.json"), "utf8"),
);
// Both are CommonJS modules whose class/function is also their `default` export.
const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
ajvFormats.default(ajv);
const validate = ajv.compile(schema);

function expectValid(log: unknown): void {
  const ok = validate(log);
  expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
  expect(ok).toBe(true);
}

interface Result {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations?: {
    physicalLocation?: {
      artifactLocation: { uri: string };
      region?: { startLine: number; startColumn: number };
    };
  }[];
  baselineState?: string;
}
const runOf = (log: Record<string, unknown>) =>
  (log.runs as { tool: { driver: { rules: { id: string }[] } }; results: Result[] }[])[0]!;

describe("SARIF", () => {
  it("the schema rejects a broken log (the validator is really checking)", () => {
    expect(validate({ version: "2.1.0", runs: [{ results: [] }] })).toBe(false);
    expect(validate({ version: "9", runs: [] })).toBe(false);
  });

  it("validate: one result per error with file, line and column", () => {
    const text =
      "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 99999\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec: {}\n";
    const loaded = parseManifests(text, "k8s/bad.yaml");
    const diags = [...loaded.diagnostics, ...validateObjects(loaded.objects).diagnostics];
    expect(diags.length).toBeGreaterThanOrEqual(2);
    const log = formatSarif(diags.map(diagnosticItem), { command: "validate", cwd: ROOT, exitCode: 1 });
    expectValid(log);
    const run = runOf(log);
    expect(run.results).toHaveLength(diags.length);
    diags.forEach((d, i) => {
      const r = run.results[i]!;
      expect(r.ruleId).toBe(d.code);
      expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(d.code);
      expect(r.level).toBe(d.severity);
      expect(r.locations?.[0]?.physicalLocation?.artifactLocation.uri).toBe("k8s/bad.yaml");
      expect(r.locations?.[0]?.physicalLocation?.region).toEqual({ startLine: d.line, startColumn: d.col });
    });
    expect(
      run.results.find((r) => r.message.text.includes("spec.ports[0].port"))?.locations?.[0]?.physicalLocation
        ?.region?.startLine,
    ).toBe(7);
  });

  it("lint: every finding of idp-system, schema-valid", async () => {
    const loaded = await loadSnapshot([EXAMPLE], makeConfig({}));
    const findings = lintFindings(loaded, compilePolicy(loaded.state));
    expect(findings.length).toBeGreaterThan(3);
    const log = formatSarif(findings.map(diagnosticItem), { command: "lint", cwd: ROOT });
    expectValid(log);
    const run = runOf(log);
    expect(run.results).toHaveLength(findings.length);
    for (const r of run.results) {
      const uri = r.locations?.[0]?.physicalLocation?.artifactLocation.uri;
      expect(uri).toMatch(/^examples\/idp-system\/[\w-]+\.yaml$/);
    }
    expect(new Set(run.tool.driver.rules.map((r) => r.id)).size).toBe(run.tool.driver.rules.length);
  });

  it("diff: each change at its cause; findings with baselineState", async () => {
    const base = await loadSnapshot([EXAMPLE], makeConfig({}));
    const copy = editedCopy(Object.values(SCENARIOS));
    try {
      const head = await loadSnapshot([copy.dir], makeConfig({}));
      const d = diffManifests(base, head);
      const log = formatSarif(diffItems(d), { command: "diff", cwd: copy.dir, exitCode: 1 });
      expectValid(log);
      const run = runOf(log);
      const byRule = (id: string) => run.results.filter((r) => r.ruleId === id);
      expect(byRule("diff/connection-allowed")).toHaveLength(1);
      expect(byRule("diff/connection-denied")).toHaveLength(1);
      expect(byRule("diff/route")).toHaveLength(1);
      expect(byRule("diff/dns-removed")).toHaveLength(1);
      const allowed = byRule("diff/connection-allowed")[0]!;
      expect(allowed.locations?.[0]?.physicalLocation?.artifactLocation.uri).toBe("60-network-policy.yaml");
      expect(allowed.locations?.[0]?.physicalLocation?.region?.startLine).toBe(26);
      expect(run.results.filter((r) => r.baselineState === "new").length).toBe(d.findings.added.length);
      expect(run.results.filter((r) => r.baselineState === "absent").length).toBe(d.findings.removed.length);
    } finally {
      copy.cleanup();
    }
  });

  it("artifact URIs: relative with / and escapes, file: URLs outside the working directory", () => {
    expect(artifactURI("k8s/a b.yaml", "/repo")).toBe("k8s/a%20b.yaml");
    expect(artifactURI("/repo/k8s/x.yaml", "/repo")).toBe("k8s/x.yaml");
    expect(artifactURI("/elsewhere/x.yaml", "/repo")).toBe("file:///elsewhere/x.yaml");
  });
});
