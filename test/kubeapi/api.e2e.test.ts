/**
 * The API server over HTTPS with a plain client: the 401 Status body, the
 * kubeconfig's safety (mode 0600, a symlink refused), aggregated discovery
 * negotiation, watch semantics (initial ADDED set, resume from a
 * resourceVersion, BOOKMARK, timeoutSeconds, 410 Expired once compacted),
 * 409 on a stale update and on AlreadyExists, generateName, dryRun,
 * fieldValidation, limit/continue, and protobuf request and response bodies.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeProtobuf, encodeProtobuf, PROTOBUF } from "../../src/kubeapi/protobuf.js";
import { type KubeApi, startKubeApi } from "../../src/kubeapi/server.js";
import { FakeHost } from "./fake-host.js";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json(): Record<string, unknown>;
}

let api: KubeApi;
let host: FakeHost;
let dir: string;

function call(
  method: string,
  path: string,
  opts: { body?: unknown; raw?: Buffer; type?: string; accept?: string; token?: string | null } = {},
): Promise<Reply> {
  const url = new URL(path, api.url);
  const body = opts.raw ?? (opts.body !== undefined ? Buffer.from(JSON.stringify(opts.body)) : undefined);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: api.caCert,
        headers: {
          ...(opts.token === null ? {} : { Authorization: `Bearer ${opts.token ?? api.token}` }),
          ...(body ? { "Content-Type": opts.type ?? "application/json" } : {}),
          ...(opts.accept ? { Accept: opts.accept } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const b = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: b,
            json: () => JSON.parse(b.toString()),
          });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Reads watch events until `until` says stop (or the server ends the stream). */
function watchEvents(
  path: string,
  until: (events: { type: string; object: Record<string, unknown> }[]) => boolean,
) {
  return new Promise<{ type: string; object: Record<string, unknown> }[]>((resolve, reject) => {
    const events: { type: string; object: Record<string, unknown> }[] = [];
    const req = request(
      new URL(path, api.url),
      { ca: api.caCert, headers: { Authorization: `Bearer ${api.token}` } },
      (res) => {
        let buf = "";
        res.on("data", (c: Buffer) => {
          buf += c.toString();
          let i = buf.indexOf("\n");
          while (i >= 0) {
            events.push(JSON.parse(buf.slice(0, i)));
            buf = buf.slice(i + 1);
            i = buf.indexOf("\n");
          }
          if (until(events)) {
            req.destroy();
            resolve(events);
          }
        });
        res.on("end", () => resolve(events));
      },
    );
    req.on("error", (e) => (events.length ? resolve(events) : reject(e)));
    req.end();
  });
}

