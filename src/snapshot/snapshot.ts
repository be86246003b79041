/**
 * The snapshot: everything michi computes from one set of desired objects,
 * immutable once made — the derived cluster state and the table each plane
 * needs (policy index, service table, DNS zone, Ingress route table). The
 * analysis commands, the dashboard and `michi up`'s data plane all read one
 * of these, so what `check` says is what `up` does.
 *
 * `compileSnapshot` is the one way to make one (pure: no I/O):
 * - mode `refuse` (`michi up`): any load or validation error refuses the
 *   whole change and every plane is compiled before the caller may swap, so
 *   a failing compile leaves the previous snapshot serving;
 * - mode `lenient` (the CLI, `michi ui`): invalid objects are dropped, as the
 *   API server would reject them, their errors kept in `diagnostics`, and
 *   each plane's table is compiled the first time something reads it.
 */
import type { Diagnostic } from "../api/diagnostics.js";
import type { KubeObject } from "../api/types.js";
import { validateObjects } from "../api/validate.js";
import { buildCluster } from "../cluster/build.js";
import type { ClusterConfig } from "../cluster/config.js";
import type { ClusterState } from "../cluster/state.js";
import { buildZone, type Zone } from "../dns/zone.js";
import { compileRoutes } from "../ingress/route-table.js";
import type { RouteTable } from "../ingress/route-types.js";
import { compilePolicy, type PolicyEngine } from "../policy/engine.js";
import { compileServiceTable, type ServiceTable } from "../service/service-table.js";

export type CompileMode = "refuse" | "lenient";

export interface CompileOptions {
  mode: CompileMode;
  /** The snapshot being replaced: allocations (IPs, NodePorts) stay put, the version follows it. */
  previous?: Snapshot | undefined;
  /** Diagnostics from reading the manifests (YAML errors refuse the change in `refuse` mode). */
  loadDiagnostics?: readonly Diagnostic[];
  /** This machine's address, where NodePorts also listen (the service table lists it). */
  hostIP?: string;
}

export interface Snapshot {
  readonly version: number;
  /** The desired objects as given (valid and, in lenient mode, invalid ones too), in their order. */
  readonly objects: readonly KubeObject[];
  readonly state: ClusterState;
  /** Load and validation diagnostics (the controllers' own are in `state.diagnostics`). */
  readonly diagnostics: readonly Diagnostic[];
  /** True when any load or validation error was found (only possible in lenient mode). */
  readonly hasErrors: boolean;
  readonly policy: PolicyEngine;
  readonly services: ServiceTable;
  readonly zone: Zone;
  readonly routes: RouteTable;
  readonly createdAt: string;
}

export type CompileResult = { ok: true; snapshot: Snapshot } | { ok: false; diagnostics: Diagnostic[] };

/** Every diagnostic of a snapshot: input (load, validation) first, then the controllers'. */
export function allDiagnostics(snap: Snapshot): Diagnostic[] {
  return [...snap.diagnostics, ...snap.state.diagnostics];
}

class CompiledSnapshot implements Snapshot {
  #policy: PolicyEngine | undefined;
  #services: ServiceTable | undefined;
  #zone: Zone | undefined;
  #routes: RouteTable | undefined;
  readonly createdAt = new Date().toISOString();

  constructor(
    readonly version: number,
    readonly objects: readonly KubeObject[],
    readonly state: ClusterState,
    readonly diagnostics: readonly Diagnostic[],
    readonly hasErrors: boolean,
    private readonly hostIP: string | undefined,
  ) {}

  get policy(): PolicyEngine {
    this.#policy ??= compilePolicy(this.state);
    return this.#policy;
  }

  get services(): ServiceTable {
    this.#services ??= compileServiceTable(
      this.state,
      this.hostIP !== undefined ? { hostIP: this.hostIP } : {},
    );
    return this.#services;
  }

  get zone(): Zone {
    this.#zone ??= buildZone(this.state);
    return this.#zone;
  }

  get routes(): RouteTable {
    this.#routes ??= compileRoutes(this.state);
    return this.#routes;
  }

  /** Compiles every plane now (refuse mode: a plane that fails to compile refuses the change). */
  compileAll(): void {
    void this.policy;
    void this.services;
    void this.zone;
    void this.routes;
  }
}

export function compileSnapshot(
  objects: readonly KubeObject[],
  config: ClusterConfig,
  options: CompileOptions,
): CompileResult {
  const validation = validateObjects([...objects], { nodePortRange: config.nodePortRange });
  const diagnostics = [...(options.loadDiagnostics ?? []), ...validation.diagnostics];
  const hasErrors = diagnostics.some((d) => d.severity === "error");
  if (options.mode === "refuse" && hasErrors) return { ok: false, diagnostics };
  const version = (options.previous?.version ?? 0) + 1;
  if (options.mode === "lenient") {
    const state = buildCluster(validation.valid, config, options.previous?.state);
    const snapshot = new CompiledSnapshot(
      version,
      [...objects],
      state,
      diagnostics,
      hasErrors,
      options.hostIP,
    );
    return { ok: true, snapshot: Object.freeze(snapshot) };
  }
  try {
    const state = buildCluster(validation.valid, config, options.previous?.state);
    const snapshot = new CompiledSnapshot(version, [...objects], state, diagnostics, false, options.hostIP);
    snapshot.compileAll();
    return { ok: true, snapshot: Object.freeze(snapshot) };
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

/** A lenient snapshot of already-loaded objects (what every analysis command works on). */
export function snapshotOf(
  objects: readonly KubeObject[],
  loadDiagnostics: readonly Diagnostic[],
  config: ClusterConfig,
): Snapshot {
  const r = compileSnapshot(objects, config, { mode: "lenient", loadDiagnostics });
  if (!r.ok) throw new Error("a lenient compile never refuses");
  return r.snapshot;
}
