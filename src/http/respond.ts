/**
 * Answers for michi's own HTTP APIs (the admin API of `michi up`, the
 * dashboard's JSON API): JSON bodies that are never cached or sniffed, and
 * `HttpError`, a refusal with an HTTP status and a stable error code that
 * every handler may throw.
 */
import type { ServerResponse } from "node:http";

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

/** The error body every michi API answers with. */
export interface ErrorBody {
  error: { code: string; message: string };
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

export function sendText(res: ServerResponse, status: number, text: string, type = "text/plain"): void {
  res.writeHead(status, {
    "content-type": `${type}; charset=utf-8`,
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
  res.end(text);
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

/** An HttpError as its status and body; anything else is a 500 `Internal`. */
export function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof HttpError) {
    sendJSON(res, err.status, errorBody(err.code, err.message));
    return;
  }
  sendJSON(res, 500, errorBody("Internal", err instanceof Error ? err.message : String(err)));
}
