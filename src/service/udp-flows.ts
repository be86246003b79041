/**
 * A conntrack table for UDP: the first datagram from a client address/port
 * creates a flow (its verdict and chosen backend are decided once, as
 * conntrack does), later datagrams reuse it, and the flow expires after a
 * period of silence (conntrack's unreplied-UDP timeout is 30 s; 120 s once
 * the flow has seen traffic both ways — we use one idle timeout).
 *
 * Bounded like conntrack (nf_conntrack_max): a table holds at most
 * `maxFlows` flows and, when full, evicts the least recently used one
 * (conntrack drops the new packet instead; for a resolver retrying from new
 * ports, making room for the newest is kinder). Flows that own a socket (a
 * relay bound to the client's address) also take a slot of a UdpFlowBudget
 * shared by every table of a data plane, so UDP flows can never use more than
 * their share of the process's file descriptors — the listeners, TCP
 * connections and pods keep theirs.
 */
import { readFileSync } from "node:fs";

export interface UdpFlowTable<T> {
  get(key: string): T | undefined;
  set(key: string, flow: T): void;
  touch(key: string): void;
  size(): number;
  clear(): void;
}

/** Why a flow was evicted before its idle timeout. */
export type EvictReason = "table" | "sockets";

export interface UdpFlowTableOptions<T> {
  /** Most flows the table holds (default 16 384). */
  maxFlows?: number;
  /** Shared socket budget, for the flows `holdsSocket` says own one. */
  budget?: UdpFlowBudget;
  holdsSocket?: (flow: T) => boolean;
  /** Told about every eviction (counting, logging). */
  onEvict?: (reason: EvictReason) => void;
}

export const DEFAULT_MAX_UDP_FLOWS = 16_384;

/** Sockets of UDP flows, shared across tables and evicted least recently used first. */
export class UdpFlowBudget {
  private readonly holders = new Map<number, () => void>();
  private next = 1;
  constructor(readonly max: number) {}

  /** A slot for a new socket; when all are taken, the least recently used holder is evicted first. */
  acquire(evict: () => void): number {
    while (this.holders.size >= this.max) {
      const first = this.holders.entries().next();
      if (first.done) break;
      this.holders.delete(first.value[0]);
      first.value[1]();
    }
    const id = this.next++;
    this.holders.set(id, evict);
    return id;
  }

  touch(id: number): void {
    const ev = this.holders.get(id);
    if (ev === undefined) return;
    this.holders.delete(id);
    this.holders.set(id, ev);
  }

  free(id: number): void {
    this.holders.delete(id);
  }

  get used(): number {
    return this.holders.size;
  }
}

/**
 * Default socket budget: a quarter of the soft open-files limit (from
 * /proc/self/limits), between 64 and 4096 — with the common 1024 that is 256.
 */
export function defaultUdpSocketBudget(): number {
  let soft = 1024;
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    if (m?.[1]) soft = m[1] === "unlimited" ? 1 << 20 : Number(m[1]);
  } catch {
    // Not Linux: assume the common default.
  }
  return Math.max(64, Math.min(4096, Math.floor(soft / 4)));
}

interface Entry<T> {
  flow: T;
  timer: NodeJS.Timeout;
  token: number | undefined;
}

export function createUdpFlowTable<T>(
  idleMs: number,
  onExpire: (key: string, flow: T) => void,
  options: UdpFlowTableOptions<T> = {},
): UdpFlowTable<T> {
  const max = Math.max(1, options.maxFlows ?? DEFAULT_MAX_UDP_FLOWS);
  // Insertion order is recency order: touch() moves a flow to the end, eviction takes the first.
  const flows = new Map<string, Entry<T>>();
  const remove = (key: string, reason: EvictReason | undefined) => {
    const e = flows.get(key);
    if (!e) return;
    clearTimeout(e.timer);
    flows.delete(key);
    if (e.token !== undefined) options.budget?.free(e.token);
    onExpire(key, e.flow);
    if (reason) options.onEvict?.(reason);
  };
  const arm = (key: string) => setTimeout(() => remove(key, undefined), idleMs).unref();
  return {
    get: (key) => flows.get(key)?.flow,
    set(key, flow) {
      remove(key, undefined);
      while (flows.size >= max) {
        const oldest = flows.keys().next();
        if (oldest.done) break;
        remove(oldest.value, "table");
      }
      const token =
        options.budget && options.holdsSocket?.(flow)
          ? options.budget.acquire(() => remove(key, "sockets"))
          : undefined;
      flows.set(key, { flow, timer: arm(key), token });
    },
    touch(key) {
      const e = flows.get(key);
      if (!e) return;
      clearTimeout(e.timer);
      e.timer = arm(key);
      flows.delete(key);
      flows.set(key, e);
      if (e.token !== undefined) options.budget?.touch(e.token);
    },
    size: () => flows.size,
    clear() {
      for (const key of [...flows.keys()]) remove(key, undefined);
    },
  };
}
