/**
 * `michi matrix`: reachability for every ordered pod pair per port/protocol,
 * computed per equivalence class of pods. Small clusters print pod (or
 * workload) tables; large ones a class-level report, with progress on
 * stderr. Default scope: every namespace but kube-system, kube-public and
 * kube-node-lease; default ports: every declared containerPort.
 */
import type { Command } from "commander";
import { MichiError } from "../../api/diagnostics.js";
import type { Pod, Protocol } from "../../api/types.js";
import { computeMatrix, type PortProtocol } from "../../policy/matrix.js";
import {
  declaredPorts,
  formatClassCSV,
  formatClassReport,
  formatCSV,
  formatDot,
  formatHTML,
  formatJSON,
  formatMarkdown,
  formatTable,
  type MatrixFormat,
  rowsFor,
} from "../../policy/matrix-report.js";
import { resolveTarget } from "../../policy/targets.js";
import { focusResults, formatFocusTable } from "../../report/matrix-focus.js";
import { addManifestOptions, loadFromOptions, type ManifestOptions } from "../common.js";
import { parsePort, parseProtocol } from "./check.js";

interface MatrixOptions extends ManifestOptions {
  ports?: string;
  protocols?: string;
  namespace?: string;
  allNamespaces?: boolean;
  output: string;
  groupBy?: string;
  classes?: boolean;
  focus?: string;
}

const FORMATS: readonly MatrixFormat[] = ["table", "json", "csv", "md", "dot", "html"];
const SYSTEM_NAMESPACES = new Set(["kube-system", "kube-public", "kube-node-lease"]);
/** Above this many rows a cell table is unreadable: report by classes instead. */
const MAX_TABLE_ROWS = 120;
/** Above this many pods, pod-pair JSON/CSV would be millions of lines per port: report classes. */
const MAX_PAIR_PODS = 2000;

export function selectPods(
  pods: readonly Pod[],
  opts: { namespace?: string; allNamespaces?: boolean },
): Pod[] {
  if (opts.namespace !== undefined)
    return pods.filter((p) => (p.metadata?.namespace ?? "default") === opts.namespace);
  if (opts.allNamespaces) return [...pods];
  return pods.filter((p) => !SYSTEM_NAMESPACES.has(p.metadata?.namespace ?? "default"));
}

export function portsFromOptions(pods: readonly Pod[], ports?: string, protocols?: string): PortProtocol[] {
  const protos: Protocol[] | undefined = protocols?.split(",").map((p) => parseProtocol(p.trim()));
  if (ports !== undefined) {
    const nums = ports.split(",").map((p) => parsePort(p.trim(), "--ports"));
    return (protos ?? ["TCP"]).flatMap((protocol) => nums.map((port) => ({ port, protocol })));
  }
  const declared = declaredPorts(pods);
  return protos ? declared.filter((p) => protos.includes(p.protocol)) : declared;
}

