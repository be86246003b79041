/**
 * OpenAPI v3 documents generated from michi's schema table: `/openapi/v3`
 * (the index kubectl reads) and one document per group-version with the
 * kinds' schemas (`x-kubernetes-group-version-kind`, list types, patch
 * strategies and merge keys — what `kubectl apply` needs to compute a
 * strategic merge patch and `kubectl explain` prints) and the paths whose PATCH
 * operation declares `fieldValidation` and `dryRun`, so kubectl validates on
 * the server instead of downloading the v2 document.
 */
import { createHash } from "node:crypto";
import { type ApiResource, groupVersion, groupVersions, RESOURCES } from "./resources.js";
import { type FieldFact, SCALAR_MESSAGES, type Schema, schemaName, schemaTable } from "./schema/schema.js";

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  apiVersion: "The versioned schema of this object (group/version).",
  kind: "The type of this object, in CamelCase.",
  metadata: "Name, namespace, labels, annotations, and what the API server records (uid, resourceVersion…).",
  spec: "What the object should be: the desired state michi's controllers work towards.",
  status: "What michi observed: written by its controllers, read-only for clients.",
};

const KIND_DESCRIPTIONS: Readonly<Record<string, string>> = {
  Namespace: "A scope for names: most objects live in exactly one namespace.",
  Node: "A machine pods run on; michi models each as an address and a pod CIDR.",
  Pod: "One or more containers sharing a network identity (one IP) on a node.",
  Service: "A stable virtual address and DNS name load-balancing to the pods its selector matches.",
  Endpoints: "The addresses behind a Service (legacy form of EndpointSlice).",
  Secret: "Small confidential data, such as TLS certificates for Ingress.",
  ConfigMap: "Non-confidential configuration as key/value pairs.",
  Event: "A report of something that happened to an object.",
  Deployment: "Declarative updates for pods through ReplicaSets.",
  ReplicaSet: "Keeps a number of identical pods running.",
  StatefulSet: "Pods with stable names and per-pod DNS records.",
  DaemonSet: "One pod on every (matching) node.",
  EndpointSlice: "A slice of the endpoints of a Service, with readiness and topology.",
  Ingress: "HTTP(S) routing rules from hosts and paths to Services.",
  IngressClass: "The controller that implements a class of Ingresses.",
  NetworkPolicy: "Which traffic may reach (ingress) and leave (egress) the selected pods.",
};

/** The OpenAPI schema name kubectl expects (`io.k8s.api.core.v1.Service`). */
export function kindSchemaName(r: ApiResource): string {
  return schemaName(r.group, r.version, r.kind);
}

function ref(name: string): object {
  return { $ref: `#/components/schemas/${name}` };
}

function typeSchema(t: string): object {
  switch (t) {
    case "string":
      return { type: "string" };
    case "int32":
      return { type: "integer", format: "int32" };
    case "int64":
      return { type: "integer", format: "int64" };
    case "bool":
      return { type: "boolean" };
    case "bytes":
      return { type: "string", format: "byte" };
    case "double":
    case "float":
      return { type: "number", format: "double" };
    default:
      return { allOf: [ref(t)] };
  }
}

function fieldSchema(f: FieldFact): object {
  let s: Record<string, unknown>;
  if (f.t === "map") s = { type: "object", additionalProperties: typeSchema(f.m ?? "string") };
  else if (f.r) s = { type: "array", items: typeSchema(f.t) };
  else s = { ...typeSchema(f.t) };
  const d = DESCRIPTIONS[f.n];
  if (d) s.description = d;
  if (f.lt) s["x-kubernetes-list-type"] = f.lt;
  if (f.lk) s["x-kubernetes-list-map-keys"] = f.lk;
  if (f.ps) s["x-kubernetes-patch-strategy"] = f.ps;
  if (f.mk) s["x-kubernetes-patch-merge-key"] = f.mk;
  return s;
}

function messageSchema(schema: Schema, name: string): object {
  const scalar = SCALAR_MESSAGES.get(name);
  if (scalar === "date-time") return { type: "string", format: "date-time" };
  if (scalar === "int-or-string")
    return { type: "string", format: "int-or-string", "x-kubernetes-int-or-string": true };
  if (scalar === "quantity") return { type: "string", "x-kubernetes-int-or-string": true };
  if (scalar === "raw") return { type: "object", "x-kubernetes-preserve-unknown-fields": true };
  const fields = schema.get(name) ?? [];
  return {
    type: "object",
    properties: Object.fromEntries(fields.map((f) => [f.n, fieldSchema(f)])),
  };
}

