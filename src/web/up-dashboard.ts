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
import type { UpInstance } from "../runtime/up.js";
import { createWebHandler, type WebHandler } from "./api.js";

export function dashboardForUp(getUp: () => UpInstance): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  let web: WebHandler | undefined;
  return async (req, res) => {
    if (!web) {
      const up = getUp();
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
              "reloads ok": up.counters.reloadsOk,
              "reloads refused": up.counters.reloadsFailed,
              "snapshot version": up.snapshot?.version ?? 0,
            };
          },
          diagnostics: (): Diagnostic[] => [...(up.lastError?.diagnostics ?? []), ...(up.snapshot?.diagnostics ?? [])],
        },
      });
    }
    return web(req, res);
  };
}
