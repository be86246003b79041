/**
 * `michi check --from SRC --to DST --port P`: the verdict for one connection
 * (or every pod of a workload, every backend of a service) with the rule
 * that admitted it or why nothing did. Exit 0 whatever the verdict unless
 * --exit-code.
 */
import type { Command } from "commander";
import { MichiError } from "../../api/diagnostics.js";
import type { Protocol } from "../../api/types.js";
import { formatCheck, runCheck } from "../../policy/check.js";
import { addManifestOptions, loadFromOptions, type ManifestOptions, printJSON } from "../common.js";

interface CheckOptions extends ManifestOptions {
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

export function register(program: Command): void {
  const cmd = program
    .command("check")
    .description("decide whether NetworkPolicy allows a connection, and explain why")
    .requiredOption("--from <src>", "source: NS/POD, KIND/NS/NAME (a workload) or an IP")
    .requiredOption(
      "--to <dst>",
      "destination: NS/POD, KIND/NS/NAME (workload or service), a service DNS name or an IP",
    )
    .requiredOption("--port <port>", "destination port (the service port when DST is a service)")
    .option("--protocol <protocol>", "TCP, UDP or SCTP", "TCP")
    .option("-o, --output <format>", "json for machine-readable output")
    .option("--exit-code", "exit 1 when the connection is denied");
  addManifestOptions(cmd).action(async (opts: CheckOptions) => {
    const port = parsePort(opts.port);
    const protocol = parseProtocol(opts.protocol);
    if (opts.output !== undefined && opts.output !== "json")
      throw new MichiError("BadFlag", `-o: expected json, got ${JSON.stringify(opts.output)}`);
    const { policy } = await loadFromOptions(opts);
    const result = runCheck(policy, { from: opts.from, to: opts.to, port, protocol });
    if (opts.output === "json") printJSON(result);
    else process.stdout.write(formatCheck(result));
    if (opts.exitCode && !result.allowed) process.exitCode = 1;
  });
}
