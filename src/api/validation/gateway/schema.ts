/**
 * Structural-schema validation of Gateway API objects, as the API server
 * validates a custom resource: first the OpenAPI v3 constraints (type,
 * enum, pattern, min/max length, minimum/maximum, min/max items and
 * properties, required, format, oneOf/anyOf, list-type set/map
 * uniqueness, unknown fields under strict decoding), then every
 * `x-kubernetes-validations` rule of every node, evaluated by CEL
 * (src/api/cel.ts) on the defaulted value. Messages follow
 * apiextensions-apiserver's conversion of kube-openapi errors into field
 * errors (`spec.x in body should match '…'`), and CEL failures read
 * `Invalid value: "object": <rule message>` at the node (or its fieldPath).
 *
 * Defaults (`default:` in the schema) are applied before validation, as
 * the API server does; `withDefaults` hands the defaulted copy to callers
 * that compute status and routes.
 */
import { isIP } from "node:net";
import { compileRule, toCel } from "../../cel.js";
import {
  type FieldError,
  type GoValue,
  goQuote,
  notSupported,
  required,
  tooLong,
  tooMany,
} from "../errors.js";
import { Path } from "../path.js";
import { KINDS, NODES } from "./schema-table.js";
import type { CompactSchema, GatewayKindSchema } from "./schema-types.js";

export const GATEWAY_GROUP = "gateway.networking.k8s.io";

const BY_KIND = new Map<string, GatewayKindSchema>(KINDS.map((k) => [k.kind, k]));

export function gatewayKindSchema(kind: string): GatewayKindSchema | undefined {
  return BY_KIND.get(kind);
}

export function gatewayKinds(): readonly GatewayKindSchema[] {
  return KINDS;
}

const node = (i: number): CompactSchema => NODES[i] as CompactSchema;

function clone<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const propEntries = new Map<CompactSchema, [string, CompactSchema][]>();
function propsOf(s: CompactSchema): [string, CompactSchema][] {
  let e = propEntries.get(s);
  if (!e) {
    e = Object.entries(s.pr ?? {}).map(([k, i]) => [k, node(i)]);
    propEntries.set(s, e);
  }
  return e;
}

/** Whether any node under `s` (itself included) carries a default: subtrees without one are skipped. */
const hasDefaults = new Map<CompactSchema, boolean>();
function defaultsBelow(s: CompactSchema): boolean {
  let v = hasDefaults.get(s);
  if (v === undefined) {
    hasDefaults.set(s, false); // cycles cannot occur in CRD schemas; guards anyway
    v =
      propsOf(s).some(([, sub]) => sub.d !== undefined || defaultsBelow(sub)) ||
      (s.it !== undefined && defaultsBelow(node(s.it))) ||
      (s.ap !== undefined && defaultsBelow(node(s.ap)));
    hasDefaults.set(s, v);
  }
  return v;
}

/** Apply schema defaults in place (absent properties only, then recurse), as structural defaulting does. */
function applyDefaults(s: CompactSchema, value: unknown): void {
  if (!defaultsBelow(s)) return;
  if (Array.isArray(value)) {
    if (s.it !== undefined) {
      const item = node(s.it);
      for (const x of value) applyDefaults(item, x);
    }
    return;
  }
  if (!isRecord(value)) return;
  for (const [k, sub] of propsOf(s)) {
    if (value[k] === undefined && sub.d !== undefined)
      value[k] = typeof sub.d === "object" ? clone(sub.d) : sub.d;
    if (value[k] !== undefined) applyDefaults(sub, value[k]);
  }
  if (s.ap !== undefined) {
    const sub = node(s.ap);
    for (const k of Object.keys(value)) applyDefaults(sub, value[k]);
  }
}

/** A defaulted deep copy of `spec` for kind (the object as the API server stores it). */
export function withDefaults<T>(kind: string, spec: T): T {
  const info = BY_KIND.get(kind);
  const copy = clone(spec);
  if (info && copy !== undefined) applyDefaults(node(info.spec), copy);
  return copy;
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  if (typeof v === "boolean") return "boolean";
  return typeof v;
}

function typeMatches(t: string, v: unknown): boolean {
  const j = jsonType(v);
  if (t === "number") return j === "number" || j === "integer";
  return j === t;
}

function goValue(v: unknown): GoValue {
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean" || v === null) return v;
  return { raw: JSON.stringify(v) };
}

