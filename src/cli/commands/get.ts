/**
 * `michi get KIND[,KIND…] [NAME…] | KIND/NAME… [-n NS | -A] -f PATH... [-o …]`:
 * the model as `kubectl get` would show it (docs/cli.md), with kubectl's
 * argument forms, `get all`, `--show-labels`, `--no-headers`,
 * `-o jsonpath=…` and `-o custom-columns=…` (src/printers). Tables use
 * kubectl's columns; `-o wide` on pods adds LOCAL, the loopback address
 * `michi up` serves the pod on. `-o json` prints a v1 List, or the object
 * itself when one NAME is asked for (as kubectl does). `-o resolvconf` and
 * `-o env` show a pod's /etc/resolv.conf and the environment the kubelet
 * gives its first container.
 */
import type { Command } from "commander";
import { MichiError } from "../../api/diagnostics.js";
import type { KubeObject, Pod } from "../../api/types.js";
import type { AddressMap } from "../../cluster/address-map.js";
import { addressMapFor } from "../../cluster/addresses.js";
import { serviceEnvFor } from "../../cluster/env.js";
import { formatResolvConf, resolvConfFor } from "../../cluster/resolv-conf.js";
import type { ClusterState } from "../../cluster/state.js";
import { type CustomColumn, formatCustomColumns, parseCustomColumns } from "../../printers/custom-columns.js";
import { compileTemplate, JSONPathError } from "../../printers/jsonpath.js";
import type { KindPrinter } from "../../printers/printer.js";
import { PRINTERS, printerFor } from "../../printers/resource-printers.js";
import { formatTable } from "../../printers/table.js";
import {
  addManifestOptions,
  loadFromOptions,
  type ManifestOptions,
  printJSON,
  printYAML,
} from "../common.js";

interface GetOptions extends ManifestOptions {
  namespace?: string;
  allNamespaces?: boolean;
  output?: string;
  selector?: string;
  showLabels?: boolean;
  /** false with --no-headers. */
  headers?: boolean;
}

const OUTPUTS = ["wide", "json", "yaml", "name", "resolvconf", "env"] as const;

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

/** What `get` was asked for: kinds, and names within them (kubectl's argument forms). */
interface Request {
  printer: KindPrinter;
  names: { namespace?: string; name: string }[];
}

function printerOrFail(name: string): KindPrinter {
  const printer = printerFor(name);
  if (printer) return printer;
  const known = PRINTERS.map((p) => p.names[0]).join(", ");
  throw new MichiError(
    "UnknownResource",
    `the server doesn't have a resource type "${name}" (known: ${known}, all)`,
  );
}

/** `NAME` or michi's `NAMESPACE/NAME`. */
function splitName(text: string): { namespace?: string; name: string } {
  const i = text.indexOf("/");
  return i < 0 ? { name: text } : { namespace: text.slice(0, i), name: text.slice(i + 1) };
}

/**
 * kubectl's forms: `KIND[,KIND…] [NAME…]` (`all` = the workload kinds and
 * services), or `KIND/NAME…` (michi also takes `KIND/NAMESPACE/NAME`).
 */
export function parseRequests(args: readonly string[]): Request[] {
  const [first, ...rest] = args;
  if (first === undefined)
    throw new MichiError("BadArgument", "expected a resource type, e.g. michi get pods");
  if (first.includes("/") && printerFor(first.slice(0, first.indexOf("/")))) {
    const out: Request[] = [];
    for (const a of args) {
      const i = a.indexOf("/");
      if (i < 0)
        throw new MichiError(
          "BadArgument",
          `there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (got ${JSON.stringify(a)})`,
        );
      const printer = printerOrFail(a.slice(0, i));
      const name = splitName(a.slice(i + 1));
      const prev = out.find((r) => r.printer === printer);
      if (prev) prev.names.push(name);
      else out.push({ printer, names: [name] });
    }
    return out;
  }
  const kinds = first.split(",").filter((k) => k !== "");
  const printers: KindPrinter[] = [];
  for (const k of kinds) {
    for (const p of k.toLowerCase() === "all" ? ALL.map(printerOrFail) : [printerOrFail(k)])
      if (!printers.includes(p)) printers.push(p);
  }
  const names = rest.map(splitName);
  return printers.map((printer) => ({ printer, names: [...names] }));
}

