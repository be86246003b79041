/**
 * Table tests in the style of CoreDNS's plugin/kubernetes handler_test.go:
 * (qname, qtype) → rcode, answer, authority, additional, on fixtures shaped
 * like CoreDNS's (test/dns/fixtures.ts), plus the spec 1.1.0 examples.
 * Sections compare as sorted zone-file lines, as CoreDNS's test.SortAndCheck does.
 */
import { describe, expect, it } from "vitest";
import type { ClusterConfig } from "../../src/cluster/config.js";
import { presentRecord, TYPE_CODES } from "../../src/dns/records.js";
import { answer } from "../../src/dns/responder.js";
import { buildZone } from "../../src/dns/zone.js";
import { corednsLikeState } from "./fixtures.js";

interface Case {
  qname: string;
  qtype: string;
  rcode: "NOERROR" | "NXDOMAIN" | "REFUSED" | "FORWARD";
  answer?: string[];
  ns?: string[];
  extra?: string[];
  chase?: string;
}

const SERIAL = 1499347823;
const soa = (zone = "cluster.local.", ttl = 5, min = ttl) =>
  `${zone} ${Math.min(ttl, 300)} IN SOA ns.dns.${zone} hostmaster.${zone} ${SERIAL} 7200 1800 86400 ${min}`;
const norm = (line: string) => line.trim().split(/\s+/).join(" ");

function run(cases: Case[], config: Partial<ClusterConfig> = {}): void {
  const zone = buildZone(corednsLikeState(config), { serial: SERIAL });
  for (const c of cases) {
    it(`${c.qname} ${c.qtype} → ${c.rcode}`, () => {
      const r = answer(zone, { name: c.qname, type: TYPE_CODES[c.qtype]! });
      if (c.rcode === "FORWARD") {
        expect(r.forward).toBe(true);
        return;
      }
      expect(r.forward).toBeUndefined();
      expect({ NOERROR: 0, NXDOMAIN: 3, REFUSED: 5 }[c.rcode]).toBe(r.rcode);
      const lines = (rrs: typeof r.answers) => rrs.map((rr) => norm(presentRecord(rr))).sort();
      expect(lines(r.answers)).toEqual((c.answer ?? []).map(norm).sort());
      expect(lines(r.authority)).toEqual((c.ns ?? []).map(norm).sort());
      expect(lines(r.additional)).toEqual((c.extra ?? []).map(norm).sort());
      expect(r.chase ? `${r.chase.name}/${r.chase.type}` : undefined).toBe(c.chase);
      if (c.rcode !== "REFUSED") expect(r.authoritative).toBe(true);
    });
  }
}

