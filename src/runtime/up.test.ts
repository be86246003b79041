import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseManifests } from "../api/load.js";
import { addressMapFor } from "../cluster/addresses.js";
import { makeConfig } from "../cluster/config.js";
import { UpInstance } from "./up.js";

// Model ranges 10.226-10.228 → local 127.226-127.228: this file's own loopback block.
const config = makeConfig({
  podCIDR: "10.226.0.0/16",
  serviceCIDR: "10.227.0.0/16",
  dnsServiceIP: "10.227.0.10",
  nodeCIDR: "10.228.0.0/24",
  loadBalancerCIDR: "10.228.1.0/24",
});

const web = (replicas: number) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: agnhost, ports: [{containerPort: 8080}]}]
`;

let dir: string;
let up: UpInstance;
const objects = (yaml: string) => parseManifests(yaml, "t.yaml").objects;
const replicas = () => up.snapshot?.state.pods.filter((p) => p.metadata?.labels?.app === "web").length;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "michi-up-unit-"));
  writeFileSync(join(dir, "web.yaml"), web(1));
  up = new UpInstance({
    paths: [dir],
    config,
    addressMap: addressMapFor(config, [], "127.228.255.1"),
    portRule: { lowPortOffset: 10000 },
    hostIP: "127.228.255.1",
    ui: { host: "127.0.0.1", port: 0 },
    watch: false,
    deny: "drop",
    dropHoldMs: 1000,
    backoffScale: 0.01,
    debounceMs: 50,
    dnsUpstreams: [],
    log: () => {},
  });
  await up.start();
});

afterAll(async () => {
  await up?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("UpInstance changes", () => {
  it("apply upserts; a refused change keeps the version and records why", async () => {
    const v1 = up.snapshot?.version ?? 0;
    const ok = await up.apply(objects(web(2)));
    expect(ok.ok).toBe(true);
    expect(ok.version).toBe(v1 + 1);
    expect(replicas()).toBe(2);
    const bad = await up.apply(
      objects("apiVersion: v1\nkind: Service\nmetadata: {name: Bad_Name}\nspec: {ports: [{port: 80}]}\n"),
    );
    expect(bad.ok).toBe(false);
    expect(bad.diagnostics.some((d) => d.severity === "error" && d.field === "metadata.name")).toBe(true);
    expect(up.snapshot?.version).toBe(v1 + 1);
    expect(up.lastError?.source).toBe("apply");
  });

  it("delete of something that does not exist is NotFound and changes nothing", async () => {
    const v = up.snapshot?.version;
    const r = await up.delete(objects("apiVersion: v1\nkind: Service\nmetadata: {name: nope}\n"));
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]?.code).toBe("NotFound");
    expect(up.snapshot?.version).toBe(v);
  });

  it("a file edited after an apply wins (last write wins); an untouched file keeps the applied version", async () => {
    await up.apply(objects(web(3)));
    expect(replicas()).toBe(3);
    // Reload with the file unchanged: the applied 3 replicas stay.
    expect((await up.reload()).ok).toBe(true);
    expect(replicas()).toBe(3);
    writeFileSync(join(dir, "web.yaml"), web(2));
    expect((await up.reload()).ok).toBe(true);
    expect(replicas()).toBe(2);
  });

  it("delete removes a file-defined object until the file changes it again", async () => {
    const r = await up.delete(objects(web(2)));
    expect(r.ok).toBe(true);
    expect(replicas()).toBe(0);
    expect((await up.reload()).ok).toBe(true);
    expect(replicas()).toBe(0);
  });
});
