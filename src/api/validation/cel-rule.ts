/**
 * CRD `x-kubernetes-validations` rules (CEL), evaluated with @bufbuild/cel.
 * A rule is parsed and planned once; `self` is bound to the field's value
 * converted the way the API server presents JSON to CEL (objects as maps,
 * so `has(self.x)` tests presence; integers as int). Kubernetes' CEL
 * library functions the policy CRDs use (`isCIDR`) are registered here.
 * Kept small and local so a shared CEL wrapper can absorb it later.
 */
import { type CelInput, CelScalar, celEnv, celFunc, isCelError, parse, plan } from "@bufbuild/cel";
import { parseCIDR } from "../net.js";

export interface CelRule {
  readonly rule: string;
  readonly message: string;
  /** True when the value satisfies the rule; an evaluation error counts as a failure (as upstream). */
  test(self: unknown): boolean;
}

/** Kubernetes' `isCIDR` (netip.ParsePrefix): a canonical address, `/`, a prefix length without leading zeros. */
export function isCIDRText(s: string): boolean {
  const slash = s.indexOf("/");
  const bits = s.slice(slash + 1);
  if (slash < 0 || (bits.length > 1 && bits.startsWith("0"))) return false;
  return parseCIDR(s) !== undefined;
}

const isCIDR = celFunc("isCIDR", [CelScalar.STRING], CelScalar.BOOL, (s) => isCIDRText(s));
const env = celEnv({ funcs: [isCIDR] });

/** JSON as CEL sees it: objects → maps, integral numbers → int, lists element-wise. */
export function toCel(v: unknown): CelInput {
  if (Array.isArray(v)) return v.map(toCel);
  if (v !== null && typeof v === "object") {
    const m = new Map<string, CelInput>();
    for (const [k, x] of Object.entries(v)) if (x !== undefined) m.set(k, toCel(x));
    return m;
  }
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : v;
  if (typeof v === "string" || typeof v === "boolean" || v === null) return v;
  return null;
}

export function celRule(rule: string, message: string): CelRule {
  const run = plan(env, parse(rule));
  return {
    rule,
    message,
    test(self: unknown): boolean {
      const out = run({ self: toCel(self) });
      return !isCelError(out) && out === true;
    },
  };
}
