/**
 * `michi probe`: real connections from every pod to every pod and port of a
 * running `michi up`, through its data plane, as the upstream NetworkPolicy
 * e2e suite probes its x/y/z pods. The truth table has the shape of
 * `michi matrix -o json`, so the two can be compared cell by cell.
 *
 * A TCP probe connects from the source pod's address and sends a line; any
 * reply means the connection got through. Because a dropped connection is
 * accepted and then never answered, silence is settled by the data plane's own
 * verdict for that connection (the flow log), not by a guess. A UDP probe
 * sends `hostname` and waits for the answer.
 *
 * Each result says how the connection ended (`result`): `allowed` (it got
 * through), `denied` (the data plane dropped or rejected it: NetworkPolicy),
 * or `refused` (nothing listens on that port of the destination pod, so
 * policy never decided; `allowed` is false, as for a real probe). Without
 * --ports, the ports probed are the ones the pods declare.
 */
import { createSocket } from "node:dgram";
import { connect } from "node:net";
import type { Command } from "commander";
import { MichiError } from "../../api/diagnostics.js";
import { formatTable } from "../../printers/table.js";
import type { UpPod } from "../../runtime/admin-api.js";
import { type UpClient, upClient } from "../../runtime/up-client.js";
import { painter } from "../colour.js";
import { fetchJSON, flowsFor } from "./curl.js";

interface ProbeFlags {
  ports?: string;
  protocols: string;
  namespace?: string;
  allNamespaces?: boolean;
  output: string;
  timeout: string;
  server?: string;
  name?: string;
}

export interface ProbeResult {
  from: string;
  to: string;
  port: number;
  protocol: string;
  allowed: boolean;
  /** How the connection ended (an extra field beside the contract's `allowed`). */
  result: ProbeOutcome;
}

export type ProbeOutcome = "allowed" | "denied" | "refused";

// The same default scope as `michi matrix`, so the two tables line up.
const SYSTEM_NAMESPACES = new Set(["kube-system", "kube-public", "kube-node-lease"]);

async function probeTcp(
  client: UpClient,
  src: UpPod,
  dst: UpPod,
  port: number,
  timeoutMs: number,
): Promise<ProbeOutcome> {
  const target = dst.ports.find((p) => p.port === port && p.protocol === "TCP");
  const localPortNum = target?.local ?? port;
  return new Promise<ProbeOutcome>((resolve) => {
    let settled = false;
    let source = "";
    const sock = connect({ host: dst.local, port: localPortNum, localAddress: src.local });
    const finish = (v: ProbeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const bySilence = async () => {
      if (!source) return finish("denied");
      const flows = await flowsFor(client, source, 1000).catch(() => []);
      finish(flows.length > 0 && flows.every((f) => f.verdict === "FORWARDED") ? "allowed" : "denied");
    };
    const timer = setTimeout(() => void bySilence(), timeoutMs);
    sock.on("connect", () => {
      source = `${sock.localAddress}:${sock.localPort}`;
      sock.write("hostname\n");
    });
    sock.on("data", () => finish("allowed"));
    // Nothing listens there: the kernel refused before any policy was asked.
    sock.on("error", (err: NodeJS.ErrnoException) =>
      err.code === "ECONNREFUSED" && !source ? finish("refused") : void bySilence(),
    );
    sock.on("close", () => {
      if (!settled) void bySilence();
    });
  });
}

async function probeUdp(src: UpPod, dst: UpPod, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  const target = dst.ports.find((p) => p.port === port && p.protocol === "UDP");
  const localPortNum = target?.local ?? port;
  return new Promise<ProbeOutcome>((resolve) => {
    const sock = createSocket("udp4");
    let settled = false;
    const finish = (v: ProbeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.close();
      resolve(v);
    };
    const timer = setTimeout(() => finish("denied"), timeoutMs);
    sock.on("message", () => finish("allowed"));
    // A connected UDP socket hears the ICMP port unreachable of a port nobody listens on.
    sock.on("error", (err: NodeJS.ErrnoException) =>
      finish(err.code === "ECONNREFUSED" ? "refused" : "denied"),
    );
    sock.bind({ address: src.local, port: 0 }, () =>
      sock.connect(localPortNum, dst.local, () => sock.send("hostname")),
    );
  });
}

function parsePorts(text: string): number[] {
  const ports = text.split(",").map((p) => Number(p.trim()));
  if (ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) {
    throw new MichiError(
      "BadFlag",
      `--ports: expected a comma-separated list of ports, got ${JSON.stringify(text)}`,
    );
  }
  return ports;
}

/** The ports the pods declare for a protocol, ascending (the default of --ports). */
export function declaredPorts(pods: readonly UpPod[], protocol: string): number[] {
  const set = new Set<number>();
  for (const p of pods) for (const port of p.ports) if (port.protocol === protocol) set.add(port.port);
  return [...set].sort((a, b) => a - b);
}

export async function runProbe(
  client: UpClient,
  pods: readonly UpPod[],
  ports: readonly number[],
  protocols: readonly string[],
  timeoutMs: number,
  concurrency = 48,
): Promise<ProbeResult[]> {
  const jobs: (() => Promise<ProbeResult>)[] = [];
  for (const protocol of protocols) {
    for (const port of ports) {
      for (const src of pods) {
        for (const dst of pods) {
          const from = `${src.namespace}/${src.name}`;
          const to = `${dst.namespace}/${dst.name}`;
          jobs.push(async () => {
            const result =
              protocol === "UDP"
                ? await probeUdp(src, dst, port, timeoutMs)
                : await probeTcp(client, src, dst, port, timeoutMs);
            return { from, to, port, protocol, allowed: result === "allowed", result };
          });
        }
      }
    }
  }
  const results: ProbeResult[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await (jobs[i] as () => Promise<ProbeResult>)();
      }
    }),
  );
  return results;
}

