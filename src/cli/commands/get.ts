/**
 * `michi get KIND [NAME] [-n NS | -A] -f PATH... [-o wide|json|yaml|name|resolvconf|env]`:
 * the model as `kubectl get` would show it (shared/CLI.md). Tables use
 * kubectl's columns; `-o wide` on pods adds LOCAL, the loopback address
 * `michi up` serves the pod on. `-o json` prints a v1 List, or the object
 * itself when one NAME is asked for (as kubectl does). `-o resolvconf` and
 * `-o env` show a pod's /etc/resolv.conf and the environment the kubelet
 * gives its first container.
 */
import type { Command } from "commander";
import { MichiError } from "../../api/diagnostics.js";
import type { KubeObject, Pod } from "../../api/types.js";
import { serviceEnvFor } from "../../cluster/env.js";
import { formatResolvConf, resolvConfFor } from "../../cluster/resolv-conf.js";
import type { ClusterState } from "../../cluster/state.js";
import { formatTable } from "../../printers/table.js";
import { addressMapFor } from "../../runtime/addresses.js";
import {
  addManifestOptions,
  loadFromOptions,
  type ManifestOptions,
  printJSON,
  printYAML,
} from "../common.js";
import { PRINTERS, printerFor } from "./get-columns.js";

interface GetOptions extends ManifestOptions {
  namespace?: string;
  allNamespaces?: boolean;
  output?: string;
  selector?: string;
}

const OUTPUTS = ["wide", "json", "yaml", "name", "resolvconf", "env"];

function parseSelector(text: string): [string, string, boolean][] {
  return text
    .split(",")
    .filter((s) => s.trim() !== "")
    .map((part) => {
      const m = /^\s*([^!=\s]+)\s*(==|=|!=)\s*(\S*)\s*$/.exec(part);
      if (!m)
        throw new MichiError(
          "BadFlag",
          `-l: unsupported selector ${JSON.stringify(part)} (use key=value or key!=value)`,
        );
      return [m[1] ?? "", m[3] ?? "", m[2] !== "!="];
    });
}

/** Container env as the kubelet builds it: the container's own variables, then service links it did not define. */
export function podEnvironment(pod: Pod, state: ClusterState): { name: string; value: string }[] {
  const c = pod.spec?.containers?.[0];
  const out: { name: string; value: string }[] = [];
  const seen = new Set<string>();
  const fieldRef = (path: string): string | undefined => {
    switch (path) {
      case "metadata.name":
        return pod.metadata?.name;
      case "metadata.namespace":
        return pod.metadata?.namespace;
      case "metadata.uid":
        return pod.metadata?.uid;
      case "spec.nodeName":
        return pod.spec?.nodeName;
      case "spec.serviceAccountName":
        return pod.spec?.serviceAccountName;
      case "status.podIP":
        return pod.status?.podIP;
      case "status.hostIP":
        return pod.status?.hostIP;
      default:
        return undefined;
    }
  };
  for (const e of c?.env ?? []) {
    const ref = (e.valueFrom as { fieldRef?: { fieldPath?: string } } | undefined)?.fieldRef?.fieldPath;
    const value = e.value ?? (ref !== undefined ? fieldRef(ref) : undefined);
    if (value === undefined) continue;
    out.push({ name: e.name, value });
    seen.add(e.name);
  }
  for (const v of serviceEnvFor(pod, state)) if (!seen.has(v.name)) out.push(v);
  return out;
}

