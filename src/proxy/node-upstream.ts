/**
 * Upstream requests the pool (upstream-pool.ts) does not carry — those
 * with a body and those to HTTPS backends — through Node's http/https
 * client over keep-alive agents (ingress-nginx: upstream-keepalive 320, no
 * Nagle delay; proxy_ssl_verify off). It speaks the pool's UpstreamSink,
 * so the exchange does not know which client carried a try. Timers follow
 * nginx: the connect timeout until the socket connects, then
 * proxy-send-timeout while the body goes out and proxy-read-timeout while
 * waiting for the answer (both idle timers). A body over the route's limit
 * ends the try with BODY_TOO_LARGE (413).
 */
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import type { Readable } from "node:stream";
import { ResponseHead } from "./http1.js";
import { type UpstreamCall, type UpstreamSink, UpstreamTimeout } from "./upstream-call.js";

export const BODY_TOO_LARGE = "MICHI_BODY_TOO_LARGE";

/** The keep-alive agents of one proxy. */
export class NodeAgents {
  readonly http: http.Agent;
  readonly https: https.Agent;
  constructor() {
    const o = {
      keepAlive: true,
      maxSockets: 1024,
      maxFreeSockets: 320,
      scheduling: "lifo" as const,
      noDelay: true,
    };
    this.http = new http.Agent(o);
    // ingress-nginx does not verify upstream certificates by default (proxy_ssl_verify off).
    this.https = new https.Agent({ ...o, rejectUnauthorized: false });
  }
  destroy(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

export interface NodeRequestOptions {
  host: string;
  port: number;
  method: string;
  path: string;
  /** [name, value, …] pairs, written as given. */
  headers: readonly string[];
  https: boolean;
  localAddress?: string;
  connectTimeoutMs: number;
  sendTimeoutMs: number;
  readTimeoutMs: number;
  body: Readable | undefined;
  /** Bytes; Infinity = unlimited. */
  bodyLimit: number;
}

/** The response head of Node's IncomingMessage in the pool's form (names lower-cased). */
function headOf(pres: IncomingMessage): ResponseHead {
  const raw: string[] = [];
  const r = pres.rawHeaders;
  for (let i = 0; i + 1 < r.length; i += 2) raw.push((r[i] as string).toLowerCase(), r[i + 1] as string);
  const cl = pres.headers["content-length"];
  const te = pres.headers["transfer-encoding"];
  const chunked = te !== undefined && /(^|,)\s*chunked\s*$/i.test(te);
  return new ResponseHead(
    pres.statusCode ?? 502,
    pres.httpVersionMinor,
    raw,
    cl !== undefined && te === undefined ? Number(cl) : undefined,
    chunked,
    te !== undefined && !chunked,
    false,
    undefined,
  );
}

class NodeCall implements UpstreamCall {
  bodyStarted = false;
  private done = false;
  private readonly preq: http.ClientRequest;
  private pres: IncomingMessage | undefined;

  constructor(
    agents: NodeAgents,
    o: NodeRequestOptions,
    private readonly sink: UpstreamSink,
  ) {
    const preq = (o.https ? https : http).request({
      host: o.host,
      port: o.port,
      method: o.method,
      path: o.path,
      headers: o.headers as string[],
      agent: o.https ? agents.https : agents.http,
      setHost: false,
      ...(o.localAddress ? { localAddress: o.localAddress } : {}),
    });
    this.preq = preq;
    let connected = false;
    const connectTimer = setTimeout(
      () => preq.destroy(new UpstreamTimeout("upstream connect timed out")),
      o.connectTimeoutMs,
    );
    const onConnected = () => {
      if (connected) return;
      connected = true;
      clearTimeout(connectTimer);
      const onIdle = () => preq.destroy(new UpstreamTimeout("upstream timed out"));
      const body = o.body;
      preq.setTimeout(body ? o.sendTimeoutMs : o.readTimeoutMs, onIdle);
      if (!body) {
        preq.end();
        return;
      }
      preq.once("finish", () => preq.setTimeout(o.readTimeoutMs));
      this.bodyStarted = true;
      let bytes = 0;
      body.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > o.bodyLimit && !this.done) {
          body.unpipe(preq);
          preq.destroy();
          const e: NodeJS.ErrnoException = new Error("request body too large");
          e.code = BODY_TOO_LARGE;
          this.fail(e);
        }
      });
      body.pipe(preq);
    };
    preq.on("socket", (sock: Socket) => {
      if (sock.connecting) sock.once("connect", onConnected);
      else onConnected();
    });
    preq.on("response", (pres) => {
      clearTimeout(connectTimer);
      if (this.done) {
        pres.destroy();
        return;
      }
      this.pres = pres;
      this.sink.onHeaders(pres.statusCode ?? 502, headOf(pres));
      pres.on("data", (c: Buffer) => {
        if (!this.done && !this.sink.onData(c, 0, c.length)) pres.pause();
      });
      pres.on("end", () => {
        if (this.done) return;
        this.done = true;
        this.sink.onEnd();
      });
      pres.on("error", (err) => this.fail(err));
      pres.on("aborted", () =>
        this.fail(Object.assign(new Error("upstream aborted"), { code: "ECONNRESET" })),
      );
    });
    preq.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(connectTimer);
      this.fail(err);
    });
  }

  get mayBeStale(): boolean {
    return this.preq.reusedSocket;
  }

  private fail(err: NodeJS.ErrnoException): void {
    if (this.done) return;
    this.done = true;
    this.sink.onError(err);
  }

  abort(): void {
    this.done = true;
    this.preq.destroy();
    this.pres?.destroy();
  }

  resume(): void {
    this.pres?.resume();
  }
}

export function nodeRequest(agents: NodeAgents, o: NodeRequestOptions, sink: UpstreamSink): UpstreamCall {
  return new NodeCall(agents, o, sink);
}