/** kubectl's `get all`: the categories "all" of the kinds michi models. */
const ALL = ["pods", "services", "daemonsets", "deployments", "replicasets", "statefulsets"];

function labelsText(o: KubeObject): string {
  const entries = Object.entries(o.metadata?.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(",") : "<none>";
}

function byNsName(a: KubeObject, b: KubeObject): number {
  const x = `${a.metadata?.namespace ?? ""}/${a.metadata?.name ?? ""}`;
  const y = `${b.metadata?.namespace ?? ""}/${b.metadata?.name ?? ""}`;
  return x < y ? -1 : x > y ? 1 : 0;
}

type Output =
  | { t: "table"; wide: boolean }
  | { t: "json" | "yaml" | "name" | "resolvconf" | "env" }
  | { t: "jsonpath"; template: { execute(input: unknown): string } }
  | { t: "custom-columns"; columns: CustomColumn[] };

function parseOutput(text: string): Output {
  const eq = text.indexOf("=");
  const format = eq < 0 ? text : text.slice(0, eq);
  const arg = eq < 0 ? undefined : text.slice(eq + 1);
  try {
    if (format === "jsonpath" && arg !== undefined) return { t: "jsonpath", template: compileTemplate(arg) };
    if (format === "custom-columns" && arg !== undefined)
      return { t: "custom-columns", columns: parseCustomColumns(arg) };
  } catch (err) {
    if (err instanceof JSONPathError) throw new MichiError("BadFlag", `-o ${format}: ${err.message}`);
    throw err;
  }
  if (text === "" || text === "wide") return { t: "table", wide: text === "wide" };
  if (arg === undefined && (OUTPUTS as readonly string[]).includes(format))
    return { t: format as "json" | "yaml" | "name" | "resolvconf" | "env" };
  throw new MichiError(
    "BadFlag",
    `-o: unknown output format ${JSON.stringify(text)} (use ${OUTPUTS.join("|")}|jsonpath=TEMPLATE|custom-columns=SPEC)`,
  );
}

async function run(args: readonly string[], opts: GetOptions): Promise<void> {
  const requests = parseRequests(args);
  const output = parseOutput(opts.output ?? "");
  const named = requests.some((r) => r.names.length > 0);
  const onePod =
    requests.length === 1 && requests[0]?.printer.kind === "Pod" && requests[0].names.length === 1;
  if ((output.t === "resolvconf" || output.t === "env") && !onePod) {
    throw new MichiError("BadFlag", `-o ${output.t} needs one pod: michi get pod NAME -o ${output.t}`);
  }
  const { state } = await loadFromOptions(opts);
  const defaultNs = opts.namespace ?? "default";
  const all = opts.allNamespaces === true && !named;
  const selector = opts.selector ? parseSelector(opts.selector) : [];
  const found: { printer: KindPrinter; items: KubeObject[] }[] = [];
  let missing = false;
  for (const { printer, names } of requests) {
    const inScope = (o: KubeObject, ns: string) =>
      !printer.namespaced || (o.metadata?.namespace ?? "default") === ns;
    const matches = (o: KubeObject) => selector.every(([k, v, eq]) => (o.metadata?.labels?.[k] === v) === eq);
    let items: KubeObject[];
    if (names.length === 0) {
      items = printer.list(state).filter((o) => (all || inScope(o, defaultNs)) && matches(o));
      items.sort(byNsName);
    } else {
      items = [];
      for (const n of names) {
        const o = printer
          .list(state)
          .find((x) => x.metadata?.name === n.name && inScope(x, n.namespace ?? defaultNs));
        if (o && matches(o)) items.push(o);
        else if (!o) {
          process.stderr.write(`Error from server (NotFound): ${printer.names[0]} "${n.name}" not found\n`);
          missing = true;
        }
      }
    }
    found.push({ printer, items });
  }
  if (missing) process.exitCode = 1;
  const objects = found.flatMap((f) => f.items);
  const single = named && requests.length === 1 && requests[0]?.names.length === 1 ? objects[0] : undefined;
  if (named && objects.length === 0) return;
  switch (output.t) {
    case "json":
      printJSON(single ?? list(objects));
      return;
    case "yaml":
      printYAML(single ?? list(objects));
      return;
    case "jsonpath":
      process.stdout.write(output.template.execute(single ?? list(objects)));
      return;
    case "name":
      for (const f of found)
        for (const o of f.items) process.stdout.write(`${f.printer.resource}/${o.metadata?.name ?? ""}\n`);
      return;
    case "resolvconf":
      process.stdout.write(formatResolvConf(resolvConfFor(single as Pod, state)));
      return;
    case "env":
      for (const v of podEnvironment(single as Pod, state)) process.stdout.write(`${v.name}=${v.value}\n`);
      return;
    case "custom-columns":
      process.stdout.write(
        formatCustomColumns(output.columns, objects, { noHeaders: opts.headers === false }),
      );
      return;
  }
  if (objects.length === 0) {
    const namespaced = requests.some((r) => r.printer.namespaced);
    process.stderr.write(`No resources found${namespaced && !all ? ` in ${defaultNs} namespace` : ""}.\n`);
    return;
  }
  // The same model → loopback map `michi up` serves with (user CIDRs outside 10/8 included).
  const addresses = addressMapFor(state.config);
  // Several kinds: one table per kind, names as KIND/NAME, a blank line between (kubectl's layout).
  const withKind = found.length > 1;
  const tables = found
    .filter((f) => f.items.length > 0)
    .map((f) =>
      formatKindTable(f.printer, f.items, {
        state,
        addresses,
        wide: output.wide,
        namespaceColumn: f.printer.namespaced && all,
        withKind,
        showLabels: opts.showLabels === true,
        noHeaders: opts.headers === false,
      }),
    );
  process.stdout.write(tables.join("\n"));
}

interface KindTableOptions {
  state: ClusterState;
  addresses: AddressMap;
  wide: boolean;
  namespaceColumn: boolean;
  withKind: boolean;
  showLabels: boolean;
  noHeaders: boolean;
}

function formatKindTable(printer: KindPrinter, items: readonly KubeObject[], o: KindTableOptions): string {
  const headers = [
    ...(o.namespaceColumn ? ["NAMESPACE"] : []),
    ...printer.headers,
    ...(o.wide ? printer.wideHeaders : []),
    ...(o.showLabels ? ["LABELS"] : []),
  ];
  const rows = items.map((obj) => {
    const r = printer.row(obj, { state: o.state, addresses: o.addresses });
    const cells = [...r.cells];
    if (o.withKind) cells[0] = `${printer.resource}/${cells[0] ?? ""}`;
    return [
      ...(o.namespaceColumn ? [obj.metadata?.namespace ?? ""] : []),
      ...cells,
      ...(o.wide ? r.wide : []),
      ...(o.showLabels ? [labelsText(obj)] : []),
    ];
  });
  return formatTable(headers, rows, { noHeaders: o.noHeaders });
}

function list(items: readonly KubeObject[]): unknown {
  return { apiVersion: "v1", kind: "List", items, metadata: { resourceVersion: "" } };
}

export function register(program: Command): void {
  const cmd = program
    .command("get")
    .description("show the objects a cluster would have after admission and controllers (like kubectl get)")
    .argument(
      "<resources...>",
      "KIND[,KIND...] [NAME...] or KIND/NAME...: pods|services|endpointslices|endpoints|ingresses|ingressclasses|networkpolicies|namespaces|nodes|deployments|replicasets|statefulsets|daemonsets|secrets|configmaps (or kubectl's short names), all; NAME may be NAMESPACE/NAME",
    )
    .option("-n, --namespace <ns>", 'namespace (default "default")')
    .option("-A, --all-namespaces", "list across all namespaces")
    .option("-l, --selector <selector>", "label selector (key=value,key!=value)")
    .option(
      "-o, --output <format>",
      "wide|json|yaml|name|resolvconf|env|jsonpath=TEMPLATE|custom-columns=HEADER:EXPR,...",
    )
    .option("--show-labels", "add a LABELS column")
    .option("--no-headers", "print tables without the header row");
  addManifestOptions(cmd);
  cmd.action(async (args: string[], opts: GetOptions) => run(args, opts));
}
