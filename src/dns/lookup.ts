/**
 * One question answered end to end the way the server does it, without the
 * wire: the zone first, then (out of zone, reverse misses, ExternalName
 * targets) the forwarder. Used by `michi dns` and by anything that needs a
 * pod's-eye answer in-process.
 */
import { decodeResponse } from "./decode-response.js";
import { buildQuery, type Forwarder } from "./forwarder.js";
import { RCODE } from "./records.js";
import { answer, type DnsResponse } from "./responder.js";
import type { Zone } from "./zone.js";

export interface LookupResult extends DnsResponse {
  /** Set when the answer came from (or was refused on the way to) an upstream server. */
  upstream?: { status: "answered" | "cached" | "refused" | "failed" | "disabled"; reason?: string };
}

export async function lookup(
  zone: Zone,
  forwarder: Forwarder | undefined,
  name: string,
  type: number,
): Promise<LookupResult> {
  const r = answer(zone, { name, type });
  if (r.forward) return forwardOnly(forwarder, name, type);
  if (r.chase && forwarder) {
    const f = await forwarder.forward(buildQuery(r.chase.name, r.chase.type), "udp");
    if (f.kind === "response") {
      const chased = decodeResponse(f.message).answers;
      return {
        ...r,
        answers: [...r.answers, ...chased],
        upstream: { status: f.cached ? "cached" : "answered" },
      };
    }
  }
  return r;
}

/** Asks the upstreams only (a resolver that is not the cluster DNS, or an out-of-zone name). */
export async function forwardOnly(
  forwarder: Forwarder | undefined,
  name: string,
  type: number,
): Promise<LookupResult> {
  const base = { rcode: RCODE.SERVFAIL, authoritative: false, answers: [], authority: [], additional: [] };
  if (!forwarder) return { ...base, upstream: { status: "disabled", reason: "no upstream servers" } };
  const f = await forwarder.forward(buildQuery(name, type), "udp");
  if (f.kind === "refused") return { ...base, rcode: RCODE.REFUSED, upstream: { status: "refused" } };
  if (f.kind === "failed") return { ...base, upstream: { status: "failed", reason: f.reason } };
  return { ...decodeResponse(f.message), upstream: { status: f.cached ? "cached" : "answered" } };
}
