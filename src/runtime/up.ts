/**
 * `michi up` as a library: the desired objects, the current snapshot, the
 * data plane serving it, the admin API, and the change paths (file watch,
 * apply, delete). Changes are serialized and debounced (kube-proxy's
 * bounded-frequency runner); each compiles a complete new snapshot and swaps
 * it in only when it compiles cleanly, so a bad change leaves the running
 * network exactly as it was and records why.
 */
import { randomBytes } from "node:crypto";
import { type FSWatcher, statSync, watch } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, dirname } from "node:path";
import { type Diagnostic, formatDiagnostic, MichiError } from "../api/diagnostics.js";
import { kindInfo } from "../api/kinds.js";
import { loadManifests } from "../api/load.js";
import type { KubeObject } from "../api/types.js";
import type { AddressMap } from "../cluster/address-map.js";
import type { ClusterConfig } from "../cluster/config.js";
import { keepSource } from "../cluster/keep-source.js";
import { createAdminHandler, type HttpHandler } from "./admin-api.js";
import { DataPlane, type DenyAction } from "./dataplane.js";
import { FlowLog } from "./flows.js";
import type { ListenerSpec } from "./listener-pool.js";
import { listenerKey } from "./listener-pool.js";
import { commandEnvFor, startRoleServer } from "./planes-runtime.js";
import type { PortRule } from "./port-rule.js";
import { compileSnapshot, type Snapshot } from "./snapshot.js";

export interface HostPort {
  host: string;
  port: number;
}

export interface UpOptions {
  paths: string[];
  config: ClusterConfig;
  addressMap: AddressMap;
  portRule: PortRule;
  hostIP: string;
  ui: HostPort;
  dns?: HostPort;
  http?: HostPort;
  https?: HostPort;
  watch: boolean;
  deny: DenyAction;
  dropHoldMs: number;
  backoffScale: number;
  debounceMs: number;
  /** Upstream resolvers for names outside the cluster (default: the host's resolv.conf; [] disables). */
  dnsUpstreams?: string[];
  /** Extra handlers tried before the admin API's own (the dashboard). */
  handlers?: HttpHandler[];
  log: (line: string) => void;
}

export interface ChangeResult {
  ok: boolean;
  version: number;
  diagnostics: Diagnostic[];
  /** Keys of the objects the change touched. */
  changed: string[];
}

export function objectKey(o: KubeObject): string {
  const kind = o.kind ?? "";
  const info = kindInfo(kind);
  const ns = info && !info.namespaced ? "" : (o.metadata?.namespace ?? "default");
  return `${kind}/${ns}/${o.metadata?.name ?? o.metadata?.generateName ?? ""}`;
}

/** Namespaced objects without a namespace land in `default`, as kubectl apply does. */
function withNamespace(o: KubeObject): KubeObject {
  const info = kindInfo(o.kind);
  if (info?.namespaced === false || o.metadata?.namespace) return o;
  // A copy keeps its original's source, so errors about it still name FILE:LINE:COL.
  return keepSource({ ...o, metadata: { ...o.metadata, namespace: "default" } }, o);
}

export class UpInstance {
  readonly flows = new FlowLog();
  readonly plane: DataPlane;
  readonly token = randomBytes(16).toString("hex");
  /** Objects from -f files (replaced on reload) and from apply (kept across reloads until deleted). */
  private fileObjects = new Map<string, KubeObject>();
  private appliedObjects = new Map<string, KubeObject>();
  private deleted = new Set<string>();
  private chain: Promise<unknown> = Promise.resolve();
  private watchers: FSWatcher[] = [];
  private debounce: NodeJS.Timeout | undefined;
  private admin: Server | undefined;
  ready = false;
  lastError: { time: string; source: string; diagnostics: Diagnostic[] } | undefined;
  readonly counters = { reloadsOk: 0, reloadsFailed: 0, applies: 0, deletes: 0 };
  uiAddress: HostPort | undefined;

  constructor(readonly options: UpOptions) {
    this.plane = new DataPlane({
      addressMap: options.addressMap,
      portRule: options.portRule,
      hostIP: options.hostIP,
      deny: options.deny,
      dropHoldMs: options.dropHoldMs,
      flows: this.flows,
      backoffScale: options.backoffScale,
      startRoleServer: (rt, role) => startRoleServer(this, rt, role),
      extraListeners: () => this.extraListeners(),
      commandEnv: (pod, snap) => commandEnvFor(pod, snap),
      log: options.log,
    });
  }

