/**
 * CEL for `x-kubernetes-validations` rules, on the real evaluator
 * (@bufbuild/cel, the cel-spec conformant implementation for ECMAScript).
 * Generic on purpose: any CRD-style rule over `self` (and `oldSelf` for a
 * transition rule), with the function libraries the API server adds to the
 * standard ones: the strings extension (`split`, `lowerAscii`, `substring`…)
 * and Kubernetes' `isIP`, `isCIDR`, `isURL`. Programs are compiled once per
 * rule text and cached.
 *
 *   const p = compileRule("self.minReplicas <= self.maxReplicas");
 *   if ("error" in p) …; else p.evaluate({ self: toCel(spec) })  // {result: true|false} | {error}
 *
 * Values: `toCel` turns decoded JSON into CEL values as the API server's
 * typed conversion does for the common cases: integral numbers are CEL
 * ints, objects are maps (field selection and `has()` work on them, and
 * key iteration for maps). Field names that CEL cannot spell (`namespace`,
 * `in`, names with `.`, `-`, `/`, `__`) are escaped the Kubernetes way by
 * `escapeFieldName`; callers that know a node is a struct (schema
 * `properties`) pass `escape` to `toCel`.
 */

import { isIP } from "node:net";
import { type CelInput, CelScalar, celEnv, celFunc, isCelError, parse, plan } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";

export type RuleOutcome = { result: boolean } | { error: string };

export interface CompiledRule {
  readonly rule: string;
  evaluate(vars: { self: CelInput; oldSelf?: CelInput }): RuleOutcome;
}

function isCIDR(s: string): boolean {
  const slash = s.indexOf("/");
  if (slash < 0) return false;
  const ip = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  const family = isIP(ip);
  if (family === 0 || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

function isURL(s: string): boolean {
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

const KUBERNETES_FUNCS = [
  celFunc("isIP", [CelScalar.STRING], CelScalar.BOOL, (s) => isIP(s) !== 0),
  celFunc("isCIDR", [CelScalar.STRING], CelScalar.BOOL, isCIDR),
  celFunc("isURL", [CelScalar.STRING], CelScalar.BOOL, isURL),
];

const ENV = celEnv({ funcs: [...strings, ...KUBERNETES_FUNCS] });
const cache = new Map<string, CompiledRule | { error: string }>();

/** Compile a rule (cached by its text); `{error}` carries the parse or planning failure. */
export function compileRule(rule: string): CompiledRule | { error: string } {
  const hit = cache.get(rule);
  if (hit) return hit;
  let out: CompiledRule | { error: string };
  try {
    const program = plan(ENV, parse(rule));
    out = {
      rule,
      evaluate(vars) {
        const bindings: Record<string, CelInput> = { self: vars.self };
        if (vars.oldSelf !== undefined) bindings.oldSelf = vars.oldSelf;
        try {
          const v = program(bindings);
          if (isCelError(v)) return { error: v.message };
          if (typeof v !== "boolean") return { error: `rule evaluated to ${typeof v}, not bool` };
          return { result: v };
        } catch (e) {
          return { error: e instanceof Error ? e.message : String(e) };
        }
      },
    };
  } catch (e) {
    out = { error: e instanceof Error ? e.message : String(e) };
  }
  cache.set(rule, out);
  return out;
}

const RESERVED = new Set([
  "true",
  "false",
  "null",
  "in",
  "as",
  "break",
  "const",
  "continue",
  "else",
  "for",
  "function",
  "if",
  "import",
  "let",
  "loop",
  "package",
  "namespace",
  "return",
  "var",
  "void",
  "while",
]);

/** A property name as Kubernetes CEL exposes it (`namespace` → `__namespace__`, `a.b` → `a__dot__b`). */
export function escapeFieldName(name: string): string {
  if (RESERVED.has(name)) return `__${name}__`;
  if (!/[^A-Za-z0-9_]|__/.test(name)) return name;
  return name
    .replaceAll("__", "__underscores__")
    .replaceAll(".", "__dot__")
    .replaceAll("-", "__dash__")
    .replaceAll("/", "__slash__");
}

/**
 * Decoded JSON → CEL input. `escape(path)` says whether the object reached by
 * `path` is a struct whose field names get escaped (default: none are).
 */
export function toCel(value: unknown, isStruct: (value: object) => boolean = () => false): CelInput {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map((v) => toCel(v, isStruct));
  if (typeof value === "object") {
    const struct = isStruct(value);
    const m = new Map<string, CelInput>();
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      m.set(struct ? escapeFieldName(k) : k, toCel(v, isStruct));
    }
    return m;
  }
  return null;
}
