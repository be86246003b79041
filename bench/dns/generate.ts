/**
 * Writes the benchmark inputs for the same synthetic cluster michi serves:
 * a knot zone file holding exactly the records michi answers for the queried
 * names (taken from michi's responder), knot.conf, and the dnsperf query file
 * (every service name, A; plus 1 in 10 names that do not exist).
 * Run: npx tsx bench/dns/generate.ts OUTDIR KNOT_PORT [services]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { presentRecord, TYPE_CODES } from "../../src/dns/records.js";
import { answer } from "../../src/dns/responder.js";
import { buildZone } from "../../src/dns/zone.js";
import { scaleState } from "../../test/dns/scale-fixture.js";

const out = process.argv[2] ?? "/tmp/michi-dns-bench";
const knotPort = Number(process.argv[3] ?? 5354);
const services = Number(process.argv[4] ?? 10_000);
mkdirSync(out, { recursive: true });

const zone = buildZone(scaleState(services, 5), { serial: 1 });
const queries: string[] = [];
const lines = new Set<string>();
const soa = answer(zone, { name: "cluster.local", type: TYPE_CODES.SOA! }).answers[0]!;
const ns = answer(zone, { name: "cluster.local", type: TYPE_CODES.NS! });
lines.add(presentRecord(soa));
for (const rr of [...ns.answers, ...ns.additional]) lines.add(presentRecord(rr));
for (let i = 0; i < services; i++) {
  const name = `svc-${i}.ns-${i % 100}.svc.cluster.local`;
  queries.push(`${name} A`);
  for (const rr of answer(zone, { name, type: TYPE_CODES.A! }).answers) lines.add(presentRecord(rr));
  if (i % 10 === 0) queries.push(`nope-${i}.ns-${i % 100}.svc.cluster.local A`);
}
// Namespaces are empty non-terminals in michi (NODATA); knot gives the same for names that have children.
writeFileSync(join(out, "cluster.local.zone"), `$ORIGIN cluster.local.\n${[...lines].join("\n")}\n`);
writeFileSync(join(out, "queries.txt"), `${queries.join("\n")}\n`);
writeFileSync(
  join(out, "knot.conf"),
  `server:
    listen: 127.0.0.1@${knotPort}
    udp-workers: 2
    tcp-workers: 1
    background-workers: 1
    rundir: "${out}"
log:
  - target: stderr
    any: error
database:
    storage: "${out}/db"
template:
  - id: default
    storage: "${out}"
    file: "%s.zone"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    semantic-checks: off
zone:
  - domain: cluster.local
`,
);
console.log(JSON.stringify({ out, records: lines.size, queries: queries.length }));
