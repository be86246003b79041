/**
 * The object store behind `michi up` (and the Kubernetes API on top of it):
 * the user's objects in two layers — `files` (what the -f paths say, replaced
 * on every reload) and `applied` (apply/delete, kept across reloads) — plus
 * deletions of file objects. The effective object of a key is the applied
 * one, else the file one, unless deleted.
 *
 * Changes are planned first (`planApply`, `planDelete`, `planFiles`: the
 * candidate object list the snapshot compiler validates) and committed only
 * when the compile succeeds — compile, check, then swap. A commit gives every
 * effectively changed object a new resourceVersion (one counter for the
 * store, as etcd's revision), keeps the API metadata the server reports
 * (uid, creationTimestamp, generation), appends the events to a bounded log
 * (watch from a resourceVersion; older ones are compacted away) and tells
 * the listeners. Controllers never write here: the derived state is rebuilt
 * from `objects()` by the snapshot compiler.
 */
import { randomUUID } from "node:crypto";
import { kindInfo, objectKey } from "../api/kinds.js";
import { keepSource } from "../api/source.js";
import type { KubeObject } from "../api/types.js";

export type StoreEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface StoreEvent {
  type: StoreEventType;
  key: string;
  object: KubeObject;
  resourceVersion: number;
}

export type StoreListener = (events: readonly StoreEvent[]) => void;

/** What the API server reports about a stored object besides the object itself. */
export interface StoredMeta {
  readonly resourceVersion: number;
  readonly uid: string;
  readonly creationTimestamp: string;
  /** Incremented when anything but metadata and status changes (spec, data…). */
  readonly generation: number;
}

/** What a planned change does to one object, in kubectl's words. */
export type ChangeOutcome = "created" | "configured" | "unchanged" | "deleted";

interface Layers {
  readonly files: ReadonlyMap<string, KubeObject>;
  readonly applied: ReadonlyMap<string, KubeObject>;
  readonly deleted: ReadonlySet<string>;
}

/** A change computed against the store, not yet committed. */
export interface PlannedChange {
  /** Every effective object after the change, sorted by key: what the compiler gets. */
  readonly objects: readonly KubeObject[];
  /** Per key the change names, what happens to it. */
  readonly outcomes: ReadonlyMap<string, ChangeOutcome>;
  /** Keys named by a delete that do not exist (a NotFound each; nothing is planned for them). */
  readonly missing: readonly string[];
  /** True when no effective object changes (an identical re-apply): nothing to compile or swap. */
  readonly noop: boolean;
  /** The store's resourceVersion the plan was computed at (a commit checks it). */
  readonly base: number;
  readonly layers: Layers;
}

/** How many events the log keeps for watches that resume from a resourceVersion. */
const EVENT_LOG = 10_000;

/** Namespaced objects without a namespace land in `default`, as kubectl apply does. */
export function withNamespace(o: KubeObject): KubeObject {
  const info = kindInfo(o.kind);
  if (info?.namespaced === false || o.metadata?.namespace) return o;
  // A copy keeps its original's source, so errors about it still name FILE:LINE:COL.
  return keepSource({ ...o, metadata: { ...o.metadata, namespace: "default" } }, o);
}

