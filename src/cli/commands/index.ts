/**
 * The command registry: one line per command module. Each module exports a
 * `register(program)` function and owns its flags and output.
 */
import type { Command } from "commander";

type Register = (program: Command) => void;

const commands: Register[] = [];

export function registerCommands(program: Command): void {
  for (const register of commands) register(program);
}
