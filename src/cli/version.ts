/**
 * michi's version, read from package.json at run time (one source of truth
 * for `michi --version` and `michi version`).
 */
import { readFileSync } from "node:fs";

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: string;
    };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

export const VERSION: string = readVersion();
