/**
 * The server side of a SPDY/3.1 session, as kubectl's port-forward speaks it
 * (k8s httpstream over moby/spdystream): streams opened by the client with
 * SYN_STREAM carry plain headers (`streamtype`, `port`, `requestid` — no HTTP
 * `:method`/`:path`, which is why spdy-transport's HTTP-minded parser refuses
 * them; its SPDY/3 header dictionary is reused), each is answered with
 * SYN_REPLY, DATA frames flow both ways, FIN half-closes, RST_STREAM aborts,
 * PINGs are echoed and received data is acknowledged with WINDOW_UPDATE.
 * Header blocks are one zlib stream per direction with that dictionary.
 */
import { createRequire } from "node:module";
import { Duplex } from "node:stream";
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from "node:zlib";

const require = createRequire(import.meta.url);
const DICTIONARY = (
  require("spdy-transport/lib/spdy-transport/protocol/spdy/dictionary.js") as Record<number, Buffer>
)[3] as Buffer;

const VERSION = 3;
const SYN_STREAM = 1;
const SYN_REPLY = 2;
const RST_STREAM = 3;
const SETTINGS = 4;
const PING = 6;
const GOAWAY = 7;
const WINDOW_UPDATE = 9;
const FLAG_FIN = 0x01;
const MAX_DATA = 16 * 1024;

/** One client-opened stream: a Duplex of its DATA frames. */
export class SpdyStream extends Duplex {
  constructor(
    readonly id: number,
    readonly headers: Readonly<Record<string, string>>,
    private readonly session: SpdySession,
  ) {
    super({ allowHalfOpen: true });
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.session.sendData(this.id, chunk, false);
    cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.session.sendData(this.id, Buffer.alloc(0), true);
    cb();
  }

  /** Aborts the stream (RST_STREAM CANCEL). */
  reset(): void {
    this.session.sendRst(this.id, 5);
    this.destroy();
  }
}

