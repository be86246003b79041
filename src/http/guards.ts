/**
 * Who may talk to michi's own APIs: loopback clients only, Host headers a
 * browser uses for loopback (a page from a DNS-rebinding host is refused),
 * and the instance token for what changes state — compared in constant time.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { unmapIPv4 } from "../api/net.js";
import { HttpError } from "./respond.js";

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = unmapIPv4(address);
  return a === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/** Host names a browser may use to reach a loopback server: IP literals and localhost. */
export function hostAllowed(host: string | undefined): boolean {
  if (!host) return true;
  const h = host
    .replace(/:\d+$/, "")
    .replace(/^\[|\]$/g, "")
    .toLowerCase();
  return h === "localhost" || h.endsWith(".localhost") || /^[\d.]+$/.test(h) || h.includes(":");
}

/** The 403 for a Host header a loopback server must not answer (DNS rebinding); undefined when allowed. */
export function foreignHost(req: IncomingMessage): HttpError | undefined {
  if (hostAllowed(req.headers.host)) return undefined;
  return new HttpError(
    403,
    "Forbidden",
    `host ${JSON.stringify(req.headers.host)} is not a loopback name or address`,
  );
}

/** The token a request carries: `Authorization: Bearer TOKEN` or `X-Michi-Token`. */
export function requestToken(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith("Bearer ")) return auth.slice(7).trim();
  const t = req.headers["x-michi-token"];
  return typeof t === "string" ? t : undefined;
}

/** Constant-time comparison of the request's token with the expected one. */
export function tokenMatches(expected: string, req: IncomingMessage): boolean {
  const given = requestToken(req);
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Throws 401 unless the request carries the token. */
export function requireToken(req: IncomingMessage, expected: string | undefined, hint: string): void {
  if (expected === undefined || !tokenMatches(expected, req))
    throw new HttpError(401, "Unauthorized", `missing or wrong token (${hint})`);
}