describe("ClusterIP services", () => {
  run([
    {
      qname: "svc1.testns.svc.cluster.local.",
      qtype: "A",
      rcode: "NOERROR",
      answer: ["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"],
    },
    // Case-insensitive, with the query's case echoed in the owner name.
    {
      qname: "SVC1.TestNS.svc.Cluster.Local",
      qtype: "A",
      rcode: "NOERROR",
      answer: ["SVC1.TestNS.svc.Cluster.Local. 5 IN A 10.0.0.1"],
    },
    // A service without endpoints still has its cluster IP.
    {
      qname: "svcempty.testns.svc.cluster.local",
      qtype: "A",
      rcode: "NOERROR",
      answer: ["svcempty.testns.svc.cluster.local. 5 IN A 10.0.0.2"],
    },
    { qname: "svc1.testns.svc.cluster.local", qtype: "AAAA", rcode: "NOERROR", ns: [soa()] },
    {
      qname: "svc6.testns.svc.cluster.local",
      qtype: "AAAA",
      rcode: "NOERROR",
      answer: ["svc6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::1"],
    },
    { qname: "svc6.testns.svc.cluster.local", qtype: "A", rcode: "NOERROR", ns: [soa()] },
    {
      qname: "dual.testns.svc.cluster.local",
      qtype: "A",
      rcode: "NOERROR",
      answer: ["dual.testns.svc.cluster.local. 5 IN A 10.0.0.3"],
    },
    {
      qname: "dual.testns.svc.cluster.local",
      qtype: "AAAA",
      rcode: "NOERROR",
      answer: ["dual.testns.svc.cluster.local. 5 IN AAAA fd00::3"],
    },
    // SRV: named port, with the service's A record as additional data.
    {
      qname: "_http._tcp.svc1.testns.svc.cluster.local",
      qtype: "SRV",
      rcode: "NOERROR",
      answer: ["_http._tcp.svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local."],
      extra: ["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"],
    },
    // The SRV target keeps the query's case in the zone part (CoreDNS handler_case_test.go).
    {
      qname: "_HTTP._TCP.svc1.testns.svc.Cluster.Local",
      qtype: "SRV",
      rcode: "NOERROR",
      answer: ["_HTTP._TCP.svc1.testns.svc.Cluster.Local. 5 IN SRV 0 100 80 svc1.testns.svc.Cluster.Local."],
      extra: ["svc1.testns.svc.Cluster.Local. 5 IN A 10.0.0.1"],
    },
    // Dual-stack: one SRV (deduplicated), weight computed over both entries, both addresses as extras.
    {
      qname: "_http._tcp.dual.testns.svc.cluster.local",
      qtype: "SRV",
      rcode: "NOERROR",
      answer: ["_http._tcp.dual.testns.svc.cluster.local. 5 IN SRV 0 50 80 dual.testns.svc.cluster.local."],
      extra: [
        "dual.testns.svc.cluster.local. 5 IN A 10.0.0.3",
        "dual.testns.svc.cluster.local. 5 IN AAAA fd00::3",
      ],
    },
    // SRV on the bare name lists every port (unnamed ones included); weight floor(100/3).
    {
      qname: "multi.testns.svc.cluster.local",
      qtype: "SRV",
      rcode: "NOERROR",
      answer: [
        "multi.testns.svc.cluster.local. 5 IN SRV 0 33 80 multi.testns.svc.cluster.local.",
        "multi.testns.svc.cluster.local. 5 IN SRV 0 33 443 multi.testns.svc.cluster.local.",
        "multi.testns.svc.cluster.local. 5 IN SRV 0 33 8080 multi.testns.svc.cluster.local.",
      ],
      extra: ["multi.testns.svc.cluster.local. 5 IN A 10.0.0.4"],
    },
    {
      qname: "_https._tcp.multi.testns.svc.cluster.local",
      qtype: "SRV",
      rcode: "NOERROR",
      answer: [
        "_https._tcp.multi.testns.svc.cluster.local. 5 IN SRV 0 100 443 multi.testns.svc.cluster.local.",
      ],
      extra: ["multi.testns.svc.cluster.local. 5 IN A 10.0.0.4"],
    },
    // Wrong protocol / unknown port name: no such name.
    { qname: "_http._udp.svc1.testns.svc.cluster.local", qtype: "SRV", rcode: "NXDOMAIN", ns: [soa()] },
    { qname: "_nope._tcp.svc1.testns.svc.cluster.local", qtype: "A", rcode: "NXDOMAIN", ns: [soa()] },
    // The port form answers A queries with the service address.
    {
      qname: "_http._tcp.svc1.testns.svc.cluster.local",
      qtype: "A",
      rcode: "NOERROR",
      answer: ["_http._tcp.svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"],
    },
    // Endpoint names exist for every service's ready endpoints, not only headless ones.
    {
      qname: "ep1a.svc1.testns.svc.cluster.local",
      qtype: "A",
      rcode: "NOERROR",
      answer: ["ep1a.svc1.testns.svc.cluster.local. 5 IN A 172.0.0.1"],
    },
    {
      qname: "172-0-0-2.svc1.testns.svc.cluster.local",
      qtype: "A",
      rcode: "NOERROR",
      answer: ["172-0-0-2.svc1.testns.svc.cluster.local. 5 IN A 172.0.0.2"],
    },
    { qname: "nope.svc1.testns.svc.cluster.local", qtype: "A", rcode: "NXDOMAIN", ns: [soa()] },
  ]);
});

