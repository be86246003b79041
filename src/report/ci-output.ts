/**
 * `-o sarif|junit|github` for validate, lint and diff: the ReportItems of a
 * run in the chosen CI format, as one string for stdout.
 */
import { kindInfo } from "../api/kinds.js";
import { sourceOf } from "../api/source.js";
import type { KubeObject } from "../api/types.js";
import { formatGitHub } from "./github.js";
import { casesFor, formatJUnit } from "./junit.js";
import { objectName, type ReportItem } from "./report-item.js";
import { formatSarif } from "./sarif.js";

export const CI_FORMATS = ["sarif", "junit", "github"] as const;
export type CIFormat = (typeof CI_FORMATS)[number];

export function isCIFormat(f: string | undefined): f is CIFormat {
  return f !== undefined && (CI_FORMATS as readonly string[]).includes(f);
}

export interface CIOutputOptions {
  /** validate, lint or diff. */
  command: string;
  /** JUnit: every object loaded is a testcase, passing or not. */
  objects?: readonly KubeObject[];
  /** JUnit: warnings fail their testcase too (lint --strict). */
  strict?: boolean;
  exitCode?: number;
}

export function junitObjects(
  objects: readonly KubeObject[],
): { name: string; file?: string; line?: number }[] {
  const out: { name: string; file?: string; line?: number }[] = [];
  for (const o of objects) {
    // Namespaced objects without a namespace land in `default`, as diagnostics name them.
    const ns = o.metadata?.namespace ?? (kindInfo(o.kind)?.namespaced ? "default" : undefined);
    const name = objectName({
      ...(o.kind !== undefined ? { kind: o.kind } : {}),
      ...(ns !== undefined ? { namespace: ns } : {}),
      ...(o.metadata?.name !== undefined ? { name: o.metadata.name } : {}),
    });
    if (name === undefined) continue;
    const src = sourceOf(o);
    out.push({ name, ...(src ? { file: src.file, line: src.line } : {}) });
  }
  return out;
}

export function renderCI(format: CIFormat, items: readonly ReportItem[], opts: CIOutputOptions): string {
  switch (format) {
    case "sarif":
      return `${JSON.stringify(
        formatSarif(items, {
          command: opts.command,
          ...(opts.exitCode !== undefined ? { exitCode: opts.exitCode } : {}),
        }),
        null,
        2,
      )}\n`;
    case "junit":
      return formatJUnit(`michi ${opts.command}`, casesFor(junitObjects(opts.objects ?? []), items), {
        strict: opts.strict === true,
      });
    case "github":
      return formatGitHub(items);
  }
}
