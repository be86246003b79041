/**
 * Splices two TCP sockets together (the userspace equivalent of a DNATed
 * connection): bytes both ways, half-closes passed through so request/response
 * protocols that shut down their write side still work (both sockets must be
 * allowHalfOpen), and an error or reset on one side resets the other instead
 * of leaving it hanging.
 */
import type { Socket } from "node:net";

export function splice(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  const fail = (other: Socket) => () => {
    if (!other.destroyed) {
      // Propagate the reset as kube-proxy's conntrack would: the peer sees the connection die.
      if (typeof other.resetAndDestroy === "function") other.resetAndDestroy();
      else other.destroy();
    }
  };
  a.on("error", fail(b));
  b.on("error", fail(a));
  // One side gone (closed or destroyed without a FIN): finish writing what the other has queued, then close it.
  a.on("close", () => {
    if (!b.destroyed) b.destroySoon();
  });
  b.on("close", () => {
    if (!a.destroyed) a.destroySoon();
  });
}
