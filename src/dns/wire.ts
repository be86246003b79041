/**
 * The DNS wire format for the server's hot path: a strict, allocation-light
 * query decoder (the checks miekg/dns applies before CoreDNS sees a message)
 * and a response encoder with name compression, EDNS0 and truncation.
 * dns-packet is not used here: it neither compresses names nor encodes rcode.
 */
import { parseIP } from "../api/net.js";
import type { ResourceRecord } from "./records.js";
import { RCODE, TYPE } from "./records.js";

export interface Edns {
  udpSize: number;
  version: number;
  dnssecOk: boolean;
}

export interface DecodedQuery {
  kind: "query";
  id: number;
  opcode: number;
  rd: boolean;
  cd: boolean;
  /** Presentation form, case preserved, no trailing dot ("" for the root). */
  name: string;
  type: number;
  class: number;
  /** Byte offset just past the question section. */
  questionEnd: number;
  edns?: Edns;
}

/** A message to answer with a bare error (FORMERR, NOTIMP), keeping what could be read of it. */
export interface RejectedQuery {
  kind: "reject";
  id: number;
  opcode: number;
  rd: boolean;
  rcode: number;
  /** Question bytes [12, questionEnd) to echo, when the question parsed. */
  questionEnd?: number;
}

/** Too short to have a header, or a response: dropped silently, as miekg/dns does. */
export interface DroppedQuery {
  kind: "drop";
}

export type Decoded = DecodedQuery | RejectedQuery | DroppedQuery;

const OPCODE_QUERY = 0;
const OPCODE_NOTIFY = 4;

/** Reads a name with no compression pointers (questions never need them); returns [name, end] or undefined. */
function readQuestionName(buf: Buffer, start: number): [string, number] | undefined {
  let off = start;
  let name = "";
  let wire = 0;
  for (;;) {
    if (off >= buf.length) return undefined;
    const len = buf[off]!;
    if (len === 0) {
      off++;
      break;
    }
    if (len > 63) return undefined; // pointers and the reserved label types have no place in a question
    if (off + 1 + len > buf.length) return undefined;
    wire += len + 1;
    if (wire > 254) return undefined;
    if (name.length > 0) name += ".";
    for (let i = off + 1; i <= off + len; i++) {
      const c = buf[i]!;
      if (c === 0x2e || c === 0x5c) name += `\\${String.fromCharCode(c)}`;
      else if (c > 0x20 && c < 0x7f) name += String.fromCharCode(c);
      else name += `\\${String(c).padStart(3, "0")}`;
    }
    off += len + 1;
  }
  return [name, off];
}

/** Skips a name that may end in a compression pointer; returns the offset after it. */
export function skipName(buf: Buffer, start: number): number | undefined {
  let off = start;
  for (let hops = 0; hops < 128; hops++) {
    if (off >= buf.length) return undefined;
    const len = buf[off]!;
    if (len === 0) return off + 1;
    if ((len & 0xc0) === 0xc0) return off + 2 <= buf.length ? off + 2 : undefined;
    if (len > 63) return undefined;
    off += len + 1;
  }
  return undefined;
}

export function decodeQuery(buf: Buffer): Decoded {
  if (buf.length < 12) return { kind: "drop" };
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  if (flags & 0x8000) return { kind: "drop" };
  const opcode = (flags >> 11) & 0xf;
  const rd = (flags & 0x0100) !== 0;
  const cd = (flags & 0x0010) !== 0;
  const qd = buf.readUInt16BE(4);
  const an = buf.readUInt16BE(6);
  const ns = buf.readUInt16BE(8);
  const ar = buf.readUInt16BE(10);
  const question = qd === 1 ? readQuestionName(buf, 12) : undefined;
  const questionEnd = question && question[1] + 4 <= buf.length ? question[1] + 4 : undefined;
  const reject = (rcode: number): RejectedQuery =>
    questionEnd === undefined
      ? { kind: "reject", id, opcode, rd, rcode }
      : { kind: "reject", id, opcode, rd, rcode, questionEnd };
  // miekg/dns DefaultMsgAcceptFunc: other opcodes are NOTIMP, odd section counts FORMERR.
  if (opcode !== OPCODE_QUERY && opcode !== OPCODE_NOTIFY) return reject(RCODE.NOTIMP);
  if (qd !== 1 || an > 1 || ns > 1 || ar > 2) return reject(RCODE.FORMERR);
  if (!question || questionEnd === undefined) return reject(RCODE.FORMERR);
  const type = buf.readUInt16BE(question[1]);
  const qclass = buf.readUInt16BE(question[1] + 2);
  let off: number | undefined = questionEnd;
  let edns: Edns | undefined;
  for (let i = 0; i < an + ns + ar; i++) {
    const nameStart: number = off!;
    off = skipName(buf, nameStart);
    if (off === undefined || off + 10 > buf.length) return reject(RCODE.FORMERR);
    const rrType = buf.readUInt16BE(off);
    const rrClass = buf.readUInt16BE(off + 2);
    const ttl = buf.readUInt32BE(off + 4);
    const rdlen = buf.readUInt16BE(off + 8);
    if (off + 10 + rdlen > buf.length) return reject(RCODE.FORMERR);
    if (rrType === 41) {
      // One OPT, owned by the root, in the additional section (RFC 6891 §6.1.1).
      if (edns || i < an + ns || buf[nameStart] !== 0) return reject(RCODE.FORMERR);
      edns = { udpSize: rrClass, version: (ttl >>> 16) & 0xff, dnssecOk: (ttl & 0x8000) !== 0 };
    }
    off += 10 + rdlen;
  }
  const q: DecodedQuery = {
    kind: "query",
    id,
    opcode,
    rd,
    cd,
    name: question[0],
    type,
    class: qclass,
    questionEnd,
  };
  if (edns) q.edns = edns;
  return q;
}

