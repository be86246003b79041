/**
 * Exposure findings on manifests loaded through the real pipeline (so every
 * finding has its FILE:LINE): each kind of broad rule once, on its rule, with
 * the workloads and ports in the message; unselected workloads on the
 * workload; narrow rules and system namespaces stay quiet.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeConfig } from "../cluster/config.js";
import { loadSnapshot } from "../snapshot/load.js";
import { compilePolicy } from "./engine.js";
import { lintExposure } from "./lint-exposure.js";
import { locateFindings } from "./lint-finding.js";

const dir = mkdtempSync(join(tmpdir(), "michi-exposure-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const deploy = (name: string, port: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
spec:
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
        - name: main
          image: example/${name}
          ports: [{containerPort: ${port}}]
`;

const MANIFEST = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
${deploy("web", 8080)}---
${deploy("api", 9000)}---
${deploy("db", 5432)}---
${deploy("open", 7000)}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress, Egress]
  ingress:
    - ports: [{port: 8080}]
    - from:
        - ipBlock: {cidr: 203.0.113.0/24}
  egress:
    - to:
        - ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}
      ports: [{port: 443}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - namespaceSelector: {}
      ports: [{port: 9000}]
    - from:
        - podSelector: {matchLabels: {app: web}}
  egress:
    - {}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
    - from:
        - namespaceSelector: {}
          podSelector: {matchLabels: {app: api}}
`;

describe("lintExposure", () => {
  it("reports each broad rule on the rule and each unselected workload on the workload", async () => {
    const file = join(dir, "shop.yaml");
    writeFileSync(file, MANIFEST);
    const loaded = await loadSnapshot([file], makeConfig({}));
    const ds = lintExposure(compilePolicy(loaded.state));
    locateFindings(ds, loaded.objects);
    const brief = ds.map((d) => `${d.code} ${d.kind}/${d.name} ${d.field} :${d.line}`);
    expect(brief.sort()).toEqual(
      [
        "ExposedOutsideCluster NetworkPolicy/web spec.ingress[0] :76",
        "ExposedOutsideCluster NetworkPolicy/web spec.ingress[1].from[0] :78",
        "EgressToInternet NetworkPolicy/web spec.egress[0].to[0] :81",
        "ExposedToAllNamespaces NetworkPolicy/api spec.ingress[0].from[0] :92",
        "EgressToInternet NetworkPolicy/api spec.egress[0] :97",
        "NotSelectedByAnyPolicy Deployment/open metadata.name :56",
      ].sort(),
    );
    for (const d of ds) {
      expect(d.file).toBe(file);
      expect(d.severity).toBe("warning");
    }
    const msg = (code: string, name: string) => ds.find((d) => d.code === code && d.name === name)?.message;
    expect(msg("ExposedOutsideCluster", "web")).toMatch(
      /^deployment\/shop\/web accepts connections from anywhere.* on TCP\/8080/,
    );
    expect(ds.find((d) => d.field === "spec.ingress[1].from[0]")?.message).toContain("203.0.113.0/24");
    expect(msg("ExposedToAllNamespaces", "api")).toBe(
      "deployment/shop/api accepts connections from every pod in every namespace on TCP/9000: namespaceSelector {}",
    );
    expect(msg("EgressToInternet", "web")).toContain("on TCP/443: ipBlock 0.0.0.0/0 except 10.0.0.0/8");
    expect(msg("EgressToInternet", "api")).toContain("on every port");
    expect(msg("NotSelectedByAnyPolicy", "open")).toBe(
      "deployment/shop/open accepts connections from anywhere on TCP/7000: no NetworkPolicy selects its pods for ingress",
    );
  });
});
