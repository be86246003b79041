/**
 * A fast reader for the YAML that Kubernetes manifests are made of: block
 * maps and sequences, plain/quoted/block scalars, flow collections (and so
 * JSON), comments. It walks the text once with charCodeAt, builds plain JS
 * values with Kubernetes' scalar rules (load-scalar.ts), and is ~10x faster
 * than the `yaml` package's CST parser, which is what keeps a 5 MB cluster
 * under a second.
 *
 * Anything outside that subset — anchors, aliases, tags, explicit keys,
 * multi-line plain or quoted scalars, directives — and anything malformed
 * throws UNSUPPORTED, and the caller re-reads that one document with the full
 * `yaml` package (load-yaml-full.ts), which also produces the syntax errors.
 * So the subset only has to be exact, never complete.
 *
 * With `track` on (used lazily, one document at a time) it also records the
 * offset of every key and value and the field path of each YAML 1.1 coercion.
 */
import type { FieldPath } from "./diagnostics.js";
import { isYaml11Surprise, plainKey, resolvePlain } from "./load-scalar.js";

/** Offsets of a node (value) and of its key, with children by key or index. */
export interface PosNode {
  off: number;
  keyOff?: number;
  children?: Map<string | number, PosNode>;
}

export interface DocIssue {
  offset: number;
  message: string;
  code: string;
  path: FieldPath;
}

export interface ParsedValue {
  value: unknown;
  /** Offset of the root node (the object's position). */
  rootOffset: number;
  /** Number of YAML 1.1 coercions (paths only with track). */
  coerced: number;
  yaml11: [FieldPath, string][];
  pos: PosNode | undefined;
  errors: DocIssue[];
}

export const UNSUPPORTED: unique symbol = Symbol("unsupported-yaml");

/** Nesting depth the fast reader handles; Kubernetes objects are far shallower. */
const MAX_DEPTH = 200;

const SP = 32;
const TAB = 9;
const NL = 10;
const HASH = 35;
const COLON = 58;
const DASH = 45;
const DQ = 34;
const SQ = 39;

function fail(): never {
  throw UNSUPPORTED;
}

/** Sets a key on a plain object; `__proto__` becomes an own property, as in JSON.parse. */
export function setKey(obj: Record<string, unknown>, key: string, v: unknown): void {
  if (key === "__proto__")
    Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
  else obj[key] = v;
}

class FastParser {
  private readonly s: string;
  private readonly end: number;
  private readonly track: boolean;
  /** Next content line after the node just parsed: offset of its first non-space char, its column. */
  private next = 0;
  private nextIndent = -1;
  private lastPos: PosNode | undefined;
  private readonly path: (string | number)[] = [];
  coerced = 0;
  depth = 0;
  readonly yaml11: [FieldPath, string][] = [];
  readonly errors: DocIssue[] = [];

  constructor(s: string, end: number, track: boolean) {
    this.s = s;
    this.end = end;
    this.track = track;
  }

  private lineEnd(p: number): number {
    const i = this.s.indexOf("\n", p);
    return i < 0 || i > this.end ? this.end : i;
  }

  /** From a line start, skip blank and comment lines; sets next/nextIndent. */
  skipToContent(lineStart: number): void {
    const s = this.s;
    let p = lineStart;
    while (p < this.end) {
      let q = p;
      while (q < this.end && s.charCodeAt(q) === SP) q++;
      const indent = q - p;
      let c = s.charCodeAt(q);
      if (c === TAB) {
        // Tabs may separate but never indent: fine on blank/comment lines only.
        while (q < this.end && (s.charCodeAt(q) === TAB || s.charCodeAt(q) === SP)) q++;
        c = s.charCodeAt(q);
        if (q < this.end && c !== NL && c !== HASH && c !== 13) fail();
      }
      if (q >= this.end) break;
      if (c === NL) {
        p = q + 1;
        continue;
      }
      if (c === HASH) {
        p = this.lineEnd(q) + 1;
        continue;
      }
      this.next = q;
      this.nextIndent = indent;
      return;
    }
    this.next = this.end;
    this.nextIndent = -1;
  }

