/**
 * Manifest loading: `-f PATH` (files, directories recursively, `-` for
 * stdin) → Kubernetes objects with their source positions, plus load
 * diagnostics (unreadable paths, YAML syntax errors, duplicate keys,
 * documents that are not objects, unknown kinds).
 *
 * Values are what kubectl would send to the API server (YAML 1.1 scalars, see
 * load-scalar.ts). Positions stay cheap: each object keeps its document's
 * offsets and the file text; field positions and YAML 1.1 paths are computed
 * by re-reading that one document the first time a diagnostic asks.
 * Very large inputs may be parsed on worker threads (load-workers.ts).
 */
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { type Diagnostic, type FieldPath, formatFieldPath } from "./diagnostics.js";
import { kindInfo } from "./kinds.js";
import { parseText, type RawDoc, trackDocument } from "./load-parse.js";
import { parseInWorkers, shouldUseWorkers } from "./load-workers.js";
import type { PosNode } from "./load-yaml-fast.js";
import { type Position, type SourceRef, setSource } from "./source.js";
import type { KubeObject } from "./types.js";
import { matchKind } from "./upstream-kinds.js";

export interface LoadOptions {
  /** What `-` reads: a string, a stream, or (default) process.stdin. */
  stdin?: string | NodeJS.ReadableStream;
  /** Parse on worker threads: `true` forces, `false` disables; default: only for huge inputs on many cores. */
  parallel?: boolean;
}

export interface LoadResult {
  objects: KubeObject[];
  diagnostics: Diagnostic[];
}

/** The file name used for standard input in positions. */
export const STDIN_NAME = "<stdin>";

const MANIFEST_EXT = /\.(ya?ml|json)$/i;

export async function loadManifests(
  paths: readonly string[],
  options: LoadOptions = {},
): Promise<LoadResult> {
  const { inputs, diagnostics } = await readManifestInputs(paths, options);
  const texts = inputs.map((i) => normalize(i.text));
  const parallel = options.parallel ?? shouldUseWorkers(texts);
  const docs = parallel ? await parseInWorkers(texts) : texts.map((t) => parseText(t));
  return assembleManifests(inputs, texts, docs, diagnostics);
}

/** A manifest file's name (as given or found) and its text as read. */
export interface ManifestInput {
  file: string;
  text: string;
}

/**
 * The reading half of loadManifests: expands the paths and reads every file
 * once. A file reached twice (by two paths, a symlink, or a symlinked
 * directory) is read once, under the first name it was reached by; a
 * directory symlink that leads back into a directory being walked (`up ->
 * ..`, `a -> .`) is not walked again.
 */
export async function readManifestInputs(
  paths: readonly string[],
  options: Pick<LoadOptions, "stdin"> = {},
): Promise<{ inputs: ManifestInput[]; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  // File names first (in order, each real file once), then all reads at the same time.
  const names: string[] = [];
  const seen = new Set<string>();
  const dirs = new Set<string>();
  for (const path of paths) {
    const files = path === "-" ? [STDIN_NAME] : await expandPath(path, diagnostics, dirs);
    for (const file of files) {
      const real = file === STDIN_NAME ? file : await realpath(file).catch(() => file);
      if (seen.has(real)) continue;
      seen.add(real);
      names.push(file);
    }
  }
  const read = await Promise.all(
    names.map(async (file): Promise<ManifestInput | Diagnostic> => {
      if (file === STDIN_NAME) return { file, text: await readStdin(options.stdin ?? process.stdin) };
      try {
        return { file, text: await readFile(file, "utf8") };
      } catch (err) {
        return unreadable(file, err);
      }
    }),
  );
  const inputs: ManifestInput[] = [];
  for (const r of read) {
    if ("text" in r) inputs.push(r);
    else diagnostics.push(r);
  }
  return { inputs, diagnostics };
}

/** The assembling half: parsed documents of each (normalized) text → objects and diagnostics. */
export function assembleManifests(
  inputs: readonly ManifestInput[],
  texts: readonly string[],
  docs: readonly (readonly RawDoc[])[],
  diagnostics: Diagnostic[],
): LoadResult {
  const out = new Assembler(diagnostics);
  inputs.forEach((input, i) => {
    out.addFile(input.file, texts[i] ?? "", docs[i] ?? []);
  });
  return out.finish();
}

/** Synchronous: one text, no worker threads. */
export function parseManifests(text: string, file: string): LoadResult {
  const t = normalize(text);
  const out = new Assembler([]);
  out.addFile(file, t, parseText(t));
  return out.finish();
}

/** CRLF → LF (columns stay the same) and no byte-order mark. */
export function normalizeText(text: string): string {
  return normalize(text);
}

function normalize(text: string): string {
  let t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (t.includes("\r")) t = t.replace(/\r\n?/g, "\n");
  return t;
}

