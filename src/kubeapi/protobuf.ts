/**
 * `application/vnd.kubernetes.protobuf` bodies: the `k8s\0` magic, then a
 * runtime.Unknown envelope (typeMeta, raw) whose `raw` is the object's
 * message. The messages are built with protobufjs from michi's schema table
 * (field numbers are API facts from upstream's generated.proto), and converted
 * to and from the JSON shape: Time ⇄ RFC 3339, IntOrString ⇄ number|string,
 * Quantity ⇄ string, RawExtension/FieldsV1 ⇄ embedded JSON, bytes ⇄ base64.
 */
import protobuf from "protobufjs";
import type { KubeObject } from "../api/types.js";
import { resourceForKind } from "./resources.js";
import { SCALAR_MESSAGES, type Schema, schemaName, schemaTable } from "./schema/schema.js";
import { badRequest } from "./status.js";

export const PROTOBUF = "application/vnd.kubernetes.protobuf";
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

export function isProtobuf(mediaType: string): boolean {
  return mediaType === PROTOBUF;
}

type M = Record<string, unknown>;

let root: protobuf.Root | undefined;

function build(schema: Schema): protobuf.Root {
  const r = new protobuf.Root();
  for (const [name, fields] of schema) {
    const dot = name.lastIndexOf(".");
    const ns = r.define(name.slice(0, dot));
    const t = new protobuf.Type(name.slice(dot + 1));
    for (const f of fields) {
      const type = (x: string) => (schema.has(x) ? `.${x}` : x);
      if (f.t === "map") t.add(new protobuf.MapField(f.n, f.f, "string", type(f.m ?? "string")));
      else
        t.add(
          new protobuf.Field(
            f.n,
            f.f,
            type(f.t),
            f.r ? "repeated" : "optional",
            undefined,
            f.r ? { packed: false } : undefined,
          ),
        );
    }
    ns.add(t);
  }
  const rt = r.define("michi.runtime");
  rt.add(
    new protobuf.Type("TypeMeta")
      .add(new protobuf.Field("apiVersion", 1, "string"))
      .add(new protobuf.Field("kind", 2, "string")),
  );
  rt.add(
    new protobuf.Type("Unknown")
      .add(new protobuf.Field("typeMeta", 1, ".michi.runtime.TypeMeta"))
      .add(new protobuf.Field("raw", 2, "bytes"))
      .add(new protobuf.Field("contentEncoding", 3, "string"))
      .add(new protobuf.Field("contentType", 4, "string")),
  );
  r.resolveAll();
  return r;
}

function types(): protobuf.Root {
  root ??= build(schemaTable());
  return root;
}

function messageFor(apiVersion: string | undefined, kind: string | undefined): string | undefined {
  const res = resourceForKind(apiVersion, kind);
  if (!res) return undefined;
  const n = schemaName(res.group, res.version, res.kind);
  return schemaTable().has(n) ? n : undefined;
}

/** JSON value → the plain object protobufjs encodes. */
function toProto(schema: Schema, message: string, v: unknown): unknown {
  const scalar = SCALAR_MESSAGES.get(message);
  if (scalar === "date-time") {
    const ms = Date.parse(String(v));
    return { seconds: Math.floor(ms / 1000), nanos: 0 };
  }
  if (scalar === "int-or-string")
    return typeof v === "number" ? { type: 0, intVal: v } : { type: 1, strVal: String(v) };
  if (scalar === "quantity") return { string: String(v) };
  if (scalar === "raw") {
    const raw = Buffer.from(JSON.stringify(v));
    return message.endsWith("FieldsV1") ? { Raw: raw } : { raw };
  }
  const out: M = {};
  for (const f of schema.get(message) ?? []) {
    const x = (v as M)[f.n];
    if (x === undefined || x === null) continue;
    const conv = (y: unknown, t: string) => (schema.has(t) ? toProto(schema, t, y) : y);
    if (f.t === "map")
      out[f.n] = Object.fromEntries(Object.entries(x as M).map(([k, y]) => [k, conv(y, f.m ?? "string")]));
    else if (f.r) out[f.n] = (x as unknown[]).map((y) => conv(y, f.t));
    else out[f.n] = conv(x, f.t);
  }
  return out;
}

/**
 * Go's protobuf encoder writes every non-pointer scalar, zero or not, so on the
 * wire an unset string is "" and an unset number 0 — which JSON would omit.
 * They are dropped, except the pointer fields where zero/false is a value.
 */
