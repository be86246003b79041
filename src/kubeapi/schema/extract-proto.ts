/**
 * Dev tool (not part of the build's runtime): extracts the API facts michi's
 * schema table needs from upstream's generated.proto files — message and field
 * names, field numbers, types, and the list markers (`+patchStrategy`,
 * `+patchMergeKey`, `+listType`, `+listMapKey`) — into `types.json`.
 * Upstream comments (prose) are dropped; only facts are kept.
 *
 *   npx tsx src/kubeapi/schema/extract-proto.ts API_REPO APIMACHINERY_REPO > src/kubeapi/schema/types.json
 *
 * where the repos are checkouts of github.com/kubernetes/api and
 * github.com/kubernetes/apimachinery (or git dirs: read with `git show HEAD:PATH`).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface FieldFact {
  n: string;
  f: number;
  t: string;
  r?: 1;
  /** map<string, V>: the value type. */
  m?: string;
  ps?: string;
  mk?: string;
  lt?: string;
  lk?: string[];
}

function readRepoFile(repo: string, path: string): string {
  const direct = join(repo, path);
  if (existsSync(direct)) return readFileSync(direct, "utf8");
  return execFileSync("git", ["--git-dir", repo, "show", `HEAD:${path}`], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
}

const SCALARS = new Set(["string", "int32", "int64", "bool", "bytes", "double", "float"]);

function openapiPackage(protoPkg: string): string {
  // k8s.io.api.core.v1 → io.k8s.api.core.v1
  return protoPkg.replace(/^k8s\.io\./, "io.k8s.");
}

function parse(text: string, out: Map<string, FieldFact[]>): void {
  const pkg = /^package ([\w.]+);/m.exec(text)?.[1] ?? "";
  const base = openapiPackage(pkg);
  let current: FieldFact[] | undefined;
  let markers: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const msg = /^message (\w+) \{/.exec(line);
    if (msg) {
      current = [];
      out.set(`${base}.${msg[1]}`, current);
      markers = {};
      continue;
    }
    if (line === "}") {
      current = undefined;
      continue;
    }
    if (!current) continue;
    const marker = /^\/\/ \+(patchStrategy|patchMergeKey|listType|listMapKey)=(.*)$/.exec(line);
    if (marker) {
      const [, k, v] = marker as unknown as [string, string, string];
      markers[k] = k === "listMapKey" && markers[k] ? `${markers[k]},${v}` : v;
      continue;
    }
    if (line.startsWith("//") || line === "") {
      if (line === "") markers = {};
      continue;
    }
    const field = /^(optional|repeated)?\s*(map<\s*string,\s*([\w.]+)>|[\w.]+)\s+(\w+)\s*=\s*(\d+);/.exec(
      line,
    );
    if (!field) {
      markers = {};
      continue;
    }
    const [, label, type, mapValue, name, num] = field as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const resolve = (t: string): string => {
      if (SCALARS.has(t)) return t;
      if (t.startsWith(".")) return openapiPackage(t.slice(1));
      return `${base}.${t}`;
    };
    const fact: FieldFact = { n: name, f: Number(num), t: mapValue ? "map" : resolve(type) };
    if (mapValue) fact.m = resolve(mapValue);
    if (label === "repeated") fact.r = 1;
    if (markers.patchStrategy) fact.ps = markers.patchStrategy;
    if (markers.patchMergeKey) fact.mk = markers.patchMergeKey;
    if (markers.listType) fact.lt = markers.listType;
    if (markers.listMapKey) fact.lk = markers.listMapKey.split(",");
    current.push(fact);
    markers = {};
  }
}

/** The kinds michi serves; the table keeps every message reachable from them. */
export const ROOTS = [
  "io.k8s.api.core.v1.Namespace",
  "io.k8s.api.core.v1.Node",
  "io.k8s.api.core.v1.Pod",
  "io.k8s.api.core.v1.Service",
  "io.k8s.api.core.v1.Endpoints",
  "io.k8s.api.core.v1.Secret",
  "io.k8s.api.core.v1.ConfigMap",
  "io.k8s.api.core.v1.Event",
  "io.k8s.api.apps.v1.Deployment",
  "io.k8s.api.apps.v1.ReplicaSet",
  "io.k8s.api.apps.v1.StatefulSet",
  "io.k8s.api.apps.v1.DaemonSet",
  "io.k8s.api.discovery.v1.EndpointSlice",
  "io.k8s.api.networking.v1.Ingress",
  "io.k8s.api.networking.v1.IngressClass",
  "io.k8s.api.networking.v1.NetworkPolicy",
  "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
  "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
];

function main(): void {
  const [apiRepo, machineryRepo] = process.argv.slice(2);
  if (!apiRepo || !machineryRepo) throw new Error("usage: extract-proto API_REPO APIMACHINERY_REPO");
  const all = new Map<string, FieldFact[]>();
  for (const p of ["core/v1", "apps/v1", "discovery/v1", "networking/v1"]) {
    parse(readRepoFile(apiRepo, `${p}/generated.proto`), all);
  }
  for (const p of ["pkg/apis/meta/v1", "pkg/util/intstr", "pkg/api/resource", "pkg/runtime"]) {
    parse(readRepoFile(machineryRepo, `${p}/generated.proto`), all);
  }
  const keep = new Map<string, FieldFact[]>();
  const queue = [...ROOTS];
  while (queue.length) {
    const name = queue.pop() as string;
    if (keep.has(name)) continue;
    const fields = all.get(name);
    if (!fields) throw new Error(`message ${name} not found`);
    keep.set(name, fields);
    for (const f of fields) {
      for (const t of [f.t, f.m]) if (t?.includes(".") && !keep.has(t)) queue.push(t);
    }
  }
  const sorted = Object.fromEntries([...keep.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  process.stdout.write(`${JSON.stringify(sorted)}\n`);
}

if (process.argv[1]?.endsWith("extract-proto.ts")) main();
