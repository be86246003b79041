/**
 * The pure responder: one question in, the response CoreDNS's kubernetes
 * plugin (kubeadm Corefile: `kubernetes cluster.local in-addr.arpa ip6.arpa
 * { pods insecure; fallthrough in-addr.arpa ip6.arpa }`) would give, out.
 * Used by the wire server and by `michi dns`. The structure follows the
 * plugin's code paths (parseRequest, Records/findServices/findPods, the
 * plugin.A/SRV/PTR/... builders, BackendError) because its quirks — NODATA
 * vs NXDOMAIN, SRV weights, the query case kept in the zone part of targets —
 * are what clients in a real cluster see.
 */
import { parseIP } from "../api/net.js";
import { addressFromReverse, isSubdomain, lowerName, podLabelAddress, trimDot } from "./names.js";
import type { ResourceRecord } from "./records.js";
import { RCODE, TYPE, TYPE_CODES } from "./records.js";
import type { Zone, ZonePort, ZoneService } from "./zone.js";

export interface Question {
  /** As asked (case preserved), with or without the trailing dot. */
  name: string;
  /** Numeric type code (see TYPE_CODES). */
  type: number;
}

export interface DnsResponse {
  rcode: number;
  authoritative: boolean;
  answers: ResourceRecord[];
  authority: ResourceRecord[];
  additional: ResourceRecord[];
  /** The kubernetes plugin passes this query on to `forward` (outside the zone, or a reverse miss: fallthrough). */
  forward?: true;
  /**
   * An out-of-zone CNAME target (ExternalName): CoreDNS resolves it upstream
   * and appends the answer after the CNAME. The server does that; without
   * upstreams the CNAME stands alone.
   */
  chase?: Question;
}

/** DNS schema version served at dns-version.ZONE (Kubernetes DNS spec 1.1.0). */
export const DNS_SCHEMA_VERSION = "1.1.0";

const T = TYPE;

/** A CoreDNS `msg.Service`: a host (IP or name), a port and the domain it is known by. */
interface Entry {
  host: string;
  port: number;
  /** Domain of this entry (SRV target, extra records' owner). */
  key: string;
  ttl: number;
  text?: string;
}

interface Lookup {
  entries: Entry[];
  /** A name error (NXDOMAIN) in CoreDNS terms: errNoItems / errNsNotExposed / errInvalidRequest. */
  nx: boolean;
}

interface Ctx {
  zone: Zone;
  /** The matched zone, lower-case. */
  apex: string;
  /** The matched zone in the query's case (CoreDNS keeps it for SOA, NS and SRV targets). */
  apexCased: string;
  reverse: boolean;
  /** The name as asked (owner of the answers). */
  qname: string;
  /** Lower-case. */
  name: string;
}

interface ParsedName {
  podOrSvc: string;
  namespace: string;
  service: string;
  endpoint: string;
  port: string;
  protocol: string;
}

const NX: Lookup = { entries: [], nx: true };
const EMPTY: Lookup = { entries: [], nx: false };

/** CoreDNS `msg.Service.HostType`: an IP host gives A/AAAA records, a name gives a CNAME. */
function hostType(host: string): number {
  const ip = parseIP(host);
  if (!ip) return T.CNAME;
  return ip.family === 4 ? T.A : T.AAAA;
}

function matchZone(zone: Zone, name: string): string | undefined {
  let best: string | undefined;
  for (const z of [zone.origin, ...zone.reverseZones]) {
    if (isSubdomain(name, z) && (best === undefined || z.length > best.length)) best = z;
  }
  return best;
}

function makeCtx(zone: Zone, qname: string): Ctx | undefined {
  const q = trimDot(qname);
  const name = lowerName(q);
  const apex = matchZone(zone, name);
  if (apex === undefined) return undefined;
  return {
    zone,
    apex,
    apexCased: q.slice(q.length - apex.length),
    reverse: apex !== zone.origin,
    qname: q,
    name,
  };
}

/** CoreDNS parseRequest: `[_port._proto.|endpoint.]service.namespace.svc|pod.zone`; undefined = invalid. */
function parseRequest(ctx: Ctx): ParsedName | undefined {
  const r: ParsedName = { podOrSvc: "", namespace: "", service: "", endpoint: "", port: "", protocol: "" };
  const base = ctx.name === ctx.apex ? "" : ctx.name.slice(0, ctx.name.length - ctx.apex.length - 1);
  if (base === "" || base === "svc" || base === "pod") return r;
  const segs = base.split(".");
  let last = segs.length - 1;
  r.podOrSvc = segs[last] ?? "";
  if (r.podOrSvc !== "pod" && r.podOrSvc !== "svc") return undefined;
  if (--last < 0) return r;
  r.namespace = segs[last] ?? "";
  if (--last < 0) return r;
  r.service = segs[last] ?? "";
  if (--last < 0) return r;
  if (last === 0) r.endpoint = segs[0] ?? "";
  else if (last === 1) {
    r.protocol = stripUnderscore(segs[1] ?? "");
    r.port = stripUnderscore(segs[0] ?? "");
  } else return undefined;
  return r;
}

