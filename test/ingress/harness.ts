/**
 * Real sockets for the proxy tests: echo "pods" on 127.0.0.1 (port 0) that
 * report which pod answered and the method, path, headers and body size they
 * received; a tiny HTTP client that can set Host and SNI freely.
 */
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";

export interface EchoReply {
  pod: string;
  method: string;
  url: string;
  httpVersion: string;
  headers: Record<string, string | string[] | undefined>;
  bodyBytes: number;
}

export interface EchoPods {
  /** model pod IP → local port */
  ports: Map<string, number>;
  upstream: (ep: { ip: string; port: number }) => { host: string; port: number };
  close(): Promise<void>;
}

/** One echo server per pod IP. `slowIps` never answer (for timeouts). */
export async function startEchoPods(ips: string[], opts: { slowIps?: string[] } = {}): Promise<EchoPods> {
  const ports = new Map<string, number>();
  const servers: http.Server[] = [];
  const sockets = new Set<import("node:net").Socket>();
  for (const ip of ips) {
    const srv = http.createServer((req, res) => {
      if (opts.slowIps?.includes(ip)) return; // never answers
      let bodyBytes = 0;
      req.on("data", (c: Buffer) => {
        bodyBytes += c.length;
      });
      req.on("end", () => {
        const reply: EchoReply = {
          pod: ip,
          method: req.method ?? "",
          url: req.url ?? "",
          httpVersion: req.httpVersion,
          headers: req.headers,
          bodyBytes,
        };
        const body = JSON.stringify(reply);
        res.writeHead(200, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "x-upstream-hop": "keep",
          connection: "keep-alive, x-upstream-hop",
        });
        res.end(body);
      });
    });
    srv.on("upgrade", (req, socket) => {
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${req.headers.upgrade}\r\nConnection: Upgrade\r\nX-Pod: ${ip}\r\n\r\n`,
      );
      socket.on("data", (d: Buffer) => socket.write(`${ip}:${d.toString()}`));
    });
    srv.on("connection", (sock) => {
      sockets.add(sock);
      sock.on("close", () => sockets.delete(sock));
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    ports.set(ip, (srv.address() as AddressInfo).port);
    servers.push(srv);
  }
  return {
    ports,
    upstream: (ep) => ({ host: "127.0.0.1", port: ports.get(ep.ip) ?? 1 }),
    close: async () => {
      for (const sock of sockets) sock.destroy();
      for (const s of servers) {
        s.closeAllConnections();
        await new Promise<void>((r) => s.close(() => r()));
      }
    },
  };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  httpVersion: string;
  cert?: { subject: Record<string, unknown>; subjectaltname?: string };
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  tls?: { servername?: string; ca?: string; rejectUnauthorized?: boolean };
  agent?: http.Agent | false;
}

export function send(port: number, path: string, host: string, o: SendOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const common = {
      host: "127.0.0.1",
      port,
      path,
      method: o.method ?? "GET",
      headers: { host, ...(o.headers ?? {}) },
      agent: o.agent ?? false,
    };
    const req = o.tls
      ? https.request({
          ...common,
          servername: o.tls.servername ?? host.replace(/:\d+$/, ""),
          ...(o.tls.ca ? { ca: o.tls.ca } : {}),
          rejectUnauthorized: o.tls.rejectUnauthorized ?? true,
        })
      : http.request(common);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const sock = res.socket as import("node:tls").TLSSocket;
        const cert =
          o.tls && typeof sock.getPeerCertificate === "function" ? sock.getPeerCertificate() : undefined;
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
          httpVersion: res.httpVersion,
          ...(cert
            ? {
                cert: {
                  subject: cert.subject as unknown as Record<string, unknown>,
                  ...(cert.subjectaltname ? { subjectaltname: cert.subjectaltname } : {}),
                },
              }
            : {}),
        });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}

export function echo(r: Reply): EchoReply {
  return JSON.parse(r.body) as EchoReply;
}
