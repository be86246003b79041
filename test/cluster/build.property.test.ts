/**
 * Properties of buildCluster: document order never matters (fast-check
 * shuffles the manifests), and a previous state keeps allocations stable when
 * objects are added or removed on a running instance.
 */

import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/api/types.js";
import { buildCluster } from "../../src/cluster/build.js";
import { defaultConfig } from "../../src/cluster/config.js";
import type { ClusterState } from "../../src/cluster/state.js";
import { loadDir, parseObjects, snapshot } from "./helpers.js";

const root = join(import.meta.dirname, "../..");
const idp = loadDir(join(root, "examples/idp-system"));
const myApp = loadDir(join(root, "examples/my-app"));

describe("buildCluster is independent of document order", () => {
  it.each([
    ["idp-system", idp],
    ["my-app", myApp],
    ["both", [...idp, ...myApp]],
  ])("%s", (_name, objects) => {
    const reference = JSON.stringify(snapshot(buildCluster(objects, defaultConfig), { system: true }));
    fc.assert(
      fc.property(
        fc.shuffledSubarray(objects, { minLength: objects.length, maxLength: objects.length }),
        (shuffled) => {
          const got = JSON.stringify(snapshot(buildCluster(shuffled, defaultConfig), { system: true }));
          expect(got).toBe(reference);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("does not mutate its input", () => {
    const objects = structuredClone(idp);
    buildCluster(objects, defaultConfig);
    expect(objects).toEqual(idp);
  });
});

function podIPs(s: ClusterState): Map<string, string> {
  return new Map(s.pods.map((p) => [`${p.metadata?.namespace}/${p.metadata?.name}`, p.status?.podIP ?? ""]));
}

function serviceAllocs(s: ClusterState): Map<string, string> {
  return new Map(
    s.services.map((x) => [
      `${x.metadata?.namespace}/${x.metadata?.name}`,
      JSON.stringify([x.spec?.clusterIP, x.spec?.ports?.map((p) => p.nodePort), x.status?.loadBalancer]),
    ]),
  );
}

function sliceNames(s: ClusterState): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const sl of s.endpointSlices) {
    const k = `${sl.metadata?.namespace}/${sl.metadata?.labels?.["kubernetes.io/service-name"]}`;
    m.set(k, [...(m.get(k) ?? []), sl.metadata?.name ?? ""]);
  }
  return m;
}

function expectKept<V>(
  before: Map<string, V>,
  after: Map<string, V>,
  except: (k: string) => boolean = () => false,
) {
  for (const [k, v] of before) {
    if (except(k) || !after.has(k)) continue;
    expect(after.get(k), k).toEqual(v);
  }
}

const extra: KubeObject[] = parseObjects(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: aaa-new, namespace: idp-system}
spec:
  replicas: 5
  selector: {matchLabels: {app: aaa-new}}
  template:
    metadata: {labels: {app: aaa-new}}
    spec: {containers: [{name: c, image: c:1}]}
---
apiVersion: v1
kind: Service
metadata: {name: aaa-new, namespace: idp-system}
spec:
  type: LoadBalancer
  selector: {app: aaa-new}
  ports: [{port: 80}]
`);

describe("previous keeps allocations stable", () => {
  it("adding objects moves nothing that existed", () => {
    const before = buildCluster(idp, defaultConfig);
    const after = buildCluster([...extra, ...idp], defaultConfig, before);
    expectKept(podIPs(before), podIPs(after));
    expectKept(serviceAllocs(before), serviceAllocs(after));
    expectKept(sliceNames(before), sliceNames(after));
    expect(after.pods.filter((p) => p.metadata?.name?.startsWith("aaa-new-")).length).toBe(5);
    // Without `previous` the new objects sort first and take addresses others had: the property is not vacuous.
    const fresh = buildCluster([...extra, ...idp], defaultConfig);
    const moved = [...podIPs(before)].filter(([k, v]) => podIPs(fresh).get(k) !== v);
    expect(moved.length).toBeGreaterThan(0);
  });

  it("removing objects moves nothing that stays", () => {
    const before = buildCluster([...extra, ...idp], defaultConfig);
    const after = buildCluster(idp, defaultConfig, before);
    expectKept(podIPs(before), podIPs(after));
    expectKept(serviceAllocs(before), serviceAllocs(after));
    expect(after.pods.some((p) => p.metadata?.name?.startsWith("aaa-new-"))).toBe(false);
  });

  it("scaling a Deployment keeps the surviving pods' names and IPs", () => {
    const scaled = idp.map((o) =>
      o.kind === "Deployment" && o.metadata?.name === "idp-server"
        ? { ...o, spec: { ...(o.spec as object), replicas: 5 } }
        : o,
    );
    const before = buildCluster(idp, defaultConfig);
    const after = buildCluster(scaled, defaultConfig, before);
    const names = (s: ClusterState) =>
      s.pods.filter((p) => p.metadata?.name?.startsWith("idp-server-")).map((p) => p.metadata?.name);
    expect(names(after)).toEqual(expect.arrayContaining(names(before)));
    expect(names(after)).toHaveLength(5);
    expectKept(podIPs(before), podIPs(after));
  });
});
