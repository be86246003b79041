/**
 * Upgraded connections: `pods/portforward` over WebSocket
 * (`v4.channel.k8s.io`/`portforward.k8s.io`) — placeholder until the
 * streaming protocols are wired.
 */
import type { Server } from "node:https";
import type { ApiContext } from "./context.js";

export function handleUpgrades(server: Server, ctx: ApiContext, token: Buffer): void {
  void ctx;
  void token;
  server.on("upgrade", (_req, socket) => {
    socket.end(
      "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n\r\nupgrades are not supported yet\n",
    );
  });
}
