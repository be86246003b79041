/**
 * Hostile input never crashes the proxy: random bytes and mangled requests
 * from clients (fast-check, raw sockets), and broken upstreams (garbage
 * responses, resets mid-body, hang-ups) — after each, the proxy still serves.
 */
import net from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileRoutes } from "../../src/ingress/route-table.js";
import { type IngressProxy, startIngressProxy } from "../../src/proxy/ingress-proxy.js";
import { ingress, makeState } from "./fixtures.js";
import { type EchoPods, send, startEchoPods } from "./harness.js";

let pods: EchoPods;
let proxy: IngressProxy;
let bad: net.Server;
let badMode: "garbage" | "reset-mid-body" | "close-before-response" = "garbage";
let port = 0;

beforeAll(async () => {
  pods = await startEchoPods(["10.244.1.1"]);
  bad = net.createServer((sock) => {
    sock.on("error", () => {});
    sock.once("data", () => {
      if (badMode === "garbage") sock.end("HTTP/1.1 ???\r\nthis is not http\r\n\r\n");
      else if (badMode === "close-before-response") sock.destroy();
      else {
        sock.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial");
        setTimeout(() => sock.resetAndDestroy(), 20);
      }
    });
  });
  await new Promise<void>((r) => bad.listen(0, "127.0.0.1", r));
  const badPort = (bad.address() as net.AddressInfo).port;
  const table = compileRoutes(
    makeState({
      services: [
        { name: "ok", ips: ["10.244.1.1"] },
        { name: "bad", ips: ["10.244.6.6"] },
      ],
      ingresses: [
        ingress({
          name: "h",
          rules: [
            {
              host: "h",
              paths: [
                { path: "/", service: "ok" },
                { path: "/bad", service: "bad" },
              ],
            },
          ],
        }),
      ],
    }),
  );
  proxy = await startIngressProxy({
    http: { host: "127.0.0.1", port: 0 },
    getTable: () => table,
    upstream: (ep) => (ep.ip === "10.244.6.6" ? { host: "127.0.0.1", port: badPort } : pods.upstream(ep)),
  });
  port = proxy.addresses.http?.port ?? 0;
});

afterAll(async () => {
  await proxy?.close(100);
  await pods?.close();
  bad?.close();
});

function blast(data: Uint8Array | string): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.on("error", () => resolve());
    s.on("close", () => resolve());
    s.on("data", () => {});
    s.write(data);
    setTimeout(() => s.destroy(), 30);
  });
}

describe("hostile clients", () => {
  it("random bytes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 600 }), async (bytes) => {
        await blast(bytes);
      }),
      { numRuns: 60 },
    );
    expect((await send(port, "/", "h")).status).toBe(200);
  });

  it("mangled request lines and headers", async () => {
    const token = fc.string({
      unit: fc.integer({ min: 0, max: 127 }).map((c) => String.fromCharCode(c)),
      maxLength: 40,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET", "POST", "G\0T", "", "CONNECT"),
        token,
        token,
        token,
        async (m, target, hname, hval) => {
          await blast(
            `${m} /${target} HTTP/1.1\r\nHost: h\r\n${hname}: ${hval}\r\nContent-Length: 3\r\n\r\nabc`,
          );
        },
      ),
      { numRuns: 80 },
    );
    expect((await send(port, "/", "h")).status).toBe(200);
  });
});

describe("hostile upstreams", () => {
  it.each([
    ["garbage", 502],
    ["close-before-response", 502],
  ] as const)("%s → %i", async (mode, status) => {
    badMode = mode;
    expect((await send(port, "/bad", "h")).status).toBe(status);
    expect((await send(port, "/", "h")).status).toBe(200);
  });
  it("reset mid-body: the client connection is cut, the proxy keeps serving", async () => {
    badMode = "reset-mid-body";
    await expect(send(port, "/bad", "h")).rejects.toThrow();
    expect((await send(port, "/", "h")).status).toBe(200);
  });
});
