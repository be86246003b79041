/**
 * SARIF 2.1.0 (OASIS), the format code-scanning services read: one run of
 * the `michi` tool, its rules (one per rule id seen, with the description
 * from rules.ts and a link to docs/ci.md), one result per item with its
 * level, message and physicalLocation (artifact URI relative to the working
 * directory, region startLine/startColumn). Diff results carry SARIF's
 * baselineState (`new`, `absent`) for findings added and resolved.
 */
import { isAbsolute, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { ReportItem } from "./report-item.js";
import { RULES_HELP, ruleDescription } from "./rules.js";

export const SARIF_SCHEMA =
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

export interface SarifOptions {
  /** The command (`validate`, `lint`, `diff`), recorded in the run's automationDetails. */
  command: string;
  version?: string;
  cwd?: string;
  /** The exit code the command returns. */
  exitCode?: number;
}

/** A file name as a SARIF artifact URI: relative to `cwd` with `/` separators, or a file: URL outside it. */
export function artifactURI(file: string, cwd: string): string {
  const rel = isAbsolute(file) ? relative(cwd, file) : file;
  if (rel.startsWith("..") || isAbsolute(rel))
    return pathToFileURL(isAbsolute(file) ? file : `${cwd}/${file}`).href;
  return rel.split(sep).map(encodeURIComponent).join("/");
}

export function formatSarif(items: readonly ReportItem[], opts: SarifOptions): Record<string, unknown> {
  const cwd = opts.cwd ?? process.cwd();
  const ids = [...new Set(items.map((i) => i.ruleId))].sort();
  const index = new Map(ids.map((id, i) => [id, i]));
  const rules = ids.map((id) => ({
    id,
    name: id,
    shortDescription: { text: ruleDescription(id) },
    help: { text: RULES_HELP },
  }));
  const results = items.map((i) => {
    const r: Record<string, unknown> = {
      ruleId: i.ruleId,
      ruleIndex: index.get(i.ruleId),
      level: i.level,
      message: { text: i.message },
    };
    if (i.file !== undefined) {
      const region: Record<string, number> = {};
      if (i.line !== undefined && i.line >= 1) {
        region.startLine = i.line;
        if (i.col !== undefined && i.col >= 1) region.startColumn = i.col;
      }
      r.locations = [
        {
          physicalLocation: {
            artifactLocation: { uri: artifactURI(i.file, cwd) },
            ...(Object.keys(region).length > 0 ? { region } : {}),
          },
          ...(i.object !== undefined ? { logicalLocations: [{ name: i.object, kind: "object" }] } : {}),
        },
      ];
    } else if (i.object !== undefined) {
      r.locations = [{ logicalLocations: [{ name: i.object, kind: "object" }] }];
    }
    if (i.baseline !== undefined) r.baselineState = i.baseline;
    return r;
  });
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "michi",
            version: opts.version ?? "0.1.0",
            rules,
          },
        },
        automationDetails: { id: `michi/${opts.command}/` },
        invocations: [
          {
            executionSuccessful: true,
            ...(opts.exitCode !== undefined ? { exitCode: opts.exitCode } : {}),
          },
        ],
        columnKind: "unicodeCodePoints",
        results,
      },
    ],
  };
}