describe("headless services", () => {
  run([
    {
      qname: "hdls1.testns.svc.cluster.local",
      qtype: "A",
      rcode: "NOERROR",
      answer: [
        "hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2",
        "hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3",
        "hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4",
        "hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.5",
      ],
    },
    { qname: "hdls1.testns.svc.cluster.local", qtype: "AAAA", rcode: "NOERROR", ns: [soa()] },
    {
      qname: "_http._tcp.hdls1.testns.svc.cluster.local",
      qtype: "SRV",
      rcode: "NOERROR",
      answer: [
        "_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 25 80 172-0-0-2.hdls1.testns.svc.cluster.local.",
        "_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 25 80 172-0-0-3.hdls1.testns.svc.cluster.local.",
        "_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 25 80 dup-name.hdls1.testns.svc.cluster.local.",
      ],
      extra: [
        "172-0-0-2.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2",
        "172-0-0-3.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3",
        "dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4",
        "dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.5",
      ],
    },
    // Two endpoints sharing a hostname: one A each.
    {
      qname: "dup-name.hdls1.testns.svc.cluster.local",
      qtype: "A",
      rcode: "NOERROR",
      answer: [
        "dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4",
        "dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.5",
      ],
    },
    {
      qname: "172-0-0-3.hdls1.testns.svc.cluster.local",
      qtype: "A",
      rcode: "NOERROR",
      answer: ["172-0-0-3.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3"],
    },
    // A not-ready endpoint has no records.
    { qname: "172-0-0-6.hdls1.testns.svc.cluster.local", qtype: "A", rcode: "NXDOMAIN", ns: [soa()] },
    // No ready endpoint at all, or no endpoints: NXDOMAIN (spec 2.4.1).
    { qname: "hdlsnotready.testns.svc.cluster.local", qtype: "A", rcode: "NXDOMAIN", ns: [soa()] },
    { qname: "hdlsnoeps.testns.svc.cluster.local", qtype: "A", rcode: "NXDOMAIN", ns: [soa()] },
    // A slice without ports: A records, but no SRV (CoreDNS's port -1 sentinel).
    {
      qname: "hdlsprtls.testns.svc.cluster.local",
      qtype: "A",
      rcode: "NOERROR",
      answer: ["hdlsprtls.testns.svc.cluster.local. 5 IN A 172.0.0.20"],
    },
    { qname: "hdlsprtls.testns.svc.cluster.local", qtype: "SRV", rcode: "NOERROR", ns: [soa()] },
    {
      qname: "hdls6.testns.svc.cluster.local",
      qtype: "AAAA",
      rcode: "NOERROR",
      answer: [
        "hdls6.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1",
        "hdls6.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::2",
      ],
    },
    {
      qname: "pet.hdls6.testns.svc.cluster.local",
      qtype: "AAAA",
      rcode: "NOERROR",
      answer: ["pet.hdls6.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::2"],
    },
    // IPv6 dashed name: every ':' becomes '-'.
    {
      qname: "5678-abcd--1.hdls6.testns.svc.cluster.local",
      qtype: "AAAA",
      rcode: "NOERROR",
      answer: ["5678-abcd--1.hdls6.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1"],
    },
  ]);
});

describe("ExternalName services", () => {
  run([
    {
      qname: "external.testns.svc.cluster.local",
      qtype: "A",
      rcode: "NOERROR",
      answer: ["external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test."],
      chase: "ext.interwebs.test/1",
    },
    {
      qname: "external.testns.svc.cluster.local",
      qtype: "AAAA",
      rcode: "NOERROR",
      answer: ["external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test."],
      chase: "ext.interwebs.test/28",
    },
    {
      qname: "external.testns.svc.cluster.local",
      qtype: "CNAME",
      rcode: "NOERROR",
      answer: ["external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test."],
    },
    // An in-zone target: the CNAME and the target's records.
    {
      qname: "external-to-service.testns.svc.cluster.local",
      qtype: "A",
      rcode: "NOERROR",
      answer: [
        "external-to-service.testns.svc.cluster.local. 5 IN CNAME svc1.testns.svc.cluster.local.",
        "svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1",
      ],
    },
    // An in-zone target that does not resolve: CoreDNS drops the CNAME too (NODATA).
    { qname: "external-to-nothing.testns.svc.cluster.local", qtype: "A", rcode: "NOERROR", ns: [soa()] },
    // "SRV for external services is not yet implemented": NODATA.
    { qname: "external.testns.svc.cluster.local", qtype: "SRV", rcode: "NOERROR", ns: [soa()] },
    {
      qname: "external.testns.svc.cluster.local",
      qtype: "MX",
      rcode: "NOERROR",
      answer: ["external.testns.svc.cluster.local. 5 IN MX 0 ext.interwebs.test."],
    },
    { qname: "ep.external.testns.svc.cluster.local", qtype: "A", rcode: "NXDOMAIN", ns: [soa()] },
  ]);
});