const cm = (name: string, data: Record<string, string> = { a: "1" }) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name },
  data,
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "michi-kubeapi-api-"));
  host = new FakeHost();
  api = await startKubeApi(host, { address: "127.0.0.1:0", stateDir: dir, eventLogLimit: 50 });
});
afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("authentication and kubeconfig", () => {
  it("answers 401 with the API server's Status body without (or with a wrong) token", async () => {
    for (const token of [null, "wrong"]) {
      const r = await call("GET", "/api/v1/namespaces", { token });
      expect(r.status).toBe(401);
      expect(r.json()).toMatchObject({
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        reason: "Unauthorized",
        code: 401,
      });
    }
    expect((await call("GET", "/api/v1/namespaces")).status).toBe(200);
  });

  it("writes the kubeconfig 0600 and refuses to write through a symlink", async () => {
    expect(statSync(api.kubeconfigPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(api.kubeconfigPath, "utf8")).toContain("current-context: michi");
    const d2 = mkdtempSync(join(tmpdir(), "michi-kubeapi-link-"));
    writeFileSync(join(d2, "target"), "keep");
    symlinkSync(join(d2, "target"), join(d2, "kubeconfig"));
    await expect(startKubeApi(host, { address: "127.0.0.1:0", stateDir: d2 })).rejects.toThrow(
      /symbolic link/,
    );
    expect(readFileSync(join(d2, "target"), "utf8")).toBe("keep");
    rmSync(d2, { recursive: true, force: true });
  });

  it("binds to loopback only", async () => {
    await expect(startKubeApi(host, { address: "0.0.0.0:0", stateDir: dir })).rejects.toThrow(/loopback/);
  });
});

describe("discovery", () => {
  it("negotiates aggregated discovery v2 and v2beta1, and falls back to the legacy lists", async () => {
    for (const v of ["v2", "v2beta1"]) {
      const accept = `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList,application/json`;
      const r = await call("GET", "/apis", { accept });
      expect(r.headers["content-type"]).toBe(
        `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`,
      );
      const items = r.json().items as { metadata: { name: string } }[];
      expect(items.map((i) => i.metadata.name)).toEqual(["apps", "discovery.k8s.io", "networking.k8s.io"]);
    }
    const legacy = await call("GET", "/api", { accept: "application/json" });
    expect(legacy.json()).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
    const v = (await call("GET", "/version")).json();
    expect(v).toMatchObject({ major: "1", minor: "33", gitVersion: "v1.33.0" });
  });

  it("serves an OpenAPI v3 document per group-version with patch strategies and merge keys", async () => {
    const index = (await call("GET", "/openapi/v3")).json() as {
      paths: Record<string, { serverRelativeURL: string }>;
    };
    expect(Object.keys(index.paths)).toContain("apis/apps/v1");
    const doc = (await call("GET", index.paths["api/v1"]?.serverRelativeURL ?? "")).json() as {
      components: { schemas: Record<string, { properties?: Record<string, Record<string, unknown>> }> };
    };
    const podSpec = doc.components.schemas["io.k8s.api.core.v1.PodSpec"];
    expect(podSpec?.properties?.containers).toMatchObject({
      "x-kubernetes-patch-merge-key": "name",
      "x-kubernetes-patch-strategy": "merge",
      "x-kubernetes-list-type": "map",
    });
    expect(doc.components.schemas["io.k8s.api.core.v1.Service"]).toMatchObject({
      "x-kubernetes-group-version-kind": [{ group: "", kind: "Service", version: "v1" }],
    });
  });
});

describe("writes", () => {
  it("creates with generateName, refuses AlreadyExists and a stale update with 409", async () => {
    const g = await call("POST", "/api/v1/namespaces/default/configmaps", {
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { generateName: "gen-" }, data: { x: "y" } },
    });
    expect(g.status).toBe(201);
    expect((g.json().metadata as { name: string }).name).toMatch(/^gen-[a-z0-9]{5}$/);
    expect((await call("POST", "/api/v1/namespaces/default/configmaps", { body: cm("c1") })).status).toBe(
      201,
    );
    const again = await call("POST", "/api/v1/namespaces/default/configmaps", { body: cm("c1") });
    expect(again.status).toBe(409);
    expect(again.json()).toMatchObject({
      reason: "AlreadyExists",
      message: 'configmaps "c1" already exists',
    });
    const live = (await call("GET", "/api/v1/namespaces/default/configmaps/c1")).json() as {
      metadata: { resourceVersion: string };
    };
    const ok = await call("PUT", "/api/v1/namespaces/default/configmaps/c1", {
      body: {
        ...cm("c1", { a: "2" }),
        metadata: { name: "c1", resourceVersion: live.metadata.resourceVersion },
      },
    });
    expect(ok.status).toBe(200);
    const stale = await call("PUT", "/api/v1/namespaces/default/configmaps/c1", {
      body: {
        ...cm("c1", { a: "3" }),
        metadata: { name: "c1", resourceVersion: live.metadata.resourceVersion },
      },
    });
    expect(stale.status).toBe(409);
    expect(stale.json()).toMatchObject({ reason: "Conflict" });
  });

  it("dryRun=All validates without changing anything", async () => {
    const before = host.writes;
    const r = await call("POST", "/api/v1/namespaces/default/configmaps?dryRun=All", { body: cm("dry") });
    expect(r.status).toBe(201);
    expect(host.writes).toBe(before);
    expect((await call("GET", "/api/v1/namespaces/default/configmaps/dry")).status).toBe(404);
  });

  it("fieldValidation: Strict refuses unknown fields, Warn reports them, both prune them", async () => {
    const body = { ...cm("fv"), bogus: 1 };
    const strict = await call("POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Strict", {
      body,
    });
    expect(strict.status).toBe(400);
    expect(strict.json().message).toContain('strict decoding error: unknown field "bogus"');
    const warn = await call("POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Warn", { body });
    expect(warn.status).toBe(201);
    expect(warn.headers.warning).toBe('299 - "unknown field \\"bogus\\""');
    expect(warn.json().bogus).toBeUndefined();
  });

  it("an invalid object is a 422 whose causes carry field paths", async () => {
    const r = await call("POST", "/api/v1/namespaces/default/services", {
      body: { apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { ports: [{ port: 0 }] } },
    });
    expect(r.status).toBe(422);
    const details = r.json().details as { causes: { field: string }[] };
    expect(details.causes.map((c) => c.field)).toContain("spec.ports[0].port");
  });

  it("accepts and answers protobuf bodies", async () => {
    const secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "pb", labels: { a: "b" } },
      type: "Opaque",
      data: { key: Buffer.from("value").toString("base64") },
    };
    const raw = encodeProtobuf(secret) as Buffer;
    expect(raw.subarray(0, 4)).toEqual(Buffer.from("k8s\0", "binary"));
    const r = await call("POST", "/api/v1/namespaces/default/secrets", {
      raw,
      type: PROTOBUF,
      accept: PROTOBUF,
    });
    expect(r.status).toBe(201);
    expect(r.headers["content-type"]).toBe(PROTOBUF);
    const back = decodeProtobuf(r.body) as typeof secret & {
      metadata: { uid: string; creationTimestamp: string };
    };
    expect(back.data).toEqual(secret.data);
    expect(back.metadata.labels).toEqual({ a: "b" });
    expect(back.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(back.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });
});