// ------------------------------------------------------------------ encoder

const TYPE_NUM: Record<ResourceRecord["type"], number> = TYPE;

/** Splits a presentation name into raw labels, honouring `\.` and `\DDD` escapes. */
function labelsOf(name: string): Buffer[] {
  if (name === "" || name === ".") return [];
  const out: Buffer[] = [];
  let cur: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch === 0x5c && i + 1 < name.length) {
      const d = name.slice(i + 1, i + 4);
      if (/^\d{3}$/.test(d)) {
        cur.push(Number(d) & 0xff);
        i += 3;
      } else {
        cur.push(name.charCodeAt(i + 1) & 0xff);
        i += 1;
      }
      continue;
    }
    if (ch === 0x2e) {
      out.push(Buffer.from(cur));
      cur = [];
      continue;
    }
    if (ch < 0x80) cur.push(ch);
    else for (const b of Buffer.from(name[i]!, "utf8")) cur.push(b);
  }
  if (cur.length > 0) out.push(Buffer.from(cur));
  return out;
}

/** Encoding is synchronous, so one scratch buffer serves every response; the result is copied out. */
const SCRATCH = Buffer.allocUnsafe(65535 + 1024);

class Writer {
  readonly buf = SCRATCH;
  off = 0;
  /** Suffix (presentation, exact case) → offset, for name compression. */
  readonly names = new Map<string, number>();
  u8(v: number): void {
    this.check(1);
    this.buf[this.off++] = v;
  }
  u16(v: number): void {
    this.check(2);
    this.buf.writeUInt16BE(v & 0xffff, this.off);
    this.off += 2;
  }
  u32(v: number): void {
    this.check(4);
    this.buf.writeUInt32BE(v >>> 0, this.off);
    this.off += 4;
  }
  bytes(b: Buffer): void {
    this.check(b.length);
    b.copy(this.buf, this.off);
    this.off += b.length;
  }
  check(n: number): void {
    if (this.off + n > this.buf.length) throw new Overflow();
  }
  /** Writes a name, compressing against earlier names when `compress`. */
  name(name: string, compress: boolean): void {
    const labels = labelsOf(name);
    const parts = name === "" ? [] : splitPresentation(name);
    let wire = 1;
    for (const l of labels) {
      if (l.length === 0 || l.length > 63) throw new Error(`invalid label in ${JSON.stringify(name)}`);
      wire += l.length + 1;
    }
    if (wire > 255) throw new Error(`name too long: ${name}`);
    for (let i = 0; i < labels.length; i++) {
      const suffix = parts.slice(i).join(".");
      const at = compress ? this.names.get(suffix) : undefined;
      if (at !== undefined) {
        this.u16(0xc000 | at);
        return;
      }
      if (this.off < 0x3fff && !this.names.has(suffix)) this.names.set(suffix, this.off);
      const l = labels[i]!;
      this.u8(l.length);
      this.bytes(l);
    }
    this.u8(0);
  }
}

class Overflow extends Error {}

/** Splits on unescaped dots, keeping escapes (for compression keys). */
function splitPresentation(name: string): string[] {
  const parts: string[] = [];
  let cur = "";
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    if (c === "\\" && i + 1 < name.length) {
      cur += c + name[i + 1];
      i++;
      continue;
    }
    if (c === ".") {
      parts.push(cur);
      cur = "";
      continue;
    }
    cur += c;
  }
  parts.push(cur);
  return parts;
}