export class SpdySession {
  private buf = Buffer.alloc(0);
  private readonly streams = new Map<number, SpdyStream>();
  private readonly inflate: Inflate = createInflate({ dictionary: DICTIONARY });
  private readonly deflate: Deflate = createDeflate({ dictionary: DICTIONARY });
  /** Frames are handled one at a time: header blocks depend on the zlib stream before them. */
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly socket: Duplex,
    private readonly onStream: (s: SpdyStream) => void,
  ) {
    socket.on("data", (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.drain();
    });
    socket.on("close", () => this.shutdown());
    socket.on("error", () => this.shutdown());
  }

  private drain(): void {
    while (this.buf.length >= 8) {
      const len = this.buf.readUInt32BE(4) & 0xffffff;
      if (this.buf.length < 8 + len) return;
      const frame = this.buf.subarray(0, 8 + len);
      this.buf = this.buf.subarray(8 + len);
      this.queue = this.queue.then(() => this.handle(frame)).catch(() => this.shutdown());
    }
  }

  private async handle(frame: Buffer): Promise<void> {
    const control = (frame[0] as number) & 0x80;
    const flags = frame[4] as number;
    const body = frame.subarray(8);
    if (!control) {
      const id = frame.readUInt32BE(0) & 0x7fffffff;
      const s = this.streams.get(id);
      if (body.length > 0) {
        this.windowUpdate(id, body.length);
        s?.push(Buffer.from(body));
      }
      if (flags & FLAG_FIN) s?.push(null);
      return;
    }
    const type = frame.readUInt16BE(2);
    if (type === SYN_STREAM) {
      const id = body.readUInt32BE(0) & 0x7fffffff;
      const headers = await this.readHeaders(body.subarray(10));
      const s = new SpdyStream(id, headers, this);
      this.streams.set(id, s);
      s.on("close", () => this.streams.delete(id));
      await this.reply(id);
      if (flags & FLAG_FIN) s.push(null);
      this.onStream(s);
    } else if (type === RST_STREAM) {
      const id = body.readUInt32BE(0) & 0x7fffffff;
      this.streams.get(id)?.destroy();
      this.streams.delete(id);
    } else if (type === PING) {
      this.write(frame);
    } else if (type === GOAWAY) {
      this.shutdown();
    }
    // SETTINGS, WINDOW_UPDATE, HEADERS: nothing to do for a port-forward server.
    void SETTINGS;
  }

  private readHeaders(block: Buffer): Promise<Record<string, string>> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      const onData = (c: Buffer) => chunks.push(c);
      this.inflate.on("data", onData);
      this.inflate.write(block);
      this.inflate.flush(constants.Z_SYNC_FLUSH, () => {
        this.inflate.off("data", onData);
        try {
          const b = Buffer.concat(chunks);
          const n = b.readUInt32BE(0);
          let off = 4;
          const out: Record<string, string> = {};
          for (let i = 0; i < n; i++) {
            const kl = b.readUInt32BE(off);
            const k = b.subarray(off + 4, off + 4 + kl).toString();
            off += 4 + kl;
            const vl = b.readUInt32BE(off);
            const v = b.subarray(off + 4, off + 4 + vl).toString();
            off += 4 + vl;
            out[k.toLowerCase()] = v.split("\0")[0] ?? "";
          }
          resolve(out);
        } catch (err) {
          reject(err as Error);
        }
      });
    });
  }

  private compress(headers: Record<string, string>): Promise<Buffer> {
    const parts: Buffer[] = [];
    const n = Buffer.alloc(4);
    n.writeUInt32BE(Object.keys(headers).length);
    parts.push(n);
    for (const [k, v] of Object.entries(headers)) {
      for (const s of [k, v]) {
        const l = Buffer.alloc(4);
        l.writeUInt32BE(Buffer.byteLength(s));
        parts.push(l, Buffer.from(s));
      }
    }
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      const onData = (c: Buffer) => chunks.push(c);
      this.deflate.on("data", onData);
      this.deflate.write(Buffer.concat(parts));
      this.deflate.flush(constants.Z_SYNC_FLUSH, () => {
        this.deflate.off("data", onData);
        resolve(Buffer.concat(chunks));
      });
    });
  }

  private control(type: number, flags: number, body: Buffer): Buffer {
    const h = Buffer.alloc(8);
    h.writeUInt16BE(0x8000 | VERSION, 0);
    h.writeUInt16BE(type, 2);
    h.writeUInt32BE(body.length, 4);
    h[4] = flags;
    return Buffer.concat([h, body]);
  }

  private async reply(id: number): Promise<void> {
    const block = await this.compress({});
    const body = Buffer.alloc(4);
    body.writeUInt32BE(id);
    this.write(this.control(SYN_REPLY, 0, Buffer.concat([body, block])));
  }

  private windowUpdate(id: number, delta: number): void {
    const body = Buffer.alloc(8);
    body.writeUInt32BE(id, 0);
    body.writeUInt32BE(delta, 4);
    this.write(this.control(WINDOW_UPDATE, 0, body));
  }

  sendData(id: number, data: Buffer, fin: boolean): void {
    let off = 0;
    do {
      const chunk = data.subarray(off, off + MAX_DATA);
      off += chunk.length;
      const h = Buffer.alloc(8);
      h.writeUInt32BE(id & 0x7fffffff, 0);
      h.writeUInt32BE(chunk.length, 4);
      h[4] = fin && off >= data.length ? FLAG_FIN : 0;
      this.write(Buffer.concat([h, chunk]));
    } while (off < data.length);
  }

  sendRst(id: number, status: number): void {
    const body = Buffer.alloc(8);
    body.writeUInt32BE(id, 0);
    body.writeUInt32BE(status, 4);
    this.write(this.control(RST_STREAM, 0, body));
  }

  private write(b: Buffer): void {
    if (!this.closed && !this.socket.destroyed) this.socket.write(b);
  }

  shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) s.destroy();
    this.streams.clear();
    this.inflate.close();
    this.deflate.close();
    this.socket.destroy();
  }
}
