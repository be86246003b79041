/**
 * Field types, checked the way the API server's JSON decoding would: a
 * number or boolean where a string belongs (label value `version: 1.0`, env
 * `value: 8080`, ConfigMap data `port: 8080`), a string where an integer
 * belongs, a fraction in an int32. A real cluster rejects the whole object
 * with the Go decoding error; we report every such field with that error.
 *
 * YAML 1.1 (go-yaml, which kubectl uses) reads unquoted yes/no/on/off as
 * booleans. The loader hands over those YAML 1.1 values and records the
 * source text in `SourceRef.yaml11`, so the error can say why.
 */
import { formatFieldPath } from "../diagnostics.js";
import type { FieldError } from "./errors.js";
import { Path } from "./path.js";
import { SCHEMAS, type Schema } from "./schemas.js";

type JsonKind = "string" | "number" | "bool" | "array" | "object" | "null";

interface Seen {
  kind: JsonKind;
  /** The value as Kubernetes decodes it, for the message. */
  shown: string;
  /** Integer-valued number? */
  integral: boolean;
  /** Source text of a plain scalar YAML 1.1 reads differently. */
  yaml11?: string;
}

function inspect(value: unknown, source: string | undefined): Seen {
  if (value === null || value === undefined) return { kind: "null", shown: "null", integral: false };
  if (typeof value === "string") return { kind: "string", shown: JSON.stringify(value), integral: false };
  // `source` is set when YAML 1.1 read this plain scalar differently than YAML 1.2 would.
  const y = source === undefined ? {} : { yaml11: source };
  if (typeof value === "number") {
    // Every integer field michi checks is an int32: a number outside it does not decode either.
    const integral = Number.isInteger(value) && value >= -2147483648 && value <= 2147483647;
    return { kind: "number", shown: String(value), integral, ...y };
  }
  if (typeof value === "boolean") return { kind: "bool", shown: String(value), integral: false, ...y };
  if (Array.isArray(value)) return { kind: "array", shown: "[...]", integral: false };
  return { kind: "object", shown: "{...}", integral: false };
}

function goType(schema: Schema): string {
  if (schema === "string") return "string";
  if (schema === "int" || schema === "intOrString") return "int32";
  if (schema === "bool") return "bool";
  if ("map" in schema) return `map[string]${goType(schema.map)}`;
  if ("list" in schema) return `[]${goType(schema.list)}`;
  return "struct";
}

/**
 * Whether Go's decoding accepts `value` for `schema` (null always does). Checked for every field of
 * every object, so it builds nothing; inspect() describes the value only for an error.
 */
function acceptsValue(schema: Schema, value: unknown): boolean {
  if (value === null || value === undefined) return true;
  const t = typeof value;
  if (schema === "string") return t === "string";
  if (schema === "bool") return t === "boolean";
  if (schema === "int") return t === "number" && isInt32(value as number);
  if (schema === "intOrString") return t === "string" || (t === "number" && isInt32(value as number));
  if ("list" in schema) return Array.isArray(value);
  return t !== "string" && t !== "number" && t !== "boolean" && !Array.isArray(value);
}

function isInt32(n: number): boolean {
  return Number.isInteger(n) && n >= -2147483648 && n <= 2147483647;
}

function explain(schema: Schema, seen: Seen): string {
  // Go names the number only when it does not fit a numeric target ("number 80.5").
  const numeric = schema === "int" || schema === "intOrString";
  const what = seen.kind === "number" && !seen.integral && numeric ? `number ${seen.shown}` : seen.kind;
  // IntOrString decodes a non-string as int32, so that is the type Go names.
  const target = schema === "intOrString" && seen.kind !== "string" ? "int32" : goType(schema);
  let msg = `json: cannot unmarshal ${what} into Go value of type ${target}`;
  if (seen.yaml11 !== undefined && seen.kind === "bool") {
    msg += `; YAML 1.1 (which Kubernetes uses) reads the unquoted ${seen.yaml11} as a boolean; quote it: ${JSON.stringify(seen.yaml11)}`;
  } else if (seen.yaml11 !== undefined) {
    msg += `; YAML 1.1 (which Kubernetes uses) reads the unquoted ${seen.yaml11} as a number; quote it: ${JSON.stringify(seen.yaml11)}`;
  } else if (schema === "string" && (seen.kind === "number" || seen.kind === "bool")) {
    msg += "; quote the value to make it a string";
  }
  return msg;
}

