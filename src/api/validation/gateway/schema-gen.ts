/**
 * Developer tool, not loaded at run time: reads the Gateway API CRDs
 * (config/crd/standard/*.yaml of kubernetes-sigs/gateway-api) and prints
 * schema-table.ts, the compact table schema.ts validates against. It keeps
 * the facts the API server enforces (types, enums, patterns, lengths, item
 * counts, required, defaults, list types, oneOf/anyOf formats and the
 * x-kubernetes-validations rules with their messages) and drops the prose.
 * Identical sub-schemas are stored once.
 *
 *   npx tsx src/api/validation/gateway/schema-gen.ts CRD_DIR [EXPERIMENTAL_CRD_DIR] \
 *     > src/api/validation/gateway/schema-table.ts && npx biome format --write src/api/validation/gateway
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { CompactSchema } from "./schema-types.js";

type Raw = Record<string, unknown>;

const nodes: CompactSchema[] = [];
const byKey = new Map<string, number>();

function intern(n: CompactSchema): number {
  const key = JSON.stringify(n);
  const found = byKey.get(key);
  if (found !== undefined) return found;
  nodes.push(n);
  byKey.set(key, nodes.length - 1);
  return nodes.length - 1;
}

function compact(s: Raw): number {
  const n: CompactSchema = {};
  if (typeof s.type === "string") n.t = s.type;
  if (typeof s.format === "string") n.f = s.format;
  if (Array.isArray(s.enum)) n.e = s.enum as string[];
  if (typeof s.pattern === "string") n.p = s.pattern;
  for (const [from, to] of [
    ["minLength", "mnL"],
    ["maxLength", "mxL"],
    ["minimum", "mn"],
    ["maximum", "mx"],
    ["minItems", "mnI"],
    ["maxItems", "mxI"],
    ["minProperties", "mnP"],
    ["maxProperties", "mxP"],
  ] as const) {
    if (typeof s[from] === "number") n[to] = s[from] as number;
  }
  if (Array.isArray(s.required)) n.r = s.required as string[];
  if (s.default !== undefined) n.d = s.default;
  if (s.properties && typeof s.properties === "object") {
    n.pr = {};
    for (const [k, v] of Object.entries(s.properties as Raw)) n.pr[k] = compact(v as Raw);
  }
  if (s.items && typeof s.items === "object") n.it = compact(s.items as Raw);
  if (s.additionalProperties && typeof s.additionalProperties === "object")
    n.ap = compact(s.additionalProperties as Raw);
  if (s["x-kubernetes-preserve-unknown-fields"] === true) n.pu = true;
  if (typeof s["x-kubernetes-list-type"] === "string") n.lt = s["x-kubernetes-list-type"] as string;
  if (Array.isArray(s["x-kubernetes-list-map-keys"])) n.lk = s["x-kubernetes-list-map-keys"] as string[];
  for (const k of ["oneOf", "anyOf"] as const) {
    if (Array.isArray(s[k])) n[k] = (s[k] as Raw[]).map(compact);
  }
  if (s.not && typeof s.not === "object") n.not = compact(s.not as Raw);
  if (Array.isArray(s["x-kubernetes-validations"])) {
    n.x = (s["x-kubernetes-validations"] as Raw[]).map((v) => {
      const rule: NonNullable<CompactSchema["x"]>[number] = { rule: String(v.rule) };
      if (typeof v.message === "string") rule.message = v.message;
      if (typeof v.fieldPath === "string") rule.fieldPath = v.fieldPath;
      if (typeof v.reason === "string") rule.reason = v.reason;
      return rule;
    });
  }
  return intern(n);
}

interface KindOut {
  kind: string;
  plural: string;
  shortNames: string[];
  namespaced: boolean;
  served: string[];
  spec: number;
  experimentalSpec?: number;
  columns: { name: string; jsonPath: string; type: string; priority?: number }[];
}

function read(dir: string): Raw[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith("gateway.networking.k8s.io_") && !f.includes("vap"))
    .sort()
    .map((f) => parse(readFileSync(join(dir, f), "utf8")) as Raw);
}

const [standard, experimental] = process.argv.slice(2);
if (!standard) throw new Error("usage: schema-gen CRD_DIR [EXPERIMENTAL_CRD_DIR]");
const servedElsewhere = new Map<string, string[]>();
const experimentalSpec = new Map<string, Raw>();
if (experimental) {
  for (const crd of read(experimental)) {
    const spec = crd.spec as Raw;
    const versions = (spec.versions as Raw[]).filter((v) => v.served === true).map((v) => String(v.name));
    servedElsewhere.set(String((spec.names as Raw).kind), versions);
    const v1 = (spec.versions as Raw[]).find((v) => v.name === "v1");
    const props = v1 ? (((v1.schema as Raw).openAPIV3Schema as Raw).properties as Raw) : undefined;
    if (props?.spec) experimentalSpec.set(String((spec.names as Raw).kind), props.spec as Raw);
  }
}
const kinds: KindOut[] = [];
for (const crd of read(standard)) {
  const spec = crd.spec as Raw;
  const names = spec.names as Raw;
  const versions = spec.versions as Raw[];
  const v1 = versions.find((v) => v.name === "v1") ?? versions[0];
  if (!v1) continue;
  const root = ((v1.schema as Raw).openAPIV3Schema as Raw).properties as Raw;
  const kind = String(names.kind);
  const served = new Set(versions.filter((v) => v.served === true).map((v) => String(v.name)));
  for (const v of servedElsewhere.get(kind) ?? []) served.add(v);
  kinds.push({
    kind,
    plural: String(names.plural),
    shortNames: (names.shortNames as string[] | undefined) ?? [],
    namespaced: spec.scope === "Namespaced",
    served: [...served].sort((a, b) => (a === "v1" ? -1 : b === "v1" ? 1 : b.localeCompare(a))),
    spec: compact(root.spec as Raw),
    ...(experimentalSpec.has(kind) ? { experimentalSpec: compact(experimentalSpec.get(kind) as Raw) } : {}),
    columns: ((v1.additionalPrinterColumns as Raw[] | undefined) ?? []).map((c) => {
      const col: KindOut["columns"][number] = {
        name: String(c.name),
        jsonPath: String(c.jsonPath),
        type: String(c.type),
      };
      if (typeof c.priority === "number") col.priority = c.priority;
      return col;
    }),
  });
}

const out = [
  "/**",
  " * Generated by schema-gen.ts from the Gateway API v1.6 CRDs (standard channel;",
  " * served versions and the spec schemas of the experimental channel too, for its",
  " * extra fields). Do not edit by hand.",
  " * NODES are the compact sub-schemas (indices refer to NODES); KINDS names each",
  " * kind's spec schema, served versions and kubectl columns.",
  " */",
  'import type { CompactSchema, GatewayKindSchema } from "./schema-types.js";',
  "",
  `export const NODES: readonly CompactSchema[] = ${JSON.stringify(nodes)};`,
  "",
  `export const KINDS: readonly GatewayKindSchema[] = ${JSON.stringify(kinds, null, 1)};`,
  "",
];
process.stdout.write(out.join("\n"));
