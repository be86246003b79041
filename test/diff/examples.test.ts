/**
 * `michi diff` on examples/idp-system: each scenario of scenarios.ts is
 * reported exactly once, in its own section, with its cause and the
 * FILE:LINE of that cause; the tree against itself is empty; all five edits
 * at once give the union.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeConfig } from "../../src/cluster/config.js";
import { changeCount, type DiffResult, diffManifests } from "../../src/diff/diff.js";
import { loadSnapshot } from "../../src/snapshot/load.js";
import type { Snapshot } from "../../src/snapshot/snapshot.js";
import { type Edit, EXAMPLE, editedCopy, SCENARIOS } from "./scenarios.js";

let base: Snapshot;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  base = await loadSnapshot([EXAMPLE], makeConfig({}));
});
afterAll(() => {
  for (const c of cleanups) c();
});

async function diffWith(edits: Edit[]): Promise<DiffResult> {
  const copy = editedCopy(edits);
  cleanups.push(copy.cleanup);
  const head = await loadSnapshot([copy.dir], makeConfig({}));
  return diffManifests(base, head);
}

describe("michi diff on idp-system", () => {
  it("is empty for the tree against itself", async () => {
    const again = await loadSnapshot([EXAMPLE], makeConfig({}));
    const d = diffManifests(base, again);
    expect(changeCount(d)).toBe(0);
    expect(d.compared.ports.length).toBeGreaterThan(3);
    expect(d.compared.requests).toBeGreaterThan(8);
  });

  it("reports a policy opened once, with the rule that admits it", async () => {
    const d = await diffWith([SCENARIOS.policyOpened]);
    expect(d.connections.removed).toEqual([]);
    expect(d.connections.added).toHaveLength(1);
    const c = d.connections.added[0]!;
    expect(c).toMatchObject({
      from: "deployment/monitoring/prometheus",
      to: "deployment/idp-system/idp-server",
      port: 9090,
      protocol: "TCP",
      allowed: true,
      changed: ["ingress"],
      policy: "idp-system/idp-server-network-policy",
    });
    expect(c.pairs).toBeGreaterThan(0);
    expect(c.cause).toContain("ingress[1].from[0]");
    expect(c.base.ingress.allowed).toBe(false);
    expect(c.head.ingress.rule).toContain("kubernetes.io/metadata.name=monitoring");
    expect(c.location?.file).toMatch(/60-network-policy\.yaml$/);
    expect(c.location?.line).toBe(26);
    // The dead-selector warning on that peer goes away.
    expect(d.findings.removed.map((f) => f.code)).toContain("SelectorMatchesNothing");
    expect(d.services).toEqual([]);
    expect(d.routes).toEqual([]);
  });

  it("reports a policy tightened once, naming the rule that used to admit it", async () => {
    const d = await diffWith([SCENARIOS.policyTightened]);
    expect(d.connections.added).toEqual([]);
    expect(d.connections.removed).toHaveLength(1);
    const c = d.connections.removed[0]!;
    expect(c).toMatchObject({
      from: "deployment/idp-system/idp-server",
      to: "deployment/idp-system/redis",
      port: 6379,
      allowed: false,
      changed: ["egress"],
      policy: "idp-system/idp-server-network-policy",
    });
    expect(c.cause).toContain("was idp-system/idp-server-network-policy egress[1].to[0]");
    expect(c.base.egress.rule).toContain("app=redis");
    expect(c.head.egress.reason).toBe("no-rule-matched");
    expect(c.location?.file).toMatch(/60-network-policy\.yaml$/);
  });

  it("reports a Service selector change once, at the selector", async () => {
    const d = await diffWith([SCENARIOS.selectorChanged]);
    expect(d.services).toHaveLength(1);
    const s = d.services[0]!;
    expect(s.service).toBe("idp-system/redis");
    expect(s.from).toEqual({ "deployment/idp-system/redis": 1 });
    expect(s.to).toEqual({});
    expect(s.cause).toContain("spec.selector changed");
    expect(s.location?.file).toMatch(/40-redis\.yaml$/);
    expect(s.location?.line).toBe(29);
    // Pod-to-pod reachability does not depend on Services.
    expect(d.connections.added).toEqual([]);
    expect(d.connections.removed).toEqual([]);
    expect(d.findings.added.filter((f) => f.name === "redis" && f.kind === "Service")).toHaveLength(1);
  });

  it("reports an Ingress path added once, with the requests it takes over", async () => {
    const d = await diffWith([SCENARIOS.ingressPathAdded]);
    expect(d.routes).toHaveLength(1);
    const r = d.routes[0]!;
    expect(r.host).toBe("auth.example.com");
    expect(r.base.backend).toEqual({ service: "idp-system/idp-server", port: 80 });
    expect(r.head.backend).toEqual({ service: "idp-system/frontend", port: 80 });
    expect(r.head.rule).toMatchObject({ path: "/admin", field: "spec.rules[0].http.paths[1]" });
    const urls = r.requests.map((q) => q.request.url);
    expect(urls).toContain("https://auth.example.com/admin");
    expect(urls).toContain("https://auth.example.com/admin/x");
    // Prefix matching is by path element: /adminx and the upper-case path stay on /.
    expect(urls).not.toContain("https://auth.example.com/adminx");
    expect(urls).not.toContain("https://auth.example.com/ADMIN");
    // http is redirected to https on both sides: not a change.
    expect(urls.some((u) => u.startsWith("http:"))).toBe(false);
    expect(r.location?.file).toMatch(/50-ingress\.yaml$/);
    expect(r.location?.line).toBe(29);
    expect(changeCount(d)).toBe(1);
  });

  it("reports a DNS name removed once, with its records and Service", async () => {
    const d = await diffWith([SCENARIOS.dnsNameRemoved]);
    expect(d.dns.added).toEqual([]);
    expect(d.dns.changed).toEqual([]);
    expect(d.dns.removed).toHaveLength(1);
    const n = d.dns.removed[0]!;
    expect(n.name).toBe("idp-server-nodeport.idp-system.svc.cluster.local");
    expect(n.records.map((r) => r.type).sort()).toEqual(["A", "SRV"]);
    expect(n.service).toBe("idp-system/idp-server-nodeport");
    expect(n.location?.file).toMatch(/10-idp-server\.yaml$/);
    expect(d.services.map((s) => s.service)).toEqual(["idp-system/idp-server-nodeport"]);
  });

  it("reports all five edits together, each once", async () => {
    const d = await diffWith(Object.values(SCENARIOS));
    expect(d.connections.added.map((c) => `${c.from}>${c.to}:${c.port}`)).toEqual([
      "deployment/monitoring/prometheus>deployment/idp-system/idp-server:9090",
    ]);
    expect(d.connections.removed.map((c) => `${c.from}>${c.to}:${c.port}`)).toEqual([
      "deployment/idp-system/idp-server>deployment/idp-system/redis:6379",
    ]);
    expect(d.services.map((s) => s.service).sort()).toEqual([
      "idp-system/idp-server-nodeport",
      "idp-system/redis",
    ]);
    expect(d.routes).toHaveLength(1);
    expect(d.dns.removed.map((n) => n.name)).toEqual(["idp-server-nodeport.idp-system.svc.cluster.local"]);
  });
});
