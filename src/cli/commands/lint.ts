/**
 * `michi lint`: NetworkPolicy, Service and Ingress findings (plus load and
 * validation diagnostics, the ingress plane's annotation findings and the
 * exposure findings of policy/lint-exposure.ts). Exit 1 on any error; --strict also on warnings.
 */
import type { Command } from "commander";
import { type Diagnostic, formatDiagnostic, MichiError } from "../../api/diagnostics.js";
import { CI_FORMATS, isCIFormat, renderCI } from "../../report/ci-output.js";
import { diagnosticItem } from "../../report/report-item.js";
import { lintSnapshot } from "../../snapshot/lint.js";
import { addManifestOptions, loadFromOptions, type ManifestOptions, printJSON } from "../common.js";

interface LintOptions extends ManifestOptions {
  output?: string;
  strict?: boolean;
}

export function formatFindings(ds: readonly Diagnostic[]): string {
  const out: string[] = [];
  for (const d of ds) {
    out.push(formatDiagnostic(d));
    if (d.suggestion) out.push(`  suggestion: ${d.suggestion}`);
  }
  const errors = ds.filter((d) => d.severity === "error").length;
  out.push(`${errors} error(s), ${ds.length - errors} warning(s)`);
  return `${out.join("\n")}\n`;
}

export function register(program: Command): void {
  const cmd = program
    .command("lint")
    .description(
      "find NetworkPolicy, Service and Ingress mistakes (DNS egress, selectors matching nothing, missing backends, TLS secrets)",
    )
    .option("-o, --output <format>", "json for machine-readable output; sarif, junit, github for CI")
    .option("--strict", "exit 1 on warnings too");
  addManifestOptions(cmd).action(async (opts: LintOptions) => {
    if (opts.output !== undefined && opts.output !== "json" && !isCIFormat(opts.output))
      throw new MichiError(
        "BadFlag",
        `-o: expected json, ${CI_FORMATS.join(", ")}, got ${JSON.stringify(opts.output)}`,
      );
    const loaded = await loadFromOptions(opts, { printDiagnostics: false });
    const findings = lintSnapshot(loaded);
    const errors = findings.filter((d) => d.severity === "error").length;
    const warnings = findings.length - errors;
    const code = errors > 0 || (opts.strict && warnings > 0) ? 1 : 0;
    if (isCIFormat(opts.output))
      process.stdout.write(
        renderCI(opts.output, findings.map(diagnosticItem), {
          command: "lint",
          objects: loaded.objects,
          strict: opts.strict === true,
          exitCode: code,
        }),
      );
    else if (opts.output === "json") printJSON({ findings, errors, warnings });
    else process.stdout.write(formatFindings(findings));
    if (code > 0) process.exitCode = code;
  });
}