/** Go's %#v of a map-list key (`map[string]interface {}{"name":"http"}`). */
function mapKeyValue(keys: readonly string[], item: Record<string, unknown>): GoValue {
  const parts = keys.map((k) => `${goQuote(k)}:${JSON.stringify(item[k] ?? null)}`);
  return { raw: `map[string]interface {}{${parts.join(", ")}}` };
}

const regexCache = new Map<string, RegExp | null>();
function regex(p: string): RegExp | null {
  let r = regexCache.get(p);
  if (r === undefined) {
    try {
      r = new RegExp(p, "u");
    } catch {
      try {
        r = new RegExp(p);
      } catch {
        r = null;
      }
    }
    regexCache.set(p, r);
  }
  return r;
}

function formatOk(f: string, v: unknown): boolean {
  if (typeof v !== "string") return true;
  if (f === "ipv4") return isIP(v) === 4;
  if (f === "ipv6") return isIP(v) === 6;
  if (f === "date-time") return !Number.isNaN(Date.parse(v));
  return true;
}

const FORMAT_TYPES = new Set(["ipv4", "ipv6", "date-time"]);

/** Whether `v` satisfies the (small) sub-schema of a oneOf/anyOf branch: enum, not, format, properties. */
function branchOk(s: CompactSchema, v: unknown): boolean {
  if (s.e && !s.e.includes(v)) return false;
  if (s.not !== undefined && branchOk(node(s.not), v)) return false;
  if (s.f && !formatOk(s.f, v)) return false;
  if (s.t && v !== undefined && !typeMatches(s.t, v)) return false;
  if (s.anyOf && !s.anyOf.some((b) => branchOk(node(b), v))) return false;
  if (s.oneOf && s.oneOf.filter((b) => branchOk(node(b), v)).length !== 1) return false;
  if (s.pr && isRecord(v)) {
    for (const [k, idx] of Object.entries(s.pr)) {
      if (v[k] !== undefined && !branchOk(node(idx), v[k])) return false;
    }
  }
  return true;
}

/** `.a.b`, `.a['b.c']`, `.a[0]` relative to a node, as a rule's fieldPath is written. */
function extendByFieldPath(p: Path, fieldPath: string): Path {
  let out = p;
  const re = /\.([A-Za-z0-9_-]+)|\['([^']*)'\]|\[(\d+)\]/gy;
  for (let m = re.exec(fieldPath); m; m = re.exec(fieldPath)) {
    if (m[1] !== undefined) out = out.child(m[1]);
    else if (m[2] !== undefined) out = out.child(m[2]);
    else out = out.index(Number(m[3]));
  }
  return out;
}

function celError(path: Path, type: string, message: string, reason: string | undefined): FieldError {
  switch (reason) {
    case "FieldValueForbidden":
      return { type: "FieldValueForbidden", path, detail: message };
    case "FieldValueRequired":
      return { type: "FieldValueRequired", path, detail: message };
    case "FieldValueDuplicate":
      return { type: "FieldValueDuplicate", path, value: type, detail: "" };
    default:
      return { type: "FieldValueInvalid", path, value: type, detail: message };
  }
}

class Walker {
  readonly errors: FieldError[] = [];
  /** Nodes with x-kubernetes-validations, in walk order, evaluated after the schema pass. */
  readonly ruleSites: { s: CompactSchema; v: unknown; p: Path }[] = [];
  private readonly structs = new WeakSet<object>();

  /** `x`: the experimental channel's schema for the same node, for fields the standard one lacks. */
  walk(s: CompactSchema, v: unknown, p: Path, x?: CompactSchema): void {
    if (v === null || v === undefined) return;
    if (s.t && !typeMatches(s.t, v)) {
      const shown = jsonType(v);
      this.errors.push({
        type: "FieldTypeInvalid",
        path: p,
        value: shown,
        detail: `${p.text} in body must be of type ${s.t}: ${goQuote(shown)}`,
      });
      return;
    }
    this.scalar(s, v, p);
    if (Array.isArray(v)) this.list(s, v, p, x);
    else if (isRecord(v)) this.object(s, v, p, x);
    if (s.oneOf && s.oneOf.filter((b) => branchOk(node(b), v)).length !== 1) {
      this.errors.push(this.invalid(p, v, `${p.text} in body must validate one and only one schema (oneOf)`));
      this.branchDetails(s.oneOf, v, p);
    }
    if (s.anyOf && !s.anyOf.some((b) => branchOk(node(b), v))) {
      this.errors.push(this.invalid(p, v, `${p.text} in body must validate at least one schema (anyOf)`));
    }
    if (s.x) this.ruleSites.push({ s, v, p });
  }

