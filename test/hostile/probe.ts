/**
 * The probe loop of the hostile-input tests: while an attack runs, ask the
 * other planes (cluster DNS over UDP, a Service over TCP) one question after
 * another and count the failures. Bounded in count; every probe has its own
 * generous timeout (the machine is shared), and a failure is recorded with
 * its reason.
 */
import { rawHttp, type Up } from "../e2e/harness.js";
import { dnsAsk, dnsAskTcp } from "./dns-client.js";

export interface ProbeTotals {
  ok: number;
  failed: number;
  errors: string[];
}

export interface ProbeTargets {
  /** A name the cluster DNS answers with at least one A record. */
  dnsName: string;
  /** A Service's local address, answered over HTTP. */
  http?: { host: string; port: number };
  /** Also ask the DNS name over TCP, from this source address. */
  tcpFrom?: string;
  /** The ingress listener (--http): any HTTP answer counts (404 without a matching Ingress). */
  ingress?: { host: string; port: number };
}

/** Starts probing; `stop()` ends the loop and returns the totals. */
export function startProbes(
  up: Up,
  targets: ProbeTargets,
  opts: { max?: number; pauseMs?: number } = {},
): { stop: () => Promise<ProbeTotals> } {
  const totals: ProbeTotals = { ok: 0, failed: 0, errors: [] };
  let running = true;
  const max = opts.max ?? 2000;
  const loop = (async () => {
    for (let i = 0; running && i < max; i++) {
      const a = await dnsAsk("127.0.0.1", up.dns, targets.dnsName, "A", { timeoutMs: 5000 });
      if (a.ok && a.answers > 0) totals.ok++;
      else {
        totals.failed++;
        totals.errors.push(`dns: ${a.ok ? `${a.rcode}, ${a.answers} answers` : a.error}`);
      }
      if (targets.tcpFrom) {
        const t = await dnsAskTcp("127.0.0.1", up.dns, targets.dnsName, "A", {
          timeoutMs: 5000,
          localAddress: targets.tcpFrom,
        });
        if (t.ok && t.answers > 0) totals.ok++;
        else {
          totals.failed++;
          totals.errors.push(`dns/tcp: ${t.ok ? `${t.rcode}, ${t.answers} answers` : t.error}`);
        }
      }
      if (targets.ingress) {
        const h = await rawHttp(targets.ingress.host, targets.ingress.port, { timeoutMs: 5000 });
        if (h.ok) totals.ok++;
        else {
          totals.failed++;
          totals.errors.push(`ingress: ${h.error}`);
        }
      }
      if (targets.http) {
        const h = await rawHttp(targets.http.host, targets.http.port, { timeoutMs: 5000 });
        if (h.ok && h.status === 200) totals.ok++;
        else {
          totals.failed++;
          totals.errors.push(`http: ${h.ok ? h.status : h.error}`);
        }
      }
      await new Promise((r) => setTimeout(r, opts.pauseMs ?? 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return totals;
    },
  };
}

/** Peak resident memory of a process (VmHWM), in MB. */
export async function peakRssMb(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** Open file descriptors of a process. */
export async function openFds(pid: number): Promise<number> {
  const { readdir } = await import("node:fs/promises");
  return (await readdir(`/proc/${pid}/fd`)).length;
}

/** Current resident memory of a process (VmRSS), in MB. */
export async function rssMb(pid: number): Promise<number> {
  const { readFile } = await import("node:fs/promises");
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : Number.NaN;
}
