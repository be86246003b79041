/**
 * What a pod's resolver (glibc `res_nsearch`) does with a name: the ndots
 * rule and the search list, one query after another until one returns
 * records. This is where ndots:5 turns `idp-server` into several queries.
 */
import type { DnsResponse } from "./responder.js";

export interface SearchConfig {
  searches: readonly string[];
  ndots: number;
}

/** The names glibc tries, in order (absolute names: only themselves). */
export function searchCandidates(name: string, rc: SearchConfig): string[] {
  if (name.endsWith(".")) return [name.slice(0, -1)];
  const dots = name.split(".").length - 1;
  const out: string[] = [];
  const asIs = dots >= rc.ndots;
  if (asIs) out.push(name);
  for (const s of rc.searches) {
    const candidate = `${name}.${s.replace(/\.$/, "")}`;
    if (!out.includes(candidate)) out.push(candidate);
  }
  if (!asIs) out.push(name);
  return out;
}

export interface TriedQuery {
  name: string;
  response: DnsResponse;
}

export interface SearchResult {
  queries: TriedQuery[];
  /** The response the application gets (with `rcode` as glibc reports it: NODATA beats a later NXDOMAIN). */
  final: DnsResponse;
  /** The name whose answer was used, when one had records. */
  answeredBy?: string;
}

/**
 * Runs the search: NXDOMAIN and NODATA try the next name, SERVFAIL too
 * (glibc ≥ 2.26 "got_servfail"), any other error stops.
 */
export async function runSearch(
  name: string,
  rc: SearchConfig,
  ask: (fqdn: string) => Promise<DnsResponse>,
): Promise<SearchResult> {
  const queries: TriedQuery[] = [];
  let nodata: DnsResponse | undefined;
  let last: DnsResponse | undefined;
  for (const candidate of searchCandidates(name, rc)) {
    const response = await ask(candidate);
    queries.push({ name: candidate, response });
    last = response;
    if (response.rcode === 0 && response.answers.length > 0)
      return { queries, final: response, answeredBy: candidate };
    if (response.rcode === 0) nodata ??= response;
    else if (response.rcode !== 3 && response.rcode !== 2) break;
  }
  const final = nodata ??
    last ?? { rcode: 2, authoritative: false, answers: [], authority: [], additional: [] };
  return { queries, final };
}
