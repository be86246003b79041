/**
 * `michi version [-o json]`: michi's version and the Node.js it runs on
 * (kubectl's habit: `version` is a command, `--version` a flag).
 */
import type { Command } from "commander";
import { MichiError } from "../../api/diagnostics.js";
import { printJSON } from "../common.js";
import { VERSION } from "../version.js";

export function register(program: Command): void {
  program
    .command("version")
    .description("print michi's version (exit 0; 2 on a usage error)")
    .option("-o, --output <format>", "json for machine-readable output")
    .action((opts: { output?: string }) => {
      if (opts.output !== undefined && opts.output !== "json")
        throw new MichiError("BadFlag", `-o: expected json, got ${JSON.stringify(opts.output)}`);
      if (opts.output === "json") printJSON({ michi: VERSION, node: process.versions.node });
      else process.stdout.write(`michi ${VERSION} (Node.js ${process.versions.node})\n`);
    });
}
