/**
 * Query parameters of michi's JSON APIs, checked: required and optional
 * values, ports and protocols, each refusal a 400 naming the parameter.
 */
import { HttpError } from "./respond.js";

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
