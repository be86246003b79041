/**
 * One manifest text → its documents as plain values with offsets. Splits the
 * text at `---` lines, reads each document with the fast reader and falls
 * back to the full `yaml` parser per document (load-yaml-fast.ts,
 * load-yaml-full.ts). Offsets only: lines and columns are computed later, by
 * whoever holds the text (the main thread, when parsing ran in a worker).
 */
import type { FieldPath } from "./diagnostics.js";
import { type DocIssue, type PosNode, parseDocFast, UNSUPPORTED } from "./load-yaml-fast.js";
import { parseDocsFull } from "./load-yaml-full.js";

export interface RawDoc {
  /** Index of the document in the text (documents after a `---`, plus a leading one with content). */
  index: number;
  /** Range to re-read for positions (`full`: including the `---` line). */
  start: number;
  end: number;
  rootOffset: number;
  /** null for an empty document or one with syntax errors. */
  value: unknown;
  coerced: number;
  full: boolean;
  /** Syntax errors (code YAMLSyntax) and key errors (DuplicateKey, YAMLKey). */
  errors: DocIssue[];
}

export interface Segment {
  /** Start of the `---` line (or of the text). */
  marker: number;
  /** Start of the content (after the `---` line). */
  start: number;
  end: number;
  /** Something follows `---` on its line, or the text needs the full parser for other reasons. */
  full: boolean;
}

function isSepAt(s: string, i: number): boolean {
  if (i >= s.length) return true;
  const c = s.charCodeAt(i);
  return c === 32 || c === 10 || c === 9 || c === 13;
}

/** Document boundaries. Returns undefined when the text has directives or `...` markers: read it whole with the full parser. */
export function splitDocuments(s: string): Segment[] | undefined {
  // Directives and `...` end markers are rare: leave such texts to the full parser.
  if (s.startsWith("%") || s.includes("\n%") || /(^|\n)\.\.\.([ \t\r\n]|$)/.test(s)) return undefined;
  const marks: number[] = [];
  if (s.startsWith("---") && isSepAt(s, 3)) marks.push(0);
  for (let i = s.indexOf("\n---"); i >= 0; i = s.indexOf("\n---", i + 4)) {
    if (isSepAt(s, i + 4)) marks.push(i + 1);
  }
  const segs: Segment[] = [];
  let prev = 0;
  let prevMarker = -1;
  const push = (marker: number, end: number) => {
    if (marker < 0) {
      // Text before the first `---`: a document only when it has content.
      if (/^(?:[ \t]*(?:#.*)?\r?(?:\n|$))*$/.test(s.slice(0, end))) return;
      segs.push({ marker: 0, start: 0, end, full: false });
      return;
    }
    const nl = s.indexOf("\n", marker);
    const lineEnd = nl < 0 || nl > end ? end : nl;
    const rest = s.slice(marker + 3, lineEnd).trim();
    const full = rest !== "" && !rest.startsWith("#");
    segs.push({ marker, start: Math.min(lineEnd + 1, end), end, full });
  };
  for (const m of marks) {
    push(prevMarker, m);
    prev = m;
    prevMarker = m;
  }
  push(prevMarker, s.length);
  void prev;
  return segs;
}

/** Reads every document of a text (or of a chunk of one: offsets are relative to `s`). */
export function parseText(s: string): RawDoc[] {
  const segs = splitDocuments(s);
  const out: RawDoc[] = [];
  if (!segs) {
    let i = 0;
    for (const d of parseDocsFull(s, 0, s.length, false)) out.push(fromFull(d, i++));
    return out;
  }
  let index = 0;
  for (const seg of segs) {
    out.push(...parseSegment(s, seg, index));
    index++;
  }
  return out;
}

function parseSegment(s: string, seg: Segment, index: number): RawDoc[] {
  if (!seg.full) {
    try {
      const r = parseDocFast(s, seg.start, seg.end, false);
      let errors = r.errors;
      // Key errors need field paths: read the document again with tracking (rare).
      if (errors.length > 0) errors = parseDocFast(s, seg.start, seg.end, true).errors;
      return [
        {
          index,
          start: seg.start,
          end: seg.end,
          rootOffset: r.rootOffset,
          value: r.value,
          coerced: r.coerced,
          full: false,
          errors,
        },
      ];
    } catch (e) {
      if (e !== UNSUPPORTED) throw e;
    }
  }
  const docs = parseDocsFull(s, seg.marker, seg.end, false);
  if (docs.length === 0) return [];
  // A segment is one document by construction; should the full parser see more, keep them all under this index.
  return docs.map((d) => fromFull({ ...d, start: seg.marker, end: seg.end }, index));
}

function fromFull(d: ReturnType<typeof parseDocsFull>[number], index: number): RawDoc {
  // The first syntax error only: the ones after it are usually its echoes (go-yaml stops at the first too).
  const errors: DocIssue[] = [
    ...d.syntax
      .slice(0, 1)
      .map((e) => ({ offset: e.offset, message: e.message, code: "YAMLSyntax", path: [] as FieldPath })),
    ...d.errors,
  ];
  return {
    index,
    start: d.start,
    end: d.end,
    rootOffset: d.rootOffset,
    value: d.syntax.length > 0 ? null : d.value,
    coerced: d.coerced,
    full: true,
    errors,
  };
}

/** Positions and YAML 1.1 paths of one document, read again on demand. */
export function trackDocument(
  s: string,
  doc: Pick<RawDoc, "start" | "end" | "full">,
): { pos: PosNode; yaml11: [FieldPath, string][] } {
  if (!doc.full) {
    try {
      const r = parseDocFast(s, doc.start, doc.end, true);
      return { pos: r.pos ?? { off: r.rootOffset }, yaml11: r.yaml11 };
    } catch (e) {
      if (e !== UNSUPPORTED) throw e;
    }
  }
  const d = parseDocsFull(s, doc.start, doc.end, true)[0];
  return { pos: d?.pos ?? { off: doc.start }, yaml11: d?.yaml11 ?? [] };
}

/** Splits a big text into about `n` chunks at document boundaries, for parallel parsing. */
export function chunkText(
  s: string,
  n: number,
): { base: number; text: string; docBase: number }[] | undefined {
  const segs = splitDocuments(s);
  if (!segs || segs.length < n * 2) return undefined;
  const chunks: { base: number; text: string; docBase: number }[] = [];
  const target = s.length / n;
  let from = 0;
  let fromIndex = 0;
  for (let i = 0; i < segs.length && chunks.length < n - 1; i++) {
    const seg = segs[i] as Segment;
    if (seg.marker > 0 && seg.marker - from >= target) {
      chunks.push({ base: from, text: s.slice(from, seg.marker), docBase: fromIndex });
      from = seg.marker;
      fromIndex = i;
    }
  }
  chunks.push({ base: from, text: s.slice(from), docBase: fromIndex });
  return chunks;
}
