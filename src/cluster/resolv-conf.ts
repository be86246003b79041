/**
 * The /etc/resolv.conf the kubelet writes into each pod (pkg/kubelet/network/dns):
 *   - ClusterFirst (and ClusterFirstWithHostNet): nameserver = cluster DNS
 *     Service IP, search = NS.svc.ZONE svc.ZONE ZONE followed by the node's
 *     own search domains, options ndots:5;
 *   - hostNetwork pods with ClusterFirst fall back to Default;
 *   - Default: the node's resolv.conf (nameservers, search, options);
 *   - None: nothing but spec.dnsConfig.
 * spec.dnsConfig is then merged in: nameservers and searches appended and
 * de-duplicated, options merged by name with the pod's value winning; the
 * result is cut to the kubelet's limits (3 nameservers, 32 search domains,
 * 2048 characters of search list).
 *
 * The node's resolv.conf is the kubelet's --resolv-conf: michi's nodes are
 * virtual, so it is this machine's /etc/resolv.conf, read once on first use;
 * callers (tests, `up` with a custom one) pass it explicitly.
 */
import { readFileSync } from "node:fs";
import type { Pod } from "../api/types.js";
import type { ClusterState } from "./state.js";

export interface ResolvOption {
  name: string;
  value?: string;
}

export interface ResolvConf {
  nameservers: string[];
  searches: string[];
  options: ResolvOption[];
  /** Effective ndots (resolver default 1 when no option sets it). */
  ndots: number;
}

export interface HostResolvConf {
  nameservers: string[];
  searches: string[];
  options: ResolvOption[];
}

export const MAX_NAMESERVERS = 3;
export const MAX_DNS_SEARCH_PATHS = 32;
export const MAX_DNS_SEARCH_LIST_CHARS = 2048;

function parseOption(text: string): ResolvOption {
  const i = text.indexOf(":");
  return i < 0 ? { name: text } : { name: text.slice(0, i), value: text.slice(i + 1) };
}

/** Parses resolv.conf text as the kubelet does (last `search` wins; "." and trailing dots dropped). */
export function parseResolvConf(text: string): HostResolvConf {
  const out: HostResolvConf = { nameservers: [], searches: [], options: [] };
  for (const raw of text.split("\n")) {
    const line = raw.replace(/[#;].*$/, "").trim();
    if (!line) continue;
    const [key, ...fields] = line.split(/\s+/);
    if (key === "nameserver" && fields[0]) out.nameservers.push(fields[0]);
    else if (key === "search")
      out.searches = fields.filter((f) => f !== ".").map((f) => f.replace(/\.$/, ""));
    else if (key === "options") out.options = mergeOptions(out.options, fields.map(parseOption));
  }
  return out;
}

let hostCache: HostResolvConf | undefined;

/** This machine's /etc/resolv.conf (cached); empty when unreadable. */
export function hostResolvConf(): HostResolvConf {
  if (!hostCache) {
    try {
      hostCache = parseResolvConf(readFileSync("/etc/resolv.conf", "utf8"));
    } catch {
      hostCache = { nameservers: [], searches: [], options: [] };
    }
  }
  return hostCache;
}

function dedupe(list: readonly string[]): string[] {
  return [...new Set(list)];
}

/** Options merged by name; later ones override earlier ones but keep the first position. */
function mergeOptions(a: readonly ResolvOption[], b: readonly ResolvOption[]): ResolvOption[] {
  const m = new Map<string, ResolvOption>();
  for (const o of [...a, ...b])
    m.set(o.name, o.value === undefined || o.value === "" ? { name: o.name } : { ...o });
  return [...m.values()];
}

/** Which DNS configuration the kubelet applies (getPodDNSType). */
export function effectiveDNSPolicy(pod: Pod): "cluster" | "host" | "none" {
  const policy = pod.spec?.dnsPolicy ?? "ClusterFirst";
  if (policy === "None") return "none";
  if (policy === "Default") return "host";
  if (policy === "ClusterFirstWithHostNet") return "cluster";
  // ClusterFirst on the host network would shadow the node's resolver: the kubelet uses Default instead.
  return pod.spec?.hostNetwork ? "host" : "cluster";
}

export function resolvConfFor(
  pod: Pod,
  state: ClusterState,
  host: HostResolvConf = hostResolvConf(),
): ResolvConf {
  const ns = pod.metadata?.namespace ?? "default";
  const zone = state.config.clusterDomain;
  let nameservers: string[] = [];
  let searches: string[] = [];
  let options: ResolvOption[] = [];
  switch (effectiveDNSPolicy(pod)) {
    case "cluster":
      nameservers = [state.config.dnsServiceIP];
      searches = dedupe([`${ns}.svc.${zone}`, `svc.${zone}`, zone, ...host.searches]);
      options = [{ name: "ndots", value: "5" }];
      break;
    case "host":
      nameservers = [...host.nameservers];
      searches = [...host.searches];
      options = host.options.map((o) => ({ ...o }));
      break;
    case "none":
      break;
  }
  const dc = pod.spec?.dnsConfig;
  if (dc) {
    nameservers = dedupe([...nameservers, ...(dc.nameservers ?? [])]);
    searches = dedupe([...searches, ...(dc.searches ?? [])]);
    options = mergeOptions(options, dc.options ?? []);
  }
  // formDNSConfigFitsLimits.
  nameservers = nameservers.slice(0, MAX_NAMESERVERS);
  searches = searches.slice(0, MAX_DNS_SEARCH_PATHS);
  while (searches.join(" ").length > MAX_DNS_SEARCH_LIST_CHARS) searches.pop();
  const ndotsOpt = options.find((o) => o.name === "ndots")?.value;
  const n = ndotsOpt === undefined ? Number.NaN : Number.parseInt(ndotsOpt, 10);
  // glibc caps ndots at 15; default 1.
  const ndots = Number.isNaN(n) ? 1 : Math.min(Math.max(n, 0), 15);
  return { nameservers, searches, options, ndots };
}

export function formatResolvConf(r: ResolvConf): string {
  const lines: string[] = [];
  if (r.searches.length) lines.push(`search ${r.searches.join(" ")}`);
  for (const ns of r.nameservers) lines.push(`nameserver ${ns}`);
  if (r.options.length)
    lines.push(
      `options ${r.options.map((o) => (o.value !== undefined ? `${o.name}:${o.value}` : o.name)).join(" ")}`,
    );
  return lines.length ? `${lines.join("\n")}\n` : "";
}
