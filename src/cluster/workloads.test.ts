import { describe, expect, it } from "vitest";
import type { KubeObject, Pod } from "../api/types.js";
import { buildCluster } from "./build.js";
import { defaultConfig } from "./config.js";

const template = (app: string) => ({
  metadata: { labels: { app }, annotations: { note: "x" } },
  spec: { containers: [{ name: "c", image: "img:1", ports: [{ containerPort: 80 }] }] },
});
const objects: KubeObject[] = [
  {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web" },
    spec: { replicas: 3, selector: { matchLabels: { app: "web" } }, template: template("web") },
  },
  {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "db" },
    spec: {
      serviceName: "db-hl",
      replicas: 2,
      selector: { matchLabels: { app: "db" } },
      template: template("db"),
    },
  },
  {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "zk" },
    spec: {
      replicas: 2,
      ordinals: { start: 5 },
      selector: { matchLabels: { app: "zk" } },
      template: template("zk"),
    },
  },
  {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "agent" },
    spec: { selector: { matchLabels: { app: "agent" } }, template: template("agent") },
  },
  {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name: "rs" },
    spec: { replicas: 2, selector: { matchLabels: { app: "rs" } }, template: template("rs") },
  },
  {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "bare", labels: { app: "bare" } },
    spec: { containers: [{ name: "c", image: "img" }] },
  },
];
const state = buildCluster(objects, defaultConfig);
const userPods = state.pods.filter((p) => p.metadata?.namespace === "default");
const owned = (kind: string, name: string) =>
  userPods.filter(
    (p) => p.metadata?.ownerReferences?.[0]?.kind === kind && p.metadata.ownerReferences[0].name === name,
  );

describe("Deployment → ReplicaSet → Pods", () => {
  const rs = state.replicaSets.find((r) => r.metadata?.ownerReferences?.[0]?.name === "web");
  const hash = rs?.metadata?.labels?.["pod-template-hash"] ?? "";
  it("names the ReplicaSet NAME-HASH with the upstream hash alphabet and adds the hash to labels and selector", () => {
    expect(hash).toMatch(/^[456789bcdf]{1,10}$/);
    expect(rs?.metadata?.name).toBe(`web-${hash}`);
    expect(rs?.spec?.selector?.matchLabels).toEqual({ app: "web", "pod-template-hash": hash });
    expect(rs?.spec?.replicas).toBe(3);
  });
  it("names pods RS-xxxxx, owned by the ReplicaSet, with template labels/annotations and API defaults", () => {
    const pods = owned("ReplicaSet", `web-${hash}`);
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata?.name).toMatch(new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(p.metadata?.generateName).toBe(`web-${hash}-`);
      expect(p.metadata?.labels).toEqual({ app: "web", "pod-template-hash": hash });
      expect(p.metadata?.annotations).toEqual({ note: "x" });
      expect(p.metadata?.ownerReferences?.[0]).toMatchObject({
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        controller: true,
        blockOwnerDeletion: true,
      });
      expect(p.spec).toMatchObject({
        dnsPolicy: "ClusterFirst",
        restartPolicy: "Always",
        enableServiceLinks: true,
        serviceAccountName: "default",
        schedulerName: "default-scheduler",
        terminationGracePeriodSeconds: 30,
      });
      expect(p.spec?.containers[0]).toMatchObject({
        imagePullPolicy: "IfNotPresent",
        ports: [{ containerPort: 80, protocol: "TCP" }],
      });
      expect(p.status?.phase).toBe("Running");
    }
    expect(new Set(pods.map((p) => p.spec?.nodeName)).size).toBe(3);
  });
  it("reports Deployment status", () => {
    expect(state.deployments.find((d) => d.metadata?.name === "web")?.status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
  });
  it("a different template gives a different hash", () => {
    const changed = objects.map((o) =>
      o.metadata?.name === "web" ? { ...o, spec: { ...(o.spec as object), template: template("web2") } } : o,
    );
    const other = buildCluster(changed, defaultConfig).replicaSets.find(
      (r) => r.metadata?.ownerReferences?.[0]?.name === "web",
    );
    expect(other?.metadata?.name).not.toBe(rs?.metadata?.name);
  });
});

describe("StatefulSet", () => {
  it("names pods NAME-ordinal with hostname, subdomain and the identity labels", () => {
    const pods = owned("StatefulSet", "db");
    expect(pods.map((p) => p.metadata?.name)).toEqual(["db-0", "db-1"]);
    const p1 = pods[1] as Pod;
    expect(p1.spec?.hostname).toBe("db-1");
    expect(p1.spec?.subdomain).toBe("db-hl");
    expect(p1.metadata?.labels).toMatchObject({
      app: "db",
      "apps.kubernetes.io/pod-index": "1",
      "statefulset.kubernetes.io/pod-name": "db-1",
    });
    expect(p1.metadata?.labels?.["controller-revision-hash"]).toMatch(/^db-[456789bcdf]+$/);
  });
  it("honours spec.ordinals.start and leaves subdomain unset without serviceName", () => {
    const pods = owned("StatefulSet", "zk");
    expect(pods.map((p) => p.metadata?.name)).toEqual(["zk-5", "zk-6"]);
    expect(pods[0]?.spec?.subdomain).toBeUndefined();
  });
});

describe("DaemonSet, ReplicaSet, bare Pod", () => {
  it("runs one DaemonSet pod per node, pinned by node affinity", () => {
    const pods = owned("DaemonSet", "agent");
    expect(pods.map((p) => p.spec?.nodeName).sort()).toEqual(["node-1", "node-2", "node-3"]);
    for (const p of pods) {
      expect(p.metadata?.name).toMatch(/^agent-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(p.metadata?.labels?.["pod-template-generation"]).toBe("1");
    }
    expect(state.daemonSets[0]?.status).toMatchObject({ desiredNumberScheduled: 3, numberReady: 3 });
  });
  it("a user ReplicaSet names pods RS-xxxxx", () => {
    expect(owned("ReplicaSet", "rs").map((p) => p.metadata?.name?.replace(/[^-]+$/, ""))).toEqual([
      "rs-",
      "rs-",
    ]);
  });
  it("a bare pod keeps its name; `image` without a tag pulls Always", () => {
    const p = state.index.pod("default", "bare");
    expect(p?.spec?.containers[0]?.imagePullPolicy).toBe("Always");
    expect(p?.status?.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
  });
});
