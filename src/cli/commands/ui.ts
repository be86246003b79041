/**
 * `michi ui -f PATH... [--ui ADDR:PORT]`: the dashboard for static analysis.
 * Loads the manifests once, serves the front end and the read-only JSON API
 * (src/web/api.ts) on loopback, prints the URL and a line containing `ready`.
 * No data plane runs: the Live view needs `michi up`. SIGINT/SIGTERM exit 0.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Command } from "commander";
import { MichiError } from "../../api/diagnostics.js";
import { sendJSON } from "../../http/respond.js";
import { createWebHandler } from "../../web/api.js";
import {
  addManifestOptions,
  loadFromOptions,
  type ManifestOptions,
  parseLoopbackHostPort,
} from "../common.js";

interface UiFlags extends ManifestOptions {
  ui: string;
  open?: boolean;
}

export const DEFAULT_UI = "127.0.0.1:7080";

export function register(program: Command): void {
  const cmd = program
    .command("ui")
    .description(
      "serve the dashboard (topology, reachability, try-it forms) for the manifests, without a data plane",
    )
    .option(
      "--ui <addr:port>",
      "where to serve the dashboard (loopback; port 0 picks a free one)",
      DEFAULT_UI,
    );
  addManifestOptions(cmd).action(async (flags: UiFlags) => {
    const { host, port } = parseLoopbackHostPort("--ui", flags.ui, "the dashboard");
    const loaded = await loadFromOptions(flags);
    const web = createWebHandler({ getSnapshot: () => loaded });
    const server = createServer(async (req, res) => {
      if (await web(req, res)) return;
      sendJSON(res, 404, { error: { code: "NotFound", message: `no route ${req.method} ${req.url}` } });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", (err: NodeJS.ErrnoException) =>
        reject(
          new MichiError(
            "ListenFailed",
            `cannot serve the dashboard on ${host}:${port}: ${err.code === "EADDRINUSE" ? "already in use" : err.message}; choose another with --ui ADDR:PORT`,
            { cause: err },
          ),
        ),
      );
      server.listen({ host, port }, () => resolve());
    });
    const addr = server.address() as AddressInfo;
    const url = `http://${addr.address}:${addr.port}/`;
    const s = loaded.state;
    process.stdout.write(
      `michi dashboard ready: ${url}\n` +
        `  ${s.pods.length} pods, ${s.services.length} services, ${s.ingresses.length} ingresses, ${s.networkPolicies.length} network policies\n` +
        "  static analysis only (no data plane): the Live view needs `michi up`. Ctrl-C to stop.\n",
    );
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        server.closeAllConnections();
        server.close(() => resolve());
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
  });
}
