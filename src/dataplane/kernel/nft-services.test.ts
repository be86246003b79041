import { describe, expect, it } from "vitest";
import { makeConfig } from "../../cluster/config.js";
import { parseYAML } from "../../policy/testing.js";
import { compileSnapshot } from "../../snapshot/snapshot.js";
import { diffTable, renderTable } from "./nft-ruleset.js";
import { compileServiceRules, externalRoutes, type ServiceRulesCache } from "./nft-services.js";

const yaml = `
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: default, labels: {app: web}}
spec: {nodeName: node-1, containers: [{name: c, image: x, ports: [{containerPort: 8080, name: http}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: default, labels: {app: web}}
spec: {nodeName: node-2, containers: [{name: c, image: x, ports: [{containerPort: 8080, name: http}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {type: NodePort, selector: {app: web}, sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}, ports: [{name: http, port: 80, targetPort: http}]}
---
apiVersion: v1
kind: Service
metadata: {name: loc, namespace: default}
spec: {type: LoadBalancer, externalTrafficPolicy: Local, selector: {app: web}, ports: [{port: 81, targetPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: none, namespace: default}
spec: {selector: {app: none}, ports: [{port: 82}]}
`;

function snap(extra = "", previous?: ReturnType<typeof compileSnapshot>) {
  const prev = previous?.ok ? previous.snapshot : undefined;
  const r = compileSnapshot(parseYAML(yaml + extra), makeConfig({ nodes: 2 }), {
    mode: "refuse",
    previous: prev,
  });
  if (!r.ok) throw new Error("compile");
  return r.snapshot;
}

describe("kube-proxy nftables rules", () => {
  const s = snap();
  const ip = (n: string) => s.state.index.service("default", n)?.spec?.clusterIP;
  const np = s.state.index.service("default", "web")?.spec?.ports?.[0]?.nodePort;
  const node1 = { name: "node-1", ip: "10.1.0.1" };
  const t = compileServiceRules(s.services, node1, { podCIDR: "10.244.0.0/16" });
  const chain = (prefix: string) => [...t.chains.entries()].filter(([n]) => n.startsWith(prefix));
  const svcChain = chain("service-").find(([n]) => n.endsWith("default/web/tcp/http"));

  it("maps the ClusterIP to its service chain and the node's NodePort to the external chain", () => {
    const m = t.sets.get("service-ips")?.elements;
    expect(m?.get(`${ip("web")} . tcp . 80`)).toBe(`${ip("web")} . tcp . 80 : goto ${svcChain?.[0]}`);
    const nodePorts = t.sets.get("service-nodeports")?.elements;
    expect(nodePorts?.get(`tcp . ${np}`)).toMatch(/: goto external-\w+-default\/web\/tcp\/http$/);
    expect([...(t.sets.get("nodeport-ips")?.elements?.keys() ?? [])]).toEqual(["10.1.0.1"]);
  });

  it("picks endpoints with numgen random mod N after the affinity checks, masquerading non-pod sources", () => {
    const rules = svcChain?.[1].rules ?? [];
    expect(rules[0]).toBe(
      `ip daddr ${ip("web")} tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade`,
    );
    expect(rules.filter((r) => r.startsWith("ip saddr @affinity-"))).toHaveLength(2);
    expect(rules.at(-1)).toMatch(
      /^numgen random mod 2 vmap \{ 0 : goto endpoint-.*, 1 : goto endpoint-.* \}$/,
    );
    const eps = chain("endpoint-").filter(([n]) => n.includes("default/web/tcp/http__"));
    expect(eps.map(([, c]) => c.rules.at(-1))).toEqual(
      expect.arrayContaining([expect.stringMatching(/^meta l4proto tcp dnat to 10\.244\.\d+\.\d+:8080$/)]),
    );
    for (const [, c] of eps) {
      expect(c.rules[0]).toMatch(/^ip saddr 10\.244\.\d+\.\d+ jump mark-for-masquerade$/);
      expect(c.rules[1]).toMatch(
        /^update @affinity-\w+-default\/web\/tcp\/http__10\.244\.\d+\.\d+\/8080 \{ ip saddr \}$/,
      );
    }
    const aff = [...t.sets.entries()].filter(([n]) => n.startsWith("affinity-"));
    expect(aff.map(([, v]) => v.decl)).toEqual([
      "type ipv4_addr; flags dynamic,timeout; timeout 60s;",
      "type ipv4_addr; flags dynamic,timeout; timeout 60s;",
    ]);
  });

  it("eTP Local: pods short-circuit, local sources masquerade, others use this node's endpoints only", () => {
    const ext = chain("external-").find(([n]) => n.endsWith("default/loc/tcp/"))?.[1].rules ?? [];
    expect(ext[0]).toMatch(/^ip saddr 10\.244\.0\.0\/16 goto service-/);
    expect(ext.at(-1)).toMatch(/^goto local-/);
    const local = chain("local-").find(([n]) => n.endsWith("default/loc/tcp/"))?.[1].rules ?? [];
    expect(local).toHaveLength(1);
    expect(local[0]).toMatch(/^goto endpoint-.*__10\.244\.0\.\d+\/8080$/);
    // The outside world reaches the LB IP through a node that has a local endpoint.
    const routes = externalRoutes(s.services, [node1, { name: "node-2", ip: "10.1.0.2" }]);
    const lb = s.state.index.service("default", "loc")?.status?.loadBalancer?.ingress?.[0]?.ip ?? "";
    expect(routes.get(lb)).toBe("10.1.0.1");
  });

  it("rejects a Service without endpoints before DNAT", () => {
    expect(t.sets.get("no-endpoint-services")?.elements?.get(`${ip("none")} . tcp . 82`)).toBe(
      `${ip("none")} . tcp . 82 : goto reject-chain`,
    );
    expect(renderTable(t)).toContain("add rule ip michi-proxy reject-chain reject");
  });

  it("a cached resync equals a fresh compile, and a diff after one new Service touches only it", () => {
    const cache: ServiceRulesCache = new Map();
    const opts = { podCIDR: "10.244.0.0/16" };
    const a = compileServiceRules(s.services, node1, opts, cache);
    expect(renderTable(a)).toBe(renderTable(t));
    const r1 = compileSnapshot(parseYAML(yaml), makeConfig({ nodes: 2 }), {
      mode: "refuse",
      previous: undefined,
    });
    const s2 = snap(
      "---\napiVersion: v1\nkind: Service\nmetadata: {name: late, namespace: default}\nspec: {selector: {app: web}, ports: [{port: 83, targetPort: 8080}]}\n",
      r1,
    );
    const b = compileServiceRules(s2.services, node1, opts, cache);
    expect(renderTable(b)).toBe(renderTable(compileServiceRules(s2.services, node1, opts)));
    const d = diffTable(a, b);
    expect(d).toContain("default/late/tcp/");
    expect(d.split("\n").filter((l) => l !== "" && !l.includes("default/late/"))).toEqual([]);
  });
});
