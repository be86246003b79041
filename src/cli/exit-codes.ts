/**
 * Exit codes, one table for every command: what `--help` prints under
 * "Exit codes:" and docs/cli.md lists. Common to all: 2 is a usage or input
 * error (unknown flag, missing argument, bad flag value, unreadable -f), as
 * kubectl and most CLIs use it; 70 an internal error (a bug: please report).
 */
import type { MichiError } from "../api/diagnostics.js";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 70;

/** MichiError codes that mean "the command was asked wrongly" (exit 2); any other MichiError exits 1. */
const USAGE_CODES = new Set([
  "BadFlag",
  "BadArgument",
  "BadTarget",
  "NoInput",
  "FileUnreadable",
  "UnknownResource",
  "BadRevision",
]);

/** The exit code for an error a command threw. */
export function exitCodeFor(err: MichiError): number {
  return USAGE_CODES.has(err.code) ? EXIT_USAGE : EXIT_FAILED;
}

const SERVER = "1 the running michi up cannot be reached or refused the request";

/** Per command: what 0 and 1 mean (2 and 70 are the same for all). */
export const COMMAND_EXIT_CODES: Readonly<Record<string, readonly string[]>> = {
  validate: ["0 every object is valid (warnings may be printed)", "1 at least one error"],
  get: ["0 the objects were printed (or none exist)", "1 a NAME asked for was not found"],
  check: [
    "0 the verdict was printed, whatever it is",
    "1 with --exit-code: the connection is denied; without: SRC or DST not found",
  ],
  matrix: ["0 the table was printed"],
  lint: [
    "0 no error findings (warnings allowed unless --strict)",
    "1 an error (or, with --strict, a warning)",
  ],
  route: ["0 the routing decision was printed, whatever its status"],
  dns: ["0 an answer was printed (NXDOMAIN included)"],
  up: [
    "0 stopped by SIGINT/SIGTERM",
    "1 the manifests have errors (nothing started) or a listener could not start",
  ],
  ui: ["0 stopped by SIGINT/SIGTERM", "1 the dashboard could not start"],
  apply: ["0 applied", "1 invalid manifests (nothing changed), or refused by the server"],
  delete: ["0 deleted", "1 refused by the server (nothing changed)"],
  curl: [
    "0 an HTTP response arrived (any status)",
    "6 the host name did not resolve from the pod (curl's code)",
    "7 the connection failed or was denied (curl's code)",
    SERVER,
  ],
  flows: ["0 the flows were printed", SERVER],
  logs: ["0 the log was printed", "1 no such pod, or the server cannot be reached"],
  probe: ["0 the table was printed, whatever the verdicts", SERVER],
  version: ["0 the version was printed"],
};

/** The "Exit codes:" section of a command's --help. */
export function exitCodesHelp(command: string): string {
  const own = COMMAND_EXIT_CODES[command] ?? ["0 success", "1 failure"];
  const lines = [
    ...own,
    "2 usage error: unknown flag, missing argument, bad value, unreadable -f",
    "70 internal error (a bug: please report it)",
  ];
  return `\nExit codes:\n${lines.map((l) => `  ${l}`).join("\n")}\n`;
}
