/**
 * The API's bookkeeping over michi's snapshots: every object the API serves
 * (user objects as the controllers left them, and derived pods, EndpointSlices,
 * Endpoints, system objects) with a uid, creationTimestamp, generation and
 * resourceVersion, plus a bounded log of watch events. Each new snapshot is
 * diffed against the last: a changed object gets the next resourceVersion and a
 * MODIFIED event, a new one ADDED, a vanished one DELETED. A watch from a
 * version older than the log holds gets 410 Expired, as etcd compaction does.
 */
import { randomUUID } from "node:crypto";
import type { KubeObject, ObjectMeta } from "../api/types.js";
import type { ClusterState } from "../cluster/state.js";
import type { Snapshot } from "../snapshot/snapshot.js";
import { type ApiResource, groupVersion, RESOURCES } from "./resources.js";

export type EventType = "ADDED" | "MODIFIED" | "DELETED";

export interface RegistryEvent {
  type: EventType;
  resource: ApiResource;
  object: KubeObject;
  resourceVersion: number;
}

export interface Entry {
  resource: ApiResource;
  /** The object as the API serves it (server metadata filled in). */
  object: KubeObject;
  resourceVersion: number;
  /** True when the object is the user's (writable); false when a controller derived it. */
  desired: boolean;
  content: string;
  spec: string;
}

export function entryKey(res: ApiResource, namespace: string | undefined, name: string): string {
  return `${res.kind}/${res.namespaced ? (namespace ?? "default") : ""}/${name}`;
}

/** Kind/namespace/name as the host's `changed` keys name objects. */
export function objectKeyOf(o: KubeObject, res: ApiResource): string {
  return entryKey(res, o.metadata?.namespace, o.metadata?.name ?? "");
}

const SERVER_FIELDS = [
  "uid",
  "resourceVersion",
  "creationTimestamp",
  "generation",
  "managedFields",
  "selfLink",
];

/** The object without the metadata only the server sets (what the host stores). */
export function stripServerFields(o: KubeObject): KubeObject {
  const meta: Record<string, unknown> = { ...(o.metadata ?? {}) };
  for (const f of SERVER_FIELDS) delete meta[f];
  return { ...o, metadata: meta as ObjectMeta };
}

export type Listener = (events: readonly RegistryEvent[]) => void;

export class Registry {
  private readonly entries = new Map<string, Entry>();
  /** Keys per resource, so a diff or a list touches only its kind. */
  private readonly byResource = new Map<ApiResource, Set<string>>();
  private readonly log: RegistryEvent[] = [];
  private readonly listeners = new Set<Listener>();
  private version = 0;
  /** Oldest resourceVersion a watch may start from. */
  private compacted = 0;
  private lastSnapshot: Snapshot | undefined;
  /** managedFields per key (server-side apply), kept across snapshots. */
  readonly managedFields = new Map<string, unknown[]>();
  /** Metadata that must survive the host (uid, creation time) per key. */
  private readonly identity = new Map<
    string,
    { uid: string; creationTimestamp: string; generation: number }
  >();

  constructor(private readonly logLimit = 10_000) {}

  get resourceVersion(): number {
    return this.version;
  }

  get state(): ClusterState | undefined {
    return this.lastSnapshot?.state;
  }

  get snapshot(): Snapshot | undefined {
    return this.lastSnapshot;
  }

  get(key: string): Entry | undefined {
    return this.entries.get(key);
  }

  list(res: ApiResource, namespace?: string): Entry[] {
    const out: Entry[] = [];
    for (const key of this.byResource.get(res) ?? []) {
      const e = this.entries.get(key) as Entry;
      if (namespace !== undefined && (e.object.metadata?.namespace ?? "") !== namespace) continue;
      out.push(e);
    }
    return out.sort((a, b) => cmp(a, b));
  }

