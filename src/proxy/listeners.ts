/**
 * The proxy's listening sockets: the HTTP listener (plain TCP into the
 * hand-written front end, with Node's http.Server behind it for the
 * connections it hands over) and the HTTPS one (TLS with SNI choosing the
 * route's certificate, the same front end behind it, or Node's HTTP/2
 * server with HTTP/1.1 fallback when h2 is offered). Each listener's
 * Node server gets the pipeline's request, upgrade and client-error
 * handlers; close() drains and closes them all.
 */
import http from "node:http";
import http2 from "node:http2";
import type https from "node:https";
import net, { type AddressInfo, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import tls, { type SecureContext } from "node:tls";
import { generateDefaultCertificate } from "./default-cert.js";
import type { ProxyCore } from "./exchange.js";
import { Front } from "./front.js";
import { onClientError } from "./node-client.js";
import type { ListenAddress } from "./options.js";
import { fastHandler, nodeHandler } from "./pipeline.js";
import type { Certificate, Scheme } from "./routes.js";
import { upgradeHandler } from "./tunnel.js";

const SERVER_OPTIONS = {
  headersTimeout: 60_000,
  requestTimeout: 300_000,
  // Duplicate Content-Length / Transfer-Encoding conflicts are parse errors (400) in llhttp's strict mode.
  insecureHTTPParser: false,
};

function listen(srv: net.Server, addr: ListenAddress): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    srv.once("error", reject);
    srv.listen(addr.port, addr.host, () => {
      srv.off("error", reject);
      resolve(srv.address() as AddressInfo);
    });
  });
}

export class Listeners {
  readonly addresses: { http?: AddressInfo; https?: AddressInfo } = {};
  private readonly servers: net.Server[] = [];
  private readonly fallbacks: http.Server[] = [];
  private readonly fronts: Front[] = [];
  private readonly tunnels = new Set<Duplex>();
  /** Sockets of Node's servers (the HTTP/2 server has no connection helpers). */
  private readonly sockets = new Set<Socket>();
  private readonly keepAliveTimeout: number;

  constructor(private readonly core: ProxyCore) {
    this.keepAliveTimeout = core.opts.keepAliveTimeoutMs ?? 75_000;
  }

  /** Wires a Node server's events; `port` is the port clients are told (X-Forwarded-Port, redirects). */
  private wire(srv: http.Server | https.Server, scheme: Scheme, port: () => number): void {
    // No count limit (Node's default keeps the first 2000 fields and drops the rest silently): the
    // head-size limit bounds a request, answered with 431 when exceeded.
    srv.maxHeadersCount = 0;
    srv.on("request", nodeHandler(this.core, scheme, port));
    srv.on("upgrade", upgradeHandler(this.core, scheme, port, this.tunnels));
    srv.on("clientError", onClientError);
    srv.on("connection", (sock: Socket) => {
      this.sockets.add(sock);
      sock.once("close", () => this.sockets.delete(sock));
    });
  }

  /** The hand-written front end, with a Node server (never listening) for the connections it hands over. */
  private front(scheme: Scheme, port: () => number): Front {
    const fallback = http.createServer({ ...SERVER_OPTIONS, keepAliveTimeout: this.keepAliveTimeout });
    this.wire(fallback, scheme, port);
    this.fallbacks.push(fallback);
    const front = new Front({
      handler: fastHandler(this.core, scheme, port),
      fallback,
      keepAliveTimeoutMs: this.keepAliveTimeout,
      headersTimeoutMs: SERVER_OPTIONS.headersTimeout,
    });
    this.fronts.push(front);
    return front;
  }

  private async start(srv: net.Server, at: ListenAddress): Promise<AddressInfo> {
    const a = await listen(srv, at);
    this.servers.push(srv);
    return a;
  }

  async openHTTP(at: ListenAddress, advertised: number | undefined): Promise<AddressInfo> {
    let port = 0;
    const front = this.front("http", () => advertised ?? port);
    const srv = net.createServer({ pauseOnConnect: true, allowHalfOpen: true }, (sock) =>
      front.adoptTCP(sock),
    );
    this.addresses.http = await this.start(srv, at);
    port = this.addresses.http.port;
    return this.addresses.http;
  }

  async openHTTPS(at: ListenAddress, advertised: number | undefined): Promise<AddressInfo> {
    const opts = this.core.opts;
    const def = opts.defaultCertificate ?? (await generateDefaultCertificate());
    const defaultCtx = tls.createSecureContext({ cert: def.cert, key: def.key, minVersion: "TLSv1.2" });
    const contexts = new WeakMap<Certificate, SecureContext | null>();
    const SNICallback = (servername: string, cb: (err: Error | null, ctx?: SecureContext) => void) => {
      // SNI picks the certificate; the Host header (later) picks the route.
      const c = opts.routes()?.certificate(servername);
      if (!c) return cb(null, defaultCtx);
      let ctx = contexts.get(c);
      if (ctx === undefined) {
        try {
          ctx = tls.createSecureContext({ cert: c.cert, key: c.key, minVersion: "TLSv1.2" });
        } catch {
          ctx = null;
        }
        contexts.set(c, ctx);
      }
      cb(null, ctx ?? defaultCtx);
    };
    const tlsOpts = { cert: def.cert, key: def.key, minVersion: "TLSv1.2" as const, SNICallback };
    let port = 0;
    const portOf = () => advertised ?? port;
    let srv: net.Server;
    if (opts.http2) {
      // The HTTP/2 server with allowHTTP1 serves HTTP/1.1 clients (and their upgrades) through the same events.
      const h2 = http2.createSecureServer({
        ...tlsOpts,
        allowHTTP1: true,
        ALPNProtocols: ["h2", "http/1.1"],
      });
      this.wire(h2 as unknown as https.Server, "https", portOf);
      srv = h2;
    } else {
      const front = this.front("https", portOf);
      srv = tls.createServer({ ...tlsOpts, ALPNProtocols: ["http/1.1"], allowHalfOpen: true }, (sock) =>
        front.adoptStream(sock),
      );
    }
    srv.on("tlsClientError", (_err: Error, socket: Duplex) => socket.destroy());
    this.addresses.https = await this.start(srv, at);
    port = this.addresses.https.port;
    return this.addresses.https;
  }

  /** Stop accepting and close idle connections; the returned promise resolves once every listener closed. */
  stopAccepting(): Promise<void> {
    const closed = Promise.all(
      this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
    );
    for (const s of [...this.servers, ...this.fallbacks]) (s as http.Server).closeIdleConnections?.();
    for (const f of this.fronts) f.closeIdle();
    return closed.then(() => undefined);
  }

  /** Close every connection still open. */
  closeAll(): void {
    for (const s of [...this.servers, ...this.fallbacks]) (s as http.Server).closeAllConnections?.();
    for (const f of this.fronts) f.close();
    for (const t of this.tunnels) t.destroy();
    for (const sock of this.sockets) sock.destroy();
  }
}
