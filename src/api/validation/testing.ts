/**
 * Test helpers for the validation tables: objects built in code with a fake
 * SourceRef (positions by field path, falling back to the nearest parent as
 * the loader's does), and results as `FIELD: message` lines.
 */
import { type Diagnostic, type FieldPath, formatFieldPath } from "../diagnostics.js";
import { setSource } from "../source.js";
import type { KubeObject } from "../types.js";
import { type ValidateOptions, validateObject } from "../validate.js";

/** Attach a fake source: `positions` maps formatted field paths to lines. */
export function withSource<T extends KubeObject>(
  obj: T,
  file = "test.yaml",
  positions: Record<string, number> = {},
  yaml11?: Record<string, string>,
): T {
  const locate = (path: FieldPath) => {
    for (let n = path.length; n > 0; n--) {
      const line = positions[formatFieldPath(path.slice(0, n))];
      if (line !== undefined) return { line, col: 3 };
    }
    return { line: 1, col: 1 };
  };
  const ref = {
    file,
    docIndex: 0,
    line: 1,
    col: 1,
    locate,
    ...(yaml11 ? { yaml11: new Map(Object.entries(yaml11)) } : {}),
  };
  setSource(obj, ref);
  return obj;
}

/** `FIELD: message` for each error (warnings with `warning: `). */
export function lines(diags: readonly Diagnostic[]): string[] {
  return diags.map(
    (d) => `${d.field ? `${d.field}: ` : ""}${d.severity === "warning" ? "warning: " : ""}${d.message}`,
  );
}

export function check(obj: KubeObject, options?: ValidateOptions): string[] {
  return lines(validateObject(obj, options));
}

/** Deep merge for building cases from a valid base (arrays replace). */
export function merge<T>(base: T, patch: unknown): T {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) return patch as T;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) {
    out[k] = v === undefined ? undefined : merge(out[k], v);
    if (v === undefined) delete out[k];
  }
  return out as T;
}

export const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
export const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
export const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name', or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
export const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
export const LABEL_KEY_NAME_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
export const PORT_RANGE_MSG = "must be between 1 and 65535, inclusive";
export const CIDR_MSG = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";
export const IP_MSG = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