function stripUnderscore(s: string): string {
  return s.startsWith("_") ? s.slice(1) : s;
}

function matchPortAndProtocol(r: ParsedName, p: ZonePort): boolean {
  return (
    (r.port === "" || r.port === lowerName(p.name)) &&
    (r.protocol === "" || r.protocol === lowerName(p.protocol))
  );
}

/** CoreDNS Kubernetes.Records. */
function records(ctx: Ctx): Lookup {
  const r = parseRequest(ctx);
  if (!r) return NX;
  if (r.podOrSvc === "") return EMPTY;
  if (ctx.reverse) return NX;
  if (!ctx.zone.namespaces.has(r.namespace)) return NX;
  return r.podOrSvc === "pod" ? findPods(ctx, r) : findServices(ctx, r);
}

function findPods(ctx: Ctx, r: ParsedName): Lookup {
  const zone = ctx.zone;
  if (zone.podsMode === "disabled") return NX;
  if (r.service === "") return EMPTY;
  const ip = podLabelAddress(r.service);
  if (!ip) return NX;
  const key = `${r.service}.${r.namespace}.pod.${ctx.apexCased}`;
  if (zone.podsMode === "insecure")
    return { entries: [{ host: ip, port: 0, key, ttl: zone.ttl }], nx: false };
  if (zone.podIPs.get(r.namespace)?.has(ip))
    return { entries: [{ host: ip, port: 0, key, ttl: zone.ttl }], nx: false };
  return NX;
}

function findServices(ctx: Ctx, r: ParsedName): Lookup {
  if (r.service === "") return EMPTY;
  const svc: ZoneService | undefined = ctx.zone.services.get(`${r.service}.${r.namespace}`);
  if (!svc) return NX;
  const ttl = ctx.zone.ttl;
  const domain = `${svc.name}.${svc.namespace}.svc.${ctx.apexCased}`;
  const entries: Entry[] = [];
  let nx = true;
  if (svc.kind === "ExternalName") {
    // ExternalName services cannot have endpoints; an IP-valued externalName gives no record at all.
    if (r.endpoint !== "" || !svc.externalName || hostType(svc.externalName) !== T.CNAME) return NX;
    return { entries: [{ host: svc.externalName, port: 0, key: domain, ttl }], nx: false };
  }
  if (svc.kind === "Headless" || r.endpoint !== "") {
    for (const ep of svc.endpoints) {
      if (r.endpoint !== "" && r.endpoint !== lowerName(ep.hostname)) continue;
      for (const p of ep.ports) {
        if (!matchPortAndProtocol(r, p)) continue;
        entries.push({ host: ep.ip, port: p.port, key: `${ep.hostname}.${domain}`, ttl });
        nx = false;
      }
    }
    return { entries, nx };
  }
  for (const p of svc.ports) {
    if (!matchPortAndProtocol(r, p)) continue;
    nx = false;
    for (const ip of svc.clusterIPs) entries.push({ host: ip, port: p.port, key: domain, ttl });
  }
  return { entries, nx };
}

/** CoreDNS Kubernetes.Services: the type-specific special cases, then Records. */
function services(ctx: Ctx, qtype: number): Lookup {
  const zone = ctx.zone;
  if (qtype === T.TXT) {
    if (ctx.name === `dns-version.${ctx.apex}`) {
      return {
        entries: [{ host: "", port: 0, key: ctx.qname, ttl: 28800, text: DNS_SCHEMA_VERSION }],
        nx: false,
      };
    }
    // Since CoreDNS 1.10.1 (coredns#5737): NODATA when the name exists with other types, else NXDOMAIN.
    return records(ctx).entries.length > 0 ? EMPTY : NX;
  }
  if (qtype === T.NS) {
    const key = `ns.dns.${ctx.apexCased}`;
    return { entries: zone.nameservers.map((host) => ({ host, port: 0, key, ttl: zone.ttl })), nx: false };
  }
  if (ctx.name === `ns.dns.${ctx.apex}`) {
    const entries = zone.nameservers
      .filter((ip) => hostType(ip) === qtype)
      .map((host) => ({ host, port: 0, key: ctx.qname, ttl: zone.ttl }));
    return { entries, nx: false };
  }
  const found = records(ctx);
  // "SRV for external services is not yet implemented": CoreDNS drops CNAME-typed entries for SRV.
  if (qtype === T.SRV)
    return { entries: found.entries.filter((e) => hostType(e.host) !== T.CNAME), nx: found.nx };
  return found;
}

