/**
 * `michi flows [--follow] [-o json]`: the connection log of a running
 * `michi up`, one JSON object per line with -o json (from, to, port,
 * protocol, verdict, policies, ...), else a compact human line per flow.
 */
import type { Command } from "commander";
import type { Flow } from "../../runtime/flows.js";
import { upClient } from "../../runtime/up-client.js";

export function formatFlow(f: Flow): string {
  const svc = f.service ? ` via service ${f.service}` : "";
  const pol = f.policies.length > 0 ? ` [${f.policies.join(", ")}]` : "";
  const why =
    f.verdict !== "FORWARDED" && f.reason ? ` (${f.reason}${f.deniedBy ? `, ${f.deniedBy}` : ""})` : "";
  return `${f.time}  ${f.verdict.padEnd(9)}  ${f.from} -> ${f.to}:${f.port}/${f.protocol}${svc}${pol}${why}`;
}

export function register(program: Command): void {
  program
    .command("flows")
    .description("show the connection log of a running michi up")
    .option("--follow", "keep streaming new flows")
    .option("-o, --output <format>", "json (one object per line) or text", "text")
    .option("--server <url>", "admin address of the running michi up")
    .option("--name <name>", "the running michi up to talk to, by its --name (default: the only one)")
    .action(async (flags: { follow?: boolean; output: string; server?: string; name?: string }) => {
      const client = upClient(flags);
      const print = (f: Flow) =>
        process.stdout.write(`${flags.output === "json" ? JSON.stringify(f) : formatFlow(f)}\n`);
      if (!flags.follow) {
        const res = await client.get("/api/flows");
        const body = (await res.json()) as { flows: Flow[] };
        for (const f of body.flows) print(f);
        return;
      }
      const res = await client.get("/api/flows?follow=1");
      if (!res.body) return;
      const decoder = new TextDecoder();
      let buf = "";
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i = buf.indexOf("\n\n");
        while (i >= 0) {
          const event = buf.slice(0, i);
          buf = buf.slice(i + 2);
          for (const line of event.split("\n"))
            if (line.startsWith("data: ")) print(JSON.parse(line.slice(6)) as Flow);
          i = buf.indexOf("\n\n");
        }
      }
    });
}
