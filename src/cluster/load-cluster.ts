/**
 * The pipeline every command starts with: read manifests (api/load.ts),
 * validate them as the API server would (api/validate.ts), drop what the API
 * server would reject, and run the controllers (cluster/build.ts).
 */
import type { Diagnostic } from "../api/diagnostics.js";
import { type LoadOptions, loadManifests } from "../api/load.js";
import type { KubeObject } from "../api/types.js";
import { validateObjects } from "../api/validate.js";
import { buildCluster } from "./build.js";
import type { ClusterConfig } from "./config.js";
import type { ClusterState } from "./state.js";

export interface LoadClusterResult {
  state: ClusterState;
  /** Objects as read (valid and invalid). */
  objects: KubeObject[];
  /** Load + validation diagnostics (controller diagnostics are in state.diagnostics). */
  diagnostics: Diagnostic[];
  /** True when any load or validation error was found. */
  hasErrors: boolean;
}

export async function loadCluster(
  paths: readonly string[],
  config: ClusterConfig,
  options: LoadOptions = {},
): Promise<LoadClusterResult> {
  const loaded = await loadManifests(paths, options);
  return buildFromObjects(loaded.objects, loaded.diagnostics, config);
}

/** Validate already-loaded objects and build the state from the valid ones. */
export function buildFromObjects(
  objects: KubeObject[],
  loadDiagnostics: readonly Diagnostic[],
  config: ClusterConfig,
): LoadClusterResult {
  const validation = validateObjects(objects, { nodePortRange: config.nodePortRange });
  const diagnostics = [...loadDiagnostics, ...validation.diagnostics];
  const state = buildCluster(validation.valid, config);
  return {
    state,
    objects,
    diagnostics,
    hasErrors: diagnostics.some((d) => d.severity === "error"),
  };
}