function writeRecord(w: Writer, rr: ResourceRecord): void {
  w.name(rr.name, true);
  w.u16(TYPE_NUM[rr.type]);
  w.u16(1);
  w.u32(rr.ttl);
  const lenAt = w.off;
  w.u16(0);
  switch (rr.type) {
    case "A":
    case "AAAA": {
      const ip = parseIP(rr.data);
      if (!ip || (ip.family === 4) !== (rr.type === "A")) throw new Error(`bad ${rr.type} data ${rr.data}`);
      const n = ip.family === 4 ? 4 : 16;
      w.check(n);
      let v = ip.value;
      for (let i = n - 1; i >= 0; i--) {
        w.buf[w.off + i] = Number(v & 0xffn);
        v >>= 8n;
      }
      w.off += n;
      break;
    }
    case "CNAME":
    case "PTR":
    case "NS":
      w.name(rr.data, true);
      break;
    case "MX":
      w.u16(rr.data.preference);
      w.name(rr.data.exchange, true);
      break;
    case "SRV":
      // RFC 2782: the SRV target is not compressed.
      w.u16(rr.data.priority);
      w.u16(rr.data.weight);
      w.u16(rr.data.port);
      w.name(rr.data.target, false);
      break;
    case "SOA":
      w.name(rr.data.mname, true);
      w.name(rr.data.rname, true);
      w.u32(rr.data.serial);
      w.u32(rr.data.refresh);
      w.u32(rr.data.retry);
      w.u32(rr.data.expire);
      w.u32(rr.data.minimum);
      break;
    case "TXT":
      for (const s of rr.data) {
        const b = Buffer.from(s, "utf8").subarray(0, 255);
        w.u8(b.length);
        w.bytes(b);
      }
      break;
  }
  w.buf.writeUInt16BE(w.off - lenAt - 2, lenAt);
}

export interface EncodeInput {
  id: number;
  opcode: number;
  rd: boolean;
  cd: boolean;
  rcode: number;
  authoritative: boolean;
  recursionAvailable?: boolean;
  /** The query message, whose question bytes [12, questionEnd) are echoed verbatim (the client's case). */
  query: Buffer;
  questionEnd?: number;
  /** The question as presentation text (answers owned by it compress to offset 12). */
  questionName?: string;
  answers?: readonly ResourceRecord[];
  authority?: readonly ResourceRecord[];
  additional?: readonly ResourceRecord[];
  /** Echo an OPT record (the query had one). */
  edns?: Edns;
  /** Largest message allowed (UDP: max(512, EDNS size); TCP: 65535). */
  maxSize: number;
}

/**
 * Encodes a response. Records that do not fit are dropped from the end; TC is
 * set when an answer or authority record was dropped (miekg/dns `Truncate`).
 */
export function encodeResponse(input: EncodeInput): Buffer {
  const limit = Math.min(Math.max(input.maxSize, 512), 65535);
  const w = new Writer();
  const optLen = input.edns ? 11 : 0;
  w.u16(input.id);
  w.u16(0); // flags, patched below
  w.u16(input.questionEnd !== undefined ? 1 : 0);
  w.u16(0);
  w.u16(0);
  w.u16(0);
  if (input.questionEnd !== undefined) {
    w.bytes(input.query.subarray(12, input.questionEnd));
    // Register the question's suffixes for compression, keyed in the client's case.
    if (input.questionName !== undefined && input.questionName !== "") {
      const parts = splitPresentation(input.questionName);
      let at = 12;
      for (let i = 0; i < parts.length; i++) {
        w.names.set(parts.slice(i).join("."), at);
        at += input.query[at]! + 1;
      }
    }
  }
  const sections = [input.answers ?? [], input.authority ?? [], input.additional ?? []];
  const counts = [0, 0, 0];
  let truncated = false;
  outer: for (let s = 0; s < 3; s++) {
    for (const rr of sections[s]!) {
      const before = w.off;
      try {
        writeRecord(w, rr);
      } catch (err) {
        if (!(err instanceof Overflow)) throw err;
        w.off = before;
      }
      if (w.off > limit - optLen || w.off === before) {
        w.off = before;
        if (s < 2) truncated = true;
        break outer;
      }
      counts[s]!++;
    }
  }
  let extRcode = 0;
  if (input.edns) {
    extRcode = input.rcode >> 4;
    w.u8(0);
    w.u16(41);
    w.u16(Math.max(input.edns.udpSize, 512));
    w.u8(extRcode);
    w.u8(0);
    w.u16(input.edns.dnssecOk ? 0x8000 : 0);
    w.u16(0);
  }
  let flags = 0x8000 | ((input.opcode & 0xf) << 11) | (input.rcode & 0xf);
  if (input.authoritative) flags |= 0x0400;
  if (truncated) flags |= 0x0200;
  if (input.rd) flags |= 0x0100;
  if (input.recursionAvailable) flags |= 0x0080;
  if (input.cd) flags |= 0x0010;
  w.buf.writeUInt16BE(flags, 2);
  w.buf.writeUInt16BE(counts[0]!, 6);
  w.buf.writeUInt16BE(counts[1]!, 8);
  w.buf.writeUInt16BE(counts[2]! + (input.edns ? 1 : 0), 10);
  return Buffer.from(w.buf.subarray(0, w.off));
}

/** A bare error response (FORMERR, NOTIMP, SERVFAIL, REFUSED), echoing the question when there is one. */
export function encodeError(
  query: Buffer,
  h: { id: number; opcode: number; rd: boolean; cd?: boolean; questionEnd?: number; edns?: Edns },
  rcode: number,
): Buffer {
  const input: EncodeInput = {
    id: h.id,
    opcode: h.opcode,
    rd: h.rd,
    cd: h.cd ?? false,
    rcode,
    authoritative: false,
    query,
    maxSize: 65535,
  };
  if (h.questionEnd !== undefined) input.questionEnd = h.questionEnd;
  if (h.edns) input.edns = h.edns;
  return encodeResponse(input);
}
