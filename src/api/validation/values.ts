/**
 * Narrowing helpers for manifest values: validation reads untyped JSON and
 * must never throw on a value of the wrong type (the type checker in
 * types.ts reports those).
 */
export { isRecord } from "./labels.js";

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** Integer values only: a fraction in an int32 field is a decoding (type) error, reported once by types.ts. */
export function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isInteger(v) && Math.abs(v) <= 2147483647 ? v : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function rec(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