async function readStdin(src: string | NodeJS.ReadableStream): Promise<string> {
  if (typeof src === "string") return src;
  const chunks: Buffer[] = [];
  for await (const chunk of src as AsyncIterable<Buffer | string>)
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** A file as is; a directory: every *.yaml, *.yml, *.json below it, in sorted order. */
async function expandPath(path: string, diagnostics: Diagnostic[], dirs: Set<string>): Promise<string[]> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(path);
  } catch (err) {
    diagnostics.push(unreadable(path, err));
    return [];
  }
  if (!st.isDirectory()) return [path];
  if (dirs.has(await realpath(path).catch(() => path))) return [];
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    // Each real directory once: symlink cycles end here, and a directory reached twice adds nothing.
    const real = await realpath(dir).catch(() => dir);
    if (dirs.has(real)) return;
    dirs.add(real);
    let entries: string[];
    try {
      entries = (await readdir(dir)).sort(byCodePoint);
    } catch (err) {
      diagnostics.push(unreadable(dir, err));
      return;
    }
    for (const name of entries) {
      const full = join(dir, name);
      let s: Awaited<ReturnType<typeof stat>>;
      try {
        s = await stat(full);
      } catch (err) {
        diagnostics.push(unreadable(full, err));
        continue;
      }
      if (s.isDirectory()) await walk(full);
      else if (MANIFEST_EXT.test(name)) files.push(full);
    }
  };
  await walk(path);
  if (files.length === 0) {
    diagnostics.push({
      severity: "warning",
      code: "NoManifests",
      file: path,
      message: "directory has no *.yaml, *.yml or *.json files",
    });
  }
  return files;
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function unreadable(path: string, err: unknown): Diagnostic {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === "ENOENT"
      ? "no such file or directory"
      : code === "EACCES"
        ? "permission denied"
        : code === "ENOTDIR"
          ? "not a directory"
          : ((err as Error | undefined)?.message ?? String(err));
  return { severity: "error", code: "FileUnreadable", file: path, message: `cannot read ${path}: ${why}` };
}

/** 1-based line/column of offsets in one text, by binary search over line starts. */
class LineIndex {
  private starts: Int32Array | undefined;
  constructor(private readonly text: string) {}
  at(offset: number): Position {
    if (!this.starts) {
      let n = 1;
      for (let i = this.text.indexOf("\n"); i >= 0; i = this.text.indexOf("\n", i + 1)) n++;
      const starts = new Int32Array(n);
      let k = 1;
      for (let i = this.text.indexOf("\n"); i >= 0; i = this.text.indexOf("\n", i + 1)) starts[k++] = i + 1;
      this.starts = starts;
    }
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - (starts[lo] ?? 0) + 1 };
  }
}