  /** After a node ended mid-line at p: only spaces and a comment may follow. */
  private endOfLine(p: number): void {
    const s = this.s;
    let q = p;
    while (q < this.end && (s.charCodeAt(q) === SP || s.charCodeAt(q) === TAB)) q++;
    if (q < this.end) {
      const c = s.charCodeAt(q);
      if (c === HASH) {
        if (q === p) fail(); // a comment needs white space before it
      } else if (c !== NL) fail();
    }
    this.skipToContent(this.lineEnd(q) + 1);
  }

  parseRoot(start: number): { value: unknown; rootOffset: number } {
    this.skipToContent(start);
    if (this.next >= this.end) return { value: null, rootOffset: start };
    const p = this.next;
    const value = this.node(p, this.nextIndent, -1, false);
    if (this.next < this.end) fail();
    return { value, rootOffset: p };
  }

  private node(p: number, col: number, parentIndent: number, inline: boolean): unknown {
    // Deeply nested documents go to the full parser, which reports them instead of overflowing the stack.
    if (++this.depth > MAX_DEPTH) fail();
    const v = this.nodeAt(p, col, parentIndent, inline);
    this.depth--;
    return v;
  }

  private nodeAt(p: number, col: number, parentIndent: number, inline: boolean): unknown {
    const s = this.s;
    const c = s.charCodeAt(p);
    if (c === DASH && this.isSep(p + 1)) {
      if (inline) fail();
      return this.seq(p, col);
    }
    if (c === 91 /* [ */ || c === 123 /* { */) {
      const fp = new FlowParser(this, s, this.end, parentIndent);
      const v = fp.value(p);
      if (this.track) this.lastPos = fp.lastPos;
      let q = fp.pos;
      while (q < this.end && s.charCodeAt(q) === SP) q++;
      if (s.charCodeAt(q) === COLON) fail(); // a flow collection as a key
      this.endOfLine(fp.pos);
      return v;
    }
    if (c === DQ || c === SQ) {
      const [v, q] = this.quoted(p, parentIndent);
      let r = q;
      while (r < this.end && s.charCodeAt(r) === SP) r++;
      if (s.charCodeAt(r) === COLON && this.isSep(r + 1)) {
        if (inline) fail();
        return this.map(p, col);
      }
      if (this.track) this.lastPos = { off: p };
      this.endOfLine(q);
      return v;
    }
    if (c === 124 /* | */ || c === 62 /* > */) {
      if (this.track) this.lastPos = { off: p };
      return this.blockScalar(p, parentIndent);
    }
    // Indicators the subset leaves to the full parser: & * ! ? % @ ` , ] } #
    if (
      c === 38 ||
      c === 42 ||
      c === 33 ||
      c === 63 ||
      c === 37 ||
      c === 64 ||
      c === 96 ||
      c === 44 ||
      c === 93 ||
      c === 125 ||
      c === HASH
    ) {
      if (!(c === 63 && !this.isSep(p + 1))) fail();
    }
    // Plain scalar, or the first key of a block map.
    const le = this.lineEnd(p);
    let q = p;
    let stop = le;
    for (; q < le; q++) {
      const ch = s.charCodeAt(q);
      if (ch === COLON && this.isSep(q + 1)) {
        if (inline) fail();
        return this.map(p, col);
      }
      if (ch === HASH && (s.charCodeAt(q - 1) === SP || s.charCodeAt(q - 1) === TAB)) {
        stop = q;
        break;
      }
    }
    let e = stop;
    while (e > p && (s.charCodeAt(e - 1) === SP || s.charCodeAt(e - 1) === TAB || s.charCodeAt(e - 1) === 13))
      e--;
    let text = s.slice(p, e);
    this.skipToContent(le + 1);
    if (stop === le && this.next < this.end && this.nextIndent > parentIndent) {
      // Rare: the scalar continues on more-indented lines.
      const more = this.plainContinuation(le + 1, parentIndent);
      text += more.text;
      this.skipToContent(more.next);
    }
    // More-indented content after the scalar (say, after a comment): an error, for the full parser to report.
    if (this.next < this.end && this.nextIndent > parentIndent) fail();
    if (this.track) this.lastPos = { off: p };
    return this.plain(text);
  }

