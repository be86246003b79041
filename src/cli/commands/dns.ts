/**
 * `michi dns -f PATH... NAME [TYPE] [--from POD] [-o json]`: what the cluster
 * DNS answers (shared/CLI.md), or — with --from — what that pod's resolver
 * does with NAME: its resolv.conf, every query the search list and ndots
 * produce, and the final answer. `michi dns serve` runs the DNS server alone.
 */
import cluster from "node:cluster";
import type { Command } from "commander";
import { MichiError } from "../../api/diagnostics.js";
import type { Pod } from "../../api/types.js";
import { effectiveDNSPolicy, formatResolvConf, resolvConfFor } from "../../cluster/resolv-conf.js";
import type { ClusterState } from "../../cluster/state.js";
import { Forwarder } from "../../dns/forwarder.js";
import { hostNameservers } from "../../dns/host-resolv.js";
import { forwardOnly, type LookupResult, lookup } from "../../dns/lookup.js";
import { presentData, presentRecord, type ResourceRecord, rcodeName, typeCode } from "../../dns/records.js";
import { startDnsServer } from "../../dns/server.js";
import { runSearch } from "../../dns/stub-resolver.js";
import { addManifestOptions, loadFromOptions, type ManifestOptions, printJSON } from "../common.js";

interface DnsOptions extends ManifestOptions {
  from?: string;
  output?: string;
  upstream?: string[];
  dnsUpstreams?: string;
  forward?: boolean;
}

interface ServeOptions extends ManifestOptions {
  dns?: string;
  upstream?: string[];
  dnsUpstreams?: string;
  openResolver?: boolean;
  workers?: string;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function recordJSON(rr: ResourceRecord): { name: string; type: string; ttl: number; data: string } {
  return {
    name: rr.name.endsWith(".") ? rr.name : `${rr.name}.`,
    type: rr.type,
    ttl: rr.ttl,
    data: presentData(rr),
  };
}

function responseJSON(r: LookupResult): Record<string, unknown> {
  const out: Record<string, unknown> = {
    rcode: rcodeName(r.rcode),
    answers: r.answers.map(recordJSON),
    authority: r.authority.map(recordJSON),
    additional: r.additional.map(recordJSON),
  };
  if (r.upstream) out.upstream = r.upstream;
  return out;
}

function summary(r: LookupResult): string {
  const n = r.answers.length;
  const what = r.rcode === 0 ? (n > 0 ? `${n} answer${n === 1 ? "" : "s"}` : "no records (NODATA)") : "";
  const via = r.upstream
    ? ` [upstream: ${r.upstream.status}${r.upstream.reason ? `: ${r.upstream.reason}` : ""}]`
    : "";
  return `${rcodeName(r.rcode)}${what ? `, ${what}` : ""}${via}`;
}

function printResponse(r: LookupResult, out: (s: string) => void): void {
  out(`;; status: ${summary(r)}${r.authoritative ? ", authoritative" : ""}\n`);
  const section = (title: string, rrs: ResourceRecord[]) => {
    if (rrs.length === 0) return;
    out(`;; ${title}\n`);
    for (const rr of rrs) out(`${presentRecord(rr)}\n`);
  };
  section("ANSWER", r.answers);
  section("AUTHORITY", r.authority);
  section("ADDITIONAL", r.additional);
}

/** `NS/NAME` names a pod; when no pod has that name, the first pod of a workload named NAME (`NAME-…`). */
function findPod(state: ClusterState, ref: string): Pod {
  const parts = ref.split("/");
  const [ns, name] =
    parts.length === 2 ? parts : parts.length === 1 ? ["default", parts[0]] : [parts[1], parts[2]];
  if (!ns || !name)
    throw new MichiError("BadFlag", `--from: expected NAMESPACE/POD, got ${JSON.stringify(ref)}`);
  const exact = state.index.pod(ns, name);
  if (exact) return exact;
  const owned = state.index
    .podsInNamespace(ns)
    .filter((p) => (p.metadata?.name ?? "").startsWith(`${name}-`))
    .sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""));
  if (owned[0]) return owned[0];
  throw new MichiError("NotFound", `--from: pod ${ns}/${name} not found`);
}

function parseType(text: string | undefined): number {
  const code = typeCode(text ?? "A");
  if (code === undefined) throw new MichiError("BadFlag", `unknown record type ${JSON.stringify(text)}`);
  return code;
}

