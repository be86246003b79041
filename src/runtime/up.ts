/**
 * `michi up` as a library: the object store (files, applied, deletions), the
 * current snapshot, the data plane serving it, the admin API, and the change
 * paths (file watch, apply, delete). Changes are serialized and debounced
 * (kube-proxy's bounded-frequency runner); each is planned against the
 * store, compiled into a complete new snapshot, and committed and swapped in
 * only when it compiles cleanly, so a bad change leaves the running network
 * exactly as it was and records why. A change that changes no object (an
 * identical re-apply) compiles and swaps nothing.
 */
import { randomBytes } from "node:crypto";
import { type FSWatcher, statSync, watch } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { basename, dirname } from "node:path";
import { type Diagnostic, formatDiagnostic, MichiError } from "../api/diagnostics.js";
import { loadManifestsIsolated } from "../api/parse-isolated.js";
import type { KubeObject } from "../api/types.js";
import type { ClusterConfig } from "../cluster/config.js";
import { commandEnvFor } from "../pods/command-env.js";
import { allDiagnostics, compileSnapshot, type Snapshot } from "../snapshot/snapshot.js";
import { ObjectStore, type PlannedChange } from "../store/object-store.js";
import { createAdminHandler, type HttpHandler } from "./admin-api.js";
import { DataPlane } from "./dataplane.js";
import { FlowLog } from "./flows.js";
import type { ListenerSpec } from "./listener-pool.js";
import { listenerKey } from "./listener-pool.js";
import { startSystemPodServer } from "./system-pods.js";
import type { ChangeError, ChangeResult, HostPort, UpCounters, UpSettings, UpView } from "./up-view.js";

export interface UpOptions extends UpSettings {
  paths: string[];
  config: ClusterConfig;
  ui: HostPort;
  watch: boolean;
  dropHoldMs: number;
  backoffScale: number;
  debounceMs: number;
  /** Upstream resolvers for names outside the cluster (default: the host's resolv.conf; [] disables). */
  dnsUpstreams?: string[];
  /** Extra handlers tried before the admin API's own (the dashboard). */
  handlers?: HttpHandler[];
  log: (line: string) => void;
}

export class UpInstance implements UpView {
  readonly flows = new FlowLog();
  readonly plane: DataPlane;
  readonly store = new ObjectStore();
  readonly token = randomBytes(16).toString("hex");
  private chain: Promise<unknown> = Promise.resolve();
  private watchers: FSWatcher[] = [];
  private debounce: NodeJS.Timeout | undefined;
  private admin: Server | undefined;
  ready = false;
  lastError: ChangeError | undefined;
  readonly counters: UpCounters = { reloadsOk: 0, reloadsFailed: 0, applies: 0, deletes: 0 };
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
      startRoleServer: (rt, role) =>
        startSystemPodServer(
          { getSnapshot: () => this.snapshot, settings: options, dnsUpstreams: options.dnsUpstreams },
          rt,
          role,
        ),
      extraListeners: () => this.extraListeners(),
      commandEnv: (pod, snap) => commandEnvFor(pod, snap.state),
      log: options.log,
    });
  }

  get settings(): UpSettings {
    return this.options;
  }

  get snapshot(): Snapshot | undefined {
    return this.plane.snapshot;
  }

  /** Loads, compiles and serves; throws MichiError (with every diagnostic) when it cannot. */
  async start(): Promise<void> {
    const loaded = await loadManifestsIsolated(this.options.paths);
    const change = this.store.planFiles(loaded.objects);
    const result = compileSnapshot(change.objects, this.options.config, {
      mode: "refuse",
      hostIP: this.options.hostIP,
      loadDiagnostics: loaded.diagnostics,
    });
    if (!result.ok) {
      throw new DiagnosticsError("the manifests have errors; nothing was started", result.diagnostics);
    }
    this.store.commit(change);
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
    try {
      await this.startAdmin();
    } catch (err) {
      // All or nothing: a start that cannot serve its admin API leaves no listener or pod behind.
      await this.plane.close();
      throw err;
    }
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

  /** The desired objects: files, then applied, less deletions, sorted by key. */
  desired(): KubeObject[] {
    return this.store.objects();
  }

  /** `kubectl apply`: upsert the objects; all or nothing. */
  apply(objects: readonly KubeObject[], loadDiagnostics: readonly Diagnostic[] = []): Promise<ChangeResult> {
    return this.serialize(() => this.commit("apply", this.store.planApply(objects), loadDiagnostics));
  }

  /** `kubectl delete -f`: remove the named objects; unknown names are an error (NotFound), nothing changes. */
  delete(objects: readonly KubeObject[]): Promise<ChangeResult> {
    return this.serialize(async () => {
      const change = this.store.planDelete(objects);
      if (change.missing.length > 0) {
        const diagnostics = change.missing.map((key): Diagnostic => {
          const [kind = "", namespace = "", name = ""] = key.split("/");
          return {
            severity: "error",
            code: "NotFound",
            message: `${kind.toLowerCase() || "object"} "${name}" not found`,
            ...(kind ? { kind } : {}),
            ...(namespace ? { namespace } : {}),
            ...(name ? { name } : {}),
          };
        });
        return this.refused(diagnostics);
      }
      return this.commit("delete", change, []);
    });
  }

  /** Re-reads the -f paths (the --watch path). */
  reload(): Promise<ChangeResult> {
    return this.serialize(async () => {
      let loaded: Awaited<ReturnType<typeof loadManifestsIsolated>>;
      try {
        loaded = await loadManifestsIsolated(this.options.paths);
      } catch (err) {
        const diagnostics: Diagnostic[] = [
          { severity: "error", code: "LoadFailed", message: (err as Error).message },
        ];
        this.lastError = { time: new Date().toISOString(), source: "watch", diagnostics };
        this.counters.reloadsFailed++;
        return this.refused(diagnostics);
      }
      return this.commit("watch", this.store.planFiles(loaded.objects), loaded.diagnostics);
    });
  }

  private refused(diagnostics: Diagnostic[]): ChangeResult {
    return { ok: false, version: this.snapshot?.version ?? 0, diagnostics, changed: [], outcomes: {} };
  }

  private async commit(
    source: string,
    change: PlannedChange,
    loadDiagnostics: readonly Diagnostic[],
  ): Promise<ChangeResult> {
    const changed = [...change.outcomes.keys()];
    const outcomes = Object.fromEntries(change.outcomes);
    const loadErrors = loadDiagnostics.filter((d) => d.severity === "error");
    // Nothing changes (an identical re-apply, an unchanged reload): nothing to compile or swap.
    if (change.noop && loadErrors.length === 0) {
      this.store.commit(change);
      return {
        ok: true,
        version: this.snapshot?.version ?? 0,
        diagnostics: loadDiagnostics.filter((d) => d.severity === "warning"),
        changed,
        outcomes,
      };
    }
    const result = compileSnapshot(change.objects, this.options.config, {
      mode: "refuse",
      previous: this.snapshot,
      hostIP: this.options.hostIP,
      loadDiagnostics,
    });
    if (!result.ok) {
      this.lastError = { time: new Date().toISOString(), source, diagnostics: result.diagnostics };
      this.counters.reloadsFailed++;
      return this.refused(result.diagnostics);
    }
    this.store.commit(change);
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
      return this.refused(diagnostics);
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
    const snap = result.snapshot;
    return {
      ok: true,
      version: snap.version,
      diagnostics: [...diagnostics, ...allDiagnostics(snap).filter((d) => d.severity === "warning")],
      changed,
      outcomes,
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
