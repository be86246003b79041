/**
 * Child process for the benchmark: michi's ingress proxy (one Node process,
 * like nginx's one worker) serving the benchmark Ingress, printing its port.
 * Usage: tsx michi-server.ts UPSTREAM_PORT
 */
import { startIngressProxy } from "../../src/proxy/ingress-proxy.js";
import { benchTable } from "./scenario.js";

const upstreamPort = Number(process.argv[2]);
const table = benchTable();
const proxy = await startIngressProxy({
  http: { host: "127.0.0.1", port: 0 },
  getTable: () => table,
  upstream: () => ({ host: "127.0.0.1", port: upstreamPort }),
});
process.stdout.write(`${proxy.addresses.http?.port}\n`);
process.on("SIGTERM", () => {
  void proxy.close(100).then(() => process.exit(0));
});