function closure(schema: Schema, roots: readonly string[]): string[] {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length) {
    const n = queue.pop() as string;
    if (seen.has(n) || !schema.has(n)) continue;
    seen.add(n);
    if (SCALAR_MESSAGES.has(n)) continue;
    for (const f of schema.get(n) ?? []) for (const t of [f.t, f.m]) if (t?.includes(".")) queue.push(t);
  }
  return [...seen].sort();
}

const PATCH_PARAMS = ["dryRun", "fieldManager", "fieldValidation", "force", "pretty"].map((name) => ({
  name,
  in: "query",
  schema: name === "force" ? { type: "boolean" } : { type: "string" },
  uniqueItems: true,
}));

const WRITE_PARAMS = ["dryRun", "fieldManager", "fieldValidation", "pretty"].map((name) => ({
  name,
  in: "query",
  schema: { type: "string" },
  uniqueItems: true,
}));

function paths(r: ApiResource): Record<string, object> {
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const base = r.group === "" ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const ns = r.namespaced ? "/namespaces/{namespace}" : "";
  const body = { content: { "application/json": { schema: ref(kindSchemaName(r)) } }, required: true };
  const ok = {
    "200": { description: "OK", content: { "application/json": { schema: ref(kindSchemaName(r)) } } },
  };
  const op = (verb: string, extra: object = {}) => ({
    operationId: `${verb}${r.kind}`,
    responses: ok,
    "x-kubernetes-action": verb,
    "x-kubernetes-group-version-kind": gvk,
    ...extra,
  });
  const pathParams = [
    { name: "name", in: "path", required: true, schema: { type: "string" } },
    ...(r.namespaced ? [{ name: "namespace", in: "path", required: true, schema: { type: "string" } }] : []),
  ];
  return {
    [`${base}${ns}/${r.plural}`]: {
      get: op("list"),
      post: op("post", { parameters: WRITE_PARAMS, requestBody: body }),
      delete: op("deletecollection"),
    },
    [`${base}${ns}/${r.plural}/{name}`]: {
      get: op("get"),
      put: op("put", { parameters: WRITE_PARAMS, requestBody: body }),
      patch: op("patch", {
        parameters: PATCH_PARAMS,
        requestBody: {
          content: Object.fromEntries(
            [
              "application/apply-patch+yaml",
              "application/json-patch+json",
              "application/merge-patch+json",
              "application/strategic-merge-patch+json",
            ].map((t) => [t, { schema: { type: "object" } }]),
          ),
          required: true,
        },
      }),
      delete: op("delete"),
      parameters: pathParams,
    },
  };
}

function gvDocument(group: string, version: string, servedVersion: string): object {
  const schema = schemaTable();
  const rs = RESOURCES.filter((r) => r.group === group && r.version === version);
  const roots = rs.map(kindSchemaName).filter((n) => schema.has(n));
  const schemas: Record<string, object> = {};
  for (const n of closure(schema, roots)) schemas[n] = messageSchema(schema, n);
  for (const r of rs) {
    const name = kindSchemaName(r);
    const s = (schemas[name] ?? { type: "object", "x-kubernetes-preserve-unknown-fields": true }) as Record<
      string,
      unknown
    >;
    schemas[name] = {
      ...s,
      description: KIND_DESCRIPTIONS[r.kind] ?? `${r.kind} (served by michi).`,
      "x-kubernetes-group-version-kind": [{ group: r.group, kind: r.kind, version: r.version }],
    };
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: servedVersion },
    paths: Object.assign({}, ...rs.map(paths)),
    components: { schemas },
  };
}

export interface OpenApiDocs {
  index: object;
  /** `api/v1`, `apis/apps/v1` → serialized document. */
  docs: ReadonlyMap<string, string>;
}

export function buildOpenApi(servedVersion: string): OpenApiDocs {
  const docs = new Map<string, string>();
  const paths: Record<string, object> = {};
  for (const gv of groupVersions()) {
    const key = gv.group === "" ? `api/${gv.version}` : `apis/${groupVersion(gv)}`;
    const text = JSON.stringify(gvDocument(gv.group, gv.version, servedVersion));
    docs.set(key, text);
    const hash = createHash("sha512").update(text).digest("hex").slice(0, 128).toUpperCase();
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  return { index: { paths }, docs };
}
