/**
 * A bound on nesting depth, checked before the full YAML parser sees a text.
 *
 * The `yaml` package recurses a few frames per nesting level. On Node's
 * ~1 MB main-thread stack it overflows near 800 flow levels, and once a
 * stack overflow has unwound through it, V8 may compile a regular expression
 * with almost no stack left and abort the process with `FATAL ERROR:
 * RegExpCompiler Allocation failed` — not an exception, so nothing can catch
 * it (`"[" * 1000` parsed twice was enough). So no text deeper than
 * MAX_NESTING_DEPTH reaches that parser. The fast reader (load-yaml-fast.ts)
 * needs no scan: it gives up at its own, smaller depth and hands the document
 * here.
 *
 * go-yaml (and so sigs.k8s.io/yaml and the API server) stops at 10 000 flow
 * levels and 10 000 indentation levels ("exceeded max depth of 10000"); JSON
 * decoding in the API server stops at 10 000 too. michi's limit is lower
 * because the parser it runs is recursive; Kubernetes objects, CRD schemas
 * included, are far shallower.
 *
 * The scan is one pass with charCodeAt, no recursion and no regular
 * expressions. It over-approximates: it counts open flow collections,
 * indentation levels and compact `- ` / `? ` indicators on a line, skipping
 * quoted scalars, comments and block scalars. A real document's depth is at
 * most about twice the count (a block sequence may sit at its parent key's
 * indentation), so the parser never sees more than ~2 × MAX_NESTING_DEPTH
 * levels, which it handles with a wide margin.
 */

/** Levels of nesting michi accepts in a YAML or JSON document. */
export const MAX_NESTING_DEPTH = 256;

const SP = 32;
const TAB = 9;
const NL = 10;
const CR = 13;

/** Offset at which `s[start, end)` first nests deeper than `limit`, or -1. */
export function exceedsDepth(s: string, start: number, end: number, limit = MAX_NESTING_DEPTH): number {
  const indents: number[] = [];
  let flow = 0;
  let i = start;
  while (i < end) {
    // Start of a line: measure its indentation.
    let p = i;
    while (p < end && s.charCodeAt(p) === SP) p++;
    const c0 = p < end ? s.charCodeAt(p) : NL;
    if (c0 === NL || c0 === CR || c0 === 35 /* # */) {
      i = skipLine(s, p, end);
      continue;
    }
    const indent = p - i;
    if (flow === 0) {
      while (indents.length > 0 && (indents[indents.length - 1] as number) > indent) indents.pop();
      if (indents.length === 0 || (indents[indents.length - 1] as number) < indent) {
        indents.push(indent);
        if (indents.length - 1 > limit) return p;
      }
    }
    let inline = 0;
    let atNode = true; // the next character may start a node
    let q = p;
    for (;;) {
      if (q >= end) return -1;
      const c = s.charCodeAt(q);
      if (c === NL) {
        q++;
        break;
      }
      if (c === SP || c === TAB || c === CR) {
        q++;
        continue;
      }
      if (c === 35 /* # */ && (q === p || isBlank(s.charCodeAt(q - 1)))) {
        q = skipLine(s, q, end);
        break;
      }
      if (atNode && (c === 34 /* " */ || c === 39) /* ' */) {
        q = skipQuoted(s, q, end);
        atNode = false;
        continue;
      }
      if (atNode && flow === 0 && (c === 124 /* | */ || c === 62) /* > */) {
        // A block scalar: its content is every following line indented deeper than this one (or blank).
        q = skipBlockScalar(s, skipLine(s, q, end), end, indent);
        break;
      }
      if (atNode && (c === 45 /* - */ || c === 63) /* ? */ && flow === 0 && isSepAt(s, q + 1, end)) {
        inline++;
        if (indents.length - 1 + inline > limit) return q;
        q++;
        continue;
      }
      if (atNode && (c === 91 /* [ */ || c === 123) /* { */) {
        flow++;
        if (indents.length - 1 + inline + flow > limit) return q;
        q++;
        continue;
      }
      if (flow > 0 && (c === 93 /* ] */ || c === 125) /* } */) {
        flow--;
        q++;
        atNode = false;
        continue;
      }
      if (c === 44 /* , */ && flow > 0) {
        atNode = true;
        q++;
        continue;
      }
      if (c === 58 /* : */ && (flow > 0 || isSepAt(s, q + 1, end))) {
        atNode = true;
        q++;
        continue;
      }
      // Anchors and tags precede a node without ending the node's start.
      if (atNode && (c === 38 /* & */ || c === 33) /* ! */) {
        while (q < end && !isBlank(s.charCodeAt(q)) && s.charCodeAt(q) !== NL) q++;
        continue;
      }
      atNode = false;
      q++;
    }
    i = q;
  }
  return -1;
}

function isBlank(c: number): boolean {
  return c === SP || c === TAB;
}

function isSepAt(s: string, i: number, end: number): boolean {
  if (i >= end) return true;
  const c = s.charCodeAt(i);
  return c === SP || c === TAB || c === NL || c === CR;
}

function skipLine(s: string, i: number, end: number): number {
  const nl = s.indexOf("\n", i);
  return nl < 0 || nl >= end ? end : nl + 1;
}

/** Past the closing quote (quoted scalars may span lines); `\` escapes in "…", `''` in '…'. */
function skipQuoted(s: string, i: number, end: number): number {
  const quote = s.charCodeAt(i);
  let q = i + 1;
  while (q < end) {
    const c = s.charCodeAt(q);
    if (quote === 34 && c === 92 /* \ */) {
      q += 2;
      continue;
    }
    if (c === quote) {
      if (quote === 39 && s.charCodeAt(q + 1) === 39) {
        q += 2;
        continue;
      }
      return q + 1;
    }
    q++;
  }
  return end;
}

function skipBlockScalar(s: string, i: number, end: number, parentIndent: number): number {
  let q = i;
  while (q < end) {
    let p = q;
    while (p < end && s.charCodeAt(p) === SP) p++;
    const c = p < end ? s.charCodeAt(p) : NL;
    if (c !== NL && c !== CR && p - q <= parentIndent) return q;
    q = skipLine(s, p, end);
  }
  return end;
}
