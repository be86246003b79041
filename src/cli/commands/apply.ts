/**
 * `michi apply -f PATH...` / `michi delete -f PATH...`: change a running
 * `michi up` through its admin API. The manifests are read and validated here
 * first (so errors name file and line), then sent as one List; the server
 * validates again and applies all or nothing. Exit 1 with the errors, and
 * nothing changed, when invalid.
 */
import type { Command } from "commander";
import { formatDiagnostic, MichiError } from "../../api/diagnostics.js";
import { kindInfo } from "../../api/kinds.js";
import { loadManifests } from "../../api/load.js";
import { validateObjects } from "../../api/validate.js";
import { upClient } from "../../runtime/up-client.js";

interface ChangeFlags {
  filename: string[];
  server?: string;
  token?: string;
  name?: string;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

async function change(kind: "apply" | "delete", flags: ChangeFlags): Promise<void> {
  if (flags.filename.length === 0)
    throw new MichiError("NoInput", "no manifests given: use -f PATH (file, directory or -)");
  const loaded = await loadManifests(flags.filename);
  // A path that cannot be read is a usage error (exit 2), as for every command.
  const unreadable = loaded.diagnostics.find((d) => d.code === "FileUnreadable");
  if (unreadable) throw new MichiError("FileUnreadable", unreadable.message);
  const errors = loaded.diagnostics.filter((d) => d.severity === "error");
  if (kind === "apply")
    errors.push(...validateObjects(loaded.objects).diagnostics.filter((d) => d.severity === "error"));
  if (errors.length > 0) {
    for (const d of errors) process.stderr.write(`${formatDiagnostic(d)}\n`);
    process.stderr.write(`michi: ${kind} refused: ${errors.length} error(s); nothing changed\n`);
    process.exitCode = 1;
    return;
  }
  const client = upClient(flags);
  const body = JSON.stringify({ apiVersion: "v1", kind: "List", items: loaded.objects });
  const res = await client.post(`/api/${kind}`, body, "application/json");
  const out = (await res.json().catch(() => ({}))) as {
    ok?: boolean;
    version?: number;
    changed?: string[];
    outcomes?: Record<string, string>;
    lines?: string[];
    diagnostics?: { code?: string; kind?: string; name?: string }[];
    error?: { message?: string };
  };
  const notFound = (out.diagnostics ?? []).filter((d) => d.code === "NotFound");
  if (kind === "delete" && notFound.length > 0) {
    // kubectl's words for a delete of something that is not there.
    for (const d of notFound)
      process.stderr.write(
        `Error from server (NotFound): ${resourceOf(d.kind ?? "")} "${d.name ?? ""}" not found\n`,
      );
    process.exitCode = 1;
    return;
  }
  if (!res.ok || out.ok === false) {
    for (const l of out.lines ?? []) process.stderr.write(`${l}\n`);
    if (out.error?.message) process.stderr.write(`michi: ${out.error.message}\n`);
    process.stderr.write(
      `michi: ${kind} refused by ${client.server} (HTTP ${res.status}); nothing changed\n`,
    );
    process.exitCode = 1;
    return;
  }
  for (const k of out.changed ?? []) {
    const [kd = "", , name = ""] = k.split("/");
    const verb = out.outcomes?.[k] ?? (kind === "apply" ? "configured" : "deleted");
    process.stdout.write(`${typeName(kd)}/${name} ${verb}\n`);
  }
  for (const l of out.lines ?? []) process.stderr.write(`${l}\n`);
  process.stderr.write(`michi: now serving snapshot ${out.version}\n`);
}

/** How kubectl names an object's type in apply/delete output: `deployment.apps`, `service`. */
function typeName(kind: string): string {
  const info = kindInfo(kind);
  const group = info?.apiVersions[0]?.includes("/") ? info.apiVersions[0].split("/")[0] : undefined;
  return `${kind.toLowerCase()}${group ? `.${group}` : ""}`;
}

/** The plural resource of a kind, as the API server names it in NotFound (`services`). */
function resourceOf(kind: string): string {
  return kindInfo(kind)?.resource.split(".")[0] ?? `${kind.toLowerCase()}s`;
}

export function registerChange(program: Command, kind: "apply" | "delete"): void {
  program
    .command(kind)
    .description(
      kind === "apply"
        ? "apply manifests to a running michi up"
        : "delete the objects named in manifests from a running michi up",
    )
    .requiredOption("-f, --filename <path>", "manifest file, directory or -; repeatable", collect, [])
    .option("--server <url>", "admin address of the running michi up (default: the last one started here)")
    .option("--token <token>", "admin token (default: from the state file, or $MICHI_TOKEN)")
    .option("--name <name>", "the running michi up to talk to, by its --name (default: the only one)")
    .action((flags: ChangeFlags) => change(kind, flags));
}

export function register(program: Command): void {
  registerChange(program, "apply");
}
