/**
 * The michi DNS server on the benchmark's synthetic cluster (N services, 5
 * pods each), optionally as node:cluster workers sharing the UDP socket.
 * Run: npx tsx bench/dns/michi-server.ts PORT [services] [workers]
 * Prints "ready" once every worker serves.
 */
import cluster from "node:cluster";
import { startDnsServer } from "../../src/dns/server.js";
import { buildZone } from "../../src/dns/zone.js";
import { scaleState } from "../../test/dns/scale-fixture.js";

const port = Number(process.argv[2] ?? 5353);
const services = Number(process.argv[3] ?? 10_000);
const workers = Number(process.argv[4] ?? 1);

if (workers > 1 && cluster.isPrimary) {
  let ready = 0;
  for (let i = 0; i < workers; i++) {
    cluster.fork().on("message", (m) => {
      if (m === "ready" && ++ready === workers) console.log(`ready 127.0.0.1:${port} (${workers} workers)`);
    });
  }
  const stop = () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
} else {
  const zone = buildZone(scaleState(services, 5), { serial: 1 });
  const server = await startDnsServer({ host: "127.0.0.1", port, getZone: () => zone, upstreams: [] });
  if (cluster.isWorker) process.send?.("ready");
  else console.log(`ready ${server.address}`);
  const stop = () => server.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
