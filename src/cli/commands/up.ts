/**
 * `michi up -f PATH...`: runs the cluster network on this machine (see
 * docs/up.md). Prints one line containing `ready` once every listener serves,
 * then what serves where and commands to try; SIGINT/SIGTERM drain and exit 0.
 */
import { type Command, Option } from "commander";
import { formatDiagnostic, MichiError } from "../../api/diagnostics.js";
import { addressMapFor, parseAddressMapping } from "../../cluster/addresses.js";
import { defaultPortRule } from "../../runtime/port-rule.js";
import { formatReadyReport } from "../../runtime/ready-report.js";
import {
  checkInstanceName,
  checkRecordPath,
  DEFAULT_INSTANCE,
  removeUpRecord,
  writeUpRecord,
} from "../../runtime/state-file.js";
import { DiagnosticsError, UpInstance } from "../../runtime/up.js";
import type { HostPort } from "../../runtime/up-view.js";
import { dashboardForUp } from "../../web/up-dashboard.js";
import {
  addManifestOptions,
  configFromOptions,
  type ManifestOptions,
  parseLoopbackHostPort,
} from "../common.js";
import { keepServingOnClosedOutput } from "../pipe.js";

interface UpFlags extends ManifestOptions {
  dns?: string;
  http?: string;
  https?: string;
  ui: string;
  watch?: boolean;
  deny: string;
  dropHold: string;
  lowPortOffset?: string;
  hostIp: string;
  dnsServiceIp?: string;
  addressMap: string[];
  backoffScale: string;
  debounce: string;
  dnsUpstreams?: string;
  name: string;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

const hostPort = (flag: string, text: string): HostPort => parseLoopbackHostPort(flag, text, "michi up");

export function register(program: Command): void {
  const cmd = program
    .command("up")
    .description(
      "run the cluster network for real on loopback: DNS, ingress, service proxies, pods, NetworkPolicy",
    )
    .option(
      "--dns <addr:port>",
      "also serve the cluster DNS here (it always serves on the kube-dns service address)",
    )
    .option(
      "--http <addr:port>",
      "ingress controller HTTP, as a client outside the cluster reaches it",
      "127.0.0.1:8080",
    )
    .option("--https <addr:port>", "ingress controller HTTPS", "127.0.0.1:8443")
    .option("--ui <addr:port>", "admin API (and dashboard)", "127.0.0.1:7070")
    .option("--watch", "reload when the manifests change")
    .option(
      "--name <name>",
      "this instance's name: client commands pick it with --name when several run",
      DEFAULT_INSTANCE,
    )
    .addOption(
      new Option("--deny <action>", "what denied connections get")
        .choices(["drop", "reject"])
        .default("drop"),
    )
    .option("--drop-hold <ms>", "how long a dropped TCP connection is held before it is closed", "30000")
    .option("--low-port-offset <n>", "added to model ports below 1024 (default: 0 as root, else 10000)")
    .option(
      "--host-ip <addr>",
      "this machine's address: an outside client, and where NodePorts also listen",
      "127.0.0.1",
    )
    .option("--dns-service-ip <ip>", "cluster IP of kube-system/kube-dns (default 10.96.0.10)")
    .option(
      "--address-map <model=local>",
      "extra model→loopback mapping, e.g. 192.168.0.0/16=127.168.0.0/16; repeatable",
      collect,
      [],
    )
    .option("--backoff-scale <x>", "scale of the kubelet crash-loop backoff for pod commands", "1")
    .option("--debounce <ms>", "delay before a --watch reload", "200")
    .option(
      "--dns-upstreams <list>",
      "resolvers for names outside the cluster, comma-separated, or none (default: the host's)",
    );
  addManifestOptions(cmd).action(async (flags: UpFlags) => {
    const name = checkInstanceName(flags.name);
    // Before anything serves: a running instance of that name, or an unsafe record path, is refused.
    checkRecordPath(name);
    const config = configFromOptions(flags);
    if (flags.dnsServiceIp) config.dnsServiceIP = flags.dnsServiceIp;
    const rule = defaultPortRule();
    const portRule =
      flags.lowPortOffset !== undefined ? { lowPortOffset: Number.parseInt(flags.lowPortOffset, 10) } : rule;
    if (
      !Number.isInteger(portRule.lowPortOffset) ||
      portRule.lowPortOffset < 0 ||
      portRule.lowPortOffset > 64511
    ) {
      throw new MichiError(
        "BadFlag",
        `--low-port-offset: expected an integer 0-64511, got ${JSON.stringify(flags.lowPortOffset)}`,
      );
    }
    const ui = hostPort("--ui", flags.ui);
    const up: UpInstance = new UpInstance({
      // The dashboard (issue 7) on the same --ui address; the admin API keeps its own paths.
      handlers: [dashboardForUp(() => up)],
      paths: flags.filename,
      config,
      addressMap: addressMapFor(config, flags.addressMap.map(parseAddressMapping), flags.hostIp),
      portRule,
      hostIP: flags.hostIp,
      ui,
      ...(flags.dns ? { dns: hostPort("--dns", flags.dns) } : {}),
      ...(flags.http && flags.http !== "none" ? { http: hostPort("--http", flags.http) } : {}),
      ...(flags.https && flags.https !== "none" ? { https: hostPort("--https", flags.https) } : {}),
      watch: flags.watch === true,
      deny: flags.deny === "reject" ? "reject" : "drop",
      dropHoldMs: Number(flags.dropHold) || 30000,
      backoffScale: Number(flags.backoffScale) || 1,
      debounceMs: Number(flags.debounce) || 200,
      ...(flags.dnsUpstreams !== undefined
        ? {
            dnsUpstreams:
              flags.dnsUpstreams === "none" ? [] : flags.dnsUpstreams.split(",").map((u) => u.trim()),
          }
        : {}),
      log: (line) => process.stderr.write(`michi: ${line}\n`),
    });
    const started = Date.now();
    try {
      await up.start();
    } catch (err) {
      if (err instanceof DiagnosticsError) {
        for (const d of err.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
        process.stderr.write(`michi: ${err.message}\n`);
        // An unreadable -f is a usage error (2) as for every command; invalid manifests are 1.
        process.exitCode = err.diagnostics.some((d) => d.code === "FileUnreadable") ? 2 : 1;
        return;
      }
      throw err;
    }
    // Last line of defence: a bug on one connection must not take the whole network down.
    // Output may go to a pipe that closes (`michi up | head`): losing the log must not stop the network,
    // and reporting a write error must not write to the broken stream again.
    keepServingOnClosedOutput();
    const report = (err: unknown) => {
      if ((err as NodeJS.ErrnoException)?.code === "EPIPE") return;
      try {
        process.stderr.write(
          `michi: internal error (still serving): ${(err as Error)?.stack ?? String(err)}\n`,
        );
      } catch {
        // stderr is gone too.
      }
    };
    process.on("uncaughtException", report);
    process.on("unhandledRejection", report);
    const server = `http://${up.uiAddress?.host}:${up.uiAddress?.port}`;
    let recordFile: string;
    try {
      recordFile = writeUpRecord({
        name,
        server,
        token: up.token,
        pid: process.pid,
        startedAt: new Date().toISOString(),
      });
    } catch (err) {
      await up.stop();
      throw err;
    }
    process.stdout.write(formatReadyReport(up, server, Date.now() - started));
    if (flags.http && /:8080$/.test(flags.http))
      // kubectl without a kubeconfig falls back to http://localhost:8080, which is this ingress port.
      process.stderr.write(
        'michi: note: a kubectl with no kubeconfig talks to localhost:8080, michi\'s ingress port (--http), and prints a puzzling NotFound; michi up serves no Kubernetes API (docs/up.md, "kubectl and localhost:8080")\n',
      );
    process.stderr.write(
      `michi: admin token ${up.token} (for apply/delete from the dashboard; also in ${recordFile}, mode 0600)\n`,
    );
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (sig: string) => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`michi: ${sig}: draining\n`);
        up.stop()
          .catch(() => {})
          .finally(() => {
            removeUpRecord(name, process.pid);
            resolve();
          });
      };
      process.once("SIGINT", () => stop("SIGINT"));
      process.once("SIGTERM", () => stop("SIGTERM"));
    });
    // Everything is closed; exit now rather than wait on whatever a dependency left referenced.
    process.stdout.write("michi: stopped\n", () => process.exit(0));
    setTimeout(() => process.exit(0), 200).unref();
  });
}