describe("NXDOMAIN, NODATA and empty non-terminals", () => {
  run([
    { qname: "nope.testns.svc.cluster.local", qtype: "A", rcode: "NXDOMAIN", ns: [soa()] },
    { qname: "svc1.nsnoexist.svc.cluster.local", qtype: "A", rcode: "NXDOMAIN", ns: [soa()] },
    { qname: "testns.svc.cluster.local", qtype: "A", rcode: "NOERROR", ns: [soa()] },
    { qname: "empty.svc.cluster.local", qtype: "SRV", rcode: "NOERROR", ns: [soa()] },
    { qname: "nsnoexist.svc.cluster.local", qtype: "A", rcode: "NXDOMAIN", ns: [soa()] },
    { qname: "svc.cluster.local", qtype: "A", rcode: "NOERROR", ns: [soa()] },
    { qname: "pod.cluster.local", qtype: "A", rcode: "NOERROR", ns: [soa()] },
    { qname: "cluster.local", qtype: "A", rcode: "NOERROR", ns: [soa()] },
    { qname: "foo.cluster.local", qtype: "A", rcode: "NXDOMAIN", ns: [soa()] },
    { qname: "a.b.c.svc1.testns.svc.cluster.local", qtype: "A", rcode: "NXDOMAIN", ns: [soa()] },
    // Wildcards were removed from CoreDNS (1.9): '*' is a literal label.
    { qname: "*.testns.svc.cluster.local", qtype: "A", rcode: "NXDOMAIN", ns: [soa()] },
    { qname: "svc1.*.svc.cluster.local", qtype: "A", rcode: "NXDOMAIN", ns: [soa()] },
    // Other types: existence decided by a fake A lookup.
    { qname: "svc1.testns.svc.cluster.local", qtype: "ANY", rcode: "NOERROR", ns: [soa()] },
    { qname: "nope.testns.svc.cluster.local", qtype: "HINFO", rcode: "NXDOMAIN", ns: [soa()] },
    { qname: "svc1.testns.svc.cluster.local", qtype: "MX", rcode: "NOERROR", ns: [soa()] },
    { qname: "svc1.testns.svc.cluster.local", qtype: "CNAME", rcode: "NOERROR", ns: [soa()] },
    { qname: "svc1.testns.svc.cluster.local", qtype: "PTR", rcode: "NOERROR", ns: [soa()] },
    { qname: "nope.testns.svc.cluster.local", qtype: "PTR", rcode: "NXDOMAIN", ns: [soa()] },
    // The SOA of the query's zone keeps the query's case.
    { qname: "nope.testns.svc.CLUSTER.local", qtype: "A", rcode: "NXDOMAIN", ns: [soa("CLUSTER.local.")] },
  ]);
});

