/**
 * Discovery documents: `/version`, the legacy lists (`/api`, `/apis`,
 * `/api/v1`, `/apis/GROUP/VERSION`) and aggregated discovery
 * (`apidiscovery.k8s.io/v2` and `v2beta1`, chosen by the Accept header the way
 * kubectl 1.27–1.33 ask for it). Short names and categories come from the
 * resource table, so `kubectl get all` and `kubectl get svc` resolve.
 */
import { type ApiResource, groupVersion, groupVersions, RESOURCES, VERBS } from "./resources.js";

export interface ServedVersion {
  major: string;
  minor: string;
}

export function versionInfo(v: ServedVersion): Record<string, string> {
  return {
    major: v.major,
    minor: v.minor,
    emulationMajor: v.major,
    emulationMinor: v.minor,
    gitVersion: `v${v.major}.${v.minor}.0`,
    gitCommit: "michi",
    gitTreeState: "clean",
    buildDate: "2026-01-01T00:00:00Z",
    goVersion: "go1.24.0",
    compiler: "gc",
    platform: `${process.platform}/${process.arch === "x64" ? "amd64" : process.arch}`,
  };
}

interface Subresource {
  name: string;
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}

/** Subresources michi answers, per resource plural. */
export const SUBRESOURCES: Readonly<Record<string, readonly Subresource[]>> = {
  pods: [
    { name: "log", kind: "Pod", verbs: ["get"] },
    { name: "portforward", kind: "PodPortForwardOptions", verbs: ["create", "get"] },
    { name: "status", kind: "Pod", verbs: ["get"] },
  ],
  services: [{ name: "status", kind: "Service", verbs: ["get"] }],
  deployments: [
    { name: "scale", kind: "Scale", group: "autoscaling", version: "v1", verbs: ["get", "patch", "update"] },
    { name: "status", kind: "Deployment", verbs: ["get"] },
  ],
  statefulsets: [
    { name: "scale", kind: "Scale", group: "autoscaling", version: "v1", verbs: ["get", "patch", "update"] },
  ],
  replicasets: [
    { name: "scale", kind: "Scale", group: "autoscaling", version: "v1", verbs: ["get", "patch", "update"] },
  ],
};

export function apiVersions(serverAddress: string): object {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

function groups(): { name: string; versions: string[] }[] {
  const out = new Map<string, string[]>();
  for (const gv of groupVersions()) {
    if (gv.group === "") continue;
    out.set(gv.group, [...(out.get(gv.group) ?? []), gv.version]);
  }
  return [...out.entries()].map(([name, versions]) => ({ name, versions }));
}

export function apiGroupList(): object {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: groups().map((g) => ({
      name: g.name,
      versions: g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${g.name}/${g.versions[0]}`, version: g.versions[0] },
    })),
  };
}

export function apiGroup(name: string): object | undefined {
  const g = groups().find((x) => x.name === name);
  if (!g) return undefined;
  return {
    kind: "APIGroup",
    apiVersion: "v1",
    name,
    versions: g.versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${name}/${g.versions[0]}`, version: g.versions[0] },
  };
}

function inGroup(group: string, version: string): ApiResource[] {
  return RESOURCES.filter((r) => r.group === group && r.version === version);
}

export function apiResourceList(group: string, version: string): object | undefined {
  const rs = inGroup(group, version);
  if (rs.length === 0) return undefined;
  const resources: object[] = [];
  for (const r of rs) {
    resources.push({
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: VERBS,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length ? { categories: r.categories } : {}),
    });
    for (const s of SUBRESOURCES[r.plural] ?? []) {
      resources.push({
        name: `${r.plural}/${s.name}`,
        singularName: "",
        namespaced: r.namespaced,
        ...(s.group ? { group: s.group, version: s.version } : {}),
        kind: s.kind,
        verbs: s.verbs,
      });
    }
  }
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: groupVersion({ group, version }),
    resources,
  };
}

export type DiscoveryVersion = "v2" | "v2beta1";

/** The aggregated discovery version an Accept header asks for, if any. */
export function aggregatedVersion(accept: string | undefined): DiscoveryVersion | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(",")) {
    const p = part.replace(/\s+/g, "");
    if (!p.includes("g=apidiscovery.k8s.io") || !p.includes("as=APIGroupDiscoveryList")) continue;
    if (p.includes("v=v2beta1")) return "v2beta1";
    if (p.includes("v=v2")) return "v2";
  }
  return undefined;
}

export function aggregatedContentType(v: DiscoveryVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;
}

/** `/api` (core) or `/apis` (named groups) as one APIGroupDiscoveryList. */
export function aggregatedDiscovery(core: boolean, v: DiscoveryVersion): object {
  const gvs = groupVersions().filter((gv) => (gv.group === "") === core);
  const byGroup = new Map<string, string[]>();
  for (const gv of gvs) byGroup.set(gv.group, [...(byGroup.get(gv.group) ?? []), gv.version]);
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: `apidiscovery.k8s.io/${v}`,
    metadata: {},
    items: [...byGroup.entries()].map(([group, versions]) => ({
      metadata: group ? { name: group } : {},
      versions: versions.map((version) => ({
        version,
        resources: inGroup(group, version).map((r) => ({
          resource: r.plural,
          responseKind: { group, version, kind: r.kind },
          scope: r.namespaced ? "Namespaced" : "Cluster",
          singularResource: r.singular,
          verbs: VERBS,
          ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
          ...(r.categories.length ? { categories: r.categories } : {}),
          ...(SUBRESOURCES[r.plural]
            ? {
                subresources: (SUBRESOURCES[r.plural] ?? []).map((s) => ({
                  subresource: s.name,
                  responseKind: { group: s.group ?? group, version: s.version ?? version, kind: s.kind },
                  verbs: s.verbs,
                })),
              }
            : {}),
        })),
        freshness: "Current",
      })),
    })),
  };
}