describe("lists and watches", () => {
  it("pages with limit/continue", async () => {
    const first = (await call("GET", "/api/v1/namespaces?limit=2")).json() as {
      items: unknown[];
      metadata: { continue?: string };
    };
    expect(first.items).toHaveLength(2);
    expect(first.metadata.continue).toBeTruthy();
    const rest = (
      await call("GET", `/api/v1/namespaces?limit=100&continue=${first.metadata.continue}`)
    ).json() as { items: { metadata: { name: string } }[] };
    const all = (await call("GET", "/api/v1/namespaces")).json() as {
      items: { metadata: { name: string } }[];
    };
    expect(
      [...(first.items as { metadata: { name: string } }[]), ...rest.items].map((i) => i.metadata.name),
    ).toEqual(all.items.map((i) => i.metadata.name));
  });

  it("starts with the ADDED set, resumes from a resourceVersion, sends BOOKMARKs and ends on timeoutSeconds", async () => {
    const initial = await watchEvents(
      "/api/v1/namespaces/default/configmaps?watch=1&allowWatchBookmarks=true",
      (e) => e.some((x) => x.type === "BOOKMARK"),
    );
    const added = initial
      .filter((e) => e.type === "ADDED")
      .map((e) => (e.object.metadata as { name: string }).name);
    expect(added).toContain("c1");
    const rv = (
      (initial.find((e) => e.type === "BOOKMARK")?.object.metadata ?? {}) as { resourceVersion: string }
    ).resourceVersion;
    await call("POST", "/api/v1/namespaces/default/configmaps", { body: cm("later") });
    await call("DELETE", "/api/v1/namespaces/default/configmaps/later");
    const resumed = await watchEvents(
      `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}&timeoutSeconds=1`,
      () => false,
    );
    expect(resumed.map((e) => `${e.type} ${(e.object.metadata as { name: string }).name}`)).toEqual([
      "ADDED later",
      "DELETED later",
    ]);
  });

  it("answers 410 Expired for a resourceVersion the event log no longer holds", async () => {
    const rv = Number(
      (
        (await call("GET", "/api/v1/namespaces/default/configmaps")).json().metadata as {
          resourceVersion: string;
        }
      ).resourceVersion,
    );
    for (let i = 0; i < 60; i++)
      await call("POST", "/api/v1/namespaces/default/configmaps", { body: cm(`churn-${i}`) });
    const ev = await watchEvents(
      `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}`,
      (e) => e.length > 0,
    );
    expect(ev[0]).toMatchObject({ type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired" } });
  });

  it("filters by label and field selectors, and reports unsupported fields", async () => {
    const pods = (await call("GET", "/api/v1/pods?labelSelector=k8s-app%3Dkube-dns")).json() as {
      items: { metadata: { name: string } }[];
    };
    expect(pods.items.length).toBe(2);
    expect(pods.items.every((p) => p.metadata.name.startsWith("coredns-"))).toBe(true);
    const byName = (
      await call("GET", `/api/v1/pods?fieldSelector=metadata.name%3D${pods.items[0]?.metadata.name}`)
    ).json() as { items: unknown[] };
    expect(byName.items).toHaveLength(1);
    const bad = await call("GET", "/api/v1/pods?fieldSelector=spec.bogus%3Dx");
    expect(bad.status).toBe(400);
    expect(bad.json().message).toBe("field label not supported: spec.bogus");
  });
});
