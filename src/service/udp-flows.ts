/**
 * A conntrack table for UDP: the first datagram from a client address/port
 * creates a flow (its verdict and chosen backend are decided once, as
 * conntrack does), later datagrams reuse it, and the flow expires after a
 * period of silence (conntrack's unreplied-UDP timeout is 30 s; 120 s once
 * the flow has seen traffic both ways — we use one idle timeout).
 */

export interface UdpFlowTable<T> {
  get(key: string): T | undefined;
  set(key: string, flow: T): void;
  touch(key: string): void;
  size(): number;
  clear(): void;
}

export function createUdpFlowTable<T>(
  idleMs: number,
  onExpire: (key: string, flow: T) => void,
): UdpFlowTable<T> {
  const flows = new Map<string, { flow: T; timer: NodeJS.Timeout }>();
  const arm = (key: string, flow: T) =>
    setTimeout(() => {
      flows.delete(key);
      onExpire(key, flow);
    }, idleMs).unref();
  return {
    get: (key) => flows.get(key)?.flow,
    set(key, flow) {
      const old = flows.get(key);
      if (old) clearTimeout(old.timer);
      flows.set(key, { flow, timer: arm(key, flow) });
    },
    touch(key) {
      const e = flows.get(key);
      if (!e) return;
      clearTimeout(e.timer);
      e.timer = arm(key, e.flow);
    },
    size: () => flows.size,
    clear() {
      for (const [key, e] of flows) {
        clearTimeout(e.timer);
        onExpire(key, e.flow);
      }
      flows.clear();
    },
  };
}
