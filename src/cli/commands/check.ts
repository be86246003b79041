/**
 * `michi check --from SRC --to DST --port P`: the verdict for one connection
 * (or every pod of a workload, every backend of a service) with the rule
 * that admitted it or why nothing did. Exit 0 whatever the verdict unless
 * --exit-code.
 */
import type { Command } from "commander";
import { MichiError } from "../../api/diagnostics.js";
import type { Protocol } from "../../api/types.js";
import type { ClusterState } from "../../cluster/state.js";
import { formatCheck, runCheck } from "../../policy/check.js";
import { resolveTarget } from "../../policy/targets.js";
import { paintVerdicts } from "../colour.js";
import { addManifestOptions, loadFromOptions, type ManifestOptions, printJSON } from "../common.js";
import { qualify } from "../names.js";

interface CheckOptions extends ManifestOptions {
  namespace?: string;
  from: string;
  to: string;
  port: string;
  protocol: string;
  output?: string;
  exitCode?: boolean;
}

export function parseProtocol(text: string): Protocol {
  const p = text.toUpperCase();
  if (p !== "TCP" && p !== "UDP" && p !== "SCTP")
    throw new MichiError("BadFlag", `--protocol: expected TCP, UDP or SCTP, got ${JSON.stringify(text)}`);
  return p;
}

export function parsePort(text: string, flag = "--port"): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535)
    throw new MichiError("BadFlag", `${flag}: expected a port number 1-65535, got ${JSON.stringify(text)}`);
  return n;
}

/**
 * A named --port, resolved on the destination as the API server and kube-proxy
 * would: a Service's port of that name, or the containerPort of that name on
 * the destination pods (they must agree, as one number is checked).
 */
export function namedPort(state: ClusterState, to: string, name: string, protocol: Protocol): number {
  const target = resolveTarget(state, to, "destination");
  if (target.kind === "service") {
    const p = target.service.spec?.ports?.find((x) => x.name === name && (x.protocol ?? "TCP") === protocol);
    if (p) return p.port;
    throw new MichiError(
      "NoSuchPort",
      `${target.label} has no ${protocol} port named ${JSON.stringify(name)}`,
    );
  }
  if (target.kind === "ip")
    throw new MichiError(
      "BadFlag",
      `--port ${name}: a port name needs a pod, workload or service destination`,
    );
  const numbers = new Set<number>();
  for (const pod of target.pods)
    for (const c of pod.spec?.containers ?? [])
      for (const p of c.ports ?? [])
        if (p.name === name && (p.protocol ?? "TCP") === protocol) numbers.add(p.containerPort);
  const [only, ...more] = [...numbers];
  if (only === undefined)
    throw new MichiError(
      "NoSuchPort",
      `${target.label}: no container declares a ${protocol} port named ${JSON.stringify(name)}`,
    );
  if (more.length > 0)
    throw new MichiError(
      "NoSuchPort",
      `${target.label}: port ${JSON.stringify(name)} is ${[only, ...more].join(" on some pods, ")} on others: name one pod, or give the number`,
    );
  return only;
}

export function register(program: Command): void {
  const cmd = program
    .command("check")
    .description("decide whether NetworkPolicy allows a connection, and explain why")
    .requiredOption("--from <src>", "source: NS/POD, KIND/NS/NAME (a workload) or an IP")
    .requiredOption(
      "--to <dst>",
      "destination: NS/POD, KIND/NS/NAME (workload or service), a service DNS name or an IP",
    )
    .requiredOption(
      "--port <port>",
      "destination port, or a port name resolved on the destination (the service's port name when DST is a service, else the pod's containerPort name)",
    )
    .option("-n, --namespace <ns>", "namespace of a SRC/DST given as NAME or KIND/NAME (default: default)")
    .option("--protocol <protocol>", "TCP, UDP or SCTP", "TCP")
    .option("-o, --output <format>", "json for machine-readable output")
    .option("--exit-code", "exit 1 when the connection is denied");
  addManifestOptions(cmd).action(async (opts: CheckOptions) => {
    const named = /^\d+$/.test(opts.port) ? undefined : opts.port;
    if (named !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(named))
      throw new MichiError(
        "BadFlag",
        `--port: expected a port number 1-65535 or a port name, got ${JSON.stringify(named)}`,
      );
    const protocol = parseProtocol(opts.protocol);
    if (opts.output !== undefined && opts.output !== "json")
      throw new MichiError("BadFlag", `-o: expected json, got ${JSON.stringify(opts.output)}`);
    const from = qualify(opts.from, opts.namespace);
    const to = qualify(opts.to, opts.namespace);
    const snap = await loadFromOptions(opts);
    const port = named === undefined ? parsePort(opts.port) : namedPort(snap.state, to, named, protocol);
    const result = runCheck(snap.policy, { from, to, port, protocol });
    if (opts.output === "json") printJSON(result);
    else process.stdout.write(paintVerdicts(formatCheck(result)));
    if (opts.exitCode && !result.allowed) process.exitCode = 1;
  });
}
