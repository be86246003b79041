#!/usr/bin/env node
/**
 * michi's command-line entry point (composition root). Each command lives in
 * cli/commands/<name>.ts and registers itself here; flags, exit codes and JSON
 * shapes follow docs/cli.md. Exit codes, for every command: 0 success, 1 the
 * command ran and found a failure (errors, a denied verdict with
 * --exit-code, a failed connection), 2 usage or input error (unknown flag,
 * missing argument, unreadable -f), 70 internal error. A usage error is one
 * line and a pointer to `--help`, as kubectl prints it.
 */
import { Command, CommanderError } from "commander";
import { MichiError } from "../api/diagnostics.js";
import { painter } from "./colour.js";
import { registerCommands } from "./commands/index.js";
import { EXIT_INTERNAL, EXIT_USAGE, exitCodeFor, exitCodesHelp } from "./exit-codes.js";
import { installPipeGuard } from "./pipe.js";
import { VERSION } from "./version.js";

function programFor(): Command {
  const program = new Command();
  program
    .name("michi")
    .description(
      "Kubernetes networking — Services, Ingress, NetworkPolicy and cluster DNS — computed, explained and run locally",
    )
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      outputError: (str, write) => write(painter(process.stderr).bad(str)),
    });
  registerCommands(program);
  program.showHelpAfterError("See 'michi --help' for usage.");
  for (const cmd of program.commands) {
    cmd.showHelpAfterError(`See 'michi ${cmd.name()} --help' for usage.`);
    cmd.exitOverride();
    cmd.addHelpText("after", exitCodesHelp(cmd.name()));
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = programFor();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0; `michi` alone prints the help (exit 2).
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (err instanceof MichiError) {
      process.stderr.write(`${painter(process.stderr).bad("michi:")} ${err.message}\n`);
      return exitCodeFor(err);
    }
    const e = err as Error;
    process.stderr.write(`michi: internal error: ${e?.message ?? String(err)}\n`);
    if (process.env.MICHI_DEBUG) process.stderr.write(`${e?.stack ?? ""}\n`);
    return EXIT_INTERNAL;
  }
}

installPipeGuard();
main(process.argv).then((code) => {
  process.exitCode = code;
});
