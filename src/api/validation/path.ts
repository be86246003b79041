/**
 * Field paths as the API server prints them (k8s.io/apimachinery field.Path):
 * `child` appends `.name`, `index` appends `[i]`, `key` appends `[key]` — so
 * `data[tls.crt]` and `metadata.labels` read exactly as a real cluster says.
 * A path also keeps the raw segments into the manifest, used to find the
 * source position; the two differ where upstream reports a parent (labels)
 * or a defaulted twin field (clusterIPs for clusterIP).
 */
import type { FieldPath } from "../diagnostics.js";

export class Path {
  private constructor(
    readonly text: string,
    /** Segments into the object as written, for `SourceRef.locate`. */
    readonly segments: FieldPath,
  ) {}

  static root(name: string): Path {
    return new Path(name, [name]);
  }

  /** Path whose printed text differs from its location in the manifest. */
  static raw(text: string, segments: FieldPath): Path {
    return new Path(text, segments);
  }

  child(...names: string[]): Path {
    let text = this.text;
    for (const n of names) text = text === "" ? n : `${text}.${n}`;
    return new Path(text, [...this.segments, ...names]);
  }

  index(i: number): Path {
    return new Path(`${this.text}[${i}]`, [...this.segments, i]);
  }

  key(k: string): Path {
    return new Path(`${this.text}[${k}]`, [...this.segments, k]);
  }

  /** Same printed text, located at a more precise place in the manifest. */
  at(segments: FieldPath): Path {
    return new Path(this.text, segments);
  }
}
