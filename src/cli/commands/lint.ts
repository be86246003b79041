/**
 * `michi lint`: NetworkPolicy, Service and Ingress findings (plus load and
 * validation diagnostics and the ingress plane's annotation findings). Exit 1 on any error; --strict also on warnings.
 */
import type { Command } from "commander";
import { type Diagnostic, formatDiagnostic, MichiError } from "../../api/diagnostics.js";
import { lintGateways } from "../../gateway/lint.js";
import { lintIngressAnnotations } from "../../ingress/lint.js";
import { compilePolicy } from "../../policy/engine.js";
import { lintCluster } from "../../policy/lint.js";
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
    .option("-o, --output <format>", "json for machine-readable output")
    .option("--strict", "exit 1 on warnings too");
  addManifestOptions(cmd).action(async (opts: LintOptions) => {
    if (opts.output !== undefined && opts.output !== "json")
      throw new MichiError("BadFlag", `-o: expected json, got ${JSON.stringify(opts.output)}`);
    const loaded = await loadFromOptions(opts, { printDiagnostics: false });
    const extra = [
      ...loaded.diagnostics,
      ...loaded.state.diagnostics,
      ...lintIngressAnnotations(loaded.state),
      ...lintGateways(loaded.state),
    ];
    const findings = lintCluster(compilePolicy(loaded.state), extra, loaded.objects);
    const errors = findings.filter((d) => d.severity === "error").length;
    const warnings = findings.length - errors;
    if (opts.output === "json") printJSON({ findings, errors, warnings });
    else process.stdout.write(formatFindings(findings));
    if (errors > 0 || (opts.strict && warnings > 0)) process.exitCode = 1;
  });
}
