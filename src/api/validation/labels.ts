/**
 * Label keys (qualified names), label values and annotations, as
 * apimachinery validates them. Upstream reports label errors at the map's
 * path (`metadata.labels`) with the key or value as the bad value; we keep
 * that text and point the source position at the offending entry.
 */
import { type FieldError, invalid, tooLong } from "./errors.js";
import { byteLength, isDNS1123Subdomain, maxLenError, regexError } from "./names.js";
import type { Path } from "./path.js";

const LABEL_KEY_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_KEY_ERR =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelKeyRe = new RegExp(`^${LABEL_KEY_FMT}$`);
const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`;
const labelValueRe = new RegExp(`^${LABEL_VALUE_FMT}$`);

export const LABEL_VALUE_MAX = 63;
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** IsQualifiedName: `[prefix/]name`, prefix a DNS subdomain, name ≤63. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split("/");
  let name: string;
  if (parts.length === 1) {
    name = parts[0] ?? "";
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? "";
    name = parts[1] ?? "";
    if (prefix.length === 0) errs.push("prefix part must be non-empty");
    else for (const m of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${m}`);
  } else {
    return [
      `a qualified name ${regexError(LABEL_KEY_ERR, LABEL_KEY_FMT, "MyName", "my.name", "123-abc")} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push("name part must be non-empty");
  else if (byteLength(name) > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!labelKeyRe.test(name)) {
    errs.push(`name part ${regexError(LABEL_KEY_ERR, LABEL_KEY_FMT, "MyName", "my.name", "123-abc")}`);
  }
  return errs;
}

export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > LABEL_VALUE_MAX) errs.push(maxLenError(LABEL_VALUE_MAX));
  if (!labelValueRe.test(value)) {
    errs.push(
      regexError(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        LABEL_VALUE_FMT,
        "MyValue",
        "my_value",
        "12345",
      ),
    );
  }
  return errs;
}

/** Label key check reported at `path` (ValidateLabelName). */
export function validateLabelName(key: string, path: Path): FieldError[] {
  return isQualifiedName(key).map((m) => invalid(path, key, m));
}

/**
 * ValidateLabels. Values of a non-string type are the type checker's
 * business (they never reach validation in a real cluster), so they are
 * skipped here.
 */
export function validateLabels(labels: unknown, path: Path): FieldError[] {
  if (!isRecord(labels)) return [];
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels)) {
    const keyErrs = isQualifiedName(k);
    const valueErrs = typeof v === "string" ? isValidLabelValue(v) : [];
    if (keyErrs.length === 0 && valueErrs.length === 0) continue;
    // The path (text and segments) only for a label with an error: every label of every object passes here.
    const at = path.at([...path.segments, k]);
    for (const m of keyErrs) errs.push(invalid(at, k, m));
    for (const m of valueErrs) errs.push(invalid(at, v as string, m));
  }
  return errs;
}

/** ValidateAnnotations: keys are qualified names (case-insensitive), total size ≤ 256 KiB. */
export function validateAnnotations(annotations: unknown, path: Path): FieldError[] {
  if (!isRecord(annotations)) return [];
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const m of isQualifiedName(k.toLowerCase()))
      errs.push(invalid(path.at([...path.segments, k]), k, m));
    total += byteLength(k) + (typeof v === "string" ? byteLength(v) : 0);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
