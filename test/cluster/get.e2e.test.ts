/**
 * `michi get` end to end on the examples, in-process: the real command
 * (commander, the loader, validation, the controllers) with stdout captured.
 */

import { join } from "node:path";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { register } from "../../src/cli/commands/get.js";

const root = join(import.meta.dirname, "../..");
const idp = join(root, "examples/idp-system");
const myApp = join(root, "examples/my-app");

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
  await program.parseAsync(["node", "michi", "get", ...args]);
  return out;
}

describe("michi get", () => {
  it("pods -n idp-system: kubectl's columns, generated names, all Running", async () => {
    const text = await get("pods", "-n", "idp-system", "-f", idp);
    const lines = text.trimEnd().split("\n");
    expect(lines[0]?.split(/\s{2,}/)).toEqual(["NAME", "READY", "STATUS", "RESTARTS", "AGE"]);
    expect(lines).toHaveLength(11);
    expect(text).toMatch(
      /^idp-server-[456789bcdf]+-[bcdfghjklmnpqrstvwxz2456789]{5}\s+1\/1\s+Running\s+0\s+<unknown>$/m,
    );
    expect(text).toMatch(/^postgres-0\s+1\/1\s+Running/m);
  });

  it("po -o wide adds IP, NODE and the LOCAL loopback address", async () => {
    const text = await get("po", "postgres-0", "-n", "idp-system", "-o", "wide", "-f", idp);
    const [header, row] = text.trimEnd().split("\n");
    expect(header?.split(/\s{2,}/)).toEqual([
      "NAME",
      "READY",
      "STATUS",
      "RESTARTS",
      "AGE",
      "IP",
      "NODE",
      "NOMINATED NODE",
      "READINESS GATES",
      "LOCAL",
    ]);
    const cells = row?.split(/\s{2,}/) ?? [];
    expect(cells[5]).toMatch(/^10\.244\.\d+\.\d+$/);
    expect(cells[9]).toBe(cells[5]?.replace(/^10\./, "127."));
  });

  it("svc -o wide: LOCAL lists where michi up serves the cluster IP and the LoadBalancer IP", async () => {
    const text = await get("svc", "idp-server-lb", "-n", "idp-system", "-o", "wide", "-f", idp);
    const [header, row] = text.trimEnd().split("\n");
    const cols = header?.split(/\s{2,}/) ?? [];
    const cells = row?.split(/\s{2,}/) ?? [];
    expect(cols.slice(-2)).toEqual(["SELECTOR", "LOCAL"]);
    const clusterIP = cells[cols.indexOf("CLUSTER-IP")] ?? "";
    const lbIP = cells[cols.indexOf("EXTERNAL-IP")] ?? "";
    expect(cells.at(-1)).toBe(`${clusterIP.replace(/^10\./, "127.")},${lbIP.replace(/^10\./, "127.")}`);
    out = "";
    const headless = await get("svc", "postgres-headless", "-n", "idp-system", "-o", "wide", "-f", idp);
    expect(
      headless
        .trimEnd()
        .split("\n")[1]
        ?.split(/\s{2,}/)
        .at(-1),
    ).toBe("<none>");
  });

  it("-o wide uses the same map as michi up for ranges outside 10/8 (nodes and pods)", async () => {
    const nodes = await get("nodes", "-o", "wide", "-f", idp);
    expect(nodes).toMatch(/^node-1\s.*\s10\.1\.0\.1\s.*\s127\.1\.0\.1$/m);
    out = "";
    const pods = await get(
      "po",
      "postgres-0",
      "-n",
      "idp-system",
      "-o",
      "wide",
      "--pod-cidr",
      "192.168.0.0/16",
      "-f",
      idp,
    );
    const cells =
      pods
        .trimEnd()
        .split("\n")[1]
        ?.split(/\s{2,}/) ?? [];
    expect(cells[5]).toMatch(/^192\.168\.\d+\.\d+$/);
    // A /16 outside 10/8 gets its own /16 block of 127/8, carved from the top (docs/up.md).
    expect(cells[9]).toBe(cells[5]?.replace(/^192\.168\./, "127.254."));
  });

  it("svc -A: types, cluster IPs, external IPs and ports", async () => {
    const text = await get("svc", "-A", "-f", idp);
    expect(text.split("\n")[0]?.split(/\s{2,}/)).toEqual([
      "NAMESPACE",
      "NAME",
      "TYPE",
      "CLUSTER-IP",
      "EXTERNAL-IP",
      "PORT(S)",
      "AGE",
    ]);
    expect(text).toMatch(/^default\s+kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP\s/m);
    expect(text).toMatch(
      /^kube-system\s+kube-dns\s+ClusterIP\s+10\.96\.0\.10\s+<none>\s+53\/UDP,53\/TCP,9153\/TCP\s/m,
    );
    expect(text).toMatch(/^idp-system\s+idp-server-nodeport\s+NodePort\s+\S+\s+<none>\s+80:30080\/TCP\s/m);
    expect(text).toMatch(
      /^idp-system\s+idp-server-lb\s+LoadBalancer\s+\S+\s+10\.255\.0\.\d+\s+443:3\d{4}\/TCP\s/m,
    );
    expect(text).toMatch(/^idp-system\s+postgres-headless\s+ClusterIP\s+None\s/m);
  });

  it("-o json is a v1 List of objects as the cluster shows them", async () => {
    const list = JSON.parse(await get("svc", "-f", myApp, "-o", "json")) as {
      apiVersion: string;
      kind: string;
      items: {
        metadata: { name: string };
        spec: { clusterIP: string; clusterIPs: string[]; ports: { nodePort?: number }[] };
      }[];
    };
    expect(list.apiVersion).toBe("v1");
    expect(list.kind).toBe("List");
    const np = list.items.find((s) => s.metadata.name === "my-app-nodeport");
    expect(np?.spec.ports[0]?.nodePort).toBe(30080);
    expect(np?.spec.clusterIPs).toEqual([np?.spec.clusterIP]);
  });

  it("one NAME with -o json prints the object itself, as kubectl does", async () => {
    const pod = JSON.parse(await get("pod", "postgres-1", "-n", "idp-system", "-o", "json", "-f", idp)) as {
      kind: string;
      spec: { hostname: string; subdomain: string };
      status: { podIP: string; podIPs: { ip: string }[] };
    };
    expect(pod.kind).toBe("Pod");
    expect(pod.spec).toMatchObject({ hostname: "postgres-1", subdomain: "postgres-headless" });
    expect(pod.status.podIPs).toEqual([{ ip: pod.status.podIP }]);
  });

  it("-o yaml", async () => {
    const text = await get("ns", "monitoring", "-o", "yaml", "-f", idp);
    expect(text).toContain("kubernetes.io/metadata.name: monitoring");
  });

  it("-o name uses kubectl's resource prefixes", async () => {
    expect(await get("deploy", "-n", "idp-system", "-o", "name", "-f", idp)).toBe(
      "deployment.apps/frontend\ndeployment.apps/idp-server\ndeployment.apps/redis\n",
    );
    out = "";
    expect(await get("sts", "-n", "idp-system", "-o", "name", "-f", idp)).toBe("statefulset.apps/postgres\n");
  });

  it("endpointslices, ingresses, netpol, nodes and namespaces tables", async () => {
    expect(await get("endpointslices", "-n", "idp-system", "-f", idp)).toMatch(
      /^postgres-headless-[bcdfghjklmnpqrstvwxz2456789]{5}\s+IPv4\s+5432\s+10\.244\.\d+\.\d+,10\.244\.\d+\.\d+,10\.244\.\d+\.\d+\s/m,
    );
    out = "";
    expect(await get("ep", "idp-server", "-n", "idp-system", "-f", idp)).toMatch(
      /^idp-server\s+(10\.244\.\d+\.\d+:8080,){2}10\.244\.\d+\.\d+:8080 \+ 3 more\.\.\.\s/m,
    );
    out = "";
    expect(await get("ing", "-n", "idp-system", "-f", idp)).toMatch(
      /^idp-ingress\s+nginx\s+auth\.example\.com\s+10\.255\.0\.\d+\s+80, 443\s/m,
    );
    out = "";
    expect(await get("netpol", "-n", "idp-system", "-f", idp)).toMatch(
      /^idp-server-network-policy\s+app=idp-server\s/m,
    );
    out = "";
    expect(await get("no", "-f", idp)).toMatch(/^node-1\s+Ready\s+control-plane\s/m);
    out = "";
    const ns = await get("namespaces", "-f", idp);
    for (const n of [
      "default",
      "idp-system",
      "ingress-nginx",
      "kube-node-lease",
      "kube-public",
      "kube-system",
      "monitoring",
    ]) {
      expect(ns).toMatch(new RegExp(`^${n}\\s+Active\\s`, "m"));
    }
  });

  it("-o resolvconf and -o env for a pod (NAMESPACE/NAME form)", async () => {
    expect(await get("pod", "idp-system/postgres-0", "-o", "resolvconf", "-f", idp)).toMatch(
      /^search idp-system\.svc\.cluster\.local svc\.cluster\.local cluster\.local.*\nnameserver 10\.96\.0\.10\noptions ndots:5\n$/,
    );
    out = "";
    const env = await get("pod", "idp-system/postgres-0", "-o", "env", "-f", idp);
    expect(env).toContain("KUBERNETES_SERVICE_HOST=10.96.0.1\n");
    expect(env).toMatch(/^REDIS_SERVICE_PORT=6379$/m);
    expect(env).toMatch(/^IDP_SERVER_PORT_80_TCP=tcp:\/\/10\.\d+\.\d+\.\d+:80$/m);
    expect(env).not.toContain("POSTGRES_HEADLESS_SERVICE_HOST");
  });

  it("an unknown name is NotFound with exit code 1; an empty list says so on stderr", async () => {
    await get("pod", "nope", "-f", idp);
    expect(err).toContain('Error from server (NotFound): pods "nope" not found');
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;
    err = "";
    await get("pods", "-n", "kube-public", "-f", idp);
    expect(err).toContain("No resources found in kube-public namespace.");
  });

  it("rejects an unknown kind", async () => {
    await expect(get("widgets", "-f", idp)).rejects.toThrow(/doesn't have a resource type "widgets"/);
  });
});