interface Built {
  answers: ResourceRecord[];
  extra: ResourceRecord[];
  nx: boolean;
  chase?: Question;
}

/** plugin.A / plugin.AAAA, including the CNAME chase for ExternalName services. */
function address(ctx: Ctx, qtype: number, previous: ResourceRecord[]): Built {
  const found = services(ctx, qtype);
  if (found.nx) return { answers: [], extra: [], nx: true };
  const answers: ResourceRecord[] = [];
  const dup = new Set<string>();
  let chase: Question | undefined;
  for (const e of found.entries) {
    const t = hostType(e.host);
    if (t === T.CNAME) {
      const target = e.host;
      if (isSubdomain(target, ctx.apex) && ctx.name === target) continue; // a loop
      const cname: ResourceRecord = { name: ctx.qname, type: "CNAME", ttl: e.ttl, data: target };
      if (previous.length > 7) continue;
      if (previous.some((p) => p.type === "CNAME" && p.data === target)) continue;
      if (isSubdomain(target, ctx.apex)) {
        const next = makeCtx(ctx.zone, target);
        if (!next) continue;
        const inner = address(next, qtype, [...previous, cname]);
        if (!inner.nx && inner.answers.length > 0) {
          answers.push(cname, ...inner.answers);
          if (inner.chase) chase = inner.chase;
        }
        continue;
      }
      answers.push(cname);
      chase = { name: target, type: qtype };
      continue;
    }
    if (t !== qtype || dup.has(e.host)) continue;
    dup.add(e.host);
    answers.push({ name: ctx.qname, type: qtype === T.A ? "A" : "AAAA", ttl: e.ttl, data: e.host });
  }
  return chase ? { answers, extra: [], nx: false, chase } : { answers, extra: [], nx: false };
}

function srv(ctx: Ctx): Built {
  const found = services(ctx, T.SRV);
  if (found.nx) return { answers: [], extra: [], nx: true };
  const answers: ResourceRecord[] = [];
  const extra: ResourceRecord[] = [];
  // All kubernetes entries have priority 0 and no weight: each gets floor(100/n), computed as CoreDNS does.
  const n = found.entries.length;
  const weight = Math.floor((100 / (100 * n)) * 100);
  const dup = new Set<string>();
  for (const e of found.entries) {
    if (e.port === -1) continue;
    const t = hostType(e.host);
    if (t === T.CNAME) continue;
    const srvKey = `${e.key}||${e.port}`;
    if (!dup.has(srvKey)) {
      dup.add(srvKey);
      answers.push({
        name: ctx.qname,
        type: "SRV",
        ttl: e.ttl,
        data: { priority: 0, weight, port: e.port, target: e.key },
      });
    }
    const addrKey = `${e.key}|${e.host}|0`;
    if (!dup.has(addrKey)) {
      dup.add(addrKey);
      extra.push({ name: e.key, type: t === T.A ? "A" : "AAAA", ttl: e.ttl, data: e.host });
    }
  }
  return { answers, extra, nx: false };
}

function ptr(ctx: Ctx): Built {
  const ip = addressFromReverse(ctx.name);
  if (!ip) {
    const found = records(ctx);
    return { answers: [], extra: [], nx: found.nx };
  }
  const zone = ctx.zone;
  const ttl = zone.ttl;
  const svc = zone.byClusterIP.get(ip);
  const targets = svc
    ? [`${svc.name}.${svc.namespace}.svc.${zone.origin}`]
    : (zone.byEndpointIP.get(ip) ?? []);
  if (targets.length === 0) return { answers: [], extra: [], nx: true };
  return {
    answers: targets.map((data) => ({ name: ctx.qname, type: "PTR", ttl, data })),
    extra: [],
    nx: false,
  };
}

function mx(ctx: Ctx): Built {
  const found = services(ctx, T.MX);
  if (found.nx) return { answers: [], extra: [], nx: true };
  const answers: ResourceRecord[] = [];
  const extra: ResourceRecord[] = [];
  for (const e of found.entries) {
    if (hostType(e.host) !== T.CNAME || e.host === ctx.name) continue;
    answers.push({ name: ctx.qname, type: "MX", ttl: e.ttl, data: { preference: 0, exchange: e.host } });
    if (isSubdomain(e.host, ctx.apex)) {
      const next = makeCtx(ctx.zone, e.host);
      if (next) extra.push(...address(next, T.A, []).answers);
    }
  }
  return { answers, extra, nx: false };
}

