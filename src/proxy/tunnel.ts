/**
 * Upgrades (WebSocket and other `Upgrade:` requests) on Node's server:
 * routed like every request, sent to one endpoint with the same upstream
 * fields plus Connection/Upgrade, and on 101 turned into a byte tunnel
 * between the two sockets, closed after proxy-read-timeout without a byte
 * either way (as ingress-nginx does). A backend that declines gets its answer relayed;
 * routes with no endpoints, redirects and errors get the controller's page.
 */
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import type { Duplex } from "node:stream";
import { type ProxyCore, pickEndpoint } from "./exchange.js";
import { newRequestId, upstreamFields } from "./headers.js";
import { rawFields, refusal, requestTarget } from "./node-client.js";
import type { Scheme } from "./routes.js";
import { UPSTREAM_TIMEOUT, UpstreamTimeout } from "./upstream-call.js";
import { pairsOf, rawResponse, responseHead } from "./wire.js";

/** Response fields a declined upgrade's answer loses (it is relayed close-delimited). */
const DECLINED_DROP = new Set(["connection", "transfer-encoding", "keep-alive"]);

export function upgradeHandler(
  core: ProxyCore,
  scheme: Scheme,
  listenPort: () => number,
  tunnels: Set<Duplex>,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    socket.on("error", () => socket.destroy());
    const routes = core.opts.routes();
    if (!routes) {
      socket.destroy();
      return;
    }
    const raw = rawFields(req);
    const refused = refusal(req, raw);
    if (refused !== undefined) {
      socket.end(rawResponse(refused));
      return;
    }
    const { host, path } = requestTarget(req);
    const remoteAddress = req.socket.remoteAddress ?? "";
    const httpsPort = core.httpsPort();
    const d = routes.route({
      method: req.method ?? "GET",
      scheme,
      host,
      path,
      rawHeaders: raw,
      sourceIP: remoteAddress,
      random: Math.random(),
      ...(httpsPort !== undefined ? { httpsPort } : {}),
    });
    if (d.action !== "proxy" || d.endpoints.length === 0) {
      socket.end(rawResponse(d.status, d.location ? { location: d.location } : {}));
      return;
    }
    const ep = pickEndpoint(d, core.rr);
    const target = core.opts.upstream(ep);
    const upgrade = req.headers.upgrade ?? "websocket";
    const fields = pairsOf(
      upstreamFields({ raw, host, remoteAddress, scheme, port: listenPort() }, newRequestId(), d),
    );
    fields.push("connection", "Upgrade", "upgrade", upgrade);
    const tls = d.config.backendProtocol === "HTTPS";
    const preq = (tls ? https : http).request({
      host: target.host,
      port: target.port,
      method: req.method ?? "GET",
      path: d.upstreamPath ?? "/",
      headers: fields,
      agent: false,
      setHost: false,
      ...(core.opts.localAddress ? { localAddress: core.opts.localAddress } : {}),
      ...(tls ? { rejectUnauthorized: false } : {}),
    });
    preq.setTimeout(d.config.connectTimeoutMs, () => preq.destroy(new UpstreamTimeout("connect timeout")));
    preq.on("upgrade", (pres, psock, phead) => {
      preq.setTimeout(0);
      socket.write(responseHead(101, pres.rawHeaders));
      if (phead.length > 0) socket.write(phead);
      if (head.length > 0) psock.write(head);
      tunnels.add(socket);
      const done = () => {
        tunnels.delete(socket);
        psock.destroy();
        socket.destroy();
      };
      psock.on("error", done);
      psock.on("close", done);
      // ingress-nginx: an upgraded connection idle (no bytes either way) for proxy-read-timeout is closed.
      psock.setTimeout(d.config.readTimeoutMs, done);
      socket.on("close", done);
      psock.pipe(socket);
      socket.pipe(psock);
    });
    preq.on("response", (pres) => {
      // The backend declined the upgrade: relay its answer and close.
      const kept: string[] = [];
      const r = pres.rawHeaders;
      for (let i = 0; i + 1 < r.length; i += 2)
        if (!DECLINED_DROP.has((r[i] as string).toLowerCase())) kept.push(r[i] as string, r[i + 1] as string);
      kept.push("Connection", "close");
      socket.write(responseHead(pres.statusCode ?? 502, kept));
      pres.pipe(socket);
    });
    preq.on("error", (err) => {
      const code = (err as NodeJS.ErrnoException).code === UPSTREAM_TIMEOUT ? 504 : 502;
      if (socket.writable) socket.end(rawResponse(code));
    });
    preq.end();
  };
}
