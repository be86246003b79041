/**
 * The narrow view of a running `michi up` that its clients inside the
 * process depend on — the admin API, the dashboard, the ready report, the
 * Kubernetes API — instead of the whole instance: the snapshot being served,
 * what the data plane serves, the flow log, counters, the last refused
 * change, and the two change paths (apply, delete).
 */
import type { Diagnostic } from "../api/diagnostics.js";
import type { KubeObject } from "../api/types.js";
import type { AddressMap } from "../cluster/address-map.js";
import type { Snapshot } from "../snapshot/snapshot.js";
import type { ChangeOutcome, ObjectStore } from "../store/object-store.js";
import type { FlowLog } from "./flows.js";
import type { RuntimeEntry } from "./pod-manager.js";
import type { PortRule } from "./port-rule.js";

export interface HostPort {
  host: string;
  port: number;
}

export type DenyAction = "drop" | "reject";

/** How the instance maps the model onto this machine. */
export interface UpSettings {
  readonly addressMap: AddressMap;
  readonly portRule: PortRule;
  /** This machine's address: an outside client, and where NodePorts also listen. */
  readonly hostIP: string;
  readonly deny: DenyAction;
  readonly dns?: HostPort;
  readonly http?: HostPort;
  readonly https?: HostPort;
}

/** What the data plane serves right now. */
export interface PlaneView {
  readonly runtimes: ReadonlyMap<string, RuntimeEntry>;
  /** Pods whose server could not start (`ns/name` → why). */
  readonly podErrors: ReadonlyMap<string, string>;
  /** Listener keys → what they serve. */
  readonly served: ReadonlyMap<string, string>;
  readonly conflicts: readonly string[];
  readonly listenerCount: number;
  isServing(listenerKey: string): boolean;
  /** Prometheus lines for the UDP flow tables (flows, evictions, sockets). */
  udpFlowMetrics(): string[];
}

export interface ChangeResult {
  ok: boolean;
  version: number;
  diagnostics: Diagnostic[];
  /** Keys of the objects the change touched. */
  changed: string[];
  /** Per object key, what happened to it, in kubectl's words (created/configured/unchanged/deleted). */
  outcomes: Record<string, ChangeOutcome>;
}

export interface ChangeError {
  time: string;
  source: string;
  diagnostics: Diagnostic[];
}

export interface UpCounters {
  reloadsOk: number;
  reloadsFailed: number;
  applies: number;
  deletes: number;
}

export interface UpView {
  readonly snapshot: Snapshot | undefined;
  readonly ready: boolean;
  readonly token: string;
  readonly settings: UpSettings;
  readonly plane: PlaneView;
  readonly flows: FlowLog;
  readonly store: ObjectStore;
  readonly counters: Readonly<UpCounters>;
  readonly lastError: ChangeError | undefined;
  apply(objects: readonly KubeObject[], loadDiagnostics?: readonly Diagnostic[]): Promise<ChangeResult>;
  delete(objects: readonly KubeObject[]): Promise<ChangeResult>;
}