async function runQuery(name: string, typeText: string | undefined, opts: DnsOptions): Promise<void> {
  const type = parseType(typeText);
  const snap = await loadFromOptions(opts);
  const { state, zone } = snap;
  const upstreams = opts.upstream && opts.upstream.length > 0 ? opts.upstream : hostNameservers();
  const forwarder =
    opts.forward === false || upstreams.length === 0
      ? undefined
      : new Forwarder({ upstreams, timeoutMs: 2000 });
  const json = opts.output === "json";
  if (opts.output !== undefined && !json)
    throw new MichiError("BadFlag", `-o: expected json, got ${JSON.stringify(opts.output)}`);
  const out = (s: string) => process.stdout.write(s);
  const typeName = (typeText ?? "A").toUpperCase();
  try {
    if (!opts.from) {
      const r = await lookup(zone, forwarder, name.replace(/\.$/, ""), type);
      if (json) printJSON(responseJSON(r));
      else printResponse(r, out);
      return;
    }
    const pod = findPod(state, opts.from);
    const rc = resolvConfFor(pod, state);
    const policy = effectiveDNSPolicy(pod);
    // Queries reach the cluster DNS when it is the pod's first nameserver; otherwise they go to that server.
    const clusterDns =
      rc.nameservers[0] === state.config.dnsServiceIP || zone.nameservers.includes(rc.nameservers[0] ?? "");
    const direct =
      !clusterDns && rc.nameservers.length > 0 && opts.forward !== false
        ? new Forwarder({ upstreams: rc.nameservers, timeoutMs: 2000 })
        : undefined;
    try {
      const result = await runSearch(name, rc, async (fqdn) => {
        if (clusterDns) return lookup(zone, forwarder, fqdn, type);
        // Not the cluster DNS: the pod asks that server, which knows nothing of the cluster zone.
        return forwardOnly(direct, fqdn, type);
      });
      const podName = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
      if (json) {
        printJSON({
          ...responseJSON(result.final as LookupResult),
          pod: podName,
          dnsPolicy: pod.spec?.dnsPolicy ?? "ClusterFirst",
          resolvConf: {
            nameservers: rc.nameservers,
            searches: rc.searches,
            options: rc.options,
            ndots: rc.ndots,
          },
          queries: result.queries.map((q) => ({
            name: `${q.name}.`,
            type: typeName,
            ...responseJSON(q.response as LookupResult),
          })),
          ...(result.answeredBy ? { answeredBy: `${result.answeredBy}.` } : {}),
        });
        return;
      }
      out(
        `pod ${podName} (dnsPolicy ${pod.spec?.dnsPolicy ?? "ClusterFirst"}${policy === "host" ? ", uses the node's resolv.conf" : ""})\n`,
      );
      out(
        formatResolvConf(rc)
          .split("\n")
          .filter((l) => l)
          .map((l) => `  ${l}\n`)
          .join(""),
      );
      const dots = name.split(".").length - 1;
      if (name.endsWith(".")) out(`"${name}" is absolute: asked as is\n`);
      else
        out(
          `"${name}" has ${dots} dot${dots === 1 ? "" : "s"} ${dots >= rc.ndots ? ">=" : "<"} ndots:${rc.ndots}: ${dots >= rc.ndots ? "asked as is first, then with the search list" : "search list first, as is last"}\n`,
        );
      out(`queries (${result.queries.length}):\n`);
      result.queries.forEach((q, i) => {
        out(`  ${i + 1}. ${q.name}. ${typeName} -> ${summary(q.response as LookupResult)}\n`);
      });
      out(result.answeredBy ? `answer (from ${result.answeredBy}.):\n` : "answer:\n");
      printResponse(result.final as LookupResult, out);
    } finally {
      direct?.close();
    }
  } finally {
    forwarder?.close();
  }
}

function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(text);
  if (!m) throw new MichiError("BadFlag", `--dns: expected ADDR:PORT, got ${JSON.stringify(text)}`);
  const port = Number(m[3]);
  if (port > 65535) throw new MichiError("BadFlag", `--dns: port out of range: ${port}`);
  return { host: (m[1] ?? m[2])!, port };
}

