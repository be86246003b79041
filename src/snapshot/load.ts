/**
 * The analysis commands' pipeline: read the manifests (api/load.ts) and make
 * a lenient snapshot of them — invalid objects dropped as the API server
 * would reject them, their errors kept in `diagnostics`.
 */
import { type LoadOptions, loadManifests } from "../api/load.js";
import type { ClusterConfig } from "../cluster/config.js";
import { type Snapshot, snapshotOf } from "./snapshot.js";

export async function loadSnapshot(
  paths: readonly string[],
  config: ClusterConfig,
  options: LoadOptions = {},
): Promise<Snapshot> {
  const loaded = await loadManifests(paths, options);
  return snapshotOf(loaded.objects, loaded.diagnostics, config);
}