describe("apex: SOA, NS, dns-version", () => {
  run([
    { qname: "cluster.local", qtype: "SOA", rcode: "NOERROR", answer: [soa()] },
    // SOA below the apex is NODATA, existing name or not (CoreDNS handler.go).
    { qname: "svc1.testns.svc.cluster.local", qtype: "SOA", rcode: "NOERROR", ns: [soa()] },
    { qname: "nope.testns.svc.cluster.local", qtype: "SOA", rcode: "NOERROR", ns: [soa()] },
    {
      qname: "cluster.local",
      qtype: "NS",
      rcode: "NOERROR",
      answer: ["cluster.local. 5 IN NS ns.dns.cluster.local."],
      extra: ["ns.dns.cluster.local. 5 IN A 10.96.0.10"],
    },
    { qname: "svc1.testns.svc.cluster.local", qtype: "NS", rcode: "NOERROR", ns: [soa()] },
    { qname: "nope.testns.svc.cluster.local", qtype: "NS", rcode: "NXDOMAIN", ns: [soa()] },
    {
      qname: "ns.dns.cluster.local",
      qtype: "A",
      rcode: "NOERROR",
      answer: ["ns.dns.cluster.local. 5 IN A 10.96.0.10"],
    },
    { qname: "ns.dns.cluster.local", qtype: "AAAA", rcode: "NOERROR", ns: [soa()] },
    {
      qname: "dns-version.cluster.local",
      qtype: "TXT",
      rcode: "NOERROR",
      answer: ['dns-version.cluster.local. 28800 IN TXT "1.1.0"'],
    },
    // TXT elsewhere: NODATA when the name exists (coredns#5737), NXDOMAIN otherwise.
    { qname: "svc1.testns.svc.cluster.local", qtype: "TXT", rcode: "NOERROR", ns: [soa()] },
    { qname: "nope.testns.svc.cluster.local", qtype: "TXT", rcode: "NXDOMAIN", ns: [soa()] },
    { qname: "cluster.local", qtype: "AXFR", rcode: "REFUSED" },
    { qname: "cluster.local", qtype: "IXFR", rcode: "REFUSED" },
  ]);
});

describe("reverse (PTR) and forwarding", () => {
  run([
    {
      qname: "1.0.0.10.in-addr.arpa",
      qtype: "PTR",
      rcode: "NOERROR",
      answer: ["1.0.0.10.in-addr.arpa. 5 IN PTR svc1.testns.svc.cluster.local."],
    },
    // An endpoint IP of two services: one PTR per service.
    {
      qname: "2.0.0.172.in-addr.arpa",
      qtype: "PTR",
      rcode: "NOERROR",
      answer: [
        "2.0.0.172.in-addr.arpa. 5 IN PTR 172-0-0-2.svc1.testns.svc.cluster.local.",
        "2.0.0.172.in-addr.arpa. 5 IN PTR 172-0-0-2.hdls1.testns.svc.cluster.local.",
      ],
    },
    {
      qname: "4.0.0.172.in-addr.arpa",
      qtype: "PTR",
      rcode: "NOERROR",
      answer: ["4.0.0.172.in-addr.arpa. 5 IN PTR dup-name.hdls1.testns.svc.cluster.local."],
    },
    {
      qname: "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa",
      qtype: "PTR",
      rcode: "NOERROR",
      answer: [
        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa. 5 IN PTR svc6.testns.svc.cluster.local.",
      ],
    },
    // Not-ready endpoints have no PTR; misses fall through to the forwarder.
    { qname: "6.0.0.172.in-addr.arpa", qtype: "PTR", rcode: "FORWARD" },
    { qname: "9.9.9.9.in-addr.arpa", qtype: "PTR", rcode: "FORWARD" },
    { qname: "0.0.10.in-addr.arpa", qtype: "PTR", rcode: "FORWARD" },
    { qname: "1.0.0.10.in-addr.arpa", qtype: "A", rcode: "FORWARD" },
    { qname: "example.com", qtype: "A", rcode: "FORWARD" },
    { qname: "cluster.local.example.com", qtype: "A", rcode: "FORWARD" },
    { qname: "local", qtype: "SOA", rcode: "FORWARD" },
  ]);
});

describe("pods insecure (kubeadm default)", () => {
  run([
    {
      qname: "10-244-1-5.testns.pod.cluster.local",
      qtype: "A",
      rcode: "NOERROR",
      answer: ["10-244-1-5.testns.pod.cluster.local. 5 IN A 10.244.1.5"],
    },
    // insecure: any address in an existing namespace answers.
    {
      qname: "1-2-3-4.testns.pod.cluster.local",
      qtype: "A",
      rcode: "NOERROR",
      answer: ["1-2-3-4.testns.pod.cluster.local. 5 IN A 1.2.3.4"],
    },
    { qname: "1-2-3-4.nsnoexist.pod.cluster.local", qtype: "A", rcode: "NXDOMAIN", ns: [soa()] },
    { qname: "notanip.testns.pod.cluster.local", qtype: "A", rcode: "NXDOMAIN", ns: [soa()] },
    { qname: "1-2-3-256.testns.pod.cluster.local", qtype: "A", rcode: "NXDOMAIN", ns: [soa()] },
    { qname: "testns.pod.cluster.local", qtype: "A", rcode: "NOERROR", ns: [soa()] },
    {
      qname: "fd00--1.testns.pod.cluster.local",
      qtype: "AAAA",
      rcode: "NOERROR",
      answer: ["fd00--1.testns.pod.cluster.local. 5 IN AAAA fd00::1"],
    },
    { qname: "fd00--1.testns.pod.cluster.local", qtype: "A", rcode: "NOERROR", ns: [soa()] },
  ]);
});

