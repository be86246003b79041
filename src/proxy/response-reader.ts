/**
 * HTTP/1.1 response framing for the upstream pool (upstream-pool.ts): the
 * head (1xx heads skipped, 64 KiB at most), then the body as its head frames
 * it — none (HEAD, 204, 304), Content-Length, chunked (extensions and
 * trailers read and dropped) or up to the close — strictly: anything
 * malformed fails the response. Subclasses receive the head, the body
 * bytes (borrowed) and the end.
 */
import { parseResponseHead, type ResponseHead } from "./http1.js";

/** Largest response head accepted (nginx: proxy_buffer_size; bigger → 502). */
const MAX_HEAD = 64 * 1024;

enum Body {
  None,
  Length,
  Chunked,
  Close,
}

enum Chunk {
  Size,
  Ext,
  SizeLF,
  Data,
  DataCR,
  DataLF,
  Trailer,
  TrailerLF,
}

export abstract class ResponseReader {
  /** The response ended (completed or failed): nothing more is read. */
  done = false;
  /** The connection may carry another request after this response. */
  protected keepAlive = false;
  private head = "";
  private inHead = true;
  private body = Body.None;
  private remaining = 0;
  private chunkState = Chunk.Size;
  /** Digits of a chunk size, or bytes of an extension or trailer line. */
  private count = 0;

  constructor(private readonly isHead: boolean) {}

  /** The final head arrived. */
  protected abstract headReceived(h: ResponseHead): void;
  /** Body bytes `buf[from..to)`, borrowed: valid only during the call. */
  protected abstract deliver(buf: Buffer, from: number, to: number): void;
  /** The response is whole; `clean`: nothing followed it. */
  protected abstract complete(clean: boolean): void;
  abstract fail(err: NodeJS.ErrnoException): void;

  /** The body runs to the connection's close. */
  protected get closeDelimited(): boolean {
    return this.body === Body.Close;
  }

  protected read(buf: Buffer, from: number, to: number): void {
    let pos = from;
    while (!this.done && pos < to)
      pos = this.inHead ? this.feedHead(buf, pos, to) : this.feedBody(buf, pos, to);
  }

  /** Head bytes; returns where the body (or the next head, after a 1xx) starts. */
  private feedHead(buf: Buffer, from: number, to: number): number {
    const prev = this.head.length;
    this.head += buf.toString("latin1", from, to);
    const idx = this.head.indexOf("\r\n\r\n", prev > 3 ? prev - 3 : 0);
    if (idx < 0) {
      if (this.head.length > MAX_HEAD) this.fail(new Error("upstream sent too big header"));
      return to;
    }
    if (idx + 4 > MAX_HEAD) {
      this.fail(new Error("upstream sent too big header"));
      return to;
    }
    const next = from + (idx + 4 - prev);
    const parsed = parseResponseHead(this.head, idx);
    this.head = "";
    if (typeof parsed === "string") {
      this.fail(new Error(`upstream sent an invalid response: ${parsed}`));
      return to;
    }
    if (parsed.status < 200) {
      // 100 Continue / 103 Early Hints are skipped; 101 was never asked for.
      if (parsed.status === 101) this.fail(new Error("upstream switched protocols unasked"));
      return next;
    }
    this.inHead = false;
    this.startBody(parsed);
    this.headReceived(parsed);
    if (!this.done && (this.body === Body.None || (this.body === Body.Length && this.remaining === 0)))
      this.complete(next === to);
    return next;
  }

  private startBody(h: ResponseHead): void {
    this.keepAlive = h.keepAlive;
    if (this.isHead || h.status === 204 || h.status === 304) this.body = Body.None;
    else if (h.chunked) {
      this.body = Body.Chunked;
      this.chunkState = Chunk.Size;
      this.remaining = 0;
      this.count = 0;
    } else if (h.closeDelimited || h.contentLength === undefined) {
      this.body = Body.Close;
      this.keepAlive = false;
    } else {
      this.body = Body.Length;
      this.remaining = h.contentLength;
    }
  }

  private feedBody(buf: Buffer, from: number, to: number): number {
    if (this.body === Body.Length) {
      const n = Math.min(this.remaining, to - from);
      this.remaining -= n;
      this.deliver(buf, from, from + n);
      if (this.remaining === 0) this.complete(from + n === to);
      return from + n;
    }
    if (this.body === Body.Close) {
      this.deliver(buf, from, to);
      return to;
    }
    return this.feedChunked(buf, from, to);
  }

  private feedChunked(buf: Buffer, from: number, to: number): number {
    let pos = from;
    while (pos < to && !this.done) {
      const c = buf[pos] as number;
      switch (this.chunkState) {
        case Chunk.Size: {
          const d = hexDigit(c);
          if (d >= 0) {
            if (++this.count > 12) return this.badChunk(to);
            this.remaining = this.remaining * 16 + d;
            pos++;
          } else if (this.count > 0 && (c === 0x3b || c === 0x20 || c === 0x09)) {
            this.chunkState = Chunk.Ext;
            pos++;
          } else if (this.count > 0 && c === 0x0d) {
            this.chunkState = Chunk.SizeLF;
            pos++;
          } else return this.badChunk(to);
          break;
        }
        case Chunk.Ext:
          // chunk-ext is ignored (bounded by the head-size limit's spirit: 4 KiB per line).
          if (c === 0x0d) this.chunkState = Chunk.SizeLF;
          else if (c === 0x0a || ++this.count > 4096) return this.badChunk(to);
          pos++;
          break;
        case Chunk.SizeLF:
          if (c !== 0x0a) return this.badChunk(to);
          pos++;
          this.count = 0;
          this.chunkState = this.remaining === 0 ? Chunk.Trailer : Chunk.Data;
          break;
        case Chunk.Data: {
          const n = Math.min(this.remaining, to - pos);
          this.deliver(buf, pos, pos + n);
          this.remaining -= n;
          pos += n;
          if (this.remaining === 0) this.chunkState = Chunk.DataCR;
          break;
        }
        case Chunk.DataCR:
          if (c !== 0x0d) return this.badChunk(to);
          this.chunkState = Chunk.DataLF;
          pos++;
          break;
        case Chunk.DataLF:
          if (c !== 0x0a) return this.badChunk(to);
          this.chunkState = Chunk.Size;
          this.count = 0;
          pos++;
          break;
        case Chunk.Trailer:
          // Trailer fields are dropped; an empty line ends the message.
          if (c === 0x0d) this.chunkState = Chunk.TrailerLF;
          else if (++this.count > MAX_HEAD) return this.badChunk(to);
          pos++;
          break;
        case Chunk.TrailerLF:
          if (c !== 0x0a) return this.badChunk(to);
          pos++;
          if (this.count === 0) {
            this.complete(pos === to);
            return pos;
          }
          this.count = 0;
          this.chunkState = Chunk.Trailer;
          break;
      }
    }
    return pos;
  }

  private badChunk(to: number): number {
    this.fail(new Error("upstream sent an invalid chunked body"));
    return to;
  }
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