async function runServe(opts: ServeOptions): Promise<void> {
  const { host, port } = parseListen(opts.dns ?? "127.0.0.1:1053");
  const workers = opts.workers === undefined ? 1 : Number(opts.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64)
    throw new MichiError("BadFlag", "--workers: expected 1-64");
  if (workers > 1 && cluster.isPrimary) {
    // node:cluster shares one UDP socket between the workers (Node 20 has no SO_REUSEPORT for dgram).
    if (port === 0) throw new MichiError("BadFlag", "--workers needs a fixed --dns port");
    let ready = 0;
    for (let i = 0; i < workers; i++) {
      const w = cluster.fork();
      w.on("message", (m: unknown) => {
        if (m === "ready" && ++ready === workers)
          process.stdout.write(`michi dns: ready on ${host}:${port} (udp+tcp, ${workers} workers)\n`);
      });
    }
    const stop = () => {
      for (const w of Object.values(cluster.workers ?? {})) w?.kill();
      process.exit(0);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    await new Promise(() => {});
    return;
  }
  const snap = await loadFromOptions(opts, { printDiagnostics: cluster.isPrimary });
  const t0 = performance.now();
  const zone = snap.zone;
  const buildMs = performance.now() - t0;
  const server = await startDnsServer({
    host,
    port,
    getZone: () => zone,
    // `--dns-upstreams none` is an empty list: no forwarding.
    ...(opts.upstream && (opts.upstream.length > 0 || opts.dnsUpstreams?.trim() === "none")
      ? { upstreams: opts.upstream }
      : {}),
    ...(opts.openResolver ? { openResolver: true } : {}),
  });
  if (cluster.isWorker) {
    process.send?.("ready");
  } else {
    const up = server.forwarder ? server.forwarder.upstreams.map((u) => u.label).join(", ") : "none";
    process.stdout.write(
      `michi dns: ready on ${server.address} (udp+tcp) zone ${zone.origin}: ${zone.stats.services} services, ${zone.stats.endpoints} endpoints (built in ${buildMs.toFixed(1)} ms); upstreams: ${up}\n`,
    );
  }
  const stop = () => {
    server.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  await new Promise(() => {});
}

const DNS_UPSTREAMS =
  "resolvers for names outside the cluster, comma-separated, or none (as michi up's flag; default: the host's)";

/**
 * `--dns-upstreams LIST` (the name `michi up` uses) and the older repeatable
 * `--upstream ADDR`, kept as an alias: one list. `none` means no forwarding.
 */
function withUpstreams<T extends { upstream?: string[]; dnsUpstreams?: string; forward?: boolean }>(
  opts: T,
): T {
  if (opts.dnsUpstreams === undefined) return opts;
  if (opts.dnsUpstreams.trim() === "none") return { ...opts, upstream: [], forward: false };
  const list = opts.dnsUpstreams
    .split(",")
    .map((u) => u.trim())
    .filter((u) => u !== "");
  return { ...opts, upstream: [...(opts.upstream ?? []), ...list] };
}

export function register(program: Command): void {
  const dns = addManifestOptions(
    program
      .command("dns")
      .description(
        "answer a DNS query as the cluster DNS would; --from POD resolves as that pod's resolver does",
      )
      .argument("<name>", "name to resolve")
      .argument("[type]", "record type (A, AAAA, SRV, PTR, TXT, SOA, NS, CNAME, MX, ANY...)", "A")
      .option(
        "--from <pod>",
        "resolve as this pod would (NAMESPACE/POD): search list, ndots, dnsPolicy, dnsConfig",
      )
      .option("-o, --output <format>", "output format: json")
      .option("--dns-upstreams <list>", DNS_UPSTREAMS)
      .option("--upstream <addr>", "one upstream resolver (alias of --dns-upstreams); repeatable", collect)
      .option("--no-forward", "do not forward names outside the cluster"),
  );
  dns.action(async (name: string, type: string | undefined, opts: DnsOptions) => {
    await runQuery(name, type, withUpstreams(opts));
  });
  addManifestOptions(
    dns
      .command("serve")
      .description("serve the cluster DNS zone over UDP and TCP")
      .option("--dns <addr:port>", "listen address (default 127.0.0.1:1053)")
      .option("--dns-upstreams <list>", DNS_UPSTREAMS)
      .option("--upstream <addr>", "one upstream resolver (alias of --dns-upstreams); repeatable", collect)
      .option("--open-resolver", "forward for clients outside loopback too")
      .option("--workers <n>", "processes sharing the UDP socket (node:cluster); default 1"),
  ).action(async (opts: ServeOptions) => {
    // Manifest flags may land on the parent `dns` command (commander reads parent options anywhere).
    const parent = dns.opts<ManifestOptions>();
    await runServe(
      withUpstreams({ ...parent, ...opts, filename: [...(parent.filename ?? []), ...(opts.filename ?? [])] }),
    );
  });
}
