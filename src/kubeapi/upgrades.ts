/**
 * `pods/portforward` — the upgraded connections kubectl port-forward opens:
 * raw SPDY/3.1 (`Upgrade: SPDY/3.1`, `X-Stream-Protocol-Version:
 * portforward.k8s.io`; kubectl ≤ 1.30 and the fallback of later ones) and
 * SPDY tunnelled through a WebSocket (subprotocol
 * `SPDY/3.1+portforward.k8s.io`, kubectl ≥ 1.31). Each forwarded connection
 * is an error stream plus a data stream with the same `requestid`; the data
 * stream is piped to host.connectPod (the pod's port through the data plane),
 * a failure is written on the error stream, as kubelet does.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Server } from "node:https";
import type { Duplex } from "node:stream";
import { createWebSocketStream, WebSocketServer } from "ws";
import type { ApiContext } from "./context.js";
import { entryKey } from "./registry.js";
import { resourceFor } from "./resources.js";
import { SpdySession, type SpdyStream } from "./spdy-session.js";

const TUNNEL_PROTOCOL = "SPDY/3.1+portforward.k8s.io";

function refuse(socket: Duplex, code: number, reason: string, message: string): void {
  const body = JSON.stringify({
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code,
  });
  socket.end(
    `HTTP/1.1 ${code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function podOf(url: string): { namespace: string; name: string } | undefined {
  const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/.exec(
    new URL(url, "https://x").pathname,
  );
  return m
    ? { namespace: decodeURIComponent(m[1] as string), name: decodeURIComponent(m[2] as string) }
    : undefined;
}

/** Serves one port-forward SPDY session for a pod. */
function serveSession(ctx: ApiContext, socket: Duplex, pod: { namespace: string; name: string }): void {
  const errors = new Map<string, SpdyStream>();
  const session = new SpdySession(socket, (s) => {
    const rid = s.headers.requestid ?? "";
    if (s.headers.streamtype === "error") {
      errors.set(rid, s);
      s.on("close", () => errors.delete(rid));
      s.resume();
      return;
    }
    if (s.headers.streamtype !== "data") {
      s.reset();
      return;
    }
    const port = Number(s.headers.port);
    const fail = (message: string) => {
      const e = errors.get(rid);
      if (e) e.end(message);
      s.end();
    };
    if (!ctx.host.connectPod) return fail("this michi instance cannot open connections to pods");
    ctx.host
      .connectPod(pod.namespace, pod.name, port)
      .then((conn) => {
        s.pipe(conn);
        conn.pipe(s);
        conn.on("error", () => s.end());
        s.on("error", () => conn.destroy());
        s.on("close", () => conn.destroy());
      })
      .catch((err: Error) =>
        fail(
          `an error occurred forwarding ${port} -> ${port}: error forwarding port ${port} to pod ${pod.name}: ${err.message}`,
        ),
      );
  });
  void session;
}

export function handleUpgrades(server: Server, ctx: ApiContext, token: Buffer): void {
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has(TUNNEL_PROTOCOL) ? TUNNEL_PROTOCOL : false),
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    const auth = req.headers.authorization ?? "";
    const got = Buffer.from(auth.startsWith("Bearer ") ? auth.slice(7).trim() : "");
    if (got.length !== token.length || !timingSafeEqual(got, token)) {
      return refuse(socket, 401, "Unauthorized", "Unauthorized");
    }
    const pod = podOf(req.url ?? "");
    if (!pod) return refuse(socket, 404, "NotFound", "only pods/portforward accepts upgrades");
    const res = resourceFor("", "v1", "pods");
    if (!res || !ctx.registry.get(entryKey(res, pod.namespace, pod.name))) {
      return refuse(socket, 404, "NotFound", `pods "${pod.name}" not found`);
    }
    const upgrade = (req.headers.upgrade ?? "").toLowerCase();
    if (upgrade === "websocket") {
      const offered = (req.headers["sec-websocket-protocol"] ?? "").split(",").map((p) => p.trim());
      if (!offered.includes(TUNNEL_PROTOCOL)) {
        return refuse(
          socket,
          400,
          "BadRequest",
          `port-forward over WebSocket needs the ${TUNNEL_PROTOCOL} subprotocol`,
        );
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const stream = createWebSocketStream(ws);
        stream.on("error", () => stream.destroy());
        serveSession(ctx, stream, pod);
      });
      return;
    }
    if (upgrade === "spdy/3.1") {
      socket.write(
        "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n",
      );
      if (head.length) socket.unshift(head);
      serveSession(ctx, socket, pod);
      return;
    }
    refuse(socket, 400, "BadRequest", `unsupported upgrade: ${req.headers.upgrade ?? ""}`);
  });
}