  /**
   * The lines that continue a plain scalar (indented past its parent),
   * folded: one line break is a space, each empty line a newline.
   */
  private plainContinuation(lineStart: number, parentIndent: number): { text: string; next: number } {
    const s = this.s;
    let text = "";
    let r = lineStart;
    let breaks = 0;
    let stopAt = lineStart;
    while (r < this.end) {
      let t = r;
      while (t < this.end && s.charCodeAt(t) === SP) t++;
      const indent = t - r;
      while (t < this.end && (s.charCodeAt(t) === SP || s.charCodeAt(t) === TAB)) t++;
      if (t >= this.end) break;
      const c = s.charCodeAt(t);
      if (c === NL) {
        breaks++;
        r = t + 1;
        continue;
      }
      if (indent <= parentIndent || c === HASH) break;
      const le = this.lineEnd(t);
      let stop = le;
      for (let q = t; q < le; q++) {
        const ch = s.charCodeAt(q);
        if (ch === COLON && this.isSep(q + 1)) fail();
        if (ch === HASH && (s.charCodeAt(q - 1) === SP || s.charCodeAt(q - 1) === TAB)) {
          stop = q;
          break;
        }
      }
      let e = stop;
      while (e > t && (s.charCodeAt(e - 1) === SP || s.charCodeAt(e - 1) === TAB)) e--;
      text += breaks > 0 ? "\n".repeat(breaks) : " ";
      text += s.slice(t, e);
      breaks = 0;
      r = le + 1;
      stopAt = r;
      if (stop < le) break; // a comment ends the scalar
    }
    return { text, next: text === "" ? lineStart : stopAt };
  }

  private plain(text: string): unknown {
    const v = resolvePlain(text);
    if (typeof v !== "string" && v !== null && isYaml11Surprise(text, v)) {
      this.coerced++;
      if (this.track) this.yaml11.push([[...this.path], text]);
    }
    return v;
  }

  private isSep(q: number): boolean {
    if (q >= this.end) return true;
    const c = this.s.charCodeAt(q);
    return c === SP || c === NL || c === TAB || c === 13;
  }

  /**
   * A quoted scalar at p: [value, offset after the closing quote]. With
   * `parentIndent` it may span lines (YAML line folding: a break becomes a
   * space, n empty lines become n newlines); keys pass none: single line only.
   */
  quoted(p: number, parentIndent?: number): [string, number] {
    const s = this.s;
    const single = s.charCodeAt(p) === SQ;
    let out = "";
    let q = p + 1;
    let from = q;
    // Trailing white space before a line break is dropped, but never an escaped one.
    let keep = 0;
    for (; q < this.end; q++) {
      const c = s.charCodeAt(q);
      if (single && c === SQ) {
        if (s.charCodeAt(q + 1) === SQ) {
          out += s.slice(from, q + 1);
          q++;
          from = q + 1;
          keep = out.length;
          continue;
        }
        return [out + s.slice(from, q), q + 1];
      }
      if (!single && c === DQ) return [out + s.slice(from, q), q + 1];
      if (!single && c === 92 /* \ */) {
        out += s.slice(from, q);
        if (s.charCodeAt(q + 1) === NL) {
          // An escaped line break joins the lines without a space.
          if (parentIndent === undefined) fail();
          const t = this.continuation(q + 2, parentIndent);
          if (s.charCodeAt(t) === NL) fail();
          keep = out.length;
          q = t - 1;
          from = t;
          continue;
        }
        const [ch, len] = decodeEscape(s, q + 1);
        out += ch;
        q += len;
        from = q + 1;
        keep = out.length;
        continue;
      }
      if (c === NL) {
        if (parentIndent === undefined) fail();
        out += s.slice(from, q);
        let e = out.length;
        while (e > keep && (out.charCodeAt(e - 1) === SP || out.charCodeAt(e - 1) === TAB)) e--;
        out = out.slice(0, e);
        let breaks = 0;
        let t = this.continuation(q + 1, parentIndent);
        while (s.charCodeAt(t) === NL) {
          breaks++;
          t = this.continuation(t + 1, parentIndent);
        }
        out += breaks > 0 ? "\n".repeat(breaks) : " ";
        keep = out.length;
        q = t - 1;
        from = t;
      }
    }
    return fail();
  }

