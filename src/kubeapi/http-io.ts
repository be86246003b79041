/**
 * Request and response plumbing for the API server: bodies read with a size
 * limit and decoded by Content-Type (JSON, YAML, protobuf), JSON/Status
 * responses, and the query parameters every verb shares.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseYaml } from "yaml";
import type { KubeObject } from "../api/types.js";
import { decodeProtobuf, encodeProtobuf, isProtobuf, PROTOBUF } from "./protobuf.js";
import { ApiError, badRequest, unsupportedMediaType } from "./status.js";

export const MAX_BODY = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY)
      throw new ApiError(413, "RequestEntityTooLarge", "the request body is too large (limit 3MiB)");
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers["content-type"] ?? "application/json").split(";")[0]?.trim().toLowerCase() ?? "";
}

/** Decodes a JSON, YAML or protobuf body into a plain object. */
export function decodeBody(body: Buffer, type: string): unknown {
  if (isProtobuf(type)) return decodeProtobuf(body);
  const text = body.toString("utf8");
  if (text.trim() === "") throw badRequest("the request body is empty");
  try {
    if (type === "application/yaml" || type === "application/apply-patch+yaml" || type === "text/yaml") {
      return parseYaml(text);
    }
    if (type.endsWith("json") || type === "*/*" || type === "") return JSON.parse(text);
  } catch (err) {
    throw badRequest(
      `the body of the request could not be decoded: ${(err as Error).message.split("\n")[0]}`,
    );
  }
  throw unsupportedMediaType(type);
}

export function decodeObject(body: Buffer, type: string): KubeObject {
  const v = decodeBody(body, type);
  if (v === null || typeof v !== "object" || Array.isArray(v))
    throw badRequest("the request body is not an object");
  return v as KubeObject;
}

/** True when the client accepts only protobuf (so a JSON answer would not do). */
export function wantsProtobuf(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? "";
  return accept.split(",")[0]?.trim().startsWith(PROTOBUF) === true;
}

export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendObject(
  req: IncomingMessage,
  res: ServerResponse,
  code: number,
  obj: unknown,
  headers: Record<string, string> = {},
): void {
  if (wantsProtobuf(req)) {
    const bytes = encodeProtobuf(obj as KubeObject);
    if (bytes) {
      res.writeHead(code, { "Content-Type": PROTOBUF, "Content-Length": bytes.length, ...headers });
      res.end(bytes);
      return;
    }
  }
  sendJson(res, code, obj, headers);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, err.status.code, err.status);
}

export interface Query {
  get(name: string): string | undefined;
  flag(name: string): boolean;
}

export function queryOf(url: URL): Query {
  return {
    get: (n) => url.searchParams.get(n) ?? undefined,
    flag: (n) => {
      const v = url.searchParams.get(n);
      return v === "" || v === "true" || v === "1";
    },
  };
}