/** Where a field path points in a position tree: the value of a scalar, the key of a collection, else the nearest parent. */
export function locateIn(pos: PosNode, path: FieldPath): number {
  let node = pos;
  for (const seg of path) {
    const child = node.children?.get(seg);
    if (!child) return node.keyOff ?? node.off;
    node = child;
  }
  return node.children && node.keyOff !== undefined ? node.keyOff : node.off;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return "a list";
  if (v === null) return "null";
  return `a ${typeof v === "number" ? "number" : typeof v === "boolean" ? "boolean" : "string"}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Turns raw documents into objects with SourceRefs and diagnostics, in input order. */
class Assembler {
  private readonly objects: KubeObject[] = [];
  private readonly unknown = new Map<
    string,
    { count: number; first: Diagnostic; apiVersions: Set<string> }
  >();

  constructor(private readonly diagnostics: Diagnostic[]) {}

  addFile(file: string, text: string, docs: readonly RawDoc[]): void {
    const lines = new LineIndex(text);
    for (const doc of docs) {
      // Positions are computed once per document, when first needed, and shared by its List items.
      let tracked: ReturnType<typeof trackDocument> | undefined;
      const track = () => {
        tracked ??= trackDocument(text, doc);
        return tracked;
      };
      const refFor = (prefix: FieldPath, offset: number): SourceRef => {
        const at = lines.at(offset);
        const ref: SourceRef = {
          file,
          docIndex: doc.index,
          line: at.line,
          col: at.col,
          locate: (path) => lines.at(locateIn(track().pos, [...prefix, ...path])),
        };
        if (doc.coerced > 0) {
          let map: Map<string, string> | undefined;
          Object.defineProperty(ref, "yaml11", {
            enumerable: true,
            get: () => {
              if (!map) {
                map = new Map();
                for (const [p, src] of track().yaml11) {
                  if (prefix.every((seg, i) => p[i] === seg))
                    map.set(formatFieldPath(p.slice(prefix.length)), src);
                }
              }
              return map;
            },
          });
        }
        return ref;
      };
      const v = doc.value;
      const who = isObject(v) ? objectIdentity(v) : {};
      for (const e of doc.errors) {
        const at = lines.at(e.offset);
        this.diagnostics.push({
          severity: "error",
          code: e.code,
          message: e.message,
          file,
          line: at.line,
          col: at.col,
          ...who,
          ...(e.path.length > 0 ? { field: formatFieldPath(e.path) } : {}),
        });
      }
      if (doc.errors.length > 0 || v === null) continue;
      const rootAt = lines.at(doc.rootOffset);
      const base = { file, line: rootAt.line, col: rootAt.col };
      if (!isObject(v)) {
        this.error(
          base,
          "NotAnObject",
          `document is ${describe(v)}, not a Kubernetes object (a map with apiVersion and kind)`,
        );
        continue;
      }
      if (!this.checkTypeMeta(v, base)) continue;
      if (isList(v)) {
        const items = v.items;
        if (!Array.isArray(items)) {
          this.error(
            { ...base, ...objectIdentity(v), field: "items" },
            "FieldValueInvalid",
            "a List needs items: a list of objects",
          );
          continue;
        }
        // A typed list (NamespaceList…) as `kubectl get -o yaml` prints it: items without
        // apiVersion and kind get the list's, as kubectl's unstructured decoding does.
        const itemKind = (v.kind as string).replace(/List$/, "");
        const listVersion = v.apiVersion as string;
        items.forEach((raw, i) => {
          const item =
            itemKind !== "" && isObject(raw) && raw.kind === undefined && raw.apiVersion === undefined
              ? { apiVersion: listVersion, kind: itemKind, ...raw }
              : raw;
          const off = (() => {
            const p = track().pos.children?.get("items")?.children?.get(i);
            return p?.off ?? doc.rootOffset;
          })();
          const at = lines.at(off);
          const itemBase = { file, line: at.line, col: at.col };
          if (!isObject(item)) {
            this.error(
              { ...itemBase, field: `items[${i}]` },
              "NotAnObject",
              `List item is ${describe(item)}, not a Kubernetes object`,
            );
            return;
          }
          if (!this.checkTypeMeta(item, itemBase)) return;
          this.add(item as KubeObject, refFor(["items", i], off));
        });
        continue;
      }
      this.add(v as KubeObject, refFor([], doc.rootOffset));
    }
  }

  private checkTypeMeta(
    v: Record<string, unknown>,
    base: { file: string; line: number; col: number },
  ): boolean {
    const missing = (["apiVersion", "kind"] as const).filter((f) => typeof v[f] !== "string" || v[f] === "");
    if (missing.length === 0) return true;
    const who = objectIdentity(v);
    const what = missing.length === 2 ? "apiVersion and kind are" : `${missing[0]} is`;
    const field = missing.length === 1 ? { field: missing[0] as string } : {};
    this.error(
      { ...base, ...who, ...field },
      "MissingKind",
      `${what} not set: every Kubernetes object needs both`,
    );
    return false;
  }

  private add(obj: KubeObject, ref: SourceRef): void {
    setSource(obj, ref);
    this.objects.push(obj);
    const kind = obj.kind as string;
    // A kind its known group does not have is validate's error (upstream-kinds.ts), not a warning.
    if (!kindInfo(kind) && matchKind(String(obj.apiVersion), kind).match !== "none") {
      const u = this.unknown.get(kind);
      if (u) {
        u.count++;
        u.apiVersions.add(String(obj.apiVersion));
      } else {
        this.unknown.set(kind, {
          count: 1,
          apiVersions: new Set([String(obj.apiVersion)]),
          first: {
            severity: "warning",
            code: "UnknownKind",
            message: "",
            file: ref.file,
            line: ref.line,
            col: ref.col,
            kind,
          },
        });
      }
    }
  }

  private error(at: Partial<Diagnostic>, code: string, message: string): void {
    this.diagnostics.push({ ...at, severity: "error", code, message });
  }

  finish(): LoadResult {
    for (const [kind, u] of this.unknown) {
      const n = u.count === 1 ? "1 object" : `${u.count} objects`;
      this.diagnostics.push({
        ...u.first,
        message: `kind ${kind} (${[...u.apiVersions].join(", ")}) is not modelled by michi: ${n} kept as is, not validated or simulated`,
      });
    }
    return { objects: this.objects, diagnostics: this.diagnostics };
  }
}

function isList(v: Record<string, unknown>): boolean {
  const kind = v.kind as string;
  return kind === "List" || (kind.endsWith("List") && Array.isArray(v.items) && !kindInfo(kind));
}

function objectIdentity(v: Record<string, unknown>): Partial<Diagnostic> {
  const out: Partial<Diagnostic> = {};
  if (typeof v.kind === "string") out.kind = v.kind;
  const meta = v.metadata;
  if (isObject(meta)) {
    if (typeof meta.name === "string") out.name = meta.name;
    if (typeof meta.namespace === "string") out.namespace = meta.namespace;
  }
  return out;
}
