/**
 * Policy test fixtures: the hand-built state helper (src/policy/testing.ts)
 * and the upstream e2e netpol model (test/policy/e2e/model.yaml).
 */
import { readFileSync } from "node:fs";

export { makeState, parseYAML } from "../../src/policy/testing.js";

/** The upstream e2e netpol model (test/policy/e2e/model.yaml). */
export const E2E_MODEL_YAML = readFileSync(new URL("./e2e/model.yaml", import.meta.url), "utf8");

export const E2E_PODS = ["x/a", "x/b", "x/c", "y/a", "y/b", "y/c", "z/a", "z/b", "z/c"] as const;