  /** Events after `resourceVersion`, or "expired" when the log no longer holds them. */
  since(resourceVersion: number): RegistryEvent[] | "expired" {
    if (resourceVersion < this.compacted) return "expired";
    let i = this.log.length;
    while (i > 0 && (this.log[i - 1] as RegistryEvent).resourceVersion > resourceVersion) i--;
    return this.log.slice(i);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Diffs a new snapshot against the last one (idempotent for the same snapshot). */
  sync(snapshot: Snapshot | undefined): void {
    if (!snapshot || snapshot === this.lastSnapshot) return;
    this.lastSnapshot = snapshot;
    this.desiredKeys = undefined;
    const events: RegistryEvent[] = [];
    for (const res of RESOURCES) {
      if (res.recorded || (res.lazy && !(this.interest.get(res) ?? 0))) continue;
      events.push(...this.diff(res, snapshot));
    }
    this.emit(events);
    this.onDiff?.(events);
  }

  /** Called with each snapshot's changes (the controllers' Events are derived from them). */
  onDiff: ((events: readonly RegistryEvent[]) => void) | undefined;

  /** Stores an object the API records itself (an Event), dropping the oldest past `limit`. */
  record(res: ApiResource, obj: KubeObject, limit = 1000): void {
    const key = objectKeyOf(obj, res);
    let keys = this.byResource.get(res);
    if (!keys) {
      keys = new Set();
      this.byResource.set(res, keys);
    }
    const events: RegistryEvent[] = [];
    if (keys.size >= limit) {
      const oldest = keys.values().next().value as string;
      const e = this.entries.get(oldest) as Entry;
      keys.delete(oldest);
      this.entries.delete(oldest);
      const resourceVersion = ++this.version;
      events.push({
        type: "DELETED",
        resource: res,
        object: { ...e.object, metadata: { ...e.object.metadata, resourceVersion: String(resourceVersion) } },
        resourceVersion,
      });
    }
    const resourceVersion = ++this.version;
    const object = {
      ...obj,
      metadata: { ...obj.metadata, uid: randomUUID(), resourceVersion: String(resourceVersion) },
    };
    const prev = this.entries.get(key);
    this.entries.set(key, { resource: res, object, resourceVersion, desired: false, content: "", spec: "" });
    keys.add(key);
    events.push({ type: prev ? "MODIFIED" : "ADDED", resource: res, object, resourceVersion });
    this.emit(events);
  }

  /**
   * Brings a lazily computed resource (legacy Endpoints: building them costs as
   * much as the rest of the state) up to the current snapshot; cheap when it is.
   */
  ensure(res: ApiResource): void {
    const snapshot = this.lastSnapshot;
    if (!res.lazy || !snapshot || this.syncedAt.get(res) === snapshot) return;
    this.emit(this.diff(res, snapshot));
  }

  /** Marks a resource watched (lazy resources are then diffed on every snapshot); returns the release. */
  watching(res: ApiResource): () => void {
    this.interest.set(res, (this.interest.get(res) ?? 0) + 1);
    this.ensure(res);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.interest.set(res, (this.interest.get(res) ?? 1) - 1);
    };
  }

  private desiredKeys: Set<string> | undefined;
  private readonly syncedAt = new Map<ApiResource, Snapshot>();
  private readonly interest = new Map<ApiResource, number>();

  private desired(snapshot: Snapshot): Set<string> {
    if (this.desiredKeys) return this.desiredKeys;
    const desired = new Set<string>();
    for (const o of snapshot.objects) {
      const res = RESOURCES.find((x) => x.kind === o.kind);
      if (res) desired.add(objectKeyOf(o, res));
    }
    this.desiredKeys = desired;
    return desired;
  }

