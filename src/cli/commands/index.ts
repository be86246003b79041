/**
 * The command registry: one line per command module. Each module exports a
 * `register(program)` function and owns its flags and output.
 */
import type { Command } from "commander";
import { register as apply } from "./apply.js";
import { register as check } from "./check.js";
import { register as curl } from "./curl.js";
import { register as del } from "./delete.js";
import { register as diff } from "./diff.js";
import { register as dns } from "./dns.js";
import { register as flows } from "./flows.js";
import { register as get } from "./get.js";
import { register as lint } from "./lint.js";
import { register as logs } from "./logs.js";
import { register as matrix } from "./matrix.js";
import { register as probe } from "./probe.js";
import { register as route } from "./route.js";
import { register as ui } from "./ui.js";
import { register as up } from "./up.js";
import { register as validate } from "./validate.js";
import { register as version } from "./version.js";

type Register = (program: Command) => void;

const commands: Register[] = [
  ui,
  validate,
  get,
  up,
  apply,
  del,
  curl,
  flows,
  logs,
  probe,
  check,
  matrix,
  lint,
  route,
  dns,
  version,
  diff,
];

export function registerCommands(program: Command): void {
  for (const register of commands) register(program);
}
