/** `michi logs NAMESPACE/POD`: the output of a pod's local command (annotation michi.dev/command). */
import type { Command } from "commander";
import { MichiError } from "../../api/diagnostics.js";
import { upClient } from "../../runtime/up-client.js";

export function register(program: Command): void {
  program
    .command("logs")
    .description("print the output of a pod's local command in a running michi up")
    .argument("<pod>", "NAMESPACE/NAME (NAME alone means namespace default)")
    .option("-n, --namespace <ns>", "namespace of a pod given as NAME (default: default)")
    .option("--server <url>", "admin address of the running michi up")
    .option("--name <name>", "the running michi up to talk to, by its --name (default: the only one)")
    .action(async (pod: string, flags: { server?: string; name?: string; namespace?: string }) => {
      const [ns, name] = pod.includes("/") ? pod.split("/", 2) : [flags.namespace ?? "default", pod];
      if (!ns || !name)
        throw new MichiError("BadArgument", `expected NAMESPACE/NAME, got ${JSON.stringify(pod)}`);
      const res = await upClient(flags).get(
        `/api/up/logs/${encodeURIComponent(ns)}/${encodeURIComponent(name)}`,
      );
      const text = await res.text();
      if (!res.ok) {
        const msg = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
        process.stderr.write(`michi: ${msg}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(text);
    });
}
