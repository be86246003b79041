/**
 * The client socket as Node's http.Server sees it after the hand-written
 * front end hands a connection over (front.ts): a Duplex fed with the bytes
 * read from the real socket (starting with the ones already buffered),
 * writing to it, with its addresses and timeouts.
 */
import type net from "node:net";
import { Duplex } from "node:stream";

export class SocketBridge extends Duplex {
  constructor(private readonly sock: net.Socket) {
    super({ allowHalfOpen: true });
    if (sock.readableEnded) queueMicrotask(() => this.push(null));
    else sock.on("end", () => this.push(null));
    sock.on("close", () => this.destroy());
    sock.on("drain", () => this.emit("drain"));
    sock.on("timeout", () => this.emit("timeout"));
  }

  pushBytes(b: Buffer): void {
    if (!this.push(b)) this.sock.pause();
  }

  override _read(): void {
    if (!this.sock.destroyed) this.sock.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.sock.destroyed) {
      cb();
      return;
    }
    if (this.sock.write(chunk)) cb();
    else this.sock.once("drain", () => cb());
  }

  override _writev(chunks: { chunk: Buffer }[], cb: (err?: Error | null) => void): void {
    this.sock.cork();
    let ok = true;
    for (const c of chunks) ok = this.sock.write(c.chunk) && ok;
    this.sock.uncork();
    if (ok || this.sock.destroyed) cb();
    else this.sock.once("drain", () => cb());
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.sock.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.sock.destroy();
    cb(err);
  }

  get remoteAddress(): string | undefined {
    return this.sock.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.sock.remotePort;
  }
  get remoteFamily(): string | undefined {
    return this.sock.remoteFamily;
  }
  get localAddress(): string | undefined {
    return this.sock.localAddress;
  }
  get localPort(): number | undefined {
    return this.sock.localPort;
  }
  get encrypted(): boolean {
    return (this.sock as { encrypted?: boolean }).encrypted === true;
  }
  setTimeout(ms: number, cb?: () => void): this {
    this.sock.setTimeout(ms);
    if (cb) this.once("timeout", cb);
    return this;
  }
  setNoDelay(v?: boolean): this {
    this.sock.setNoDelay(v);
    return this;
  }
  setKeepAlive(enable?: boolean, delay?: number): this {
    this.sock.setKeepAlive(enable, delay);
    return this;
  }
  ref(): this {
    this.sock.ref();
    return this;
  }
  unref(): this {
    this.sock.unref();
    return this;
  }
  address(): ReturnType<net.Socket["address"]> {
    return this.sock.address();
  }
}
