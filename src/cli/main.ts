#!/usr/bin/env node
/**
 * michi's command-line entry point (composition root). Each command lives in
 * cli/commands/<name>.ts and registers itself here; flags, exit codes and JSON
 * shapes follow shared/CLI.md.
 */
import { Command, CommanderError } from "commander";
import { MichiError } from "../api/diagnostics.js";
import { registerCommands } from "./commands/index.js";

export async function main(argv: string[]): Promise<number> {
  const program = new Command();
  program
    .name("michi")
    .description(
      "Kubernetes networking — Services, Ingress, NetworkPolicy and cluster DNS — computed, explained and run locally",
    )
    .version("0.1.0")
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return err.exitCode;
    }
    if (err instanceof MichiError) {
      process.stderr.write(`michi: ${err.message}\n`);
      return 2;
    }
    const e = err as Error;
    process.stderr.write(`michi: internal error: ${e?.message ?? String(err)}\n`);
    if (process.env.MICHI_DEBUG) process.stderr.write(`${e?.stack ?? ""}\n`);
    return 70;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
