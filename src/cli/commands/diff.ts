/**
 * `michi diff --base PATH... --head PATH...` / `michi diff --base-git REV -f PATH...`:
 * what a change to the manifests does (shared/CLI.md "diff and CI output"):
 * connections newly allowed or denied, Service backends, Ingress routes,
 * cluster DNS names, lint findings. Exit 1 when anything changes (0 with
 * --exit-zero), 2 on usage errors.
 */
import { type Command, Option } from "commander";
import { MichiError } from "../../api/diagnostics.js";
import { changeCount, type DiffResult, diffManifests } from "../../diff/diff.js";
import { formatDiffText, palette, wantsColour } from "../../diff/format-text.js";
import { loadFromGit } from "../../diff/git-source.js";
import { CI_FORMATS, isCIFormat, renderCI } from "../../report/ci-output.js";
import { diffItems } from "../../report/diff-items.js";
import { formatDiffMarkdown } from "../../report/diff-markdown.js";
import { loadSnapshot } from "../../snapshot/load.js";
import { type Snapshot, snapshotOf } from "../../snapshot/snapshot.js";
import { configFromOptions, type ManifestOptions } from "../common.js";
import { portsFromOptions } from "./matrix.js";

interface DiffOptions extends ManifestOptions {
  base: string[];
  head: string[];
  baseGit?: string;
  output: string;
  exitZero?: boolean;
  ports?: string;
  protocols?: string;
}

const FORMATS = ["text", "json", "md", ...CI_FORMATS] as const;
const collect = (v: string, prev: string[] = []) => [...prev, v];

async function loadPaths(paths: readonly string[], opts: DiffOptions): Promise<Snapshot> {
  const r = await loadSnapshot(paths, configFromOptions(opts));
  const unreadable = r.diagnostics.find((d) => d.code === "FileUnreadable");
  if (unreadable) throw new MichiError("FileUnreadable", unreadable.message);
  return r;
}

/** The JSON contract: the diff without timings. */
export function diffJSON(d: DiffResult): Record<string, unknown> {
  const { timings: _t, ...rest } = d;
  return rest;
}

export function render(d: DiffResult, format: string, colour: boolean, exitCode?: number): string {
  if (isCIFormat(format))
    return renderCI(format, diffItems(d), {
      command: "diff",
      ...(exitCode !== undefined ? { exitCode } : {}),
    });
  switch (format) {
    case "json":
      return `${JSON.stringify(diffJSON(d), null, 2)}\n`;
    case "md":
      return formatDiffMarkdown(d);
    default:
      return formatDiffText(d, palette(colour));
  }
}

export async function runDiff(opts: DiffOptions): Promise<{ result: DiffResult; code: number }> {
  if (!(FORMATS as readonly string[]).includes(opts.output))
    throw new MichiError(
      "BadFlag",
      `-o: expected one of ${FORMATS.join(", ")}, got ${JSON.stringify(opts.output)}`,
    );
  let base: Snapshot;
  let headPaths: string[];
  if (opts.baseGit !== undefined) {
    if (opts.base.length > 0) throw new MichiError("BadFlag", "--base and --base-git exclude each other");
    headPaths = [...opts.filename, ...opts.head];
    if (headPaths.length === 0)
      throw new MichiError("NoInput", "--base-git REV needs the manifests to compare: -f PATH...");
    const fromGit = loadFromGit(opts.baseGit, headPaths);
    base = snapshotOf(fromGit.objects, fromGit.diagnostics, configFromOptions(opts));
  } else {
    headPaths = [...opts.head, ...opts.filename];
    if (opts.base.length === 0)
      throw new MichiError("NoInput", "no base given: use --base PATH... (or --base-git REV)");
    if (headPaths.length === 0) throw new MichiError("NoInput", "no head given: use --head PATH...");
    base = await loadPaths(opts.base, opts);
  }
  const head = await loadPaths(headPaths, opts);
  const ports =
    opts.ports !== undefined || opts.protocols !== undefined
      ? portsFromOptions([...base.state.pods, ...head.state.pods], opts.ports, opts.protocols)
      : undefined;
  const result = diffManifests(base, head, ports ? { ports } : {});
  return { result, code: changeCount(result) > 0 && !opts.exitZero ? 1 : 0 };
}

export function register(program: Command): void {
  program
    .command("diff")
    .description(
      "what a change to the manifests does: connections newly allowed or denied, routes, DNS names, findings",
    )
    .addOption(
      new Option("--base <path>", "the old manifests (file, directory); repeatable")
        .argParser(collect)
        .default([]),
    )
    .addOption(
      new Option("--head <path>", "the new manifests (file, directory, -); repeatable")
        .argParser(collect)
        .default([]),
    )
    .option("--base-git <rev>", "take the old manifests from git at REV for the same -f paths (no checkout)")
    .addOption(
      new Option("-f, --filename <path>", "with --base-git: the manifests (as --head); repeatable")
        .argParser(collect)
        .default([]),
    )
    .option("-o, --output <format>", `output: ${FORMATS.join("|")}`, "text")
    .option("--exit-zero", "exit 0 even when something changes")
    .option("--ports <list>", "comma-separated ports to compare (default: every declared containerPort)")
    .option("--protocols <list>", "comma-separated protocols: TCP,UDP,SCTP")
    .option("--nodes <n>", "number of nodes when the manifests define none (default 3)")
    .option("--cluster-domain <domain>", "cluster DNS domain (default cluster.local)")
    .action(async (opts: DiffOptions) => {
      const { result, code } = await runDiff(opts);
      process.stdout.write(render(result, opts.output, wantsColour(process.stdout), code));
      process.exitCode = code;
    });
}
