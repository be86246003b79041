/**
 * Where each client side enters the one exchange (exchange.ts): the
 * hand-written front end's requests (front.ts; raw pairs as they arrived,
 * no header objects) and Node's server's (node-client.ts). Both read the
 * routes once, route the request, and start a ProxyExchange. The front end
 * declines, before anything is written, what it cannot carry (HTTPS
 * backends, targets the pool cannot write, the 400/413 answers that need
 * Node's lingering close), and Node's server takes it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type ProxyCore, ProxyExchange, type RequestFacts } from "./exchange.js";
import type { FrontConn, FrontHandler } from "./front.js";
import type { RequestHead } from "./http1.js";
import { answerBeforeRouting, isH2, NodeClient, rawFields, refusal, requestTarget } from "./node-client.js";
import type { RouteQuery, Scheme } from "./routes.js";
import { writablePath } from "./upstream-call.js";

export function fastHandler(core: ProxyCore, scheme: Scheme, listenPort: () => number): FrontHandler {
  return {
    serve(conn: FrontConn, head: RequestHead): boolean {
      const routes = core.opts.routes();
      if (!routes) return false;
      const q: RouteQuery = {
        method: head.method,
        scheme,
        host: head.host,
        path: head.target,
        rawHeaders: head.raw,
        sourceIP: conn.remoteAddress,
        random: Math.random(),
      };
      if (head.contentLengthZero) q.contentLength = 0;
      const httpsPort = core.httpsPort();
      if (httpsPort !== undefined) q.httpsPort = httpsPort;
      const d = routes.route(q);
      if (d.action === "proxy") {
        if (d.config.backendProtocol !== "HTTP" || !writablePath(d.upstreamPath)) return false;
      } else if (d.status === 400 || d.status === 413) return false;
      core.metrics.noteTable(routes);
      const facts: RequestFacts = {
        method: head.method,
        target: head.target,
        httpVersion: "1.1",
        host: head.host,
        remoteAddress: conn.remoteAddress,
        raw: head.raw,
        scheme,
        port: listenPort(),
        body: undefined,
        expect: false,
      };
      new ProxyExchange(core, conn, facts, routes, d).run();
      return true;
    },
  };
}

/** Does the request carry a body? (HTTP/2 has no Transfer-Encoding: a body is whatever the stream carries after the headers.) */
function hasBody(req: IncomingMessage): boolean {
  if (isH2(req))
    return !(req as unknown as { stream?: { endAfterHeaders?: boolean } }).stream?.endAfterHeaders;
  const cl = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (cl !== undefined && cl !== "0");
}

export function nodeHandler(
  core: ProxyCore,
  scheme: Scheme,
  listenPort: () => number,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const routes = core.opts.routes();
    const raw = rawFields(req);
    const refused = refusal(req, raw);
    if (!routes || refused !== undefined) {
      // (No configuration compiled yet, at start-up: nginx would not be listening; 503 rather than a crash.)
      core.begin();
      res.once("close", () => core.done());
      answerBeforeRouting(res, refused ?? 503, refused !== undefined);
      return;
    }
    core.metrics.noteTable(routes);
    const { host, path } = requestTarget(req);
    const remoteAddress = req.socket.remoteAddress ?? "";
    const q: RouteQuery = {
      method: req.method ?? "GET",
      scheme,
      host,
      path,
      rawHeaders: raw,
      sourceIP: remoteAddress,
      random: Math.random(),
    };
    const clHeader = req.headers["content-length"];
    const contentLength = clHeader !== undefined ? Number(clHeader) : undefined;
    if (contentLength !== undefined && Number.isFinite(contentLength)) q.contentLength = contentLength;
    const httpsPort = core.httpsPort();
    if (httpsPort !== undefined) q.httpsPort = httpsPort;
    const d = routes.route(q);
    const facts: RequestFacts = {
      method: req.method ?? "GET",
      target: path,
      httpVersion: req.httpVersion,
      host,
      remoteAddress,
      raw,
      scheme,
      port: listenPort(),
      body: hasBody(req) ? req : undefined,
      expect: req.headers.expect !== undefined,
    };
    new ProxyExchange(core, new NodeClient(req, res), facts, routes, d).run();
  };
}