describe("pods verified", () => {
  run(
    [
      {
        qname: "10-244-1-5.testns.pod.cluster.local",
        qtype: "A",
        rcode: "NOERROR",
        answer: ["10-244-1-5.testns.pod.cluster.local. 5 IN A 10.244.1.5"],
      },
      { qname: "1-2-3-4.testns.pod.cluster.local", qtype: "A", rcode: "NXDOMAIN", ns: [soa()] },
      // The pod exists, but in another namespace.
      { qname: "10-244-2-6.testns.pod.cluster.local", qtype: "A", rcode: "NXDOMAIN", ns: [soa()] },
      {
        qname: "10-244-2-6.podns.pod.cluster.local",
        qtype: "A",
        rcode: "NOERROR",
        answer: ["10-244-2-6.podns.pod.cluster.local. 5 IN A 10.244.2.6"],
      },
    ],
    { podsMode: "verified" },
  );
});

describe("pods disabled", () => {
  run(
    [
      { qname: "10-244-1-5.testns.pod.cluster.local", qtype: "A", rcode: "NXDOMAIN", ns: [soa()] },
      { qname: "testns.pod.cluster.local", qtype: "A", rcode: "NXDOMAIN", ns: [soa()] },
    ],
    { podsMode: "disabled" },
  );
});

describe("the spec's examples (Kubernetes DNS spec 1.1.0)", () => {
  run([
    {
      qname: "kubernetes.default.svc.cluster.local.",
      qtype: "A",
      rcode: "NOERROR",
      answer: ["kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1"],
    },
    {
      qname: "_https._tcp.kubernetes.default.svc.cluster.local.",
      qtype: "SRV",
      rcode: "NOERROR",
      answer: [
        "_https._tcp.kubernetes.default.svc.cluster.local. 5 IN SRV 0 100 443 kubernetes.default.svc.cluster.local.",
      ],
      extra: ["kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1"],
    },
    {
      qname: "1.0.96.10.in-addr.arpa.",
      qtype: "PTR",
      rcode: "NOERROR",
      answer: ["1.0.96.10.in-addr.arpa. 5 IN PTR kubernetes.default.svc.cluster.local."],
    },
    {
      qname: "dns-version.cluster.local.",
      qtype: "TXT",
      rcode: "NOERROR",
      answer: ['dns-version.cluster.local. 28800 IN TXT "1.1.0"'],
    },
  ]);
});

describe("TTL and cluster domain are configuration", () => {
  run(
    [
      {
        qname: "svc1.testns.svc.example.internal",
        qtype: "A",
        rcode: "NOERROR",
        answer: ["svc1.testns.svc.example.internal. 30 IN A 10.0.0.1"],
      },
      {
        qname: "nope.testns.svc.example.internal",
        qtype: "A",
        rcode: "NXDOMAIN",
        ns: [soa("example.internal.", 30)],
      },
      { qname: "svc1.testns.svc.cluster.local", qtype: "A", rcode: "FORWARD" },
    ],
    { dnsTTL: 30, clusterDomain: "example.internal" },
  );
  // The SOA's own TTL is capped at 300 s; its minimum is the configured TTL.
  run(
    [
      {
        qname: "nope.testns.svc.cluster.local",
        qtype: "A",
        rcode: "NXDOMAIN",
        ns: [soa("cluster.local.", 600, 600)],
      },
    ],
    { dnsTTL: 600 },
  );
});