function same(a: KubeObject | undefined, b: KubeObject | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function withoutMetaAndStatus(o: KubeObject): string {
  const { metadata: _m, status: _s, ...rest } = o as KubeObject & { status?: unknown };
  return JSON.stringify(rest);
}

function effective(l: Layers, key: string): KubeObject | undefined {
  if (l.deleted.has(key)) return undefined;
  return l.applied.get(key) ?? l.files.get(key);
}

export class ObjectStore {
  private layers: Layers = { files: new Map(), applied: new Map(), deleted: new Set() };
  private readonly metas = new Map<string, StoredMeta>();
  private readonly listeners = new Set<StoreListener>();
  private readonly log: StoreEvent[] = [];
  private version = 0;
  private sorted: KubeObject[] | undefined;

  constructor(initial: readonly KubeObject[] = []) {
    if (initial.length) this.apply(initial);
  }

  get resourceVersion(): number {
    return this.version;
  }

  get size(): number {
    return this.objects().length;
  }

  /** The effective objects, sorted by key. */
  objects(): KubeObject[] {
    this.sorted ??= sortedObjects(this.layers);
    return [...this.sorted];
  }

  get(key: string): KubeObject | undefined {
    return effective(this.layers, key);
  }

  meta(key: string): StoredMeta | undefined {
    return effective(this.layers, key) ? this.metas.get(key) : undefined;
  }

  /** kubectl apply: create or replace each object in the applied layer. */
  planApply(objects: readonly KubeObject[]): PlannedChange {
    const applied = new Map(this.layers.applied);
    const deleted = new Set(this.layers.deleted);
    const outcomes = new Map<string, ChangeOutcome>();
    for (const raw of objects) {
      const o = withNamespace(raw);
      const key = objectKey(o);
      const before = effective(this.layers, key);
      applied.set(key, o);
      deleted.delete(key);
      outcomes.set(key, before === undefined ? "created" : same(before, o) ? "unchanged" : "configured");
    }
    return this.plan({ files: this.layers.files, applied, deleted }, outcomes, []);
  }

  /** kubectl delete: remove each named object; names that do not exist are `missing`. */
  planDelete(objects: readonly KubeObject[]): PlannedChange {
    const applied = new Map(this.layers.applied);
    const deleted = new Set(this.layers.deleted);
    const outcomes = new Map<string, ChangeOutcome>();
    const missing: string[] = [];
    for (const raw of objects) {
      const key = objectKey(withNamespace(raw));
      if (effective(this.layers, key) === undefined) {
        missing.push(key);
        continue;
      }
      applied.delete(key);
      if (this.layers.files.has(key)) deleted.add(key);
      outcomes.set(key, "deleted");
    }
    return this.plan({ files: this.layers.files, applied, deleted }, outcomes, missing);
  }

  /**
   * A reload: the files layer becomes `objects`. Last write wins: an object
   * edited in the files since the last load replaces what apply/delete did
   * to it; objects the files no longer have leave the files layer.
   */
  planFiles(objects: readonly KubeObject[]): PlannedChange {
    const files = new Map<string, KubeObject>();
    for (const raw of objects) {
      const o = withNamespace(raw);
      files.set(objectKey(o), o);
    }
    const applied = new Map(this.layers.applied);
    const deleted = new Set(this.layers.deleted);
    const outcomes = new Map<string, ChangeOutcome>();
    for (const [key, o] of files) {
      const before = this.layers.files.get(key);
      if (before === undefined || !same(before, o)) {
        applied.delete(key);
        deleted.delete(key);
        outcomes.set(key, before === undefined ? "created" : "configured");
      }
    }
    for (const key of this.layers.files.keys()) if (!files.has(key)) outcomes.set(key, "deleted");
    return this.plan({ files, applied, deleted }, outcomes, []);
  }

  /** Makes a planned change the store's state; returns (and tells the listeners) the events. */
  commit(change: PlannedChange): StoreEvent[] {
    if (change.base !== this.version) {
      throw new Error(
        `store changed since the plan (resourceVersion ${change.base} → ${this.version}): plan again`,
      );
    }
    const before = this.layers;
    this.layers = change.layers;
    this.sorted = [...change.objects];
    const keys = new Set([
      ...before.files.keys(),
      ...before.applied.keys(),
      ...change.layers.files.keys(),
      ...change.layers.applied.keys(),
    ]);
    const events: StoreEvent[] = [];
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    for (const key of [...keys].sort()) {
      const a = effective(before, key);
      const b = effective(change.layers, key);
      if (same(a, b)) continue;
      const resourceVersion = ++this.version;
      if (b === undefined) {
        this.metas.delete(key);
        events.push({ type: "DELETED", key, object: a as KubeObject, resourceVersion });
        continue;
      }
      const prev = a === undefined ? undefined : this.metas.get(key);
      const generation =
        prev === undefined
          ? 1
          : prev.generation + (a && withoutMetaAndStatus(a) !== withoutMetaAndStatus(b) ? 1 : 0);
      this.metas.set(key, {
        resourceVersion,
        uid: prev?.uid ?? randomUUID(),
        creationTimestamp: prev?.creationTimestamp ?? now,
        generation,
      });
      events.push({ type: a === undefined ? "ADDED" : "MODIFIED", key, object: b, resourceVersion });
    }
    this.log.push(...events);
    if (this.log.length > EVENT_LOG) this.log.splice(0, this.log.length - EVENT_LOG);
    if (events.length > 0) for (const l of [...this.listeners]) l(events);
    return events;
  }

  /** Creates or replaces each object (one notification for the batch); identical objects are no change. */
  apply(objects: readonly KubeObject[]): StoreEvent[] {
    return this.commit(this.planApply(objects));
  }

  /** Deletes the objects with these identities; unknown ones are ignored. */
  delete(objects: readonly KubeObject[]): StoreEvent[] {
    return this.commit(this.planDelete(objects));
  }

  /**
   * The events after `resourceVersion`, oldest first; undefined when the log
   * no longer reaches back that far (a watch must then relist: 410 Gone).
   */
  eventsSince(resourceVersion: number): StoreEvent[] | undefined {
    if (resourceVersion >= this.version) return [];
    const first = this.log[0];
    if (first === undefined || first.resourceVersion > resourceVersion + 1) return undefined;
    return this.log.filter((e) => e.resourceVersion > resourceVersion);
  }

  /** Registers a listener; returns the function that removes it. */
  watch(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private plan(
    layers: Layers,
    outcomes: Map<string, ChangeOutcome>,
    missing: readonly string[],
  ): PlannedChange {
    let noop = true;
    for (const key of outcomes.keys()) {
      if (!same(effective(this.layers, key), effective(layers, key))) {
        noop = false;
        break;
      }
    }
    return {
      objects: noop ? this.objects() : sortedObjects(layers),
      outcomes,
      missing,
      noop,
      base: this.version,
      layers,
    };
  }
}

function sortedObjects(l: Layers): KubeObject[] {
  const merged = new Map(l.files);
  for (const [k, o] of l.applied) merged.set(k, o);
  for (const k of l.deleted) merged.delete(k);
  return [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o);
}