/**
 * Where the walk is, as a parent-linked chain: built for free on the hot path
 * (every field of every object), turned into a Path only for an error.
 */
interface Cursor {
  parent: Cursor | undefined;
  seg: string | number;
  /** A map key (printed `[key]`) rather than a struct field (`.field`). */
  isKey: boolean;
}

function segmentsOf(c: Cursor | undefined): (string | number)[] {
  const out: (string | number)[] = [];
  for (let x = c; x; x = x.parent) out.push(x.seg);
  return out.reverse();
}

/** Upstream-style path: `.field`, `[i]`, and `[key]` for map keys. */
function pathOf(c: Cursor | undefined): Path {
  const chain: Cursor[] = [];
  for (let x = c; x; x = x.parent) chain.push(x);
  chain.reverse();
  let p = Path.raw("", []);
  for (const x of chain) {
    if (typeof x.seg === "number") p = p.index(x.seg);
    else p = x.isKey ? p.key(x.seg) : p.child(x.seg);
  }
  return p;
}

/**
 * Every field whose JSON type the API server could not decode, and every
 * field a closed struct does not have (strict decoding). Values are what
 * kubectl sends (the loader already applied YAML 1.1); `yaml11` is asked
 * (lazily: the loader computes it on demand) only to explain an error, and
 * maps formatted field paths to the source text of plain scalars YAML 1.1
 * reads differently.
 */
export function checkTypes(
  kind: string,
  object: unknown,
  yaml11?: () => ReadonlyMap<string, string> | undefined,
): FieldError[] {
  const schema = SCHEMAS[kind];
  if (!schema) return [];
  const errs: FieldError[] = [];
  const walk = (value: unknown, s: Schema, at: Cursor | undefined): void => {
    if (!acceptsValue(s, value)) {
      let seen = inspect(value, undefined);
      const segs = segmentsOf(at);
      const source = yaml11 && segs.length > 0 ? yaml11()?.get(formatFieldPath(segs)) : undefined;
      if (source !== undefined) seen = inspect(value, source);
      errs.push({
        type: "FieldTypeInvalid",
        path: pathOf(at),
        value: { raw: seen.shown },
        detail: explain(s, seen),
      });
      return;
    }
    if (typeof s === "string" || value === null || value === undefined) return;
    if ("list" in s) {
      const items = value as unknown[];
      for (let i = 0; i < items.length; i++) walk(items[i], s.list, { parent: at, seg: i, isKey: false });
    } else if ("map" in s) {
      const record = value as Record<string, unknown>;
      for (const k in record) walk(record[k], s.map, { parent: at, seg: k, isKey: true });
    } else {
      const record = value as Record<string, unknown>;
      for (const k in record) {
        const v = record[k];
        const sub = Object.hasOwn(s.obj, k) ? s.obj[k] : undefined;
        if (sub !== undefined) {
          if (v !== undefined) walk(v, sub, { parent: at, seg: k, isKey: false });
        } else if (s.closed && !s.closed.includes(k)) {
          const c: Cursor = { parent: at, seg: k, isKey: false };
          errs.push({
            type: "UnknownField",
            // Printed without a field prefix, as the API server words it; located at the key.
            path: Path.raw("", segmentsOf(c)),
            detail: `strict decoding error: unknown field ${JSON.stringify(pathOf(c).text)}`,
          });
        }
      }
    }
  };
  walk(object, schema, undefined);
  return errs;
}
