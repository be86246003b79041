/**
 * Small HTTP helpers for the dashboard server: JSON answers with stable error
 * codes, bounded request bodies, and the loopback test that guards mutating
 * endpoints.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiError } from "./api-types.js";

/** A request the API refuses, with an HTTP status and a stable code. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.name = "HttpError";
  }
}

export function sendJSON(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof HttpError) {
    const body: ApiError = { error: { code: err.code, message: err.message } };
    sendJSON(res, err.status, body);
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  const body: ApiError = { error: { code: "Internal", message } };
  sendJSON(res, 500, body);
}

/** Reads a request body up to `limit` bytes (413 beyond). */
export async function readBody(req: IncomingMessage, limit = 4 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > limit) throw new HttpError(413, "BodyTooLarge", `request body over ${limit} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith("::ffff:") ? address.slice(7) : address;
  return a === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/** A required query parameter (400 when missing or empty). */
export function required(q: URLSearchParams, name: string): string {
  const v = q.get(name);
  if (v === null || v.trim() === "")
    throw new HttpError(400, "MissingParameter", `query parameter "${name}" is required`);
  return v.trim();
}

/** An optional query parameter (undefined when missing or empty). */
export function optional(q: URLSearchParams, name: string): string | undefined {
  const v = q.get(name);
  return v === null || v.trim() === "" ? undefined : v.trim();
}

export function parsePort(value: string, name = "port"): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new HttpError(
      400,
      "BadParameter",
      `${name}: expected a port 1-65535, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

export function parseProtocol(value: string | undefined): "TCP" | "UDP" | "SCTP" {
  const p = (value ?? "TCP").toUpperCase();
  if (p !== "TCP" && p !== "UDP" && p !== "SCTP") {
    throw new HttpError(
      400,
      "BadParameter",
      `protocol: expected TCP, UDP or SCTP, got ${JSON.stringify(value)}`,
    );
  }
  return p;
}
