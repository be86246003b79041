/**
 * GET /api/dns: what the cluster DNS answers (the same zone and responder as
 * the DNS server and `michi dns`), and with `from` a pod, every query that
 * pod's stub resolver tries — its resolv.conf search list and ndots, in
 * glibc's order (src/pods/pod-resolver.ts) — until one has answers.
 */

import type { Pod } from "../api/types.js";
import { resolvConfFor } from "../cluster/resolv-conf.js";
import { presentData, rcodeName, TYPE_CODES } from "../dns/records.js";
import { answerByName, type DnsResponse } from "../dns/responder.js";
import { HttpError } from "../http/respond.js";
import { candidateNames } from "../pods/pod-resolver.js";
import type { Analysis } from "./analysis.js";
import type { ApiDns } from "./api-types.js";
import { findObject } from "./object-ids.js";
import { podResolvConf } from "./pod-extras.js";

function rcodeOf(r: DnsResponse): string {
  // Outside the cluster zone CoreDNS forwards upstream; michi's static analysis has no upstream.
  return r.forward ? "SERVFAIL" : rcodeName(r.rcode);
}

function answersOf(r: DnsResponse): ApiDns["answers"] {
  return r.answers.map((rr) => ({ name: rr.name, type: rr.type, ttl: rr.ttl, data: presentData(rr) }));
}

export function dnsQuery(a: Analysis, p: { name: string; type?: string; from?: string }): ApiDns {
  const type = (p.type ?? "A").toUpperCase();
  if (TYPE_CODES[type] === undefined)
    throw new HttpError(400, "BadParameter", `type: unknown record type ${JSON.stringify(p.type)}`);
  const zone = a.snapshot.zone;
  if (!p.from) {
    const r = answerByName(zone, p.name, type);
    return { name: p.name, type, rcode: rcodeOf(r), answers: answersOf(r), raw: r };
  }
  const found = findObject(a.snapshot.state, p.from);
  if (found?.kind !== "pod") throw new HttpError(404, "NotFound", `from: pod ${p.from} not found`);
  const pod = found.obj as Pod;
  const state = a.snapshot.state;
  const rc = resolvConfFor(pod, state);
  const clusterDNS = rc.nameservers.includes(state.config.dnsServiceIP);
  const queries: NonNullable<ApiDns["queries"]> = [];
  let final: { name: string; r: DnsResponse } | undefined;
  for (const name of candidateNames(p.name, rc)) {
    const r = clusterDNS ? answerByName(zone, name, type) : undefined;
    if (!r) {
      queries.push({ name, rcode: "SERVFAIL", answers: 0 });
      continue;
    }
    queries.push({ name, rcode: rcodeOf(r), answers: r.answers.length });
    if (r.answers.length > 0) {
      final = { name, r };
      break;
    }
    final ??= { name, r };
  }
  const out: ApiDns = {
    name: final?.name ?? p.name,
    type,
    from: `${pod.metadata?.namespace ?? "default"}/${pod.metadata?.name ?? ""}`,
    rcode: final ? rcodeOf(final.r) : "SERVFAIL",
    answers: final ? answersOf(final.r) : [],
    queries,
    resolvConf: podResolvConf(pod, state),
    raw: { resolvConf: rc, queries, response: final?.r },
  };
  if (!clusterDNS) out.rcode = "SERVFAIL";
  return out;
}