  /** Start of the text on a continuation line of a quoted scalar (after its indentation), checking the indentation. */
  private continuation(lineStart: number, parentIndent: number): number {
    const s = this.s;
    let t = lineStart;
    while (t < this.end && s.charCodeAt(t) === SP) t++;
    const indent = t - lineStart;
    while (t < this.end && (s.charCodeAt(t) === SP || s.charCodeAt(t) === TAB)) t++;
    if (t >= this.end) fail();
    if (s.charCodeAt(t) !== NL && indent <= parentIndent) fail();
    return t;
  }

  private map(p: number, indent: number): Record<string, unknown> {
    const s = this.s;
    const obj: Record<string, unknown> = {};
    const children = this.track ? new Map<string | number, PosNode>() : undefined;
    // Where each key was, for duplicate-key messages: tracked mode only (errors re-parse with tracking).
    const keyLines = this.track ? new Map<string, number>() : undefined;
    const first = p;
    for (;;) {
      // p is at a key, column == indent
      const c = s.charCodeAt(p);
      let key: string;
      let q: number;
      if (c === DQ || c === SQ) {
        const [k, r] = this.quoted(p);
        key = k;
        q = r;
        while (q < this.end && s.charCodeAt(q) === SP) q++;
        if (s.charCodeAt(q) !== COLON || !this.isSep(q + 1)) fail();
      } else {
        if (c === DASH && this.isSep(p + 1)) fail();
        if (
          c === 91 ||
          c === 123 ||
          c === 38 ||
          c === 42 ||
          c === 33 ||
          c === 63 ||
          c === 124 ||
          c === 62 ||
          c === 37 ||
          c === 64 ||
          c === 96 ||
          c === HASH ||
          c === 44
        )
          fail();
        const le = this.lineEnd(p);
        q = p;
        while (q < le && !(s.charCodeAt(q) === COLON && this.isSep(q + 1))) {
          if (s.charCodeAt(q) === HASH && (s.charCodeAt(q - 1) === SP || s.charCodeAt(q - 1) === TAB)) fail();
          q++;
        }
        if (q >= le) fail();
        let e = q;
        while (e > p && (s.charCodeAt(e - 1) === SP || s.charCodeAt(e - 1) === TAB)) e--;
        const text = s.slice(p, e);
        if (text === "<<") fail(); // merge keys: the full parser
        const k = plainKey(text);
        if ("error" in k) {
          this.errors.push({ offset: p, code: "YAMLKey", message: k.error, path: [...this.path] });
          key = text;
        } else {
          key = k.key;
          if (key !== text) {
            this.coerced++;
            if (this.track) this.yaml11.push([[...this.path, key], text]);
          }
        }
      }
      q++; // past ':'
      if (Object.hasOwn(obj, key)) {
        const prev = keyLines?.get(key);
        this.errors.push({
          offset: p,
          code: "DuplicateKey",
          message: `mapping key ${JSON.stringify(key)} already defined${prev === undefined ? "" : ` at line ${lineOf(s, prev)}`}`,
          path: [...this.path, key],
        });
      } else keyLines?.set(key, p);
      while (q < this.end && (s.charCodeAt(q) === SP || s.charCodeAt(q) === TAB)) q++;
      if (this.track) this.path.push(key);
      let v: unknown;
      let valueOff = q;
      const ch = q < this.end ? s.charCodeAt(q) : NL;
      if (ch === NL || ch === 13 || ch === HASH) {
        this.skipToContent(this.lineEnd(q) + 1);
        valueOff = this.next;
        if (this.next < this.end && this.nextIndent > indent) {
          v = this.node(this.next, this.nextIndent, indent, false);
        } else if (
          this.next < this.end &&
          this.nextIndent === indent &&
          s.charCodeAt(this.next) === DASH &&
          this.isSep(this.next + 1)
        ) {
          v = this.seq(this.next, indent);
        } else {
          v = null;
          valueOff = p;
          if (this.track) this.lastPos = { off: q };
        }
      } else {
        v = this.node(q, indent + (q - p), indent, true);
      }
      if (this.track) {
        this.path.pop();
        const pos = this.lastPos ?? { off: valueOff };
        pos.keyOff = p;
        children?.set(key, pos);
      }
      setKey(obj, key, v);
      if (this.next >= this.end || this.nextIndent < indent) break;
      if (this.nextIndent > indent) fail();
      p = this.next;
    }
    if (this.track) this.lastPos = { off: first, ...(children ? { children } : {}) };
    return obj;
  }

