/**
 * The built-in pod server, in the spirit of the upstream e2e image agnhost
 * (`netexec`/`serve-hostname`): every declared containerPort of a pod without
 * a command answers with who it is and what it saw.
 *
 * - TCP, HTTP request: JSON with the pod's name, namespace, IP and node and
 *   the request's method, path, headers and source address (model address).
 *   `/hostname` answers the pod name as text and `/clientip` `IP:PORT`, as
 *   netexec does.
 * - TCP, anything else: echoed back.
 * - UDP: `hostname` → the pod name, `clientip` → `IP:PORT`, `echo X` → X,
 *   anything else is echoed.
 *
 * Sockets are handed in already accepted (and judged) by the data plane, with
 * the model source address, so the same code serves direct and proxied traffic.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

export interface PodIdentity {
  name: string;
  namespace: string;
  /** Model pod IP. */
  ip: string;
  node: string;
  /** Readiness in the model; `/healthz` and `/readyz` answer 503 when false. */
  ready: boolean;
}

export interface SourceInfo {
  /** Model source address (a pod IP, a node IP or an external address). */
  ip: string;
  port: number;
}

const HTTP_METHOD = /^(GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH|TRACE|CONNECT|PROPFIND) /;

export class Agnhost {
  private readonly http: Server;
  private readonly sources = new WeakMap<Socket, SourceInfo>();
  private identity: PodIdentity;
  private readonly open = new Set<Socket>();
  private closing = false;

  constructor(identity: PodIdentity) {
    this.identity = identity;
    this.http = createServer({ keepAliveTimeout: 5000 }, (req, res) => {
      // A terminating pod answers what is in flight but asks clients to reconnect elsewhere.
      if (this.closing) res.shouldKeepAlive = false;
      this.answer(req, res);
    });
    this.http.on("clientError", (_err, socket) => socket.destroy());
  }

  /** Readiness may change across snapshots; listeners stay. */
  update(identity: PodIdentity): void {
    this.identity = identity;
  }

  get pod(): PodIdentity {
    return this.identity;
  }

  handleTcp(socket: Socket, source: SourceInfo): void {
    this.sources.set(socket, source);
    this.open.add(socket);
    socket.on("close", () => this.open.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.once("data", (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      if (HTTP_METHOD.test(first.subarray(0, 16).toString("latin1"))) {
        this.http.emit("connection", socket);
        socket.resume();
      } else {
        socket.pipe(socket);
      }
    });
  }

  handleUdp(msg: Buffer, source: SourceInfo): Buffer {
    const text = msg.toString("utf8").trim();
    if (text === "hostname") return Buffer.from(this.identity.name);
    if (text === "clientip") return Buffer.from(`${source.ip}:${source.port}`);
    if (text.startsWith("echo ")) return Buffer.from(text.slice(5));
    return msg;
  }

  /**
   * Pod shutdown: like a server receiving SIGTERM, stop keeping connections
   * alive, let requests in flight finish, and cut what is left after the grace period.
   */
  async close(graceMs = 2000): Promise<void> {
    this.closing = true;
    this.http.closeIdleConnections();
    const deadline = Date.now() + graceMs;
    while (this.open.size > 0 && Date.now() < deadline) {
      this.http.closeIdleConnections();
      await new Promise((r) => setTimeout(r, 25));
    }
    for (const s of this.open) s.destroy();
    this.open.clear();
    this.http.close();
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const source = this.sources.get(req.socket as Socket) ?? { ip: "", port: 0 };
    const id = this.identity;
    const path = req.url ?? "/";
    const text = (status: number, body: string) => {
      res.writeHead(status, {
        "content-type": "text/plain; charset=utf-8",
        "content-length": Buffer.byteLength(body),
      });
      res.end(body);
    };
    if (path === "/hostname") {
      text(200, id.name);
      return;
    }
    if (path === "/clientip") {
      text(200, `${source.ip}:${source.port}`);
      return;
    }
    if (path === "/healthz" || path === "/readyz") {
      text(id.ready ? 200 : 503, id.ready ? "ok" : "not ready");
      return;
    }
    // Drain the body so keep-alive connections stay usable.
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
    });
    req.on("end", () => {
      const body = JSON.stringify({
        pod: id.name,
        namespace: id.namespace,
        podIP: id.ip,
        node: id.node,
        method: req.method,
        path,
        headers: req.headers,
        bodyBytes: size,
        source: { ip: source.ip, port: source.port },
      });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
  }
}
