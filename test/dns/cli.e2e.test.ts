/**
 * `michi dns` (the registered command, in-process) and `michi dns serve`
 * (the CLI entry point in a child process), on the idp-system example. Out-of-zone names go to a
 * fake upstream on 127.0.0.5 only.
 */
import { spawn } from "node:child_process";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { register } from "../../src/cli/commands/dns.js";
import { dig, requireDig } from "./dig.js";
import { type FakeUpstream, startFakeUpstream } from "./fake-upstream.js";

const CLI = ["--import", "tsx", "src/cli/main.ts"];

/** Runs `michi ...` in-process through the command's own registration, capturing stdout. */
async function michi(...args: string[]): Promise<{ stdout: string; code: number }> {
  const program = new Command().exitOverride();
  register(program);
  let stdout = "";
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(["node", "michi", ...args]);
    return { stdout, code: 0 };
  } catch {
    return { stdout, code: 1 };
  } finally {
    process.stdout.write = write;
  }
}

async function json(
  ...args: string[]
): Promise<
  Record<string, unknown> & { answers: { name: string; type: string; ttl: number; data: string }[] }
> {
  const r = await michi(...args, "-o", "json");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

let upstream: FakeUpstream;
beforeAll(async () => {
  await requireDig();
  upstream = await startFakeUpstream("127.0.0.5", { "example.test": "192.0.2.53" });
});
afterAll(async () => upstream?.close());

describe("michi dns", () => {
  it("answers as the server does, JSON per CLI.md", async () => {
    const out = await json(
      "dns",
      "-f",
      "examples/idp-system",
      "postgres-0.postgres-headless.idp-system.svc.cluster.local",
      "--no-forward",
    );
    expect(out.rcode).toBe("NOERROR");
    expect(out.answers).toEqual([
      {
        name: "postgres-0.postgres-headless.idp-system.svc.cluster.local.",
        type: "A",
        ttl: 5,
        data: expect.stringMatching(/^10\.244\.\d+\.\d+$/),
      },
    ]);
    expect(out.authority).toEqual([]);
    const srv = await json(
      "dns",
      "-f",
      "examples/idp-system",
      "_http._tcp.idp-server.idp-system.svc.cluster.local",
      "SRV",
      "--no-forward",
    );
    expect(srv.answers[0]?.data).toBe("0 100 80 idp-server.idp-system.svc.cluster.local.");
    expect((srv.additional as unknown[]).length).toBe(1);
    const nx = await json(
      "dns",
      "-f",
      "examples/idp-system",
      "nope.idp-system.svc.cluster.local",
      "--no-forward",
    );
    expect(nx.rcode).toBe("NXDOMAIN");
    expect((nx.authority as { type: string }[])[0]?.type).toBe("SOA");
  });

  it("--from shows every query the pod's search list makes (ndots:5)", async () => {
    const out = await json(
      "dns",
      "-f",
      "examples/idp-system",
      "redis.idp-system",
      "--from",
      "idp-system/custom-dns-pod",
      "--no-forward",
    );
    const queries = out.queries as { name: string; rcode: string }[];
    expect(queries.map((q) => [q.name, q.rcode])).toEqual([
      ["redis.idp-system.idp-system.svc.cluster.local.", "NXDOMAIN"],
      ["redis.idp-system.svc.cluster.local.", "NOERROR"],
    ]);
    expect(out.answeredBy).toBe("redis.idp-system.svc.cluster.local.");
    expect(out.answers[0]?.type).toBe("A");
    expect((out.resolvConf as { ndots: number }).ndots).toBe(5);
  });

  it("--from: an external name tries the whole search list before going upstream", async () => {
    const out = await json(
      "dns",
      "-f",
      "examples/idp-system",
      "example.test",
      "--from",
      "idp-system/idp-server",
      "--upstream",
      upstream.address,
    );
    const queries = out.queries as { name: string; rcode: string }[];
    expect(queries.map((q) => q.name)).toEqual([
      "example.test.idp-system.svc.cluster.local.",
      "example.test.svc.cluster.local.",
      "example.test.cluster.local.",
      "example.test.",
    ]);
    expect(queries.map((q) => q.rcode)).toEqual(["NXDOMAIN", "NXDOMAIN", "NXDOMAIN", "NOERROR"]);
    expect(out.answers).toEqual([{ name: "example.test.", type: "A", ttl: 300, data: "192.0.2.53" }]);
    expect(upstream.queries.map((q) => q.name)).toContain("example.test");
    expect(upstream.queries.some((q) => q.name.endsWith("cluster.local"))).toBe(false);
  });

  it("without upstreams an external name is SERVFAIL, and the text output says why", async () => {
    const out = await json("dns", "-f", "examples/idp-system", "example.test", "--no-forward");
    expect(out.rcode).toBe("SERVFAIL");
    expect(out.upstream).toMatchObject({ status: "disabled" });
    const text = await michi(
      "dns",
      "-f",
      "examples/idp-system",
      "idp-server",
      "--from",
      "idp-system/idp-server",
      "--no-forward",
    );
    expect(text.stdout).toContain("search idp-system.svc.cluster.local svc.cluster.local cluster.local");
    expect(text.stdout).toMatch(/1\. idp-server\.idp-system\.svc\.cluster\.local\. A -> NOERROR, 1 answer/);
  });
});

describe("michi dns serve", () => {
  it("prints ready with the address, answers dig, stops on SIGTERM", async () => {
    const child = spawn(
      "node",
      [
        ...CLI,
        "dns",
        "serve",
        "-f",
        "examples/idp-system",
        "--dns",
        "127.0.0.1:0",
        "--upstream",
        upstream.address,
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let buf = "";
        child.stdout.on("data", (c) => {
          buf += c;
          if (buf.includes("\n")) resolve(buf);
        });
        child.on("exit", (code) => reject(new Error(`exited ${code}`)));
      });
      expect(line).toContain("ready");
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(line)?.[1]);
      const r = await dig(port, "postgres-0.postgres-headless.idp-system.svc.cluster.local");
      expect(r.status).toBe("NOERROR");
      expect(r.answers).toHaveLength(1);
      expect((await dig(port, "example.test")).answers).toEqual(["example.test. 300 IN A 192.0.2.53"]);
    } finally {
      const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    }
  });
});
