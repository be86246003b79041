/**
 * Cluster DNS names added, removed or changed between two zones (dns/zone.ts).
 * Each side is asked through the same responder the DNS server uses, for the
 * names a service gives: `SVC.NS.svc.ZONE` (A, AAAA, CNAME, SRV), the SRV
 * name of each named port (`_PORT._PROTO.SVC.NS.svc.ZONE`) and, for headless
 * services, each endpoint's `HOSTNAME.SVC.NS.svc.ZONE` (A, AAAA). Services
 * whose zone entry is identical on both sides are skipped: their answers are
 * too. Pod names (`A-B-C-D.NS.pod.ZONE`) follow from pod IPs and are left out.
 */
import type { EndpointSlice, Service } from "../api/types.js";
import type { ClusterState } from "../cluster/state.js";
import { presentData } from "../dns/records.js";
import { answerByName } from "../dns/responder.js";
import type { Zone, ZoneService } from "../dns/zone.js";
import type { Locator, SourceLocation } from "./locate.js";

export type DnsType = "A" | "AAAA" | "CNAME" | "SRV";

export interface DnsRecords {
  type: DnsType;
  /** Presentation data, sorted. */
  data: string[];
}

/** One name added or removed, with its records. */
export interface DnsName {
  name: string;
  records: DnsRecords[];
  /** `ns/name` of the Service that gives the name. */
  service: string;
  location?: SourceLocation;
}

/** One name whose records differ. */
export interface DnsChange {
  name: string;
  from: DnsRecords[];
  to: DnsRecords[];
  service: string;
  location?: SourceLocation;
}

export interface DnsDiff {
  added: DnsName[];
  removed: DnsName[];
  changed: DnsChange[];
}

function namesOf(zone: Zone, svc: ZoneService): [string, DnsType][] {
  const base = `${svc.name}.${svc.namespace}.svc.${zone.origin}`;
  const out: [string, DnsType][] = [
    [base, "A"],
    [base, "AAAA"],
    [base, "CNAME"],
    [base, "SRV"],
  ];
  for (const p of svc.ports) {
    if (p.name && p.protocol) out.push([`_${p.name}._${p.protocol.toLowerCase()}.${base}`, "SRV"]);
  }
  if (svc.kind === "Headless") {
    for (const ep of svc.endpoints) {
      out.push([`${ep.hostname}.${base}`, "A"]);
      out.push([`${ep.hostname}.${base}`, "AAAA"]);
    }
  }
  return out;
}

/** Name → its records by type (types with no answer left out). */
function recordSets(zone: Zone, svc: ZoneService | undefined, names: Iterable<[string, DnsType]>) {
  const out = new Map<string, DnsRecords[]>();
  if (!svc) return out;
  for (const [name, type] of names) {
    const r = answerByName(zone, name, type);
    const data = r.answers
      .filter((a) => a.type === type && a.name.toLowerCase() === name)
      .map(presentData)
      .sort();
    if (data.length === 0) continue;
    const list = out.get(name) ?? [];
    list.push({ type, data: [...new Set(data)] });
    out.set(name, list);
  }
  return out;
}

const sliceService = (s: EndpointSlice) =>
  `${s.metadata?.namespace ?? "default"}/${s.metadata?.labels?.["kubernetes.io/service-name"] ?? ""}`;
const serviceKey = (s: Service) => `${s.metadata?.namespace ?? "default"}/${s.metadata?.name ?? ""}`;

/**
 * The two states cut down to the Services whose DNS inputs differ (the
 * Service or its EndpointSlices): the zone of every other Service is the same
 * on both sides, so building it twice is wasted work on large clusters.
 */
export function zoneInputs(base: ClusterState, head: ClusterState): [ClusterState, ClusterState] {
  const fingerprint = (st: ClusterState) => {
    const slices = new Map<string, string[]>();
    for (const sl of st.endpointSlices) {
      const k = sliceService(sl);
      const l = slices.get(k) ?? [];
      l.push(JSON.stringify([sl.addressType, sl.endpoints, sl.ports]));
      slices.set(k, l);
    }
    const out = new Map<string, string>();
    for (const svc of st.services)
      out.set(serviceKey(svc), JSON.stringify([svc.spec, (slices.get(serviceKey(svc)) ?? []).sort()]));
    return out;
  };
  const fb = fingerprint(base);
  const fh = fingerprint(head);
  const changed = new Set<string>();
  for (const [k, v] of fb) if (fh.get(k) !== v) changed.add(k);
  for (const k of fh.keys()) if (!fb.has(k)) changed.add(k);
  const cut = (st: ClusterState): ClusterState => ({
    ...st,
    services: st.services.filter((s) => changed.has(serviceKey(s))),
    endpointSlices: st.endpointSlices.filter((s) => changed.has(sliceService(s))),
    pods: [],
  });
  return [cut(base), cut(head)];
}

const same = (a: ZoneService | undefined, b: ZoneService | undefined) =>
  a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b);

export function diffDNS(base: Zone, head: Zone, locate: { base: Locator; head: Locator }): DnsDiff {
  const out: DnsDiff = { added: [], removed: [], changed: [] };
  const keys = new Set([...base.services.keys(), ...head.services.keys()]);
  const originSame = base.origin === head.origin;
  for (const key of [...keys].sort()) {
    const b = base.services.get(key);
    const h = head.services.get(key);
    if (originSame && same(b, h)) continue;
    const svc = (h ?? b)!;
    const service = `${svc.namespace}/${svc.name}`;
    const names = new Map<string, [string, DnsType]>();
    for (const n of [...(b ? namesOf(base, b) : []), ...(h ? namesOf(head, h) : [])])
      names.set(`${n[0]} ${n[1]}`, n);
    const rb = recordSets(base, b, names.values());
    const rh = recordSets(head, h, names.values());
    const where = (side: "base" | "head") =>
      (side === "head" ? locate.head : locate.base)("Service", svc.namespace, svc.name, ["spec"]);
    const all = new Set([...rb.keys(), ...rh.keys()]);
    for (const name of [...all].sort()) {
      const from = rb.get(name);
      const to = rh.get(name);
      if (from && to) {
        if (JSON.stringify(from) === JSON.stringify(to)) continue;
        const location = where("head");
        out.changed.push({ name, from, to, service, ...(location ? { location } : {}) });
      } else if (to) {
        const location = where("head");
        out.added.push({ name, records: to, service, ...(location ? { location } : {}) });
      } else if (from) {
        const location = where("base");
        out.removed.push({ name, records: from, service, ...(location ? { location } : {}) });
      }
    }
  }
  return out;
}