export function register(program: Command): void {
  program
    .command("probe")
    .description(
      "open real connections between every pair of pods of a running michi up and print the truth table",
    )
    .option("--ports <list>", "ports to probe (default: every port the pods in scope declare, per protocol)")
    .option("--protocols <list>", "protocols to probe (TCP, UDP)", "TCP")
    .option("-n, --namespace <ns>", "only pods of this namespace (or a comma-separated list)")
    .option(
      "-A, --all-namespaces",
      "pods of every namespace (default: all but kube-system, kube-public, kube-node-lease)",
    )
    .option("-o, --output <format>", "table or json", "table")
    .option("--timeout <ms>", "how long a probe waits for an answer", "1000")
    .option("--server <url>", "admin address of the running michi up")
    .option("--name <name>", "the running michi up to talk to, by its --name (default: the only one)")
    .action(async (flags: ProbeFlags) => {
      const protocols = flags.protocols.split(",").map((p) => p.trim().toUpperCase());
      for (const p of protocols) {
        if (p !== "TCP" && p !== "UDP")
          throw new MichiError("BadFlag", `--protocols: michi up probes TCP and UDP, got ${p}`);
      }
      const client = upClient(flags);
      const all = (await fetchJSON<{ items: UpPod[] }>(client, "/api/up/pods")).items;
      const namespaces = flags.namespace
        ? new Set(flags.namespace.split(",").map((n) => n.trim()))
        : undefined;
      const pods = all.filter((p) =>
        namespaces
          ? namespaces.has(p.namespace)
          : flags.allNamespaces
            ? true
            : !SYSTEM_NAMESPACES.has(p.namespace),
      );
      const portsOf = (protocol: string) =>
        flags.ports !== undefined ? parsePorts(flags.ports) : declaredPorts(pods, protocol);
      const results: ProbeResult[] = [];
      for (const protocol of protocols)
        results.push(
          ...(await runProbe(client, pods, portsOf(protocol), [protocol], Number(flags.timeout) || 1000)),
        );
      if (flags.output === "json") {
        process.stdout.write(`${JSON.stringify({ results }, null, 2)}\n`);
        return;
      }
      const names = pods.map((p) => `${p.namespace}/${p.name}`);
      const paint = painter();
      const mark = { allowed: ".", denied: paint.bad("X"), refused: paint.warn("-") };
      for (const protocol of protocols) {
        const ports = portsOf(protocol);
        if (ports.length === 0)
          process.stdout.write(`${protocol}: no pod in scope declares a ${protocol} port\n`);
        for (const port of ports) {
          process.stdout.write(
            `${protocol}/${port} (. = connected, X = denied by policy, - = refused: nothing listens):\n`,
          );
          const rows = names.map((from) => [
            from,
            ...names.map(
              (to) =>
                mark[
                  results.find(
                    (r) => r.from === from && r.to === to && r.port === port && r.protocol === protocol,
                  )?.result ?? "denied"
                ],
            ),
          ]);
          process.stdout.write(
            formatTable(
              ["FROM \\ TO", ...names.map((_n, i) => String(i + 1))],
              rows.map((r, i) => [`${i + 1} ${r[0]}`, ...r.slice(1)]),
            ),
          );
          process.stdout.write("\n");
        }
      }
    });
}
