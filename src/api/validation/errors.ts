/**
 * Field errors with the API server's wording (field.Error.ErrorBody): the
 * type string, the bad value printed the way Go's fmt prints it, then the
 * detail. `Required`, `Forbidden` and `TooLong` omit the value, as upstream.
 */
import type { Path } from "./path.js";

export type FieldErrorType =
  | "FieldValueInvalid"
  | "FieldValueRequired"
  | "FieldValueNotSupported"
  | "FieldValueDuplicate"
  | "FieldValueForbidden"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "FieldTypeInvalid"
  /** Strict decoding (kubectl's default --validate=strict): a field the type does not have. */
  | "UnknownField";

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueInvalid: "Invalid value",
  FieldValueRequired: "Required value",
  FieldValueNotSupported: "Unsupported value",
  FieldValueDuplicate: "Duplicate value",
  FieldValueForbidden: "Forbidden",
  FieldValueTooLong: "Too long",
  FieldValueTooMany: "Too many",
  FieldTypeInvalid: "Invalid value",
  UnknownField: "Unknown field",
};

/** A value as Go's `%v`/`%q`/`%#v` would print it; `GoValue.raw` is already formatted. */
export type GoValue = string | number | boolean | null | { raw: string };

export interface FieldError {
  type: FieldErrorType;
  path: Path;
  value?: GoValue;
  detail: string;
  severity?: "error" | "warning";
}

/** Go's %q for the strings we meet (JSON escaping matches it for printable text). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

export function formatGoValue(v: GoValue): string {
  if (v === null) return "null";
  if (typeof v === "string") return goQuote(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return v.raw;
}

/** `[]string{"a", "b"}` — Go's %#v of a string slice (nil when absent). */
export function goStringSlice(values: readonly string[] | undefined, type = "[]string"): GoValue {
  if (values === undefined) return { raw: `${type}(nil)` };
  return { raw: `${type}{${values.map(goQuote).join(", ")}}` };
}

/** `map[string]string{"app":"web"}` — Go's %#v of a map (keys sorted, as fmt does). */
export function goStringMap(m: Readonly<Record<string, unknown>> | undefined): GoValue {
  if (m === undefined) return { raw: "map[string]string(nil)" };
  const keys = Object.keys(m).sort();
  return {
    raw: `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(String(m[k]))}`).join(", ")}}`,
  };
}

export function errorBody(e: FieldError): string {
  // Upstream warnings are plain sentences (`non-standard IP address ...`), not typed field errors.
  if (e.severity === "warning" || e.type === "UnknownField") return e.detail;
  const t = TYPE_TEXT[e.type];
  let s: string;
  if (
    e.type === "FieldValueRequired" ||
    e.type === "FieldValueForbidden" ||
    e.type === "FieldValueTooLong" ||
    e.value === undefined
  ) {
    s = t;
  } else {
    s = `${t}: ${formatGoValue(e.value)}`;
  }
  return e.detail ? `${s}: ${e.detail}` : s;
}

export const invalid = (path: Path, value: GoValue, detail: string): FieldError => ({
  type: "FieldValueInvalid",
  path,
  value,
  detail,
});

export const required = (path: Path, detail = ""): FieldError => ({
  type: "FieldValueRequired",
  path,
  detail,
});

export const forbidden = (path: Path, detail: string): FieldError => ({
  type: "FieldValueForbidden",
  path,
  detail,
});

export const duplicate = (path: Path, value: GoValue): FieldError => ({
  type: "FieldValueDuplicate",
  path,
  value,
  detail: "",
});

export function notSupported(path: Path, value: GoValue, supported: readonly string[]): FieldError {
  const detail = supported.length > 0 ? `supported values: ${supported.map(goQuote).join(", ")}` : "";
  return { type: "FieldValueNotSupported", path, value, detail };
}

export const tooLong = (path: Path, maxBytes: number): FieldError => ({
  type: "FieldValueTooLong",
  path,
  detail: `may not be more than ${maxBytes} bytes`,
});

export const tooMany = (path: Path, actual: number, max: number): FieldError => ({
  type: "FieldValueTooMany",
  path,
  value: actual,
  detail: `must have at most ${max} items`,
});