  private seq(p: number, indent: number): unknown[] {
    const s = this.s;
    const arr: unknown[] = [];
    const children = this.track ? new Map<string | number, PosNode>() : undefined;
    const start = p;
    for (;;) {
      let q = p + 1;
      while (q < this.end && s.charCodeAt(q) === SP) q++;
      if (s.charCodeAt(q) === TAB) fail();
      if (this.track) this.path.push(arr.length);
      let v: unknown;
      const ch = q < this.end ? s.charCodeAt(q) : NL;
      if (ch === NL || ch === 13 || ch === HASH) {
        if (ch === HASH && q === p + 1) fail();
        this.skipToContent(this.lineEnd(q) + 1);
        if (this.next < this.end && this.nextIndent > indent)
          v = this.node(this.next, this.nextIndent, indent, false);
        else {
          v = null;
          if (this.track) this.lastPos = { off: p };
        }
      } else {
        v = this.node(q, indent + (q - p), indent, false);
      }
      if (this.track) {
        this.path.pop();
        children?.set(arr.length, this.lastPos ?? { off: q });
      }
      arr.push(v);
      if (this.next >= this.end || this.nextIndent < indent) break;
      if (this.nextIndent > indent) fail();
      if (s.charCodeAt(this.next) !== DASH || !this.isSep(this.next + 1)) break;
      p = this.next;
    }
    if (this.track) this.lastPos = { off: start, ...(children ? { children } : {}) };
    return arr;
  }

