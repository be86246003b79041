/**
 * Listeners outlive snapshots (Caddy's usage pool): every socket is keyed by
 * protocol and local address, opened once, and only its handler is swapped
 * when a new snapshot arrives. Removing a key stops accepting new connections
 * there; connections already established keep flowing until they end.
 */
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from "node:dgram";
import { createServer, type Server, type Socket } from "node:net";

export type TcpHandler = (socket: Socket) => void;
export type UdpHandler = (msg: Buffer, rinfo: RemoteInfo, socket: UdpSocket) => void;

export type ListenerSpec =
  | { protocol: "tcp"; host: string; port: number; handler: TcpHandler; what: string }
  | { protocol: "udp"; host: string; port: number; handler: UdpHandler; what: string };

interface TcpEntry {
  protocol: "tcp";
  server: Server;
  spec: Extract<ListenerSpec, { protocol: "tcp" }>;
}
interface UdpEntry {
  protocol: "udp";
  socket: UdpSocket;
  spec: Extract<ListenerSpec, { protocol: "udp" }>;
}
type Entry = TcpEntry | UdpEntry;

export interface BindFailure {
  key: string;
  what: string;
  code: string;
  message: string;
}

export function listenerKey(protocol: "tcp" | "udp", host: string, port: number): string {
  return `${protocol} ${host}:${port}`;
}

export class ListenerPool {
  private readonly entries = new Map<string, Entry>();
  private readonly sockets = new Set<Socket>();

  /** Opens what is new, swaps handlers of what stays, closes what is gone. Returns bind failures. */
  async sync(desired: readonly ListenerSpec[]): Promise<BindFailure[]> {
    const want = new Map<string, ListenerSpec>();
    for (const d of desired) want.set(listenerKey(d.protocol, d.host, d.port), d);
    for (const [key, e] of this.entries) {
      if (!want.has(key)) {
        this.entries.delete(key);
        if (e.protocol === "tcp") e.server.close();
        else e.socket.close();
      }
    }
    const failures: BindFailure[] = [];
    const opening: Promise<void>[] = [];
    for (const [key, spec] of want) {
      const e = this.entries.get(key);
      if (e) {
        e.spec = spec as never;
        continue;
      }
      opening.push(
        this.open(key, spec).catch((err: NodeJS.ErrnoException) => {
          failures.push({ key, what: spec.what, code: err.code ?? "EBIND", message: err.message });
        }),
      );
    }
    await Promise.all(opening);
    return failures;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Stops every listener; established TCP connections are ended after `graceMs`. */
  async close(graceMs = 1000): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const e of this.entries.values()) {
      if (e.protocol === "tcp") closing.push(new Promise((r) => e.server.close(() => r())));
      else e.socket.close();
    }
    this.entries.clear();
    const deadline = setTimeout(() => {
      for (const s of this.sockets) s.destroy();
    }, graceMs);
    for (const s of this.sockets) s.end();
    await Promise.all(closing);
    clearTimeout(deadline);
  }

  private open(key: string, spec: ListenerSpec): Promise<void> {
    if (spec.protocol === "tcp") {
      return new Promise((resolve, reject) => {
        // allowHalfOpen: a client that shuts down its sending side still gets the reply (proxied half-close).
        const server = createServer({ pauseOnConnect: false, noDelay: true, allowHalfOpen: true });
        const entry: TcpEntry = { protocol: "tcp", server, spec };
        server.on("connection", (s) => {
          this.sockets.add(s);
          s.on("close", () => this.sockets.delete(s));
          try {
            entry.spec.handler(s);
          } catch {
            s.destroy();
          }
        });
        server.once("error", reject);
        server.listen({ host: spec.host, port: spec.port, backlog: 1024 }, () => {
          server.off("error", reject);
          server.on("error", () => {});
          this.entries.set(key, entry);
          resolve();
        });
      });
    }
    return new Promise((resolve, reject) => {
      const socket = createSocket({ type: "udp4" });
      const entry: UdpEntry = { protocol: "udp", socket, spec };
      socket.on("message", (msg, rinfo) => {
        try {
          entry.spec.handler(msg, rinfo, socket);
        } catch {
          // A bad datagram never takes the listener down.
        }
      });
      socket.once("error", reject);
      socket.bind({ address: spec.host, port: spec.port }, () => {
        socket.off("error", reject);
        socket.on("error", () => {});
        this.entries.set(key, entry);
        resolve();
      });
    });
  }
}
