/**
 * Field paths as the API server prints them (k8s.io/apimachinery field.Path):
 * `child` appends `.name`, `index` appends `[i]`, `key` appends `[key]` — so
 * `data[tls.crt]` and `metadata.labels` read exactly as a real cluster says.
 * A path also keeps the raw segments into the manifest, used to find the
 * source position; the two differ where upstream reports a parent (labels)
 * or a defaulted twin field (clusterIPs for clusterIP).
 *
 * Validators build a path for every field they visit but need one only for
 * an error, so paths are parent-linked and render their text lazily.
 */
import type { FieldPath } from "../diagnostics.js";

type Step = { kind: "child"; name: string } | { kind: "index"; i: number } | { kind: "key"; k: string };

export class Path {
  private textCache: string | undefined;
  private segmentsCache: FieldPath | undefined;

  private constructor(
    private readonly parent: Path | undefined,
    private readonly step: Step | undefined,
    fixedText?: string,
    fixedSegments?: FieldPath,
  ) {
    this.textCache = fixedText;
    this.segmentsCache = fixedSegments;
  }

  static root(name: string): Path {
    return new Path(undefined, { kind: "child", name });
  }

  /** Path whose printed text differs from its location in the manifest. */
  static raw(text: string, segments: FieldPath): Path {
    return new Path(undefined, undefined, text, segments);
  }

  child(...names: string[]): Path {
    let p: Path = this;
    for (const name of names) p = new Path(p, { kind: "child", name });
    return p;
  }

  index(i: number): Path {
    return new Path(this, { kind: "index", i });
  }

  key(k: string): Path {
    return new Path(this, { kind: "key", k });
  }

  /** Same printed text, located at a more precise place in the manifest. */
  at(segments: FieldPath): Path {
    return new Path(undefined, undefined, this.text, segments);
  }

  get text(): string {
    if (this.textCache === undefined) {
      const base = this.parent?.text ?? "";
      const s = this.step;
      if (s === undefined) this.textCache = base;
      else if (s.kind === "child") this.textCache = base === "" ? s.name : `${base}.${s.name}`;
      else if (s.kind === "index") this.textCache = `${base}[${s.i}]`;
      else this.textCache = `${base}[${s.k}]`;
    }
    return this.textCache;
  }

  /** Segments into the object as written, for `SourceRef.locate`. */
  get segments(): FieldPath {
    if (this.segmentsCache === undefined) {
      const base = this.parent?.segments ?? [];
      const s = this.step;
      if (s === undefined) this.segmentsCache = base;
      else this.segmentsCache = [...base, s.kind === "child" ? s.name : s.kind === "index" ? s.i : s.k];
    }
    return this.segmentsCache;
  }
}
