/**
 * An in-memory KubeApiHost over the real compileSnapshot: a files layer, an
 * applied layer and deletions, merged and compiled exactly as `michi up`
 * does, all or nothing — so the API server is tested on real compiled state
 * (derived pods, EndpointSlices, system objects, validation diagnostics).
 * Pod logs and pod connections are whatever the test registers.
 */
import { connect } from "node:net";
import type { Duplex } from "node:stream";
import type { Diagnostic } from "../../src/api/diagnostics.js";
import { kindInfo } from "../../src/api/kinds.js";
import { parseManifests } from "../../src/api/load.js";
import type { KubeObject } from "../../src/api/types.js";
import { makeConfig } from "../../src/cluster/config.js";
import type { HostChangeResult, KubeApiHost, PodLogSource, WriteOptions } from "../../src/kubeapi/host.js";
import { compileSnapshot, type Snapshot } from "../../src/snapshot/snapshot.js";

function keyOf(o: KubeObject): string {
  const info = kindInfo(o.kind);
  const ns = info && !info.namespaced ? "" : (o.metadata?.namespace ?? "default");
  return `${o.kind ?? ""}/${ns}/${o.metadata?.name ?? ""}`;
}

function withNamespace(o: KubeObject): KubeObject {
  const info = kindInfo(o.kind);
  if (info?.namespaced === false || o.metadata?.namespace) return o;
  return { ...o, metadata: { ...o.metadata, namespace: "default" } };
}

export class FakeHost implements KubeApiHost {
  private current: Snapshot | undefined;
  private readonly files = new Map<string, KubeObject>();
  private applied = new Map<string, KubeObject>();
  private deleted = new Set<string>();
  private readonly listeners = new Set<(s: Snapshot) => void>();
  readonly logs = new Map<string, { text: string; listeners: Set<(c: string) => void> }>();
  /** `ns/name:port` → local TCP port the fake dials for port-forward. */
  readonly podPorts = new Map<string, number>();
  readonly config = makeConfig();
  writes = 0;

  constructor(yaml = "") {
    const loaded = parseManifests(yaml, "files.yaml");
    for (const o of loaded.objects) this.files.set(keyOf(withNamespace(o)), withNamespace(o));
    const r = compileSnapshot(this.desired(this.applied, this.deleted), this.config, { mode: "refuse" });
    if (!r.ok) throw new Error(`fixture does not compile: ${r.diagnostics.map((d) => d.message).join("; ")}`);
    this.current = r.snapshot;
  }

  private desired(applied: Map<string, KubeObject>, deleted: Set<string>): KubeObject[] {
    const m = new Map(this.files);
    for (const [k, o] of applied) m.set(k, o);
    for (const k of deleted) m.delete(k);
    return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, o]) => o);
  }

  snapshot(): Snapshot | undefined {
    return this.current;
  }

  onSnapshot(listener: (s: Snapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private commit(
    applied: Map<string, KubeObject>,
    deleted: Set<string>,
    changed: string[],
    dryRun: boolean,
  ): HostChangeResult {
    const r = compileSnapshot(this.desired(applied, deleted), this.config, {
      mode: "refuse",
      previous: this.current,
    });
    const version = this.current?.version ?? 0;
    if (!r.ok) return { ok: false, version, diagnostics: r.diagnostics, changed: [] };
    if (dryRun) return { ok: true, version, diagnostics: [], changed };
    this.applied = applied;
    this.deleted = deleted;
    this.current = r.snapshot;
    this.writes++;
    for (const l of [...this.listeners]) l(r.snapshot);
    return { ok: true, version: r.snapshot.version, diagnostics: [], changed };
  }

  async apply(objects: readonly KubeObject[], options: WriteOptions): Promise<HostChangeResult> {
    const applied = new Map(this.applied);
    const deleted = new Set(this.deleted);
    const changed: string[] = [];
    for (const raw of objects) {
      const o = withNamespace(raw);
      const k = keyOf(o);
      applied.set(k, o);
      deleted.delete(k);
      changed.push(k);
    }
    return this.commit(applied, deleted, changed, options.dryRun);
  }

  async delete(objects: readonly KubeObject[], options: WriteOptions): Promise<HostChangeResult> {
    const present = new Set(this.desired(this.applied, this.deleted).map(keyOf));
    const applied = new Map(this.applied);
    const deleted = new Set(this.deleted);
    const missing: Diagnostic[] = [];
    const changed: string[] = [];
    for (const raw of objects) {
      const k = keyOf(withNamespace(raw));
      if (!present.has(k)) {
        missing.push({ severity: "error", code: "NotFound", message: `${k} not found` });
        continue;
      }
      applied.delete(k);
      if (this.files.has(k)) deleted.add(k);
      changed.push(k);
    }
    if (missing.length)
      return { ok: false, version: this.current?.version ?? 0, diagnostics: missing, changed: [] };
    return this.commit(applied, deleted, changed, options.dryRun);
  }

  /** Registers (or extends) a pod's log. */
  writeLog(ns: string, name: string, chunk: string): void {
    const key = `${ns}/${name}`;
    const l = this.logs.get(key) ?? { text: "", listeners: new Set() };
    l.text += chunk;
    this.logs.set(key, l);
    for (const f of l.listeners) f(chunk);
  }

  podLogs(ns: string, name: string): PodLogSource | undefined {
    const l = this.logs.get(`${ns}/${name}`);
    if (!l) return undefined;
    return {
      text: () => l.text,
      follow: (onData) => {
        l.listeners.add(onData);
        return () => l.listeners.delete(onData);
      },
    };
  }

  connectPod(ns: string, name: string, port: number): Promise<Duplex> {
    const local = this.podPorts.get(`${ns}/${name}:${port}`);
    if (local === undefined)
      return Promise.reject(new Error(`pod ${ns}/${name} does not listen on port ${port}`));
    return new Promise((resolve, reject) => {
      const s = connect(local, "127.0.0.1", () => resolve(s));
      s.once("error", reject);
    });
  }
}