  /**
   * The CEL pass. As the API server does, it is skipped when the schema pass found a type or
   * enum error (CEL cannot run on such values), with one error saying so.
   */
  runRules(): void {
    if (this.errors.some((e) => e.type === "FieldTypeInvalid" || e.type === "FieldValueNotSupported")) {
      this.errors.push({
        type: "FieldValueInvalid",
        path: Path.raw("", []),
        value: "null",
        detail:
          "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
      });
      return;
    }
    for (const site of this.ruleSites) this.rules(site.s, site.v, site.p);
  }

  private invalid(p: Path, v: unknown, detail: string): FieldError {
    return {
      type: "FieldValueInvalid",
      path: p,
      value: isRecord(v) || Array.isArray(v) ? "" : goValue(v),
      detail,
    };
  }

  /** For a failed oneOf over properties, say which format a property missed (ipv4/ipv6 addresses). */
  private branchDetails(branches: number[], v: unknown, p: Path): void {
    if (!isRecord(v)) return;
    for (const b of branches) {
      const br = node(b);
      if (!br.pr) continue;
      const gate = Object.entries(br.pr).every(([k, i]) => {
        const sub = node(i);
        return !sub.e || sub.e.includes(v[k]);
      });
      if (!gate) continue;
      for (const [k, i] of Object.entries(br.pr)) {
        const sub = node(i);
        const alts = sub.anyOf?.map((a) => node(a).f).filter((f): f is string => f !== undefined);
        if (alts && alts.length > 0 && !branchOk(sub, v[k])) {
          const cp = p.child(k);
          for (const f of alts) {
            this.errors.push(
              this.invalid(cp, v[k], `${cp.text} in body must be of type ${f}: ${goQuote(String(v[k]))}`),
            );
          }
        }
      }
    }
  }

  private scalar(s: CompactSchema, v: unknown, p: Path): void {
    if (s.e && !s.e.includes(v)) {
      this.errors.push(
        notSupported(
          p,
          goValue(v),
          s.e.map((x) => (typeof x === "string" ? x : JSON.stringify(x))),
        ),
      );
    }
    if (typeof v === "string") {
      const len = [...v].length;
      if (s.mxL !== undefined && len > s.mxL) this.errors.push(tooLong(p, s.mxL));
      if (s.mnL !== undefined && len < s.mnL)
        this.errors.push(this.invalid(p, v, `${p.text} in body should be at least ${s.mnL} chars long`));
      if (s.p !== undefined) {
        const r = regex(s.p);
        if (r && !r.test(v)) this.errors.push(this.invalid(p, v, `${p.text} in body should match '${s.p}'`));
      }
      if (s.f && FORMAT_TYPES.has(s.f) && !formatOk(s.f, v))
        this.errors.push(this.invalid(p, v, `${p.text} in body must be of type ${s.f}: ${goQuote(v)}`));
    }
    if (typeof v === "number") {
      if (s.mn !== undefined && v < s.mn)
        this.errors.push(this.invalid(p, v, `${p.text} in body should be greater than or equal to ${s.mn}`));
      if (s.mx !== undefined && v > s.mx)
        this.errors.push(this.invalid(p, v, `${p.text} in body should be less than or equal to ${s.mx}`));
    }
  }