  /** `|` / `>` with optional chomping indicator; explicit indentation goes to the full parser. */
  private blockScalar(p: number, parentIndent: number): string {
    const s = this.s;
    const folded = s.charCodeAt(p) === 62;
    let q = p + 1;
    let chomp = "clip";
    const h = s.charCodeAt(q);
    if (h === DASH) {
      chomp = "strip";
      q++;
    } else if (h === 43 /* + */) {
      chomp = "keep";
      q++;
    }
    const c = s.charCodeAt(q);
    if (q < this.end && c !== SP && c !== NL && c !== TAB && c !== 13) fail();
    while (q < this.end && (s.charCodeAt(q) === SP || s.charCodeAt(q) === TAB)) q++;
    if (q < this.end && s.charCodeAt(q) !== NL && s.charCodeAt(q) !== HASH && s.charCodeAt(q) !== 13) fail();
    let lineStart = this.lineEnd(q) + 1;
    const lines: string[] = [];
    let contentIndent = -1;
    let blankRun = 0;
    while (lineStart < this.end) {
      const le = this.lineEnd(lineStart);
      let r = lineStart;
      while (r < le && s.charCodeAt(r) === SP) r++;
      const ind = r - lineStart;
      if (r >= le || (r === le - 1 && s.charCodeAt(r) === 13)) {
        // all-space line
        if (contentIndent >= 0 && ind > contentIndent) fail();
        if (contentIndent < 0 && ind > parentIndent + 1) fail();
        lines.push("");
        blankRun++;
        lineStart = le + 1;
        continue;
      }
      if (contentIndent < 0) {
        if (ind <= parentIndent) break;
        contentIndent = ind;
      } else if (ind < contentIndent) break;
      let e = le;
      if (s.charCodeAt(e - 1) === 13) e--;
      lines.push(s.slice(lineStart + contentIndent, e));
      blankRun = 0;
      lineStart = le + 1;
    }
    this.skipToContent(Math.min(lineStart, this.end));
    if (this.next < this.end && this.nextIndent > parentIndent) fail();
    const body = lines.slice(0, lines.length - blankRun);
    if (body.length === 0) {
      if (chomp === "keep") fail();
      return "";
    }
    let text: string;
    if (!folded) text = body.join("\n");
    else {
      text = body[0] ?? "";
      let empties = 0;
      let prevMore = /^[ \t]/.test(text);
      for (let i = 1; i < body.length; i++) {
        const l = body[i] ?? "";
        if (l === "") {
          empties++;
          continue;
        }
        const more = /^[ \t]/.test(l);
        if (empties === 0) text += prevMore || more ? "\n" : " ";
        else text += (prevMore || more ? "\n" : "") + "\n".repeat(empties);
        text += l;
        empties = 0;
        prevMore = more;
      }
    }
    if (chomp === "strip") return text;
    if (chomp === "clip") return `${text}\n`;
    return `${text}\n${"\n".repeat(blankRun)}`;
  }

  recordPlain(text: string): unknown {
    return this.plain(text);
  }
  get tracking(): boolean {
    return this.track;
  }
  pushPath(k: string | number): void {
    this.path.push(k);
  }
  popPath(): void {
    this.path.pop();
  }
  pathNow(): FieldPath {
    return [...this.path];
  }
}

/** Flow collections (`[a, b]`, `{k: v}`, JSON), possibly over several lines. */
class FlowParser {
  pos = 0;
  lastPos: PosNode | undefined;
  constructor(
    private readonly host: FastParser,
    private readonly s: string,
    private readonly end: number,
    private readonly parentIndent: number,
  ) {}

  private ws(): void {
    const s = this.s;
    let q = this.pos;
    while (q < this.end) {
      const c = s.charCodeAt(q);
      if (c === SP || c === TAB || c === 13) q++;
      else if (c === NL) {
        q++;
        let r = q;
        while (r < this.end && s.charCodeAt(r) === SP) r++;
        const rc = s.charCodeAt(r);
        // Content lines must be indented past the parent block; a closing bracket may sit at its column.
        if (r < this.end && rc !== NL && rc !== HASH && rc !== 93 && rc !== 125 && r - q <= this.parentIndent)
          fail();
      } else if (c === HASH) {
        const pc = s.charCodeAt(q - 1);
        if (q > 0 && pc !== SP && pc !== TAB && pc !== NL) fail();
        const i = s.indexOf("\n", q);
        q = i < 0 || i > this.end ? this.end : i;
      } else break;
    }
    this.pos = q;
  }

  value(p: number): unknown {
    if (++this.host.depth > MAX_DEPTH) fail();
    const v = this.valueAt(p);
    this.host.depth--;
    return v;
  }

