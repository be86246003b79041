/**
 * A minimal OpenAPI v2 document, for kubectl ≤ 1.28, which asks /openapi/v2
 * (as gnostic protobuf) before every write to learn whether the server
 * validates fields itself. It lists each kind's PATCH operation with its
 * `x-kubernetes-group-version-kind` and the `fieldValidation`/`dryRun` query
 * parameters, and deliberately no definitions: kubectl then computes
 * strategic merge patches from its own compiled-in types, as it does for
 * every built-in kind. Message field numbers are gnostic's OpenAPIv2.proto.
 */
import protobuf from "protobufjs";
import { type ApiResource, RESOURCES } from "./resources.js";

/** The media type kube-apiserver answers with (`@` is not valid in a Content-Type). */
export const OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

function path(r: ApiResource): string {
  const base = r.group === "" ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  return `${base}${r.namespaced ? "/namespaces/{namespace}" : ""}/${r.plural}/{name}`;
}

const QUERY = ["dryRun", "fieldManager", "fieldValidation", "force"];

/** The document as JSON. */
export function openapiV2Json(version: string): object {
  return {
    swagger: "2.0",
    info: { title: "Kubernetes", version },
    paths: Object.fromEntries(
      RESOURCES.map((r) => [
        path(r),
        {
          patch: {
            operationId: `patch${r.kind}`,
            parameters: QUERY.map((name) => ({
              name,
              in: "query",
              type: name === "force" ? "boolean" : "string",
              uniqueItems: true,
            })),
            responses: { "200": { description: "OK" } },
            "x-kubernetes-action": "patch",
            "x-kubernetes-group-version-kind": { group: r.group, kind: r.kind, version: r.version },
          },
        },
      ]),
    ),
    definitions: {},
  };
}

let types: protobuf.Root | undefined;

function root(): protobuf.Root {
  if (types) return types;
  const F = protobuf.Field;
  const r = new protobuf.Root();
  const ns = r.define("michi.openapiv2");
  const T = (name: string, fields: [string, number, string, ("repeated" | "optional")?][]) => {
    const t = new protobuf.Type(name);
    for (const [n, id, type, rule] of fields) t.add(new F(n, id, type, rule ?? "optional"));
    ns.add(t);
  };
  T("Any", [["yaml", 2, "string"]]);
  T("NamedAny", [
    ["name", 1, "string"],
    ["value", 2, "Any"],
  ]);
  T("Info", [
    ["title", 1, "string"],
    ["version", 2, "string"],
  ]);
  T("QueryParameterSubSchema", [
    ["required", 1, "bool"],
    ["in", 2, "string"],
    ["name", 4, "string"],
    ["type", 6, "string"],
    ["uniqueItems", 20, "bool"],
  ]);
  T("NonBodyParameter", [["queryParameterSubSchema", 3, "QueryParameterSubSchema"]]);
  T("Parameter", [["nonBodyParameter", 2, "NonBodyParameter"]]);
  T("ParametersItem", [["parameter", 1, "Parameter"]]);
  T("Response", [["description", 1, "string"]]);
  T("ResponseValue", [["response", 1, "Response"]]);
  T("NamedResponseValue", [
    ["name", 1, "string"],
    ["value", 2, "ResponseValue"],
  ]);
  T("Responses", [["responseCode", 1, "NamedResponseValue", "repeated"]]);
  T("Operation", [
    ["operationId", 5, "string"],
    ["parameters", 8, "ParametersItem", "repeated"],
    ["responses", 9, "Responses"],
    ["vendorExtension", 13, "NamedAny", "repeated"],
  ]);
  T("PathItem", [["patch", 8, "Operation"]]);
  T("NamedPathItem", [
    ["name", 1, "string"],
    ["value", 2, "PathItem"],
  ]);
  T("Paths", [["path", 2, "NamedPathItem", "repeated"]]);
  T("Document", [
    ["swagger", 1, "string"],
    ["info", 2, "Info"],
    ["paths", 8, "Paths"],
  ]);
  r.resolveAll();
  types = r;
  return r;
}

/** The document as gnostic protobuf. */
export function openapiV2Protobuf(version: string): Buffer {
  const doc = root().lookupType("michi.openapiv2.Document");
  const msg = {
    swagger: "2.0",
    info: { title: "Kubernetes", version },
    paths: {
      path: RESOURCES.map((r) => ({
        name: path(r),
        value: {
          patch: {
            operationId: `patch${r.kind}`,
            parameters: QUERY.map((name) => ({
              parameter: {
                nonBodyParameter: {
                  queryParameterSubSchema: {
                    in: "query",
                    name,
                    type: name === "force" ? "boolean" : "string",
                    uniqueItems: true,
                  },
                },
              },
            })),
            responses: { responseCode: [{ name: "200", value: { response: { description: "OK" } } }] },
            vendorExtension: [
              { name: "x-kubernetes-action", value: { yaml: "patch\n" } },
              {
                name: "x-kubernetes-group-version-kind",
                value: { yaml: `group: "${r.group}"\nkind: ${r.kind}\nversion: ${r.version}\n` },
              },
            ],
          },
        },
      })),
    },
  };
  return Buffer.from(doc.encode(doc.fromObject(msg)).finish());
}
