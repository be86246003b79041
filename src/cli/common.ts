/**
 * Flags and helpers shared by the commands that read manifests: `-f PATH`
 * (repeatable), the cluster settings, table and JSON/YAML output.
 */
import { type Command, Option } from "commander";
import { stringify as yamlStringify } from "yaml";
import { type Diagnostic, formatDiagnostic, MichiError } from "../api/diagnostics.js";
import { type ClusterConfig, makeConfig } from "../cluster/config.js";
import { loadSnapshot } from "../snapshot/load.js";
import { allDiagnostics, type Snapshot } from "../snapshot/snapshot.js";

export interface ManifestOptions {
  filename: string[];
  nodes?: string;
  clusterDomain?: string;
  podCidr?: string;
  serviceCidr?: string;
  nodePortRange?: string;
  lbCidr?: string;
  gatewayClass?: string[];
  nodeCidr?: string;
  createNamespaces?: boolean;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Adds `-f/--filename` and the cluster settings to a command. */
export function addManifestOptions(cmd: Command, required = true): Command {
  const f = new Option(
    "-f, --filename <path>",
    "manifest file, directory (recursive) or - for stdin; repeatable",
  )
    .argParser(collect)
    .default([]);
  if (required) f.makeOptionMandatory(true);
  return cmd
    .addOption(f)
    .option("--nodes <n>", "number of nodes when the manifests define none (default 3)")
    .option("--cluster-domain <domain>", "cluster DNS domain (default cluster.local)")
    .option("--pod-cidr <cidr>", "cluster pod CIDR (default 10.244.0.0/16)")
    .option("--service-cidr <cidr>", "service cluster IP CIDR (default 10.96.0.0/12)")
    .option("--node-cidr <cidr>", "node InternalIP CIDR (default 10.1.0.0/24)")
    .option("--node-port-range <min-max>", "NodePort range (default 30000-32767)")
    .option("--lb-cidr <cidr>", "LoadBalancer IP pool (default 10.255.0.0/24)")
    .addOption(createNamespacesOption())
    .option(
      "--gateway-class <name>",
      "GatewayClass michi controls; repeatable (default: every class)",
      collect,
    );
}

/**
 * `--no-create-namespaces`: reject objects in a namespace no manifest creates
 * (default: create it, as a cluster admin would beforehand; docs/cli.md).
 */
export function createNamespacesOption(): Option {
  return new Option(
    "--no-create-namespaces",
    "reject objects in a namespace no manifest creates (default: create it, as a cluster admin would)",
  );
}

export function configFromOptions(opts: ManifestOptions): ClusterConfig {
  const overrides: Partial<ClusterConfig> = {};
  if (opts.nodes !== undefined) {
    const n = Number(opts.nodes);
    if (!Number.isInteger(n) || n < 1 || n > 5000)
      throw new MichiError(
        "BadFlag",
        `--nodes: must be an integer 1-5000, got ${JSON.stringify(opts.nodes)}`,
      );
    overrides.nodes = n;
  }
  if (opts.createNamespaces === false) overrides.createNamespaces = false;
  if (opts.clusterDomain) overrides.clusterDomain = opts.clusterDomain.replace(/\.$/, "");
  if (opts.podCidr) overrides.podCIDR = opts.podCidr;
  if (opts.serviceCidr) overrides.serviceCIDR = opts.serviceCidr;
  if (opts.nodeCidr) overrides.nodeCIDR = opts.nodeCidr;
  if (opts.lbCidr) overrides.loadBalancerCIDR = opts.lbCidr;
  if (opts.gatewayClass && opts.gatewayClass.length > 0) overrides.gatewayClasses = opts.gatewayClass;
  if (opts.nodePortRange) {
    const m = /^(\d+)-(\d+)$/.exec(opts.nodePortRange);
    if (!m || Number(m[1]) > Number(m[2]) || Number(m[2]) > 65535) {
      throw new MichiError(
        "BadFlag",
        `--node-port-range: expected MIN-MAX, got ${JSON.stringify(opts.nodePortRange)}`,
      );
    }
    overrides.nodePortRange = { min: Number(m[1]), max: Number(m[2]) };
  }
  return makeConfig(overrides);
}

/** Loads the manifests named by `-f`, printing load/validation diagnostics to stderr. */
export async function loadFromOptions(
  opts: ManifestOptions,
  { printDiagnostics = true }: { printDiagnostics?: boolean } = {},
): Promise<Snapshot> {
  if (opts.filename.length === 0)
    throw new MichiError("NoInput", "no manifests given: use -f PATH (file, directory or -)");
  const result = await loadSnapshot(opts.filename, configFromOptions(opts));
  // A path that cannot be read is a usage error (exit 2), as for `validate`: never analyse partial input.
  const unreadable = result.diagnostics.find((d) => d.code === "FileUnreadable");
  if (unreadable) throw new MichiError("FileUnreadable", unreadable.message);
  if (printDiagnostics) printDiagnosticLines(allDiagnostics(result));
  return result;
}

export function printDiagnosticLines(
  diags: readonly Diagnostic[],
  stream: NodeJS.WritableStream = process.stderr,
): void {
  for (const d of diags) stream.write(`${formatDiagnostic(d)}\n`);
}

/** kubectl-style table (src/printers/table.ts); re-exported for the CLI's commands. */
export { formatTable } from "../printers/table.js";

export function printJSON(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printYAML(value: unknown): void {
  process.stdout.write(yamlStringify(value, { aliasDuplicateObjects: false }));
}

/**
 * `--ui`/`--dns`/`--http`/`--https` values: IPv4 ADDR:PORT on loopback only
 * (michi never serves beyond this machine unless a command says otherwise).
 * `who` names the server in the refusal ("michi up", "the dashboard").
 */
export function parseLoopbackHostPort(
  flag: string,
  text: string,
  who: string,
): { host: string; port: number } {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(text);
  const port = Number(m?.[2]);
  if (!m || port > 65535)
    throw new MichiError(
      "BadFlag",
      `${flag}: expected ADDR:PORT (IPv4 loopback), got ${JSON.stringify(text)}`,
    );
  const host = m[1] as string;
  if (!host.startsWith("127.")) {
    throw new MichiError("BadFlag", `${flag}: ${who} serves on loopback only (127.0.0.0/8), got ${host}`);
  }
  return { host, port };
}