function soaRecord(ctx: Ctx): ResourceRecord {
  const ttl = ctx.zone.ttl;
  return {
    name: ctx.apexCased,
    type: "SOA",
    ttl: Math.min(ttl, 300),
    data: {
      mname: `ns.dns.${ctx.apexCased}`,
      rname: `hostmaster.${ctx.apexCased}`,
      serial: ctx.zone.serial,
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: ttl,
    },
  };
}

function build(ctx: Ctx, qtype: number): Built {
  switch (qtype) {
    case T.A:
    case T.AAAA:
      return address(ctx, qtype, []);
    case T.TXT: {
      const found = services(ctx, T.TXT);
      const answers: ResourceRecord[] = found.entries
        .filter((e) => e.text !== undefined)
        .map((e) => ({ name: ctx.qname, type: "TXT", ttl: e.ttl, data: [e.text ?? ""] }));
      return { answers, extra: [], nx: found.nx };
    }
    case T.CNAME: {
      const found = services(ctx, T.CNAME);
      const first = found.entries[0];
      const answers: ResourceRecord[] =
        first && hostType(first.host) === T.CNAME
          ? [{ name: ctx.qname, type: "CNAME", ttl: first.ttl, data: first.host }]
          : [];
      return { answers, extra: [], nx: found.nx };
    }
    case T.PTR:
      return ptr(ctx);
    case T.MX:
      return mx(ctx);
    case T.SRV:
      return srv(ctx);
    case T.SOA:
      // CoreDNS answers SOA only at the apex and NODATA anywhere else, whether the name exists or not.
      return { answers: ctx.name === ctx.apex ? [soaRecord(ctx)] : [], extra: [], nx: false };
    case T.NS:
      if (ctx.name === ctx.apex) {
        const found = services(ctx, T.NS);
        const target = `ns.dns.${ctx.apexCased}`;
        const extra: ResourceRecord[] = found.entries.map((e) => ({
          name: target,
          type: hostType(e.host) === T.AAAA ? "AAAA" : "A",
          ttl: e.ttl,
          data: e.host,
        }));
        const answers: ResourceRecord[] =
          found.entries.length > 0 ? [{ name: ctx.qname, type: "NS", ttl: ctx.zone.ttl, data: target }] : [];
        return { answers, extra, nx: false };
      }
      return { answers: [], extra: [], nx: address(ctx, T.A, []).nx };
    default:
      // A "fake A lookup" tells NODATA from NXDOMAIN for every other type.
      return { answers: [], extra: [], nx: address(ctx, T.A, []).nx };
  }
}

function forwarded(): DnsResponse {
  return {
    rcode: RCODE.SERVFAIL,
    authoritative: false,
    answers: [],
    authority: [],
    additional: [],
    forward: true,
  };
}

/** Answers one question from the zone, as CoreDNS's kubernetes plugin would. */
export function answer(zone: Zone, question: Question): DnsResponse {
  const ctx = makeCtx(zone, question.name);
  if (!ctx) return forwarded();
  const qtype = question.type;
  if (qtype === T.AXFR || qtype === T.IXFR) {
    // No `transfer` plugin in kubeadm's Corefile: zone transfers are refused.
    return { rcode: RCODE.REFUSED, authoritative: false, answers: [], authority: [], additional: [] };
  }
  const built = build(ctx, qtype);
  if (built.nx) {
    // `fallthrough in-addr.arpa ip6.arpa`: reverse misses go on to the forwarder.
    if (ctx.reverse) return forwarded();
    return {
      rcode: RCODE.NXDOMAIN,
      authoritative: true,
      answers: [],
      authority: [soaRecord(ctx)],
      additional: [],
    };
  }
  if (built.answers.length === 0) {
    return {
      rcode: RCODE.NOERROR,
      authoritative: true,
      answers: [],
      authority: [soaRecord(ctx)],
      additional: [],
    };
  }
  const response: DnsResponse = {
    rcode: RCODE.NOERROR,
    authoritative: true,
    answers: built.answers,
    authority: [],
    additional: built.extra,
  };
  if (built.chase) response.chase = built.chase;
  return response;
}

/** Convenience for callers holding a type mnemonic. */
export function answerByName(zone: Zone, name: string, type: string): DnsResponse {
  return answer(zone, { name, type: TYPE_CODES[type.toUpperCase()] ?? 1 });
}