  private valueAt(p: number): unknown {
    this.pos = p;
    const s = this.s;
    const c = s.charCodeAt(p);
    const track = this.host.tracking;
    if (c === 91) {
      const arr: unknown[] = [];
      const children = track ? new Map<string | number, PosNode>() : undefined;
      this.pos++;
      for (;;) {
        this.ws();
        if (this.pos >= this.end) fail();
        if (s.charCodeAt(this.pos) === 93) {
          this.pos++;
          break;
        }
        if (track) this.host.pushPath(arr.length);
        const at = this.pos;
        const v = this.entry();
        if (track) {
          this.host.popPath();
          children?.set(arr.length, this.lastPos ?? { off: at });
        }
        arr.push(v);
        this.ws();
        const d = s.charCodeAt(this.pos);
        if (d === 44) this.pos++;
        else if (d === 93) {
          this.pos++;
          break;
        } else fail();
      }
      if (track) this.lastPos = { off: p, ...(children ? { children } : {}) };
      return arr;
    }
    if (c === 123) {
      const obj: Record<string, unknown> = {};
      const children = track ? new Map<string | number, PosNode>() : undefined;
      this.pos++;
      for (;;) {
        this.ws();
        if (this.pos >= this.end) fail();
        const d = s.charCodeAt(this.pos);
        if (d === 125) {
          this.pos++;
          break;
        }
        const keyOff = this.pos;
        let key: string;
        if (d === DQ || d === SQ) {
          const [k, r] = this.host.quoted(this.pos);
          key = k;
          this.pos = r;
        } else {
          const text = this.plainText(true);
          if (text === "" || text === "<<") fail();
          const k = plainKey(text);
          if ("error" in k) fail();
          key = k.key;
          if (key !== text) fail(); // coerced flow keys: rare, let the full parser record them
        }
        if (Object.hasOwn(obj, key)) fail(); // duplicate: the full parser reports it with positions
        this.ws();
        let v: unknown = null;
        if (s.charCodeAt(this.pos) === COLON) {
          this.pos++;
          this.ws();
          const e = s.charCodeAt(this.pos);
          if (track) this.host.pushPath(key);
          if (e === 44 || e === 125) {
            v = null;
            this.lastPos = { off: this.pos };
          } else v = this.entry();
          if (track) this.host.popPath();
        } else {
          const e = s.charCodeAt(this.pos);
          if (e !== 44 && e !== 125) fail();
          this.lastPos = { off: keyOff };
        }
        if (track) {
          const pos = this.lastPos ?? { off: keyOff };
          pos.keyOff = keyOff;
          children?.set(key, pos);
        }
        setKey(obj, key, v);
        this.ws();
        const e = s.charCodeAt(this.pos);
        if (e === 44) this.pos++;
        else if (e === 125) {
          this.pos++;
          break;
        } else fail();
      }
      if (track) this.lastPos = { off: p, ...(children ? { children } : {}) };
      return obj;
    }
    return fail();
  }

  private entry(): unknown {
    const s = this.s;
    const c = s.charCodeAt(this.pos);
    const at = this.pos;
    if (c === 91 || c === 123) return this.value(this.pos);
    let v: unknown;
    if (c === DQ || c === SQ) {
      const [str, r] = this.host.quoted(this.pos, this.parentIndent);
      this.pos = r;
      v = str;
    } else {
      const text = this.plainText(false);
      if (text === "") fail();
      v = this.host.recordPlain(text);
    }
    // `[a: b]` (single-pair maps) and the like: the full parser.
    let q = this.pos;
    while (q < this.end && (s.charCodeAt(q) === SP || s.charCodeAt(q) === TAB)) q++;
    if (s.charCodeAt(q) === COLON) fail();
    this.lastPos = { off: at };
    return v;
  }

