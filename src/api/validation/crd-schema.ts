/**
 * A custom resource's OpenAPI v3 schema as the API server checks it
 * (apiextensions structural validation through kube-openapi), for the CRDs
 * michi models: types, required fields, enums, bounds, item and property
 * counts, `listType: set`, patterns, unknown fields (strict decoding), and
 * `x-kubernetes-validations` CEL rules. Errors use the API server's wording,
 * e.g. `spec.priority: Invalid value: 1001: spec.priority in body should be
 * less than or equal to 1000`.
 */
import type { CelRule } from "./cel-rule.js";
import { duplicate, type FieldError, invalid, notSupported, required, tooLong, tooMany } from "./errors.js";
import type { Path } from "./path.js";

export interface CrdSchema {
  readonly type: "object" | "array" | "string" | "integer";
  readonly properties?: Readonly<Record<string, CrdSchema>>;
  /** A map's value schema (`additionalProperties`). */
  readonly additional?: CrdSchema;
  /** Fields kept without checking (metadata, status). */
  readonly opaque?: readonly string[];
  readonly required?: readonly string[];
  readonly enum?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly maxLength?: number;
  /** Go regexp source (anchored by the pattern itself). */
  readonly pattern?: string;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly items?: CrdSchema;
  /** `x-kubernetes-list-type: set`: items must be unique. */
  readonly set?: boolean;
  readonly rules?: readonly CelRule[];
}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  if (typeof v === "boolean") return "boolean";
  return typeof v;
}

const patterns = new Map<string, RegExp>();
function regex(src: string): RegExp {
  let r = patterns.get(src);
  if (!r) {
    r = new RegExp(src);
    patterns.set(src, r);
  }
  return r;
}

/** Every schema and CEL error of `value` at `path`. */
export function validateCrdValue(value: unknown, s: CrdSchema, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  walk(value, s, path, errs);
  return errs;
}

function walk(value: unknown, s: CrdSchema, path: Path, errs: FieldError[]): void {
  if (value === undefined || value === null) return;
  const t = jsonType(value);
  if (t !== s.type) {
    errs.push(invalid(path, t, `${path.text} in body must be of type ${s.type}: ${JSON.stringify(t)}`));
    return;
  }
  const before = errs.length;
  switch (s.type) {
    case "object": {
      const rec = value as Record<string, unknown>;
      const keys = Object.keys(rec).filter((k) => rec[k] !== undefined);
      if (s.properties) {
        for (const k of keys) {
          const sub = s.properties[k];
          if (sub) walk(rec[k], sub, path.child(k), errs);
          else if (!s.opaque?.includes(k))
            errs.push({
              type: "UnknownField",
              path: path.child(k),
              detail: `strict decoding error: unknown field ${JSON.stringify(path.child(k).text)}`,
            });
        }
      } else if (s.additional) {
        for (const k of keys) walk(rec[k], s.additional, path.key(k), errs);
      }
      for (const r of s.required ?? [])
        if (rec[r] === undefined || rec[r] === null) errs.push(required(path.child(r)));
      if (s.minProperties !== undefined && keys.length < s.minProperties)
        errs.push(
          invalid(
            path,
            keys.length,
            `${path.text} in body should have at least ${s.minProperties} properties`,
          ),
        );
      if (s.maxProperties !== undefined && keys.length > s.maxProperties)
        errs.push(
          invalid(
            path,
            keys.length,
            `${path.text} in body should have at most ${s.maxProperties} properties`,
          ),
        );
      break;
    }
    case "array": {
      const items = value as unknown[];
      if (s.maxItems !== undefined && items.length > s.maxItems)
        errs.push(tooMany(path, items.length, s.maxItems));
      if (s.minItems !== undefined && items.length < s.minItems)
        errs.push(
          invalid(path, items.length, `${path.text} in body should have at least ${s.minItems} items`),
        );
      if (s.set) {
        const seen = new Set<string>();
        items.forEach((it, i) => {
          const k = JSON.stringify(it);
          if (seen.has(k)) errs.push(duplicate(path.index(i), typeof it === "string" ? it : { raw: k }));
          seen.add(k);
        });
      }
      if (s.items) for (let i = 0; i < items.length; i++) walk(items[i], s.items, path.index(i), errs);
      break;
    }
    case "string": {
      const str = value as string;
      if (s.enum && !s.enum.includes(str)) errs.push(notSupported(path, str, s.enum));
      if (s.maxLength !== undefined && [...str].length > s.maxLength) errs.push(tooLong(path, s.maxLength));
      if (s.pattern !== undefined && !regex(s.pattern).test(str))
        errs.push(invalid(path, str, `${path.text} in body should match '${s.pattern}'`));
      break;
    }
    case "integer": {
      const n = value as number;
      if (s.minimum !== undefined && n < s.minimum)
        errs.push(invalid(path, n, `${path.text} in body should be greater than or equal to ${s.minimum}`));
      if (s.maximum !== undefined && n > s.maximum)
        errs.push(invalid(path, n, `${path.text} in body should be less than or equal to ${s.maximum}`));
      break;
    }
  }
  // CEL rules see only values that passed the schema (the API server would not have decoded the rest).
  if (errs.length === before)
    for (const r of s.rules ?? []) if (!r.test(value)) errs.push(invalid(path, s.type, r.message));
}

// ---------------------------------------------------------------- building blocks

export const str = (more: Omit<CrdSchema, "type"> = {}): CrdSchema => ({ type: "string", ...more });
export const int = (more: Omit<CrdSchema, "type"> = {}): CrdSchema => ({ type: "integer", ...more });
export const list = (items: CrdSchema, more: Omit<CrdSchema, "type" | "items"> = {}): CrdSchema => ({
  type: "array",
  items,
  ...more,
});
export const obj = (
  properties: Record<string, CrdSchema>,
  more: Omit<CrdSchema, "type" | "properties"> = {},
): CrdSchema => ({ type: "object", properties, ...more });

/** metav1.LabelSelector as CRDs embed it (no semantic checks: the API server does none for custom resources). */
export const LABEL_SELECTOR: CrdSchema = obj({
  matchLabels: { type: "object", additional: str() },
  matchExpressions: list(
    obj(
      { key: str(), operator: str(), values: list(str(), { set: false }) },
      { required: ["key", "operator"] },
    ),
  ),
});
