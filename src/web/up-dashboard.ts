/**
 * The dashboard on a running `michi up`: the web handler wired to the
 * instance's current snapshot, flow log, counters and last refused change,
 * shaped as one of the `handlers` the admin server tries first. Mounting it
 * is one line in the `up` command:
 *
 *   const up = new UpInstance({ ...options, handlers: [dashboardForUp(() => up)] });
 *
 * Apply stays with the admin API (POST /api/apply, token-guarded).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Diagnostic } from "../api/diagnostics.js";
import type { Flow } from "../runtime/flows.js";
import type { UpView } from "../runtime/up-view.js";
import { allDiagnostics } from "../snapshot/snapshot.js";
import { createWebHandler, type WebHandler } from "./api.js";

export function dashboardForUp(
  getUp: () => UpView,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  let web: WebHandler | undefined;
  return async (req, res) => {
    if (!web) {
      const up = getUp();
      // DNS and ingress traffic, counted from the flow log (what is still in the ring, then every new flow).
      const extra = { dns: 0, dnsDenied: 0, ingress: 0 };
      const tally = (f: Flow) => {
        if (f.port === 53) {
          extra.dns++;
          if (f.verdict !== "FORWARDED") extra.dnsDenied++;
        }
        if (f.to.startsWith("ingress-nginx/")) extra.ingress++;
      };
      for (const f of up.flows.list()) tally(f);
      up.flows.follow(tally);
      web = createWebHandler({
        getSnapshot: () => up.snapshot,
        live: {
          follow: (fn) => up.flows.follow(fn),
          recent: () => up.flows.list(),
          counters: () => {
            const f = up.flows.counters;
            return {
              "flows forwarded": f.forwarded,
              "flows dropped": f.dropped,
              "flows rejected": f.rejected,
              "TCP connections": f.tcp,
              "UDP flows": f.udp,
              "DNS flows": extra.dns,
              "DNS flows denied": extra.dnsDenied,
              "ingress controller connections": extra.ingress,
              "changes applied": up.counters.reloadsOk,
              "changes refused": up.counters.reloadsFailed,
              "snapshot version": up.snapshot?.version ?? 0,
            };
          },
          diagnostics: (): Diagnostic[] => [
            ...(up.lastError?.diagnostics ?? []),
            ...(up.snapshot ? allDiagnostics(up.snapshot) : []),
          ],
        },
      });
    }
    return web(req, res);
  };
}
