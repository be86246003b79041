/**
 * Request bodies, bounded: a body over the limit is refused with 413 as soon
 * as it is seen, never buffered whole.
 */
import type { IncomingMessage } from "node:http";
import { HttpError } from "./respond.js";

export const DEFAULT_BODY_LIMIT = 8 * 1024 * 1024;

/** The body as UTF-8 text, up to `limit` bytes (HttpError 413 beyond). */
export async function readBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<string> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new HttpError(413, "BodyTooLarge", `request body over ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > limit) {
      req.resume();
      throw new HttpError(413, "BodyTooLarge", `request body over ${limit} bytes`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}
