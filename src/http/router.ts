/**
 * A route table for michi's own HTTP APIs instead of if-chains: `METHOD
 * /path/:param` patterns, tried in order. A handler returns the JSON body to
 * send with 200 (or answers itself through `res` and returns undefined) and
 * may throw HttpError. A path that matches with another method is a 405.
 * `handle` says whether the router owned the request, so routers chain.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpError, sendError, sendJSON } from "./respond.js";

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** `:name` segments of the pattern, URI-decoded. */
  params: Record<string, string>;
}

export type RouteHandler = (ctx: RouteContext) => unknown;

interface Route {
  method: string;
  segments: readonly string[];
  handler: RouteHandler;
}

function match(segments: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i] as string;
    const p = parts[i] as string;
    if (s.startsWith(":")) {
      try {
        params[s.slice(1)] = decodeURIComponent(p);
      } catch {
        return undefined;
      }
    } else if (s !== p) return undefined;
  }
  return params;
}

export class Router {
  private readonly routes: Route[] = [];

  /** Adds `METHOD /path/:param` (GET routes also answer HEAD). */
  add(method: string, pattern: string, handler: RouteHandler): this {
    this.routes.push({ method, segments: pattern.split("/").slice(1), handler });
    return this;
  }

  get(pattern: string, handler: RouteHandler): this {
    return this.add("GET", pattern, handler);
  }

  post(pattern: string, handler: RouteHandler): this {
    return this.add("POST", pattern, handler);
  }

  /** True when some route's path matches (whatever the method). */
  owns(path: string): boolean {
    const parts = path.split("/").slice(1);
    return this.routes.some((r) => match(r.segments, parts) !== undefined);
  }

  /**
   * Answers the request when a route's path matches: the handler's result as
   * JSON, a thrown HttpError as its status, 405 for another method. Returns
   * false (and answers nothing) when no route's path matches.
   */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const parts = url.pathname.split("/").slice(1);
    const method = req.method === "HEAD" ? "GET" : (req.method ?? "GET");
    let pathMatched = false;
    for (const r of this.routes) {
      const params = match(r.segments, parts);
      if (!params) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      try {
        const body = await r.handler({ req, res, url, params });
        if (!res.headersSent && body !== undefined) sendJSON(res, 200, body);
      } catch (err) {
        if (!res.headersSent) sendError(res, err);
        else res.end();
      }
      return true;
    }
    if (!pathMatched) return false;
    sendError(res, new HttpError(405, "MethodNotAllowed", `${req.method ?? "GET"} ${url.pathname}`));
    return true;
  }
}
