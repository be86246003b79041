/**
 * The object store behind `michi up`: the user's objects keyed by
 * kind/namespace/name, a monotonically increasing resourceVersion, apply
 * (create or replace) and delete, and listeners told about every change.
 * Controllers never write here: the derived state is rebuilt from `objects()`
 * (buildCluster with the previous state, so allocations stay put).
 */
import { kindInfo } from "../api/kinds.js";
import type { KubeObject } from "../api/types.js";

export type StoreEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface StoreEvent {
  type: StoreEventType;
  key: string;
  object: KubeObject;
  resourceVersion: number;
}

export type StoreListener = (events: readonly StoreEvent[]) => void;

/** `Kind/namespace/name`; cluster-scoped kinds have an empty namespace. */
export function storeKey(obj: KubeObject): string {
  const namespaced = kindInfo(obj.kind)?.namespaced ?? true;
  const ns = namespaced ? (obj.metadata?.namespace ?? "default") : "";
  return `${obj.kind ?? ""}/${ns}/${obj.metadata?.name ?? ""}`;
}

export class ObjectStore {
  private readonly items = new Map<string, { object: KubeObject; resourceVersion: number }>();
  private readonly listeners = new Set<StoreListener>();
  private version = 0;

  constructor(initial: readonly KubeObject[] = []) {
    if (initial.length) this.apply(initial);
  }

  get resourceVersion(): number {
    return this.version;
  }

  get size(): number {
    return this.items.size;
  }

  objects(): KubeObject[] {
    return [...this.items.values()].map((i) => i.object);
  }

  get(key: string): KubeObject | undefined {
    return this.items.get(key)?.object;
  }

  /**
   * Creates or replaces each object (one change notification for the batch).
   * An object identical to the stored one is not a change.
   */
  apply(objects: readonly KubeObject[]): StoreEvent[] {
    const events: StoreEvent[] = [];
    for (const o of objects) {
      const key = storeKey(o);
      const existing = this.items.get(key);
      if (existing && JSON.stringify(existing.object) === JSON.stringify(o)) continue;
      const resourceVersion = ++this.version;
      this.items.set(key, { object: o, resourceVersion });
      events.push({ type: existing ? "MODIFIED" : "ADDED", key, object: o, resourceVersion });
    }
    this.emit(events);
    return events;
  }

  /** Deletes the objects with these identities; unknown ones are ignored. */
  delete(objects: readonly KubeObject[]): StoreEvent[] {
    const events: StoreEvent[] = [];
    for (const o of objects) {
      const key = storeKey(o);
      const existing = this.items.get(key);
      if (!existing) continue;
      this.items.delete(key);
      events.push({ type: "DELETED", key, object: existing.object, resourceVersion: ++this.version });
    }
    this.emit(events);
    return events;
  }

  /** Registers a listener; returns the function that removes it. */
  watch(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(events: StoreEvent[]): void {
    if (events.length === 0) return;
    for (const l of [...this.listeners]) l(events);
  }
}
