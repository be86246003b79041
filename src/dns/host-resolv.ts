/**
 * The host's resolv.conf nameservers: the default upstreams, as kubeadm's
 * Corefile says `forward . /etc/resolv.conf`.
 */
import { readFileSync } from "node:fs";
import { parseIP } from "../api/net.js";

/** Nameserver addresses listed in a resolv.conf text (invalid lines ignored). */
export function parseResolvConfNameservers(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    const addr = m?.[1]?.replace(/%.*$/, "");
    if (addr && parseIP(addr)) out.push(addr);
  }
  return out;
}

export function hostNameservers(path = "/etc/resolv.conf"): string[] {
  try {
    return parseResolvConfNameservers(readFileSync(path, "utf8"));
  } catch {
    return [];
  }
}
