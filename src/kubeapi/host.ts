/**
 * What the Kubernetes API server needs from a running michi instance — the
 * narrow seam between src/kubeapi (HTTP, discovery, CRUD, watch, patch) and
 * src/runtime (`michi up`). The server never touches the store or the data
 * plane directly: it reads the serving snapshot, writes through `apply` and
 * `delete` (the same validate → compile → atomic swap as `michi apply`), and
 * keeps the API's own bookkeeping (uid, creationTimestamp, generation,
 * resourceVersion, managedFields, the watch event log) itself, by diffing the
 * snapshots it is told about. Tests implement it with an in-memory fake over
 * the real compileSnapshot (test/kubeapi/fake-host.ts).
 */
import type { Duplex } from "node:stream";
import type { Diagnostic } from "../api/diagnostics.js";
import type { KubeObject } from "../api/types.js";
import type { AddressMap } from "../cluster/address-map.js";
import type { Snapshot } from "../snapshot/snapshot.js";

/** What a write did, as UpInstance.apply/delete return it. */
export interface HostChangeResult {
  ok: boolean;
  /** Snapshot version after the change (unchanged when refused or a dry run). */
  version: number;
  /** Why a change was refused; `field` paths become the 422's `details.causes[]`. */
  diagnostics: readonly Diagnostic[];
  /** Keys (`Kind/namespace/name`) of the objects the change touched. */
  changed: readonly string[];
}

export interface WriteOptions {
  /** Validate and compile, but keep serving the current snapshot (`dryRun=All`). */
  dryRun: boolean;
}

/** A pod command's output (`kubectl logs`). */
export interface PodLogSource {
  /** Everything kept so far. */
  text(): string;
  /** Calls `onData` with each later chunk; returns the function that stops it. Absent: no follow. */
  follow?(onData: (chunk: string) => void): () => void;
}

export interface KubeApiHost {
  /** The snapshot being served; undefined before the first successful compile. */
  snapshot(): Snapshot | undefined;
  /** Called after every swap to a new snapshot; returns the function that unsubscribes. */
  onSnapshot(listener: (snapshot: Snapshot) => void): () => void;
  /**
   * Creates or replaces these user objects (all or nothing). The objects carry
   * no server-set metadata (uid, resourceVersion, managedFields are stripped).
   * Must not resolve before the new snapshot is served (or the change refused).
   */
  apply(objects: readonly KubeObject[], options: WriteOptions): Promise<HostChangeResult>;
  /** Deletes these user objects (by kind, namespace and name); unknown ones refuse the change. */
  delete(objects: readonly KubeObject[], options: WriteOptions): Promise<HostChangeResult>;
  /** The output of a `michi.dev/command` pod; undefined when the pod runs no command. */
  podLogs?(namespace: string, name: string): PodLogSource | undefined;
  /** A TCP connection to a pod's port through the data plane (`kubectl port-forward`). */
  connectPod?(namespace: string, name: string, port: number): Promise<Duplex>;
  /** Model address → loopback address, for the LOCAL column of wide tables. */
  addressMap?(): AddressMap;
}
