/**
 * `michi validate -f PATH...`: load the manifests and check every object as
 * the API server would (shared/CLI.md). Every error is one line on stderr,
 * `FILE:LINE:COL: KIND NAMESPACE/NAME: FIELD.PATH: message`, warnings too
 * (`warning:`); a summary on stdout. Exit 0 without errors, 1 with errors,
 * 2 when a path cannot be read. `-o json` prints the diagnostics as JSON;
 * `-o sarif|junit|github` in a CI format (report/ci-output.ts).
 */
import { type Command, Option } from "commander";
import { type Diagnostic, formatDiagnostic, MichiError } from "../../api/diagnostics.js";
import { loadManifests } from "../../api/load.js";
import { sourceOf } from "../../api/source.js";
import type { KubeObject } from "../../api/types.js";
import { validateObjects } from "../../api/validate.js";
import { namespaceDiagnostics } from "../../cluster/namespaces.js";
import { CI_FORMATS, isCIFormat, renderCI } from "../../report/ci-output.js";
import { diagnosticItem } from "../../report/report-item.js";
import { createNamespacesOption } from "../common.js";

export interface ValidateCommandOptions {
  filename: string[];
  output?: string;
  /** false with --no-create-namespaces. */
  createNamespaces?: boolean;
}

export interface ValidateIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin?: string | NodeJS.ReadableStream;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Diagnostics by file (in input order), then line and column; those without a file first. */
function inSourceOrder(diags: Diagnostic[], objects: readonly KubeObject[]): Diagnostic[] {
  const order = new Map<string, number>();
  const note = (file: string | undefined) => {
    if (file !== undefined && !order.has(file)) order.set(file, order.size);
  };
  for (const o of objects) note(sourceOf(o)?.file);
  for (const d of diags) note(d.file);
  const rank = (d: Diagnostic) => (d.file === undefined ? -1 : (order.get(d.file) ?? 0));
  return diags
    .map((d, i) => ({ d, i }))
    .sort(
      (a, b) =>
        rank(a.d) - rank(b.d) ||
        (a.d.line ?? 0) - (b.d.line ?? 0) ||
        (a.d.col ?? 0) - (b.d.col ?? 0) ||
        a.i - b.i,
    )
    .map((x) => x.d);
}

/** Runs the command; returns the exit code. */
export async function runValidate(opts: ValidateCommandOptions, io: ValidateIO): Promise<number> {
  if (opts.filename.length === 0)
    throw new MichiError("NoInput", "no manifests given: use -f PATH (file, directory or -)");
  const output = opts.output ?? "text";
  if (output !== "text" && output !== "json" && !isCIFormat(output))
    throw new MichiError(
      "BadFlag",
      `-o: expected json or text, got ${JSON.stringify(output)} (CI formats: ${CI_FORMATS.join(", ")})`,
    );
  const loaded = await loadManifests(opts.filename, io.stdin === undefined ? {} : { stdin: io.stdin });
  const validation = validateObjects(loaded.objects);
  // Namespaces as every command decides them (cluster/namespaces.ts).
  const nsDiagnostics = namespaceDiagnostics(validation.valid, opts.createNamespaces !== false);
  const rejected = new Set(
    nsDiagnostics.filter((d) => d.severity === "error").map((d) => `${d.kind}/${d.namespace}/${d.name}`),
  );
  const accepted = validation.valid.filter(
    (o) => !rejected.has(`${o.kind}/${o.metadata?.namespace ?? "default"}/${o.metadata?.name ?? ""}`),
  ).length;
  const diagnostics = inSourceOrder(
    [...loaded.diagnostics, ...validation.diagnostics, ...nsDiagnostics],
    loaded.objects,
  );
  const unreadable = diagnostics.filter((d) => d.code === "FileUnreadable");
  const errors = diagnostics.filter((d) => d.severity === "error");
  const warnings = diagnostics.length - errors.length;
  const code = unreadable.length > 0 ? 2 : errors.length > 0 ? 1 : 0;
  if (isCIFormat(output)) {
    io.stdout.write(
      renderCI(output, diagnostics.map(diagnosticItem), {
        command: "validate",
        objects: loaded.objects,
        exitCode: code,
      }),
    );
    return code;
  }
  if (output === "json") {
    io.stdout.write(
      `${JSON.stringify(
        {
          valid: errors.length === 0,
          objects: loaded.objects.length,
          accepted,
          errors: errors.length,
          warnings,
          diagnostics: diagnostics.map((d) => ({ ...d, text: formatDiagnostic(d) })),
        },
        null,
        2,
      )}\n`,
    );
  } else {
    for (const d of diagnostics) io.stderr.write(`${formatDiagnostic(d)}\n`);
    const summary =
      errors.length === 0
        ? `${plural(loaded.objects.length, "object")} valid`
        : `${plural(errors.length, "error")} in ${plural(loaded.objects.length, "object")} (${accepted} valid)`;
    io.stdout.write(`${summary}${warnings > 0 ? `, ${plural(warnings, "warning")}` : ""}\n`);
  }
  if (unreadable.length > 0) return 2;
  return errors.length > 0 ? 1 : 0;
}

export function register(program: Command): void {
  program
    .command("validate")
    .description(
      "check manifests as the API server would; every error as FILE:LINE:COL: KIND NAMESPACE/NAME: FIELD: message",
    )
    .addOption(
      // Checked in runValidate rather than by commander, so a usage error exits 2 like other input errors.
      new Option(
        "-f, --filename <path>",
        "manifest file, directory (recursive) or - for stdin; repeatable (required)",
      )
        .argParser(collect)
        .default([]),
    )
    .addOption(
      new Option(
        "-o, --output <format>",
        "json: the diagnostics as JSON; sarif, junit, github: for CI (default: one line per problem)",
      ),
    )
    .addOption(createNamespacesOption())
    .action(async (opts: ValidateCommandOptions) => {
      process.exitCode = await runValidate(opts, { stdout: process.stdout, stderr: process.stderr });
    });
}
