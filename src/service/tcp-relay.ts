/**
 * Splices two TCP sockets together (the userspace equivalent of a DNATed
 * connection): bytes both ways, half-closes passed through so request/response
 * protocols that shut down their write side still work (both sockets must be
 * allowHalfOpen), and an error or reset on one side resets the other instead
 * of leaving it hanging.
 *
 * Backpressure: each direction is a pipe, so a side whose peer does not read
 * stops being read — the relay buffers about a socket's high-water mark per
 * direction, never what a sender pushes. A direction that stays stuck — bytes
 * waiting for a receiver that takes none of them for `stallMs` (default 30 s;
 * nginx's send_timeout closes a client that reads nothing for 60 s) — closes
 * the connection both ways. Without that, a client that never reads would
 * hold the relay and its descriptors forever: while the relay is not reading
 * the other side, it cannot even see that side reset.
 */
import type { Socket } from "node:net";

/** How long bytes may wait for a receiver that takes none of them. */
export const RELAY_STALL_MS = 30_000;

export function splice(a: Socket, b: Socket, stallMs = RELAY_STALL_MS): void {
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
    if (b.destroyed) return;
    b.destroySoon();
    watch(b, a, stallMs);
  });
  b.on("close", () => {
    if (a.destroyed) return;
    a.destroySoon();
    watch(a, b, stallMs);
  });
  // pipe pauses the source when the destination is full: from then on, watch the destination.
  a.on("pause", () => watch(b, a, stallMs));
  b.on("pause", () => watch(a, b, stallMs));
}

const watched = new WeakSet<Socket>();

/** Destroys both sockets when `dst` has bytes queued and takes none of them for `stallMs`. */
function watch(dst: Socket, src: Socket, stallMs: number): void {
  if (dst.destroyed || dst.writableLength === 0 || watched.has(dst)) return;
  watched.add(dst);
  let last = dst.bytesWritten;
  let idle = 0;
  const tick = Math.max(1, Math.floor(stallMs / 4));
  const t = setInterval(() => {
    if (dst.destroyed || dst.writableLength === 0) {
      stop();
      return;
    }
    idle = dst.bytesWritten === last ? idle + tick : 0;
    last = dst.bytesWritten;
    if (idle >= stallMs) {
      stop();
      dst.destroy();
      src.destroy();
    }
  }, tick);
  t.unref();
  const stop = () => {
    clearInterval(t);
    watched.delete(dst);
  };
  dst.once("close", stop);
}
