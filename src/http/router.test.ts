/** The router over real sockets: params, 405 for a known path, fall-through, thrown HttpErrors. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBody } from "./body.js";
import { HttpError } from "./respond.js";
import { Router } from "./router.js";

let server: Server;
let base: string;

beforeAll(async () => {
  const router = new Router()
    .get("/items/:ns/:name", ({ params }) => ({ got: `${params.ns}/${params.name}` }))
    .post("/items", async ({ req }) => ({ length: (await readBody(req, 16)).length }))
    .get("/fail", () => {
      throw new HttpError(409, "Conflict", "no");
    });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    void router.handle(req, res, url).then((owned) => {
      if (!owned) {
        res.writeHead(418);
        res.end("not mine");
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("Router", () => {
  it("decodes params, answers JSON, 405s other methods on a known path and leaves the rest", async () => {
    const ok = await fetch(`${base}/items/a%2Fb/c`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ got: "a/b/c" });
    const wrong = await fetch(`${base}/items/x/y`, { method: "DELETE" });
    expect(wrong.status).toBe(405);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe("MethodNotAllowed");
    expect((await fetch(`${base}/elsewhere`)).status).toBe(418);
    const fail = await fetch(`${base}/fail`);
    expect(fail.status).toBe(409);
    expect(await fail.json()).toEqual({ error: { code: "Conflict", message: "no" } });
  });

  it("bounds request bodies with 413", async () => {
    expect((await fetch(`${base}/items`, { method: "POST", body: "short" })).status).toBe(200);
    const big = await fetch(`${base}/items`, { method: "POST", body: "x".repeat(100) });
    expect(big.status).toBe(413);
  });
});
