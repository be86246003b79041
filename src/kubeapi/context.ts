/**
 * What every handler shares: the host, the registry over its snapshots, the
 * schema table, one write lock (so a resourceVersion check and the write it
 * guards are atomic), and the parsed request target.
 */

import { addressMapFor } from "../cluster/addresses.js";
import { controllerEvents } from "./events.js";
import type { KubeApiHost } from "./host.js";
import { Registry } from "./registry.js";
import type { ApiResource } from "./resources.js";
import { type Schema, schemaTable } from "./schema/schema.js";
import type { TableContext } from "./table.js";

export interface Target {
  res: ApiResource;
  /** From the URL (`/namespaces/NS/…`); undefined for cluster-scoped or all-namespace requests. */
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

export class ApiContext {
  readonly registry: Registry;
  readonly schema: Schema = schemaTable();
  private lock: Promise<unknown> = Promise.resolve();
  private readonly unsubscribe: () => void;

  constructor(
    readonly host: KubeApiHost,
    logLimit?: number,
  ) {
    this.registry = new Registry(logLimit);
    this.registry.onDiff = (changes) => controllerEvents(this.registry, changes);
    this.registry.sync(host.snapshot());
    this.unsubscribe = host.onSnapshot((s) => this.registry.sync(s));
  }

  /** Picks up the host's current snapshot (after a write resolved). */
  sync(): void {
    this.registry.sync(this.host.snapshot());
  }

  /** Runs writes one at a time. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  tableContext(): TableContext {
    const state = this.registry.state;
    const addresses = this.host.addressMap?.() ?? (state ? addressMapFor(state.config) : undefined);
    return { state, addresses, now: Date.now() };
  }

  close(): void {
    this.unsubscribe();
  }
}