export function register(program: Command): void {
  const cmd = program
    .command("matrix")
    .description("reachability truth tables for every pod pair, per port and protocol")
    .option("--ports <list>", "comma-separated ports (default: every declared containerPort)")
    .option("--protocols <list>", "comma-separated protocols: TCP,UDP,SCTP (default TCP with --ports)")
    .option("-n, --namespace <ns>", "only pods in this namespace")
    .option("-A, --all-namespaces", "include kube-system and the other system namespaces")
    .option("-o, --output <format>", `output: ${FORMATS.join("|")}`, "table")
    .option(
      "--group-by <what>",
      "workload: one row per Deployment/StatefulSet/DaemonSet (. all pods allowed, X none, ~ some)",
    )
    .option("--classes", "report by equivalence classes of pods (automatic for large clusters)")
    .option("--focus <target>", "only one workload's peers: KIND/NS/NAME or NS/POD (-o table|json)");
  addManifestOptions(cmd).action(async (opts: MatrixOptions) => {
    const format = opts.output as MatrixFormat;
    if (!FORMATS.includes(format))
      throw new MichiError(
        "BadFlag",
        `-o: expected one of ${FORMATS.join(", ")}, got ${JSON.stringify(opts.output)}`,
      );
    if (opts.groupBy !== undefined && opts.groupBy !== "workload")
      throw new MichiError("BadFlag", `--group-by: expected workload, got ${JSON.stringify(opts.groupBy)}`);
    const snap = await loadFromOptions(opts);
    const pods = selectPods(snap.state.pods, opts);
    if (pods.length === 0)
      throw new MichiError(
        "NoPods",
        opts.namespace ? `no pods in namespace ${opts.namespace}` : "no pods in the manifests",
      );
    const ports = portsFromOptions(pods, opts.ports, opts.protocols);
    if (ports.length === 0)
      throw new MichiError("NoPorts", "the pods declare no containerPorts: name the ports with --ports");
    const engine = snap.policy;
    const showProgress = pods.length > 2000;
    const started = Date.now();
    const matrix = computeMatrix(engine, {
      pods,
      ports,
      ...(showProgress
        ? {
            onProgress: (done: number, total: number) =>
              process.stderr.write(
                `\rmatrix: ${done}/${total} port(s), ${((Date.now() - started) / 1000).toFixed(1)}s`,
              ),
          }
        : {}),
    });
    if (showProgress)
      process.stderr.write(`\rmatrix: ${matrix.classIndex.classes.length} classes for ${pods.length} pods\n`);
    if (opts.focus !== undefined) {
      if (format !== "table" && format !== "json")
        throw new MichiError("BadFlag", `--focus: -o table or json, got ${JSON.stringify(opts.output)}`);
      const target = resolveTarget(snap.state, opts.focus, "source");
      if (target.kind !== "pods")
        throw new MichiError("BadTarget", `--focus: ${opts.focus} is not a workload or pod`);
      const all = [...pods, ...target.pods.filter((p) => !pods.includes(p))];
      if (format === "json")
        process.stdout.write(
          `${JSON.stringify({ focus: target.label, results: focusResults(matrix, target.pods, all) }, null, 2)}\n`,
        );
      else
        process.stdout.write(
          formatFocusTable(
            matrix,
            { name: target.label, pods: target.pods },
            // Its own row: pod pairs within the workload.
            rowsFor(snap.state, all, true),
          ),
        );
      return;
    }
    const rows = rowsFor(snap.state, pods, opts.groupBy === "workload");
    const tooManyPairs = (format === "json" || format === "csv") && pods.length > MAX_PAIR_PODS;
    const byClasses =
      opts.classes === true ||
      tooManyPairs ||
      (format !== "json" && format !== "csv" && rows.length > MAX_TABLE_ROWS);
    if (tooManyPairs && opts.classes !== true) {
      process.stderr.write(
        `matrix: ${pods.length} pods would be ${pods.length * pods.length} pairs per port: reporting by equivalence classes (use -n NS for pod pairs)\n`,
      );
    }
    let text: string;
    if (byClasses) {
      if (format === "json") text = `${JSON.stringify(classJSON(matrix), null, 2)}\n`;
      else if (format === "csv") text = formatClassCSV(matrix);
      else text = formatClassReport(matrix);
    } else {
      switch (format) {
        case "table":
          text = formatTable(matrix, rows);
          break;
        case "json":
          text = formatJSON(matrix, pods);
          break;
        case "csv":
          text = formatCSV(matrix, pods);
          break;
        case "md":
          text = formatMarkdown(matrix, rows);
          break;
        case "dot":
          text = formatDot(matrix, rows);
          break;
        case "html":
          text = formatHTML(matrix, rows);
          break;
      }
    }
    process.stdout.write(text);
  });
}

/** Above this many classes the class-to-class lists are left out of the JSON (counts only). */
const MAX_CLASS_LISTS = 500;

function classJSON(m: ReturnType<typeof computeMatrix>) {
  const ci = m.classIndex;
  const lists = ci.classes.length <= MAX_CLASS_LISTS;
  return {
    classes: ci.classes.map((c) => ({
      id: c.id,
      namespace: c.namespace,
      labels: c.labels,
      pods: c.pods.map((p) => p.key),
    })),
    ports: m.ports.map((_pp, pi) => {
      const { reaches, reachedBy } = m.perClass(pi);
      return {
        ...m.stats(pi),
        classes: ci.classes.map((c) => ({
          id: c.id,
          reaches: reaches[c.id],
          reachedBy: reachedBy[c.id],
          ...(lists
            ? { allowedTo: ci.classes.filter((d) => m.classAllowed(c.id, d.id, pi)).map((d) => d.id) }
            : {}),
        })),
      };
    }),
  };
}
