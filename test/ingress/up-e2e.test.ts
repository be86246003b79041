/**
 * Through `michi up`: the idp-system example served over HTTPS for
 * auth.example.com, requested with curl (certificate verified against the
 * example's Secret) and Node's https client, answered by an idp-server pod.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { send } from "./harness.js";

const run = promisify(execFile);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

describe("michi up: ingress over HTTPS", () => {
  let up: ChildProcess;
  let httpPort = 0;
  let httpsPort = 0;
  let ca = "";
  let caFile = "";
  let output = "";

  beforeAll(async () => {
    const secret = parse(readFileSync("examples/idp-system/55-tls-secret.yaml", "utf8")) as {
      data: Record<string, string>;
    };
    ca = Buffer.from(secret.data["tls.crt"] ?? "", "base64").toString();
    caFile = join(mkdtempSync(join(tmpdir(), "michi-up-")), "ca.pem");
    writeFileSync(caFile, ca);
    const [dns, http, https, ui] = [await freePort(), await freePort(), await freePort(), await freePort()];
    httpPort = http;
    httpsPort = https;
    up = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "src/cli/main.ts",
        "up",
        "-f",
        "examples/idp-system",
        "--dns",
        `127.0.0.1:${dns}`,
        "--http",
        `127.0.0.1:${http}`,
        "--https",
        `127.0.0.1:${https}`,
        "--ui",
        `127.0.0.1:${ui}`,
        // Address ranges of our own, so a concurrent `michi up` (other tests) cannot collide with these pods.
        "--pod-cidr",
        "10.190.0.0/16",
        "--service-cidr",
        "10.191.0.0/16",
        "--dns-service-ip",
        "10.191.0.10",
        "--node-cidr",
        "10.192.0.0/24",
        "--lb-cidr",
        "10.192.1.0/24",
        // NodePorts also listen on the host address: one of our own, so parallel test files never collide.
        "--host-ip",
        "127.192.255.1",
        // Tests never send traffic off the machine.
        "--dns-upstreams",
        "none",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`michi up never became ready:\n${output}`)), 60_000);
      const onData = (d: Buffer) => {
        output += d.toString();
        if (/\bready\b/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      up.stdout?.on("data", onData);
      up.stderr?.on("data", onData);
      up.once("exit", (code) => reject(new Error(`michi up exited ${code}:\n${output}`)));
    });
  }, 90_000);

  afterAll(async () => {
    if (!up || up.exitCode !== null || up.signalCode !== null) return;
    // Shutdown behaviour is `up`'s own contract (tested there); here we only make sure it is gone.
    const exited = new Promise<void>((r) => up.once("exit", () => r()));
    up.kill("SIGTERM");
    const timer = setTimeout(() => up.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  });

  it("curl https://auth.example.com/login: certificate verified, an idp-server pod answers", async () => {
    const { stdout } = await run("curl", [
      "-sS",
      "--max-time",
      "10",
      "--resolve",
      `auth.example.com:${httpsPort}:127.0.0.1`,
      "--cacert",
      caFile,
      `https://auth.example.com:${httpsPort}/login`,
    ]);
    const body = JSON.parse(stdout) as {
      pod: string;
      namespace: string;
      path: string;
      headers: Record<string, string>;
    };
    expect(body.namespace).toBe("idp-system");
    expect(body.pod).toMatch(/^idp-server-/);
    expect(body.path).toBe("/login");
    expect(body.headers["x-forwarded-proto"]).toBe("https");
  });

  it("Node's https client with SNI gets the Secret's certificate; requests spread over the pods", async () => {
    const pods = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const r = await send(httpsPort, "/", "auth.example.com", { tls: { ca } });
      expect(r.status).toBe(200);
      expect(r.cert?.subject.CN).toBe("auth.example.com");
      pods.add((JSON.parse(r.body) as { pod: string }).pod);
    }
    expect(pods.size).toBe(3);
  });

  it("plain HTTP is redirected to HTTPS with 308", async () => {
    const r = await send(httpPort, "/login", "auth.example.com");
    expect(r.status).toBe(308);
    expect(r.headers.location).toMatch(/^https:\/\/auth\.example\.com(:\d+)?\/login$/);
  });
});
