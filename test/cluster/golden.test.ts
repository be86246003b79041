/**
 * Golden files for the controllers: test/fixtures/cluster/<case>.in.yaml →
 * <case>.golden.json (the whole derived state), plus the two examples.
 * UPDATE_GOLDEN=1 rewrites them; review the diff before committing.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/api/types.js";
import { buildCluster } from "../../src/cluster/build.js";
import { defaultConfig } from "../../src/cluster/config.js";
import { loadDir, parseObjects, type SnapshotOptions, snapshot, snapshotOptions } from "./helpers.js";

const root = join(import.meta.dirname, "../..");
const fixtures = join(root, "test/fixtures/cluster");
const update = process.env.UPDATE_GOLDEN === "1";

interface Case {
  name: string;
  load: () => KubeObject[];
  opts: SnapshotOptions;
}

const cases: Case[] = [
  // The examples record everything, system objects included, as `michi get -A` shows them.
  {
    name: "example-idp-system",
    load: () => loadDir(join(root, "examples/idp-system")),
    opts: { system: true },
  },
  { name: "example-my-app", load: () => loadDir(join(root, "examples/my-app")), opts: { system: true } },
  ...readdirSync(fixtures)
    .filter((f) => f.endsWith(".in.yaml"))
    .sort()
    .map((f) => {
      const text = readFileSync(join(fixtures, f), "utf8");
      return {
        name: f.replace(/\.in\.yaml$/, ""),
        load: () => parseObjects(text),
        opts: snapshotOptions(text),
      };
    }),
];

describe("controller golden files", () => {
  it.each(cases)("$name", ({ name, load, opts }) => {
    const config =
      opts.createNamespaces === undefined
        ? defaultConfig
        : { ...defaultConfig, createNamespaces: opts.createNamespaces };
    const got = snapshot(buildCluster(load(), config), opts);
    const file = join(fixtures, `${name}.golden.json`);
    if (update || !existsSync(file)) {
      writeFileSync(file, `${JSON.stringify(got, null, 2)}\n`);
      if (!update) throw new Error(`wrote missing golden file ${file}; rerun`);
    }
    expect(got).toEqual(JSON.parse(readFileSync(file, "utf8")));
  });
});
