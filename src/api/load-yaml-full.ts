/**
 * The complete YAML path, for the documents the fast reader declines
 * (anchors, aliases, merge keys, tags, multi-line scalars, syntax errors).
 * It uses the `yaml` package's parser with the failsafe schema — every scalar
 * stays text — and applies Kubernetes' own scalar rules (load-scalar.ts), so
 * both paths give the same values, the same YAML 1.1 records and the same
 * duplicate-key errors. Syntax errors come from the `yaml` package with their
 * offsets.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type Node, parseAllDocuments } from "yaml";
import type { FieldPath } from "./diagnostics.js";
import { exceedsDepth, MAX_NESTING_DEPTH } from "./load-depth.js";
import { isYaml11Surprise, plainKey, resolvePlain } from "./load-scalar.js";
import { type DocIssue, lineOf, type ParsedValue, type PosNode, setKey } from "./load-yaml-fast.js";

export interface FullDoc extends ParsedValue {
  /** Offsets of this document within the text. */
  start: number;
  end: number;
  /** Syntax errors: the document is not usable when there are any. */
  syntax: { offset: number; message: string }[];
}

const TAG = "tag:yaml.org,2002:";

/** Reads `s[start, end)` (one or more documents) with the `yaml` package. */
export function parseDocsFull(s: string, start: number, end: number, track: boolean): FullDoc[] {
  const tooDeep = exceedsDepth(s, start, end);
  if (tooDeep >= 0) return [failed(start, end, tooDeep, DEPTH_MESSAGE)];
  const text = s.slice(start, end);
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, {
      schema: "failsafe",
      uniqueKeys: false,
      prettyErrors: false,
      strict: true,
    });
  } catch (err) {
    // The yaml package recurses per nesting level: absurdly deep input may overflow the stack.
    const message =
      err instanceof RangeError ? "document nested too deeply" : `cannot parse: ${(err as Error).message}`;
    return [failed(start, end, start, message)];
  }
  const list = Array.isArray(docs) ? docs : [];
  const out: FullDoc[] = [];
  for (const doc of list) {
    const w = new Walker(doc, s, start, track);
    const syntax = doc.errors.map((e) => ({
      offset: start + (e.pos[0] ?? 0),
      // The yaml package reports its own stack overflow on absurd nesting.
      message: /call stack/i.test(e.message) ? "document nested too deeply" : e.message,
    }));
    let value: unknown = null;
    let pos: PosNode | undefined;
    if (syntax.length === 0) {
      value = w.root(doc.contents as Node | null);
      pos = w.lastPos;
    }
    const range = doc.range ?? [0, text.length, text.length];
    const root = doc.contents as Node | null;
    out.push({
      value,
      rootOffset: start + (root?.range?.[0] ?? range[0]),
      coerced: w.yaml11.length,
      yaml11: w.yaml11,
      pos: track ? (pos ?? { off: start + range[0] }) : undefined,
      errors: w.errors,
      start: start + range[0],
      end: start + range[2],
      syntax,
    });
  }
  // parseAllDocuments returns an EmptyStream for text with no documents.
  return out;
}

const DEPTH_MESSAGE = `document nested too deeply: more than ${MAX_NESTING_DEPTH} levels (michi's limit)`;

/** A document that could not be read at all. */
function failed(start: number, end: number, offset: number, message: string): FullDoc {
  return {
    value: null,
    rootOffset: start,
    coerced: 0,
    yaml11: [],
    pos: undefined,
    errors: [],
    start,
    end,
    syntax: [{ offset, message }],
  };
}

/**
 * go-yaml's defence against alias bombs ("billion laughs", CVE-2019-11253 in
 * the API server): count every node decoded and those decoded through an
 * alias; past 1000 nodes and 100 aliased ones, the aliased share may be at most
 * 99 % up to 400 000 nodes, falling linearly to 10 % at 4 000 000. So at most
 * ~400 000 nodes come from aliases, and a 435-byte bomb stops after ~1 000.
 */
export const ALIAS_RATIO_LOW = 400_000;
export const ALIAS_RATIO_HIGH = 4_000_000;

function allowedAliasRatio(decoded: number): number {
  if (decoded <= ALIAS_RATIO_LOW) return 0.99;
  if (decoded >= ALIAS_RATIO_HIGH) return 0.1;
  return 0.99 - (0.89 * (decoded - ALIAS_RATIO_LOW)) / (ALIAS_RATIO_HIGH - ALIAS_RATIO_LOW);
}

/** Thrown through the walk when a document expands too many aliases. */
class ExcessiveAliasing {
  constructor(readonly offset: number) {}
}

class Walker {
  readonly yaml11: [FieldPath, string][] = [];
  readonly errors: DocIssue[] = [];
  lastPos: PosNode | undefined;
  private readonly path: (string | number)[] = [];
  private depth = 0;
  private decoded = 0;
  private aliased = 0;
  private aliasDepth = 0;
  /** Nodes being converted: an alias to one of them is a cycle. */
  private readonly open = new Set<Node>();

  constructor(
    private readonly doc: Document,
    private readonly text: string,
    private readonly base: number,
    private readonly track: boolean,
  ) {}

  private off(n: Node | null | undefined): number {
    return this.base + (n?.range?.[0] ?? 0);
  }

  /** The document's value; on excessive aliasing, null and an error. */
  root(n: Node | null | undefined): unknown {
    try {
      return this.node(n);
    } catch (e) {
      if (!(e instanceof ExcessiveAliasing)) throw e;
      this.errors.push({
        offset: e.offset,
        code: "YAMLSyntax",
        message: "document contains excessive aliasing (more aliased nodes than go-yaml allows)",
        path: [],
      });
      this.lastPos = undefined;
      return null;
    }
  }

