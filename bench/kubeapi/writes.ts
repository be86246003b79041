/**
 * Kubernetes API benchmark over the real compile step (FakeHost →
 * compileSnapshot): N Services+Deployments written with HTTPS POSTs (write
 * latency p50/p99 as the store grows), 20 watchers receiving every event
 * (fan-out delay from the write returning to the last watcher seeing it),
 * `kubectl apply -f` of the same number of objects in one file, and memory.
 *
 *   npx tsx bench/kubeapi/writes.ts [objects=1000] [watchers=20]
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { startKubeApi } from "../../src/kubeapi/server.js";
import { FakeHost } from "../../test/kubeapi/fake-host.js";

const N = Number(process.argv[2] ?? 1000);
const WATCHERS = Number(process.argv[3] ?? 20);
const dir = mkdtempSync(join(tmpdir(), "michi-kubeapi-bench-"));
const host = new FakeHost();
// Time spent in the host (validate + compile the whole state), to tell it from the API's own share.
const hostMs: number[] = [];
const hostApply = host.apply.bind(host);
host.apply = async (objects, options) => {
  const s = performance.now();
  const r = await hostApply(objects, options);
  hostMs.push(performance.now() - s);
  return r;
};
const api = await startKubeApi(host, { address: "127.0.0.1:0", stateDir: dir });
const agent = new Agent({ keepAlive: true, ca: api.caCert });

function post(path: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request(
      new URL(path, api.url),
      {
        method: "POST",
        agent,
        headers: { Authorization: `Bearer ${api.token}`, "Content-Type": "application/json" },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

const service = (i: number) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: `svc-${i}` },
  spec: { selector: { app: `app-${i}` }, ports: [{ port: 80, targetPort: 8080 }] },
});

// Watchers: each counts ADDED services and records when it saw svc-i.
const seen: Map<string, number>[] = [];
const streams: { destroy(): void }[] = [];
for (let w = 0; w < WATCHERS; w++) {
  const m = new Map<string, number>();
  seen.push(m);
  await new Promise<void>((resolve) => {
    const req = request(
      new URL("/api/v1/namespaces/default/services?watch=1&resourceVersion=" + "1", api.url),
      { agent: new Agent({ ca: api.caCert }), headers: { Authorization: `Bearer ${api.token}` } },
      (res) => {
        let buf = "";
        res.on("data", (c: Buffer) => {
          buf += c.toString();
          let i = buf.indexOf("\n");
          while (i >= 0) {
            const ev = JSON.parse(buf.slice(0, i)) as {
              type: string;
              object: { metadata: { name: string } };
            };
            if (ev.type === "ADDED") m.set(ev.object.metadata.name, performance.now());
            buf = buf.slice(i + 1);
            i = buf.indexOf("\n");
          }
        });
        resolve();
      },
    );
    req.end();
    streams.push(req);
  });
}

const latencies: number[] = [];
const returned = new Map<string, number>();
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  const s = performance.now();
  const code = await post("/api/v1/namespaces/default/services", service(i));
  if (code !== 201) throw new Error(`write ${i}: HTTP ${code}`);
  const e = performance.now();
  latencies.push(e - s);
  returned.set(`svc-${i}`, e);
}
const total = performance.now() - t0;
await new Promise((r) => setTimeout(r, 500));
const fanout: number[] = [];
for (const [name, at] of returned) {
  const last = Math.max(...seen.map((m) => m.get(name) ?? Number.POSITIVE_INFINITY));
  fanout.push(last - at);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const tail = latencies.slice(-Math.max(1, Math.floor(N / 10)));
console.log(`writes: ${N} services via POST in ${(total / 1000).toFixed(1)} s`);
console.log(
  `write latency ms: p50 ${pct(latencies, 50).toFixed(1)}  p99 ${pct(latencies, 99).toFixed(1)}  (last 10%: p50 ${pct(tail, 50).toFixed(1)} p99 ${pct(tail, 99).toFixed(1)})`,
);
console.log(
  `watch fan-out to ${WATCHERS} watchers after the write returned, ms: p50 ${pct(fanout, 50).toFixed(2)}  p99 ${pct(fanout, 99).toFixed(2)}  max ${Math.max(...fanout).toFixed(2)}`,
);
const apiOwn = latencies.map((l, i) => l - (hostMs[i] ?? 0));
console.log(
  `of which in the host (validate + compile): p50 ${pct(hostMs.slice(0, N), 50).toFixed(1)}; the API's own share: p50 ${pct(apiOwn, 50).toFixed(1)} p99 ${pct(apiOwn, 99).toFixed(1)}`,
);
console.log(
  `rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`,
);

// kubectl apply of N deployments in one file.
const dispatcher = execFileSync("sh", ["-c", "command -v kubectl"], { encoding: "utf8" }).trim();
const kubectl = join(dirname(realpathSync(dispatcher)), "kubectl.1.33");
const docs: string[] = [];
for (let i = 0; i < N; i++) {
  docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  k: "${i}"\n`);
}
writeFileSync(join(dir, "many.yaml"), docs.join("---\n"));
const k0 = performance.now();
// Asynchronously: the server runs in this process.
await new Promise<void>((resolve, reject) =>
  execFile(
    kubectl,
    ["apply", "-f", join(dir, "many.yaml")],
    { env: { ...process.env, KUBECONFIG: api.kubeconfigPath, HOME: dir }, maxBuffer: 1 << 26 },
    (err, _out, stderr) => (err ? reject(new Error(stderr)) : resolve()),
  ),
);
console.log(`kubectl apply -f of ${N} ConfigMaps: ${((performance.now() - k0) / 1000).toFixed(1)} s`);

for (const s of streams) s.destroy();
await api.close();
agent.destroy();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
