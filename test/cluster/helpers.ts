/**
 * Test helpers for the controllers: manifests parsed with the `yaml` package
 * (independent of the loader under test elsewhere), the state reduced to the
 * objects a golden file records.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { KubeObject } from "../../src/api/types.js";
import type { ClusterState } from "../../src/cluster/state.js";

export function parseObjects(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null && typeof o === "object");
}

export function loadDir(dir: string): KubeObject[] {
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml)$/.test(f))
    .sort()
    .flatMap((f) => parseObjects(readFileSync(join(dir, f), "utf8")));
}

export interface SnapshotOptions {
  /** Keep objects marked `michi.dev/system` (default: drop them, they are the same in every case). */
  system?: boolean;
  /** Only these state fields (default: all). */
  fields?: readonly string[];
  /** `# golden: createNamespaces=false`: build as with --no-create-namespaces. */
  createNamespaces?: boolean;
}

const isSystem = (o: unknown) => (o as KubeObject).metadata?.annotations?.["michi.dev/system"] === "true";

/** Everything the controllers derived, without the config and the index (functions). */
export function snapshot(state: ClusterState, opts: SnapshotOptions = {}): Record<string, unknown> {
  const { config: _c, index: _i, ...rest } = state;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rest)) {
    if (opts.fields && !opts.fields.includes(k)) continue;
    out[k] = Array.isArray(v) && k !== "diagnostics" && !opts.system ? v.filter((o) => !isSystem(o)) : v;
  }
  return JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
}

/** `# golden: fields=a,b system=true` on the first line of a case file. */
export function snapshotOptions(text: string): SnapshotOptions {
  const m = /^# golden:(.*)$/m.exec(text);
  const opts: SnapshotOptions = {};
  for (const part of (m?.[1] ?? "").trim().split(/\s+/)) {
    const [k, v] = part.split("=");
    if (k === "fields" && v) opts.fields = v.split(",");
    if (k === "system") opts.system = v === "true";
    if (k === "createNamespaces") opts.createNamespaces = v === "true";
  }
  return opts;
}
