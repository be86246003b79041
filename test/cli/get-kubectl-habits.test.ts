/**
 * `michi get` with kubectl's habits (issue 18): several kinds at once,
 * `get all`, KIND/NAME arguments, --show-labels, --no-headers,
 * -o jsonpath=… and -o custom-columns=…, in-process through commander.
 */
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { register } from "../../src/cli/commands/get.js";

const IDP = "examples/idp-system";
let out = "";
let err = "";
beforeEach(() => {
  out = "";
  err = "";
  process.exitCode = undefined;
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function get(...args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  register(program);
  await program.parseAsync(["node", "michi", "get", ...args, "-f", IDP]);
  return out;
}

const firstColumn = (table: string) =>
  table
    .trimEnd()
    .split("\n")
    .map((l) => l.split(/\s+/)[0]);

describe("michi get, kubectl's way", () => {
  it("svc,endpointslices: one table per kind, names as KIND/NAME, a blank line between", async () => {
    const text = await get("svc,endpointslices", "-n", "idp-system");
    const [svc, slices] = text.split("\n\n");
    expect(firstColumn(svc ?? "")).toContain("service/idp-server");
    expect(svc?.split("\n")[0]).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP/);
    expect(slices?.split("\n")[0]).toMatch(/^NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE$/);
    expect(
      firstColumn(slices ?? "")
        .slice(1)
        .every((n) => n?.startsWith("endpointslice.discovery.k8s.io/")),
    ).toBe(true);
  });
  it("all: pods, services, deployments, replicasets, statefulsets", async () => {
    const text = await get("all", "-n", "idp-system");
    const kinds = new Set(
      firstColumn(text)
        .filter((n) => n?.includes("/"))
        .map((n) => n?.split("/")[0]),
    );
    expect([...kinds].sort()).toEqual([
      "deployment.apps",
      "pod",
      "replicaset.apps",
      "service",
      "statefulset.apps",
    ]);
  });
  it("pod/postgres-0 and KIND/NAMESPACE/NAME", async () => {
    expect(firstColumn(await get("pod/postgres-0", "-n", "idp-system"))).toEqual(["NAME", "postgres-0"]);
    out = "";
    const two = await get("pod/idp-system/postgres-0", "svc/idp-system/redis", "--no-headers");
    expect(firstColumn(two.replace("\n\n", "\n"))).toEqual(["pod/postgres-0", "service/redis"]);
  });
  it("a missing KIND/NAME is kubectl's NotFound, exit 1, the others still printed", async () => {
    const text = await get("pod/postgres-0", "pod/nope", "-n", "idp-system");
    expect(firstColumn(text)).toEqual(["NAME", "postgres-0"]);
    expect(err).toContain('Error from server (NotFound): pods "nope" not found');
    expect(process.exitCode).toBe(1);
  });
  it("--show-labels adds LABELS, sorted by key", async () => {
    const [header, row] = (await get("pod", "postgres-0", "-n", "idp-system", "--show-labels"))
      .trimEnd()
      .split("\n");
    expect(header).toMatch(/\s{3}LABELS$/);
    expect(row).toMatch(
      /\s{3}app=postgres,apps\.kubernetes\.io\/pod-index=0,controller-revision-hash=\S+,statefulset\.kubernetes\.io\/pod-name=postgres-0$/,
    );
  });
  it("--no-headers drops the header row only", async () => {
    const withHeaders = (await get("pods", "-n", "idp-system")).split("\n");
    out = "";
    const without = (await get("pods", "-n", "idp-system", "--no-headers")).split("\n");
    expect(without.length).toBe(withHeaders.length - 1);
    expect(without[0]).toMatch(/^custom-dns-pod\s+1\/1\s+Running/);
  });
  it("-o jsonpath with range, filters and literals", async () => {
    const text = await get(
      "pods",
      "-n",
      "idp-system",
      "-l",
      "app=postgres",
      "-o",
      'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.status.podIP}{"\\n"}{end}',
    );
    expect(text).toMatch(
      /^postgres-0\t10\.244\.\d+\.\d+\npostgres-1\t10\.244\.\d+\.\d+\npostgres-2\t10\.244\.\d+\.\d+\n$/,
    );
    out = "";
    expect(
      await get("nodes", "-o", 'jsonpath={.items[*].status.addresses[?(@.type=="InternalIP")].address}'),
    ).toBe("10.1.0.1 10.1.0.2 10.1.0.3");
    out = "";
    expect(await get("pod", "postgres-0", "-n", "idp-system", "-o", "jsonpath={.metadata.name}")).toBe(
      "postgres-0",
    );
  });
  it("-o custom-columns", async () => {
    const text = await get(
      "pods",
      "-n",
      "idp-system",
      "-l",
      "app=redis",
      "-o",
      "custom-columns=NAME:.metadata.name,NODE:.spec.nodeName,GATES:.spec.readinessGates",
    );
    expect(text).toMatch(/^NAME\s+NODE\s+GATES\nredis-[a-z0-9]+-[a-z0-9]{5}\s+node-\d\s+<none>\n$/);
  });
  it("a bad template is a usage error naming the flag", async () => {
    await expect(get("pods", "-o", "jsonpath={.items[0")).rejects.toThrow(/^-o jsonpath: expected \]/);
  });
});