  get snapshot(): Snapshot | undefined {
    return this.plane.snapshot;
  }

  /** Loads, compiles and serves; throws MichiError (with every diagnostic) when it cannot. */
  async start(): Promise<void> {
    const loaded = await loadManifests(this.options.paths);
    for (const o of loaded.objects) {
      const obj = withNamespace(o);
      this.fileObjects.set(objectKey(obj), obj);
    }
    const result = compileSnapshot(this.desired(), this.options.config, undefined, {
      hostIP: this.options.hostIP,
      loadDiagnostics: loaded.diagnostics,
    });
    if (!result.ok) {
      throw new DiagnosticsError("the manifests have errors; nothing was started", result.diagnostics);
    }
    const failures = await this.plane.apply(result.snapshot);
    if (failures.length > 0) {
      await this.plane.close();
      const lines = failures.map(
        (f) =>
          `${f.key} (${f.what}): ${f.code === "EADDRINUSE" ? "already in use by another process" : f.message}`,
      );
      throw new MichiError(
        "PortInUse",
        `cannot listen on ${failures.length === 1 ? "an address" : `${failures.length} addresses`}:\n  ${lines.join("\n  ")}\n` +
          "Stop whatever holds the port, pick other addresses (--ui/--dns/--http/--https), " +
          "or move the model's ranges (--pod-cidr/--service-cidr/--node-cidr/--lb-cidr, --node-port-range, --low-port-offset).",
      );
    }
    await this.startAdmin();
    if (this.options.watch) this.startWatch();
    this.ready = true;
  }

  async stop(): Promise<void> {
    this.ready = false;
    if (this.debounce) clearTimeout(this.debounce);
    for (const w of this.watchers) w.close();
    this.watchers = [];
    await this.chain.catch(() => {});
    const admin = this.admin;
    if (admin) {
      await new Promise<void>((r) => {
        admin.close(() => r());
        admin.closeAllConnections();
      });
    }
    await this.plane.close();
  }

  desired(): KubeObject[] {
    const merged = new Map(this.fileObjects);
    for (const [k, o] of this.appliedObjects) merged.set(k, o);
    for (const k of this.deleted) merged.delete(k);
    return [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o);
  }

  /** `kubectl apply`: upsert the objects; all or nothing. */
  apply(objects: readonly KubeObject[], loadDiagnostics: readonly Diagnostic[] = []): Promise<ChangeResult> {
    return this.serialize(async () => {
      const next = new Map(this.appliedObjects);
      const nextDeleted = new Set(this.deleted);
      const changed: string[] = [];
      for (const raw of objects) {
        const o = withNamespace(raw);
        const k = objectKey(o);
        next.set(k, o);
        nextDeleted.delete(k);
        changed.push(k);
      }
      return this.commit(
        "apply",
        () => {
          this.appliedObjects = next;
          this.deleted = nextDeleted;
        },
        changed,
        loadDiagnostics,
        () => this.desiredWith(this.fileObjects, next, nextDeleted),
      );
    });
  }

