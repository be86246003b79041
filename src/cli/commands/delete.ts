/** `michi delete -f PATH...` against a running `michi up` (see apply.ts). */
import type { Command } from "commander";
import { registerChange } from "./apply.js";

export function register(program: Command): void {
  registerChange(program, "delete");
}
