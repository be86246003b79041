/**
 * Serves the built front end (dist/dashboard, produced by `vite build`) from
 * disk: no CDN, works offline. Only GET/HEAD of `/`, `/index.html` and
 * `/assets/*` are answered, so the handler can share a server with other
 * routes (the `up` admin API). Hashed assets are cached forever; the page
 * itself never is, so a rebuilt dashboard is picked up on reload.
 */
import { readFile, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** dist/dashboard of this package: two levels up from src/web/*.ts and from dist/web/*.js alike. */
export function defaultStaticDir(): string {
  return fileURLToPath(new URL("../../dist/dashboard/", import.meta.url));
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".woff2": "font/woff2",
};

export function isStaticPath(pathname: string): boolean {
  return pathname === "/" || pathname === "/index.html" || pathname.startsWith("/assets/");
}

/** Answers a static request; the caller checked `isStaticPath`. */
export async function serveStatic(
  dir: string,
  pathname: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
    res.end("method not allowed\n");
    return;
  }
  const rel = pathname === "/" ? "index.html" : decodeURIComponent(pathname.slice(1));
  const root = normalize(dir.endsWith(sep) ? dir : dir + sep);
  const file = normalize(join(root, rel));
  if (!file.startsWith(root) || rel.includes("\0")) {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
    res.end("not found\n");
    return;
  }
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error("not a file");
    const body = await readFile(file);
    const immutable = rel.startsWith("assets/");
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "content-length": body.length,
      "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
      "x-content-type-options": "nosniff",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  } catch {
    if (rel === "index.html") {
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
      res.end(`the dashboard is not built: run \`npm run build\` (looked in ${root})\n`);
      return;
    }
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
    res.end("not found\n");
  }
}
