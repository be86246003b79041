/**
 * The incremental findings (only changed policies linted when pods and
 * namespaces are the same) give the same findings diff as linting both
 * versions in full, for every idp-system scenario that keeps the pods.
 */
import { describe, expect, it } from "vitest";
import { EXAMPLE, editedCopy, SCENARIOS } from "../../test/diff/scenarios.js";
import { makeConfig } from "../cluster/config.js";
import { compilePolicy } from "../policy/engine.js";
import { loadSnapshot } from "../snapshot/load.js";
import { changedPolicies } from "./connection-diff.js";
import { lintBoth } from "./diff-lint.js";
import { diffFindings, findingKey } from "./finding-diff.js";
import { workloadNamer } from "./workloads.js";
import { podWorld } from "./world.js";

describe("lintBoth", () => {
  it.each(Object.entries(SCENARIOS))("gives the full lint's findings diff: %s", async (_n, edit) => {
    const bl = await loadSnapshot([EXAMPLE], makeConfig({}));
    const copy = editedCopy([edit]);
    try {
      const hl = await loadSnapshot([copy.dir], makeConfig({}));
      const base = { loaded: bl, engine: compilePolicy(bl.state) };
      const head = { loaded: hl, engine: compilePolicy(hl.state) };
      expect(podWorld(bl.state, workloadNamer(bl.state))).toBe(podWorld(hl.state, workloadNamer(hl.state)));
      const changed = changedPolicies(base.engine, head.engine);
      const full = lintBoth(base, head, false, changed);
      const fast = lintBoth(base, head, true, changed);
      const keys = (d: ReturnType<typeof diffFindings>) => ({
        added: d.added.map(findingKey).sort(),
        resolved: d.resolved.map(findingKey).sort(),
      });
      expect(keys(diffFindings(fast.base, fast.head))).toEqual(keys(diffFindings(full.base, full.head)));
    } finally {
      copy.cleanup();
    }
  });
});
