/**
 * startProxy: the one HTTP request pipeline serving a compiled route table
 * (routes.ts) on HTTP and HTTPS listeners (listeners.ts). Holds the state
 * every exchange shares — metrics, upstream pools and agents, round-robin
 * positions, the in-flight count graceful shutdown waits for — and the
 * access-log sink. The Ingress entry point is ingress-proxy.ts.
 */
import { type AccessLogEntry, formatJSON, formatUpstreamInfo } from "./access-log.js";
import type { ProxyCore } from "./exchange.js";
import { Listeners } from "./listeners.js";
import { IngressMetrics } from "./metrics.js";
import { NodeAgents } from "./node-upstream.js";
import type { ProxyOptions, RunningProxy } from "./options.js";
import { UpstreamPools } from "./upstream-pool.js";

export async function startProxy(opts: ProxyOptions): Promise<RunningProxy> {
  let inFlight = 0;
  let drained: (() => void) | undefined;
  let httpsPort: number | undefined = opts.ports?.https;
  const core: ProxyCore = {
    opts,
    metrics: new IngressMetrics(),
    pools: new UpstreamPools(opts.localAddress),
    agents: new NodeAgents(),
    rr: new Map(),
    httpsPort: () => httpsPort,
    begin: () => {
      inFlight++;
    },
    done: () => {
      inFlight--;
      if (inFlight === 0 && drained) drained();
    },
    log: (e: AccessLogEntry) => {
      if (!opts.onAccessLog) return;
      opts.onAccessLog(opts.accessLogFormat === "json" ? formatJSON(e) : formatUpstreamInfo(e), e);
    },
  };
  const listeners = new Listeners(core);
  if (opts.http) await listeners.openHTTP(opts.http, opts.ports?.http);
  if (opts.https) {
    const a = await listeners.openHTTPS(opts.https, opts.ports?.https);
    httpsPort = opts.ports?.https ?? a.port;
  }
  return {
    addresses: listeners.addresses,
    metrics: () => core.metrics.render(),
    close: async (graceMs = 5_000) => {
      const closed = listeners.stopAccepting();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => (drained = resolve)),
          new Promise((resolve) => setTimeout(resolve, graceMs).unref()),
        ]);
      }
      listeners.closeAll();
      core.agents.destroy();
      await core.pools.close();
      await closed;
    },
  };
}
