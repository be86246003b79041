/**
 * Port numbers, IANA service names and protocols. Named ports follow
 * IsValidPortName (RFC 6335 IANA_SVC_NAME, lower case only); Service and
 * Endpoints port *names* are DNS-1123 labels instead, see service.ts.
 */
import { type FieldError, invalid, notSupported, required } from "./errors.js";
import { maxLenError } from "./names.js";
import type { Path } from "./path.js";

/** Upstream sorts this set, so messages list "SCTP", "TCP", "UDP". */
export const SUPPORTED_PROTOCOLS = ["SCTP", "TCP", "UDP"] as const;

export function inclusiveRangeError(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port))
    errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!/[a-z]/.test(port)) errs.push("must contain at least one letter (a-z)");
  if (port.includes("--")) errs.push("must not contain consecutive hyphens");
  if (port.length > 0 && (port.startsWith("-") || port.endsWith("-")))
    errs.push("must not begin or end with a hyphen");
  return errs;
}

/** ValidatePortNumOrName for an IntOrString field (numbers as ints, strings as IANA names). */
export function validatePortNumOrName(port: unknown, path: Path): FieldError[] {
  if (typeof port === "number" && Number.isInteger(port))
    return isValidPortNum(port).map((m) => invalid(path, port, m));
  if (typeof port === "string") return isValidPortName(port).map((m) => invalid(path, port, m));
  return [];
}

/** Protocol after defaulting (absent → TCP): Required when empty, NotSupported otherwise. */
export function validateProtocol(protocol: unknown, path: Path): FieldError[] {
  if (protocol === undefined || protocol === null) return [];
  if (typeof protocol !== "string") return [];
  if (protocol === "") return [required(path)];
  if (!(SUPPORTED_PROTOCOLS as readonly string[]).includes(protocol)) {
    return [notSupported(path, protocol, SUPPORTED_PROTOCOLS)];
  }
  return [];
}