  node(n: Node | null | undefined): unknown {
    if (n === null || n === undefined) {
      this.lastPos = undefined;
      return null;
    }
    this.decoded++;
    if (this.aliasDepth > 0) this.aliased++;
    if (
      this.aliased > 100 &&
      this.decoded > 1000 &&
      this.aliased / this.decoded > allowedAliasRatio(this.decoded)
    )
      throw new ExcessiveAliasing(this.off(n));
    if (++this.depth > 1000) {
      this.errors.push({
        offset: this.off(n),
        code: "YAMLSyntax",
        message: "document nested too deeply",
        path: [],
      });
      this.depth--;
      return null;
    }
    try {
      if (isAlias(n)) {
        const target = n.resolve(this.doc) as Node | undefined;
        // go-yaml's messages for the two ways an alias can be wrong.
        if (!target) return this.aliasError(n, `unknown anchor '${n.source}' referenced`);
        if (this.open.has(target)) return this.aliasError(n, `anchor '${n.source}' value contains itself`);
        this.aliasDepth++;
        let v: unknown;
        try {
          v = this.node(target);
        } finally {
          this.aliasDepth--;
        }
        this.lastPos = { off: this.off(n) };
        return v;
      }
      this.open.add(n);
      if (isScalar(n)) {
        this.lastPos = { off: this.off(n) };
        const src = String(n.source ?? n.value ?? "");
        const tag = n.tag;
        if (tag === `${TAG}str` || tag === `${TAG}binary`) return src;
        if (n.type === "PLAIN" || (tag && tag !== "!")) {
          if (tag && !tag.startsWith(TAG)) return src; // a local tag (!foo): go-yaml keeps the text
          const v = resolvePlain(src);
          if (typeof v !== "string" && v !== null && isYaml11Surprise(src, v))
            this.yaml11.push([[...this.path], src]);
          return v;
        }
        return src;
      }
      if (isSeq(n)) {
        const arr: unknown[] = [];
        const children = this.track ? new Map<string | number, PosNode>() : undefined;
        for (const item of n.items) {
          this.path.push(arr.length);
          const v = this.node(item as Node | null);
          this.path.pop();
          children?.set(arr.length, this.lastPos ?? { off: this.off(item as Node) });
          arr.push(v);
        }
        this.lastPos = { off: this.off(n), ...(children ? { children } : {}) };
        return arr;
      }
      if (isMap(n)) {
        const obj: Record<string, unknown> = {};
        const children = this.track ? new Map<string | number, PosNode>() : undefined;
        const seen = new Map<string, number>();
        for (const pair of n.items) {
          const k = pair.key as Node | null;
          const keyOff = k ? this.off(k) : this.off(pair.value as Node | null);
          if (isScalar(k) && k.type === "PLAIN" && !k.tag && k.source === "<<") {
            this.merge(pair.value as Node | null, obj, children);
            continue;
          }
          let key: string;
          if (isScalar(k)) {
            const src = String(k.source ?? k.value ?? "");
            if (k.type === "PLAIN" && !k.tag) {
              const r = plainKey(src);
              if ("error" in r) {
                this.errors.push({ offset: keyOff, code: "YAMLKey", message: r.error, path: [...this.path] });
                continue;
              }
              key = r.key;
              if (key !== src) this.yaml11.push([[...this.path, key], src]);
            } else key = src;
          } else {
            this.errors.push({
              offset: keyOff,
              code: "YAMLKey",
              message: k
                ? "unsupported map key: a collection cannot be a JSON object key"
                : "unsupported map key: null",
              path: [...this.path],
            });
            continue;
          }
          const prev = seen.get(key);
          if (prev !== undefined) {
            this.errors.push({
              offset: keyOff,
              code: "DuplicateKey",
              message: `mapping key ${JSON.stringify(key)} already defined at line ${lineOf(this.text, prev)}`,
              path: [...this.path, key],
            });
          } else seen.set(key, keyOff);
          this.path.push(key);
          const v = this.node(pair.value as Node | null);
          this.path.pop();
          if (children) {
            const pos = this.lastPos ?? { off: keyOff };
            pos.keyOff = keyOff;
            children.set(key, pos);
          }
          setKey(obj, key, v);
        }
        this.lastPos = { off: this.off(n), ...(children ? { children } : {}) };
        return obj;
      }
      this.lastPos = { off: this.off(n) };
      return null;
    } finally {
      this.depth--;
      this.open.delete(n);
    }
  }

  private aliasError(n: Node, message: string): null {
    this.errors.push({ offset: this.off(n), code: "YAMLSyntax", message, path: [...this.path] });
    this.lastPos = { off: this.off(n) };
    return null;
  }

  /** `<<: *base` or `<<: [*a, *b]`: go-yaml v2 copies the entries in, in order. */
  private merge(
    v: Node | null,
    obj: Record<string, unknown>,
    children: Map<string | number, PosNode> | undefined,
  ): void {
    const sources = isSeq(v) ? (v.items as Node[]) : [v];
    for (const src of sources) {
      const val = this.node(src as Node | null);
      if (val === null || typeof val !== "object" || Array.isArray(val)) {
        this.errors.push({
          offset: this.off(src as Node | null),
          code: "YAMLSyntax",
          message: "map merge requires map or sequence of maps as the value",
          path: [...this.path],
        });
        continue;
      }
      for (const [k, x] of Object.entries(val)) {
        setKey(obj, k, x);
        children?.set(k, { off: this.off(src as Node | null) });
      }
    }
  }
}
