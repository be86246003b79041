/**
 * Compile, check, then swap: the immutable snapshot every data path reads.
 * `compileSnapshot` validates the desired objects with the same validation as
 * `michi validate`, runs the controllers (sticky allocations from the previous
 * state) and compiles each plane's table. Any validation error refuses the
 * whole change — the caller keeps serving the previous snapshot — so the
 * running network only ever reflects a state the API server would accept.
 */
import type { Diagnostic } from "../api/diagnostics.js";
import type { KubeObject } from "../api/types.js";
import { validateObjects } from "../api/validate.js";
import { buildCluster } from "../cluster/build.js";
import type { ClusterConfig } from "../cluster/config.js";
import type { ClusterState } from "../cluster/state.js";
import { compilePolicy, type PolicyEngine } from "../policy/engine.js";
import { compileServiceTable, type ServiceTable } from "../service/service-table.js";
import { compilePlanes, type Planes } from "./planes.js";

export interface Snapshot {
  readonly version: number;
  /** The desired objects (as applied), in a stable order. */
  readonly objects: readonly KubeObject[];
  readonly state: ClusterState;
  readonly policy: PolicyEngine;
  readonly services: ServiceTable;
  readonly planes: Planes;
  /** Load warnings + controller diagnostics of this snapshot (errors refuse the snapshot). */
  readonly diagnostics: readonly Diagnostic[];
  readonly createdAt: string;
}

export type CompileResult = { ok: true; snapshot: Snapshot } | { ok: false; diagnostics: Diagnostic[] };

export interface CompileOptions {
  hostIP?: string;
  /** Diagnostics from loading files (YAML errors refuse the change too). */
  loadDiagnostics?: readonly Diagnostic[];
}

export function compileSnapshot(
  objects: readonly KubeObject[],
  config: ClusterConfig,
  previous: Snapshot | undefined,
  options: CompileOptions = {},
): CompileResult {
  const validation = validateObjects([...objects], { nodePortRange: config.nodePortRange });
  const diagnostics = [...(options.loadDiagnostics ?? []), ...validation.diagnostics];
  if (diagnostics.some((d) => d.severity === "error")) return { ok: false, diagnostics };
  try {
    const state = buildCluster(validation.valid, config, previous?.state);
    const policy = compilePolicy(state);
    const services = compileServiceTable(
      state,
      options.hostIP !== undefined ? { hostIP: options.hostIP } : {},
    );
    const planes = compilePlanes(state);
    return {
      ok: true,
      snapshot: Object.freeze({
        version: (previous?.version ?? 0) + 1,
        objects: [...objects],
        state,
        policy,
        services,
        planes,
        diagnostics: [...diagnostics, ...state.diagnostics],
        createdAt: new Date().toISOString(),
      }),
    };
  } catch (err) {
    // A controller bug must not take down a running instance: refuse the change, say why.
    return {
      ok: false,
      diagnostics: [
        ...diagnostics,
        {
          severity: "error",
          code: "CompileFailed",
          message: `compiling the new state failed: ${(err as Error).message}`,
        },
      ],
    };
  }
}