  private diff(res: ApiResource, snapshot: Snapshot): RegistryEvent[] {
    this.syncedAt.set(res, snapshot);
    const desired = this.desired(snapshot);
    const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    const seen = new Set<string>();
    const events: RegistryEvent[] = [];
    let keys = this.byResource.get(res);
    if (!keys) {
      keys = new Set();
      this.byResource.set(res, keys);
    }
    for (const raw of res.list(snapshot.state)) {
      const key = objectKeyOf(raw, res);
      if (seen.has(key)) continue;
      seen.add(key);
      const { metadata, ...rest } = raw;
      const content = JSON.stringify(raw);
      const prev = this.entries.get(key);
      if (prev && prev.content === content) {
        prev.desired = desired.has(key);
        continue;
      }
      const spec = JSON.stringify(rest.spec ?? rest);
      let id = this.identity.get(key);
      if (!id) {
        id = { uid: randomUUID(), creationTimestamp: now, generation: 1 };
        this.identity.set(key, id);
      } else if (prev && prev.spec !== spec) {
        id.generation++;
      }
      const resourceVersion = ++this.version;
      const managed = this.managedFields.get(key);
      const object: KubeObject = {
        apiVersion: groupVersion(res),
        kind: res.kind,
        ...rest,
        metadata: {
          ...metadata,
          ...(res.namespaced ? { namespace: metadata?.namespace ?? "default" } : {}),
          uid: id.uid,
          resourceVersion: String(resourceVersion),
          generation: id.generation,
          creationTimestamp: id.creationTimestamp,
          ...(managed ? { managedFields: managed } : {}),
        } as ObjectMeta,
      };
      // michi's controllers act at once: whatever a status says it observed is the current generation.
      const status = object.status as { observedGeneration?: number } | undefined;
      if (status && typeof status.observedGeneration === "number") {
        object.status = { ...status, observedGeneration: id.generation };
      }
      const entry: Entry = {
        resource: res,
        object,
        resourceVersion,
        desired: desired.has(key),
        content,
        spec,
      };
      this.entries.set(key, entry);
      keys.add(key);
      events.push({ type: prev ? "MODIFIED" : "ADDED", resource: res, object, resourceVersion });
    }
    for (const key of keys) {
      if (seen.has(key)) continue;
      const e = this.entries.get(key) as Entry;
      keys.delete(key);
      this.entries.delete(key);
      this.identity.delete(key);
      this.managedFields.delete(key);
      const resourceVersion = ++this.version;
      const object = {
        ...e.object,
        metadata: { ...e.object.metadata, resourceVersion: String(resourceVersion) },
      };
      events.push({ type: "DELETED", resource: e.resource, object, resourceVersion });
    }
    return events;
  }

  private emit(events: RegistryEvent[]): void {
    if (events.length === 0) return;
    this.log.push(...events);
    if (this.log.length > this.logLimit) {
      const drop = this.log.splice(0, this.log.length - this.logLimit);
      this.compacted = (drop[drop.length - 1] as RegistryEvent).resourceVersion;
    }
    for (const l of [...this.listeners]) l(events);
  }

  /** Recorded Events about an object (by uid). */
  eventsFor(o: KubeObject): { reason?: unknown; message?: unknown }[] {
    const res = RESOURCES.find((r) => r.recorded);
    if (!res) return [];
    const uid = o.metadata?.uid;
    return this.list(res)
      .map(
        (e) =>
          e.object as KubeObject & { involvedObject?: { uid?: string }; reason?: unknown; message?: unknown },
      )
      .filter((e) => e.involvedObject?.uid === uid);
  }

  /** Forces a fresh diff (after managedFields changed without a snapshot change). */
  touch(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    const managed = this.managedFields.get(key);
    const resourceVersion = ++this.version;
    e.resourceVersion = resourceVersion;
    e.object = {
      ...e.object,
      metadata: {
        ...e.object.metadata,
        resourceVersion: String(resourceVersion),
        ...(managed ? { managedFields: managed } : {}),
      } as ObjectMeta,
    };
    const ev: RegistryEvent = { type: "MODIFIED", resource: e.resource, object: e.object, resourceVersion };
    this.log.push(ev);
    for (const l of [...this.listeners]) l([ev]);
  }
}

function cmp(a: Entry, b: Entry): number {
  const an = `${a.object.metadata?.namespace ?? ""}/${a.object.metadata?.name ?? ""}`;
  const bn = `${b.object.metadata?.namespace ?? ""}/${b.object.metadata?.name ?? ""}`;
  return an < bn ? -1 : an > bn ? 1 : 0;
}