  /** A plain scalar in flow context: up to `,[]{}`, `: `, ` #` or the end of the line. */
  private plainText(isKey: boolean): string {
    const s = this.s;
    const start = this.pos;
    const c0 = s.charCodeAt(start);
    if (
      c0 === 38 ||
      c0 === 42 ||
      c0 === 33 ||
      c0 === 124 ||
      c0 === 62 ||
      c0 === 37 ||
      c0 === 64 ||
      c0 === 96 ||
      c0 === 63
    )
      fail();
    if (c0 === DASH && (s.charCodeAt(start + 1) === SP || s.charCodeAt(start + 1) === NL)) fail();
    let q = start;
    for (; q < this.end; q++) {
      const c = s.charCodeAt(q);
      if (c === 44 || c === 91 || c === 93 || c === 123 || c === 125 || c === NL || c === 13) break;
      if (c === COLON) {
        const n = s.charCodeAt(q + 1);
        if (
          n === SP ||
          n === NL ||
          n === TAB ||
          n === 44 ||
          n === 93 ||
          n === 125 ||
          n === 91 ||
          n === 123 ||
          q + 1 >= this.end
        )
          break;
      }
      if (c === HASH && (s.charCodeAt(q - 1) === SP || s.charCodeAt(q - 1) === TAB)) break;
    }
    let e = q;
    while (e > start && (s.charCodeAt(e - 1) === SP || s.charCodeAt(e - 1) === TAB)) e--;
    this.pos = e;
    // A plain scalar may not continue on the next line in this subset.
    if (s.charCodeAt(q) === NL || s.charCodeAt(q) === 13) {
      let r = q + 1;
      while (r < this.end && (s.charCodeAt(r) === SP || s.charCodeAt(r) === TAB || s.charCodeAt(r) === NL))
        r++;
      const n = s.charCodeAt(r);
      if (r < this.end && n !== 44 && n !== 93 && n !== 125 && n !== HASH && !(isKey && n === COLON)) fail();
    }
    return s.slice(start, e);
  }
}

/** Escape sequences of double-quoted YAML scalars (a superset of JSON's). Returns [text, chars consumed after `\`]. */
function decodeEscape(s: string, i: number): [string, number] {
  const c = s[i];
  switch (c) {
    case "0":
      return ["\0", 1];
    case "a":
      return ["\x07", 1];
    case "b":
      return ["\b", 1];
    case "t":
    case "\t":
      return ["\t", 1];
    case "n":
      return ["\n", 1];
    case "v":
      return ["\v", 1];
    case "f":
      return ["\f", 1];
    case "r":
      return ["\r", 1];
    case "e":
      return ["\x1b", 1];
    case " ":
      return [" ", 1];
    case '"':
      return ['"', 1];
    case "/":
      return ["/", 1];
    case "\\":
      return ["\\", 1];
    case "N":
      return ["\x85", 1];
    case "_":
      return ["\xa0", 1];
    case "L":
      return ["\u2028", 1];
    case "P":
      return ["\u2029", 1];
    case "x":
    case "u":
    case "U": {
      const n = c === "x" ? 2 : c === "u" ? 4 : 8;
      const hex = s.slice(i + 1, i + 1 + n);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) fail();
      const cp = Number.parseInt(hex, 16);
      if (cp > 0x10ffff) fail();
      return [String.fromCodePoint(cp), n + 1];
    }
    default:
      return fail();
  }
}

/** 1-based line of an offset (only for rare messages; positions go through line tables). */
export function lineOf(s: string, offset: number): number {
  let n = 1;
  for (let i = s.indexOf("\n"); i >= 0 && i < offset; i = s.indexOf("\n", i + 1)) n++;
  return n;
}

/**
 * Reads the document in `s[start, end)`. Throws UNSUPPORTED when the document
 * needs the full parser. With `track`, also returns positions and yaml11 paths.
 */
export function parseDocFast(s: string, start: number, end: number, track: boolean): ParsedValue {
  const p = new FastParser(s, end, track);
  const { value, rootOffset } = p.parseRoot(start);
  return {
    value,
    rootOffset,
    coerced: p.coerced,
    yaml11: p.yaml11,
    pos: track
      ? ((p as unknown as { lastPos: PosNode | undefined }).lastPos ?? { off: rootOffset })
      : undefined,
    errors: p.errors,
  };
}