  /** `kubectl delete -f`: remove the named objects; unknown names are an error (NotFound), nothing changes. */
  delete(objects: readonly KubeObject[]): Promise<ChangeResult> {
    return this.serialize(async () => {
      const current = new Set(this.desired().map(objectKey));
      const next = new Map(this.appliedObjects);
      const nextDeleted = new Set(this.deleted);
      const changed: string[] = [];
      const missing: Diagnostic[] = [];
      for (const raw of objects) {
        const o = withNamespace(raw);
        const k = objectKey(o);
        if (!current.has(k)) {
          missing.push({
            severity: "error",
            code: "NotFound",
            message: `${(o.kind ?? "object").toLowerCase()} "${o.metadata?.name ?? ""}" not found`,
            ...(o.kind ? { kind: o.kind } : {}),
            ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}),
            ...(o.metadata?.name ? { name: o.metadata.name } : {}),
          });
          continue;
        }
        next.delete(k);
        if (this.fileObjects.has(k)) nextDeleted.add(k);
        changed.push(k);
      }
      if (missing.length > 0) {
        return { ok: false, version: this.snapshot?.version ?? 0, diagnostics: missing, changed: [] };
      }
      return this.commit(
        "delete",
        () => {
          this.appliedObjects = next;
          this.deleted = nextDeleted;
        },
        changed,
        [],
        () => this.desiredWith(this.fileObjects, next, nextDeleted),
      );
    });
  }

  /** Re-reads the -f paths (the --watch path). */
  reload(): Promise<ChangeResult> {
    return this.serialize(async () => {
      let loaded: Awaited<ReturnType<typeof loadManifests>>;
      try {
        loaded = await loadManifests(this.options.paths);
      } catch (err) {
        const diagnostics: Diagnostic[] = [
          { severity: "error", code: "LoadFailed", message: (err as Error).message },
        ];
        this.lastError = { time: new Date().toISOString(), source: "watch", diagnostics };
        this.counters.reloadsFailed++;
        return { ok: false, version: this.snapshot?.version ?? 0, diagnostics, changed: [] };
      }
      const files = new Map<string, KubeObject>();
      for (const o of loaded.objects) {
        const obj = withNamespace(o);
        files.set(objectKey(obj), obj);
      }
      // Last write wins: an object edited in the files since the last load replaces what apply/delete did to it.
      const applied = new Map(this.appliedObjects);
      const deleted = new Set(this.deleted);
      const changed: string[] = [];
      for (const [k, o] of files) {
        const before = this.fileObjects.get(k);
        if (before === undefined || JSON.stringify(before) !== JSON.stringify(o)) {
          applied.delete(k);
          deleted.delete(k);
          changed.push(k);
        }
      }
      for (const k of this.fileObjects.keys()) if (!files.has(k)) changed.push(k);
      return this.commit(
        "watch",
        () => {
          this.fileObjects = files;
          this.appliedObjects = applied;
          this.deleted = deleted;
        },
        changed,
        loaded.diagnostics,
        () => this.desiredWith(files, applied, deleted),
      );
    });
  }

  private desiredWith(
    files: Map<string, KubeObject>,
    applied: Map<string, KubeObject>,
    deleted: Set<string>,
  ): KubeObject[] {
    const merged = new Map(files);
    for (const [k, o] of applied) merged.set(k, o);
    for (const k of deleted) merged.delete(k);
    return [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o);
  }

  private async commit(
    source: string,
    accept: () => void,
    changed: string[],
    loadDiagnostics: readonly Diagnostic[],
    nextObjects: () => KubeObject[],
  ): Promise<ChangeResult> {
    const result = compileSnapshot(nextObjects(), this.options.config, this.snapshot, {
      hostIP: this.options.hostIP,
      loadDiagnostics,
    });
    if (!result.ok) {
      this.lastError = { time: new Date().toISOString(), source, diagnostics: result.diagnostics };
      this.counters.reloadsFailed++;
      return {
        ok: false,
        version: this.snapshot?.version ?? 0,
        diagnostics: result.diagnostics,
        changed: [],
      };
    }
    accept();
    let failures: Awaited<ReturnType<DataPlane["apply"]>>;
    try {
      failures = await this.plane.apply(result.snapshot);
    } catch (err) {
      const diagnostics: Diagnostic[] = [
        {
          severity: "error",
          code: "ApplyFailed",
          message: `serving the new state failed: ${(err as Error).message}`,
        },
      ];
      this.lastError = { time: new Date().toISOString(), source, diagnostics };
      this.counters.reloadsFailed++;
      return { ok: false, version: this.snapshot?.version ?? 0, diagnostics, changed: [] };
    }
    this.counters.reloadsOk++;
    if (source === "apply") this.counters.applies++;
    if (source === "delete") this.counters.deletes++;
    const diagnostics: Diagnostic[] = failures.map((f) => ({
      severity: "warning",
      code: "ListenFailed",
      message: `${f.key} (${f.what}): ${f.message}`,
    }));
    if (failures.length > 0)
      this.options.log(`warning: ${failures.length} listener(s) could not open: ${diagnostics[0]?.message}`);
    this.lastError = undefined;
    return {
      ok: true,
      version: result.snapshot.version,
      diagnostics: [...diagnostics, ...result.snapshot.diagnostics.filter((d) => d.severity === "warning")],
      changed,
    };
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => {});
    return run;
  }

  private startWatch(): void {
    const trigger = () => {
      if (this.debounce) clearTimeout(this.debounce);
      this.debounce = setTimeout(() => {
        this.reload()
          .then((r) => {
            if (r.ok) this.options.log(`reloaded: snapshot ${r.version}`);
            else {
              const errors = r.diagnostics.filter((d) => d.severity === "error");
              this.options.log(
                `reload refused (still serving snapshot ${r.version}): ${errors.length} error(s)`,
              );
              // Say what is wrong, as `michi validate` would: FILE:LINE:COL: KIND NS/NAME: FIELD: message.
              for (const d of errors) this.options.log(`  ${formatDiagnostic(d)}`);
            }
          })
          .catch((err: Error) => this.options.log(`reload failed: ${err.message}`));
      }, this.options.debounceMs);
    };
    for (const p of this.options.paths) {
      if (p === "-") continue;
      try {
        if (statSync(p).isDirectory()) {
          this.watchers.push(watch(p, { recursive: true }, trigger));
        } else {
          // Editors save by writing a new file and renaming it over the old one: watch the
          // directory, or the watch dies with the old inode.
          const name = basename(p);
          this.watchers.push(watch(dirname(p), (_event, file) => file === name && trigger()));
        }
      } catch (err) {
        this.options.log(`warning: cannot watch ${p}: ${(err as Error).message}`);
      }
    }
  }

  private async startAdmin(): Promise<void> {
    const handler = createAdminHandler(this, this.options.handlers ?? []);
    const server = createServer((req, res) => {
      handler(req, res).catch((err: Error) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "Internal", message: err.message } }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", (err: NodeJS.ErrnoException) =>
        reject(
          new MichiError(
            "PortInUse",
            `cannot serve the admin API/UI on ${this.options.ui.host}:${this.options.ui.port}: ${err.code === "EADDRINUSE" ? "already in use" : err.message}; choose another with --ui ADDR:PORT`,
          ),
        ),
      );
      server.listen({ host: this.options.ui.host, port: this.options.ui.port }, () => resolve());
    });
    server.on("error", () => {});
    this.admin = server;
    const a = server.address() as AddressInfo;
    this.uiAddress = { host: a.address, port: a.port };
  }

  /** --dns / --http / --https: conveniences in front of the real service frontends, as a client outside the cluster. */
  private extraListeners(): ListenerSpec[] {
    const out: ListenerSpec[] = [];
    const { dns, http, https } = this.options;
    const snap = this.plane.snapshot;
    if (!snap) return out;
    if (dns) {
      const udpKey = listenerKey("udp", dns.host, dns.port);
      out.push({
        protocol: "udp",
        host: dns.host,
        port: dns.port,
        what: "cluster DNS (--dns)",
        handler: (m, r, s) => {
          const fe = this.dnsFrontend("UDP");
          if (fe) this.plane.serviceUdp(udpKey, fe, m, r, s);
        },
      });
      out.push({
        protocol: "tcp",
        host: dns.host,
        port: dns.port,
        what: "cluster DNS (--dns)",
        handler: (s) => {
          const fe = this.dnsFrontend("TCP");
          if (fe) this.plane.serviceTcp(fe, s);
          else s.resetAndDestroy();
        },
      });
    }
    for (const [hp, port, what] of [
      [http, 80, "ingress HTTP (--http)"],
      [https, 443, "ingress HTTPS (--https)"],
    ] as const) {
      if (!hp) continue;
      out.push({
        protocol: "tcp",
        host: hp.host,
        port: hp.port,
        what,
        handler: (s) => {
          const fe = this.plane.findFrontend("ingress-nginx", "ingress-nginx-controller", port, [
            "LoadBalancer",
            "ClusterIP",
          ]);
          if (fe) this.plane.serviceTcp(fe.key, s);
          else s.resetAndDestroy();
        },
      });
    }
    return out;
  }

  private dnsFrontend(protocol: "UDP" | "TCP"): string | undefined {
    const snap = this.plane.snapshot;
    const fe = snap?.services.frontends.find(
      (f) =>
        f.kind === "ClusterIP" &&
        f.service.namespace === "kube-system" &&
        f.service.name === "kube-dns" &&
        f.protocol === protocol &&
        f.servicePort === 53,
    );
    return fe?.key;
  }
}

/** A failure that carries diagnostics to print one per line. */
export class DiagnosticsError extends MichiError {
  constructor(
    message: string,
    readonly diagnostics: readonly Diagnostic[],
  ) {
    super("InvalidManifests", message);
  }
}