async function run(kindArg: string, nameArg: string | undefined, opts: GetOptions): Promise<void> {
  const printer = printerFor(kindArg);
  if (!printer) {
    const known = PRINTERS.map((p) => p.names[0]).join(", ");
    throw new MichiError(
      "UnknownResource",
      `the server doesn't have a resource type "${kindArg}" (known: ${known})`,
    );
  }
  const output = opts.output ?? "";
  if (output !== "" && !OUTPUTS.includes(output)) {
    throw new MichiError(
      "BadFlag",
      `-o: unknown output format ${JSON.stringify(output)} (use ${OUTPUTS.join("|")})`,
    );
  }
  if ((output === "resolvconf" || output === "env") && (printer.kind !== "Pod" || !nameArg)) {
    throw new MichiError("BadFlag", `-o ${output} needs one pod: michi get pod NAME -o ${output}`);
  }
  let namespace = opts.namespace ?? "default";
  let name = nameArg;
  if (name?.includes("/")) {
    // CLI.md names a pod NAMESPACE/NAME; accept that form for every namespaced kind.
    const i = name.indexOf("/");
    namespace = name.slice(0, i);
    name = name.slice(i + 1);
  }
  const { state } = await loadFromOptions(opts);
  const all = opts.allNamespaces === true && name === undefined;
  const selector = opts.selector ? parseSelector(opts.selector) : [];
  let items = printer
    .list(state)
    .filter((o) => !printer.namespaced || all || (o.metadata?.namespace ?? "default") === namespace)
    .filter((o) => name === undefined || o.metadata?.name === name)
    .filter((o) => selector.every(([k, v, eq]) => (o.metadata?.labels?.[k] === v) === eq));
  items = [...items].sort((a, b) => {
    const x = `${a.metadata?.namespace ?? ""}/${a.metadata?.name ?? ""}`;
    const y = `${b.metadata?.namespace ?? ""}/${b.metadata?.name ?? ""}`;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  if (name !== undefined && items.length === 0) {
    process.stderr.write(`Error from server (NotFound): ${printer.names[0]} "${name}" not found\n`);
    process.exitCode = 1;
    return;
  }
  const single = name !== undefined ? items[0] : undefined;
  switch (output) {
    case "json":
      printJSON(single ?? list(items));
      return;
    case "yaml":
      printYAML(single ?? list(items));
      return;
    case "name":
      for (const o of items) process.stdout.write(`${printer.resource}/${o.metadata?.name ?? ""}\n`);
      return;
    case "resolvconf":
      process.stdout.write(formatResolvConf(resolvConfFor(single as Pod, state)));
      return;
    case "env":
      for (const v of podEnvironment(single as Pod, state)) process.stdout.write(`${v.name}=${v.value}\n`);
      return;
  }
  if (items.length === 0) {
    const where = printer.namespaced && !all ? ` in ${namespace} namespace` : "";
    process.stderr.write(`No resources found${where}.\n`);
    return;
  }
  const wide = output === "wide";
  // The same model → loopback map `michi up` serves with (user CIDRs outside 10/8 included).
  const addresses = addressMapFor(state.config);
  const nsCol = printer.namespaced && all;
  const headers = [...(nsCol ? ["NAMESPACE"] : []), ...printer.headers, ...(wide ? printer.wideHeaders : [])];
  const rows = items.map((o) => {
    const r = printer.row(o, { state, addresses });
    return [...(nsCol ? [o.metadata?.namespace ?? ""] : []), ...r.cells, ...(wide ? r.wide : [])];
  });
  process.stdout.write(formatTable(headers, rows));
}

function list(items: readonly KubeObject[]): unknown {
  return { apiVersion: "v1", kind: "List", items, metadata: { resourceVersion: "" } };
}

export function register(program: Command): void {
  const cmd = program
    .command("get")
    .description("show the objects a cluster would have after admission and controllers (like kubectl get)")
    .argument(
      "<kind>",
      "pods|services|endpointslices|endpoints|ingresses|ingressclasses|networkpolicies|namespaces|nodes|deployments|replicasets|statefulsets|daemonsets|secrets|configmaps (or kubectl's short names)",
    )
    .argument("[name]", "object name (NAME or NAMESPACE/NAME)")
    .option("-n, --namespace <ns>", 'namespace (default "default")')
    .option("-A, --all-namespaces", "list across all namespaces")
    .option("-l, --selector <selector>", "label selector (key=value,key!=value)")
    .option("-o, --output <format>", "wide|json|yaml|name|resolvconf|env");
  addManifestOptions(cmd);
  cmd.action(async (kind: string, name: string | undefined, opts: GetOptions) => run(kind, name, opts));
}
