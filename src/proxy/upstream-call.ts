/**
 * The contract of the proxy's two upstream clients (the pool,
 * upstream-pool.ts, and Node's client, node-upstream.ts): where a response
 * goes (UpstreamSink), the handle of a request in flight (UpstreamCall),
 * and the error codes both report, named as Node's http client names the
 * same failures (ECONNREFUSED…, ECONNRESET) plus the proxy's own.
 */
import type { ResponseHead } from "./http1.js";

export const UPSTREAM_TIMEOUT = "MICHI_UPSTREAM_TIMEOUT";

export class UpstreamTimeout extends Error {
  readonly code = UPSTREAM_TIMEOUT;
}

/** The request cannot be written as given (a header or path no HTTP/1.1 message may carry): use the http.request path. */
export const UNSUPPORTED_BY_POOL = "MICHI_UNSUPPORTED_BY_POOL";

/** Where an upstream response goes (from the pool, or from Node's client for the rest: node-upstream.ts). */
export interface UpstreamSink {
  /** The final response head (1xx heads are skipped). */
  onHeaders(status: number, head: ResponseHead): void;
  /**
   * Body bytes `buf[from..to)`, borrowed: valid only during the call (copy
   * to keep). Return false when the receiver is full; call the handle's
   * resume() once it drained.
   */
  onData(buf: Buffer, from: number, to: number): boolean;
  onEnd(): void;
  onError(err: NodeJS.ErrnoException): void;
}

/** A request in flight to an upstream, whichever client carries it. */
export interface UpstreamCall {
  abort(): void;
  /** Reading continues after onData returned false. */
  resume(): void;
  /** A reset before any answer may be a keep-alive connection the upstream already closed: worth one retry on a fresh one. */
  readonly mayBeStale: boolean;
  /** Request body bytes went out (no retry after that). */
  readonly bodyStarted: boolean;
}

export function errorWithCode(message: string, code: string): NodeJS.ErrnoException {
  const e: NodeJS.ErrnoException = new Error(message);
  e.code = code;
  return e;
}

/** A request target this client writes as it is (visible bytes only); undefined counts as the default "/". */
export function writablePath(p: string | undefined): boolean {
  if (p === undefined) return true;
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (c < 0x21 || c > 0xff || c === 0x7f) return false;
  }
  return true;
}