const ZERO_IS_A_VALUE = new Set([
  "replicas",
  "terminationGracePeriodSeconds",
  "revisionHistoryLimit",
  "progressDeadlineSeconds",
  "activeDeadlineSeconds",
  "partition",
  "defaultMode",
  "expirationSeconds",
  "priority",
  "runAsUser",
  "runAsGroup",
  "fsGroup",
]);
const FALSE_IS_A_VALUE = new Set([
  "automountServiceAccountToken",
  "enableServiceLinks",
  "readOnlyRootFilesystem",
  "runAsNonRoot",
  "privileged",
  "allowPrivilegeEscalation",
  "immutable",
  "optional",
  "shareProcessNamespace",
  "hostUsers",
  "setHostnameAsFQDN",
  "allocateLoadBalancerNodePorts",
  "ready",
  "serving",
  "terminating",
  "controller",
  "blockOwnerDeletion",
]);

function unset(name: string, v: unknown): boolean {
  if (v === "") return true;
  if (v === 0) return !ZERO_IS_A_VALUE.has(name);
  if (v === false) return !FALSE_IS_A_VALUE.has(name);
  return false;
}

/** protobufjs' plain object → the JSON shape the API serves. */
function fromProto(schema: Schema, message: string, v: M): unknown {
  const scalar = SCALAR_MESSAGES.get(message);
  if (scalar === "date-time") {
    const s = Number(v.seconds ?? 0);
    if (s === 0) return undefined;
    return new Date(s * 1000).toISOString().replace(/\.\d+Z$/, "Z");
  }
  if (scalar === "int-or-string")
    return Number(v.type ?? 0) === 1 ? String(v.strVal ?? "") : Number(v.intVal ?? 0);
  if (scalar === "quantity") return String(v.string ?? "");
  if (scalar === "raw") {
    const raw = (v.Raw ?? v.raw) as string | undefined;
    if (!raw) return {};
    return JSON.parse(Buffer.from(raw, "base64").toString("utf8"));
  }
  const out: M = {};
  for (const f of schema.get(message) ?? []) {
    const x = v[f.n];
    if (x === undefined || x === null) continue;
    if (Array.isArray(x) && x.length === 0) continue;
    if (!f.r && f.t !== "map" && !schema.has(f.t) && unset(f.n, x)) continue;
    const conv = (y: unknown, t: string) => (schema.has(t) ? fromProto(schema, t, y as M) : y);
    if (f.t === "map") {
      const entries = Object.entries(x as M);
      if (entries.length === 0) continue;
      out[f.n] = Object.fromEntries(entries.map(([k, y]) => [k, conv(y, f.m ?? "string")]));
    } else if (f.r) out[f.n] = (x as unknown[]).map((y) => conv(y, f.t));
    else {
      const y = conv(x, f.t);
      if (y !== undefined) out[f.n] = y;
    }
  }
  return out;
}

/** Decodes a protobuf request body into the JSON object. */
export function decodeProtobuf(body: Buffer): KubeObject {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) {
    throw badRequest("the protobuf body does not start with the k8s\\0 magic");
  }
  const r = types();
  const unknownType = r.lookupType("michi.runtime.Unknown");
  let env: { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array };
  try {
    env = unknownType.decode(body.subarray(4)) as unknown as typeof env;
  } catch (err) {
    throw badRequest(`the protobuf envelope could not be decoded: ${(err as Error).message}`);
  }
  const tm = env.typeMeta ?? {};
  const message = messageFor(tm.apiVersion, tm.kind);
  if (!message)
    throw badRequest(
      `protobuf bodies of ${tm.apiVersion ?? "?"} ${tm.kind ?? "?"} are not served; send JSON`,
    );
  const t = r.lookupType(message);
  let obj: M;
  try {
    obj = t.toObject(t.decode(env.raw ?? new Uint8Array()), {
      longs: Number,
      bytes: String,
      enums: String,
    }) as M;
  } catch (err) {
    throw badRequest(`the protobuf ${tm.kind} could not be decoded: ${(err as Error).message}`);
  }
  const json = fromProto(schemaTable(), message, obj) as M;
  return { apiVersion: tm.apiVersion, kind: tm.kind, ...json } as KubeObject;
}

/** Encodes an object as the protobuf envelope, or undefined for kinds without a message. */
export function encodeProtobuf(obj: KubeObject): Buffer | undefined {
  const message = messageFor(obj.apiVersion, obj.kind);
  if (!message) return undefined;
  const r = types();
  const t = r.lookupType(message);
  const raw = t.encode(t.fromObject(toProto(schemaTable(), message, obj) as M)).finish();
  const unknownType = r.lookupType("michi.runtime.Unknown");
  const env = unknownType
    .encode(
      unknownType.fromObject({
        typeMeta: { apiVersion: obj.apiVersion, kind: obj.kind },
        raw: Buffer.from(raw),
      }),
    )
    .finish();
  return Buffer.concat([MAGIC, Buffer.from(env)]);
}