  private list(s: CompactSchema, v: unknown[], p: Path, x?: CompactSchema): void {
    if (s.mxI !== undefined && v.length > s.mxI) this.errors.push(tooMany(p, v.length, s.mxI));
    if (s.mnI !== undefined && v.length < s.mnI)
      this.errors.push(this.invalid(p, "", `${p.text} in body should have at least ${s.mnI} items`));
    if (s.it !== undefined) {
      const item = node(s.it);
      const xItem = x?.it !== undefined ? node(x.it) : undefined;
      v.forEach((e, i) => {
        this.walk(item, e, p.index(i), xItem);
      });
    }
    if (s.lt === "set") {
      const seen = new Set<string>();
      v.forEach((x, i) => {
        const k = JSON.stringify(x);
        if (seen.has(k))
          this.errors.push({ type: "FieldValueDuplicate", path: p.index(i), value: goValue(x), detail: "" });
        seen.add(k);
      });
    } else if (s.lt === "map" && s.lk) {
      const keys = s.lk;
      const seen = new Set<string>();
      v.forEach((x, i) => {
        if (!isRecord(x)) return;
        const k = JSON.stringify(keys.map((key) => x[key] ?? null));
        if (seen.has(k)) {
          this.errors.push({
            type: "FieldValueDuplicate",
            path: p.index(i),
            value: mapKeyValue(keys, x),
            detail: "",
          });
        }
        seen.add(k);
      });
    }
  }

  private object(s: CompactSchema, v: Record<string, unknown>, p: Path, xs?: CompactSchema): void {
    if (s.pr) this.structs.add(v);
    for (const r of s.r ?? []) if (v[r] === undefined) this.errors.push(required(p.child(r)));
    const n = Object.keys(v).length;
    if (s.mxP !== undefined && n > s.mxP) this.errors.push(tooMany(p, n, s.mxP));
    if (s.mnP !== undefined && n < s.mnP)
      this.errors.push(this.invalid(p, "", `${p.text} in body should have at least ${s.mnP} properties`));
    for (const [k, x] of Object.entries(v)) {
      const idx = s.pr?.[k];
      const xIdx = xs?.pr?.[k];
      const xNode = xIdx !== undefined ? node(xIdx) : undefined;
      if (idx !== undefined) this.walk(node(idx), x, p.child(k), xNode);
      else if (s.ap !== undefined)
        this.walk(node(s.ap), x, p.key(k), xs?.ap !== undefined ? node(xs.ap) : undefined);
      else if (xNode) {
        // A field of the experimental channel only: accepted where those CRDs are installed.
        const at = p.child(k);
        this.errors.push({
          type: "UnknownField",
          severity: "warning",
          path: at,
          detail: `field of the Gateway API experimental channel: accepted with the experimental CRDs, rejected with the standard ones (strict decoding error: unknown field ${goQuote(at.text)})`,
        });
        this.walk(xNode, x, at, xNode);
      } else if (!s.pu && s.pr) {
        const at = p.child(k);
        this.errors.push({
          type: "UnknownField",
          path: Path.raw("", at.segments),
          detail: `strict decoding error: unknown field ${goQuote(at.text)}`,
        });
      }
    }
  }

  rules(s: CompactSchema, v: unknown, p: Path): void {
    const self = toCel(v, (o) => this.structs.has(o));
    const type = s.t ?? (Array.isArray(v) ? "array" : isRecord(v) ? "object" : jsonType(v));
    for (const r of s.x ?? []) {
      if (r.rule.includes("oldSelf")) continue; // transition rules: nothing stored to compare with
      const program = compileRule(r.rule);
      const at = r.fieldPath ? extendByFieldPath(p, r.fieldPath) : p;
      if ("error" in program) {
        this.errors.push({
          type: "FieldValueInvalid",
          path: at,
          value: type,
          detail: `compilation failed: ${program.error}`,
        });
        continue;
      }
      const out = program.evaluate({ self });
      if ("error" in out) {
        // cel-go's wording for an absent field, which the API server prints.
        const why = out.error.replace(/^field not found: /, "no such key: ");
        this.errors.push({
          type: "FieldValueInvalid",
          path: at,
          value: type,
          detail: `${why} evaluating rule: ${r.rule}`,
        });
      } else if (!out.result) {
        this.errors.push(celError(at, type, r.message ?? `failed rule: ${r.rule}`, r.reason));
      }
    }
  }
}

/** Errors of a Gateway API object's spec (defaulted first), at `spec...` paths. */
export function validateGatewaySpec(kind: string, spec: unknown): FieldError[] {
  const info = BY_KIND.get(kind);
  if (!info) return [];
  const root = Path.root("spec");
  if (spec === undefined || spec === null) {
    // Every Gateway API kind requires spec in its CRD.
    return [required(root)];
  }
  const w = new Walker();
  w.walk(
    node(info.spec),
    withDefaults(kind, spec),
    root,
    info.experimentalSpec !== undefined ? node(info.experimentalSpec) : undefined,
  );
  w.runRules();
  return w.errors;
}
