/**
 * The course's idp-system example, loaded through the real pipeline
 * (loader, validation, controllers): truth tables per workload for the ports
 * its policy talks about, and the explanations for the connections the course
 * cares about (ingress controller in, Prometheus scraping, database, DNS,
 * external HTTPS).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Protocol } from "../../src/api/types.js";
import { defaultConfig } from "../../src/cluster/config.js";
import { runCheck } from "../../src/policy/check.js";
import { compilePolicy, type PolicyEngine } from "../../src/policy/engine.js";
import { computeMatrix } from "../../src/policy/matrix.js";
import { cell, rowsFor } from "../../src/policy/matrix-report.js";
import { loadSnapshot } from "../../src/snapshot/load.js";

let engine: PolicyEngine;
beforeAll(async () => {
  const r = await loadSnapshot(["examples/idp-system"], defaultConfig);
  engine = compilePolicy(r.state);
});

const W = [
  "idp-system/pod/custom-dns-pod",
  "idp-system/deployment/frontend",
  "idp-system/deployment/idp-server",
  "idp-system/statefulset/postgres",
  "idp-system/deployment/redis",
  "ingress-nginx/deployment/ingress-nginx-controller",
  "kube-system/deployment/coredns",
  "monitoring/deployment/prometheus",
];

/** Expected workload tables: rows sources, columns destinations in W's order. */
const tables: { port: number; protocol: Protocol; rows: string[] }[] = [
  {
    // Only the ingress controller reaches idp-server's HTTP port; idp-server itself may not talk out on 8080.
    port: 8080,
    protocol: "TCP",
    rows: ["..X.....", "..X.....", "XXXXXXXX", "..X.....", "..X.....", "........", "..X.....", "..X....."],
  },
  {
    // Prometheus is meant to scrape 9090 but its namespace lacks the `name` label: nobody gets in.
    port: 9090,
    protocol: "TCP",
    rows: ["..X.....", "..X.....", "XXXXXXXX", "..X.....", "..X.....", "..X.....", "..X.....", "..X....."],
  },
  {
    port: 5432,
    protocol: "TCP",
    rows: ["..X.....", "..X.....", "XXX.XXXX", "..X.....", "..X.....", "..X.....", "..X.....", "..X....."],
  },
  {
    port: 6379,
    protocol: "TCP",
    rows: ["..X.....", "..X.....", "XXXX.XXX", "..X.....", "..X.....", "..X.....", "..X.....", "..X....."],
  },
  // The DNS rule (any namespace, UDP 53) lets idp-server reach every pod on UDP 53 (but not its own replicas' ingress).
  {
    port: 53,
    protocol: "UDP",
    rows: ["..X.....", "..X.....", "..X.....", "..X.....", "..X.....", "..X.....", "..X.....", "..X....."],
  },
  {
    port: 53,
    protocol: "TCP",
    rows: ["..X.....", "..X.....", "XXXXXXXX", "..X.....", "..X.....", "..X.....", "..X.....", "..X....."],
  },
  // 0.0.0.0/0:443 also matches pod IPs (as the upstream e2e suite expects of ipBlocks).
  {
    port: 443,
    protocol: "TCP",
    rows: ["..X.....", "..X.....", "..X.....", "..X.....", "..X.....", "..X.....", "..X.....", "..X....."],
  },
];

describe("idp-system truth tables (per workload)", () => {
  it.each(tables)("$protocol/$port", ({ port, protocol, rows }) => {
    const state = engine.state;
    const m = computeMatrix(engine, { ports: [{ port, protocol }] });
    const rs = rowsFor(state, state.pods, true).filter((r) => W.includes(r.name));
    rs.sort((a, b) => W.indexOf(a.name) - W.indexOf(b.name));
    expect(rs.map((r) => r.name)).toEqual(W);
    const got = rs.map((r) => rs.map((c) => cell(m, r, c, 0)).join(""));
    expect(got).toEqual(rows);
  });
});

describe("idp-system explanations", () => {
  const check = (from: string, to: string, port: number, protocol: Protocol = "TCP") =>
    runCheck(engine, { from, to, port, protocol });

  it("ingress controller → idp-server is admitted by the first ingress rule", () => {
    const r = check("deployment/ingress-nginx/ingress-nginx-controller", "service/idp-system/idp-server", 80);
    expect(r.allowed).toBe(true);
    expect(r.service?.targetPorts).toEqual([8080]);
    expect(r.connections).toHaveLength(3);
    expect(new Set(r.connections.map((c) => c.ingress.rule))).toEqual(
      new Set([
        "idp-system/idp-server-network-policy ingress[0].from[0] (namespaceSelector name=ingress-nginx), ports[0] (TCP/8080)",
      ]),
    );
  });

  it("Prometheus → idp-server:9090 is denied: the monitoring namespace has no name label", () => {
    const r = check("deployment/monitoring/prometheus", "service/idp-system/idp-server", 9090);
    expect(r.allowed).toBe(false);
    const lines = r.connections[0]!.ingress.explanation;
    expect(lines[1]).toBe(
      "  idp-system/idp-server-network-policy ingress[0]: peer mismatch — from[0] namespaceSelector name=ingress-nginx: namespace monitoring (kubernetes.io/metadata.name=monitoring) does not match namespaceSelector name=ingress-nginx",
    );
    expect(lines[2]).toBe(
      "  idp-system/idp-server-network-policy ingress[1]: peer mismatch — from[0] namespaceSelector name=monitoring: namespace monitoring (kubernetes.io/metadata.name=monitoring) does not match namespaceSelector name=monitoring",
    );
  });

  it("idp-server → postgres-0 is admitted by egress[0]", () => {
    const r = check("deployment/idp-system/idp-server", "idp-system/postgres-0", 5432);
    expect(r.allowed).toBe(true);
    expect(r.connections[0]!.egress.rule).toBe(
      "idp-system/idp-server-network-policy egress[0].to[0] (podSelector app=postgres), ports[0] (TCP/5432)",
    );
    expect(r.connections[0]!.ingress.reason).toBe("not-isolated");
  });

  it("DNS: UDP 53 to kube-dns is admitted, TCP 53 is a port mismatch", () => {
    const udp = check("deployment/idp-system/idp-server", "service/kube-system/kube-dns", 53, "UDP");
    expect(udp.allowed).toBe(true);
    expect(udp.connections[0]!.egress.rule).toBe(
      "idp-system/idp-server-network-policy egress[2].to[0] (namespaceSelector {}), ports[0] (UDP/53)",
    );
    const tcp = check("deployment/idp-system/idp-server", "service/kube-system/kube-dns", 53, "TCP");
    expect(tcp.allowed).toBe(false);
    expect(tcp.connections[0]!.egress.explanation).toContain(
      "  idp-system/idp-server-network-policy egress[2]: port mismatch — to[0] matches, but TCP/53 is not in ports[0] UDP/53",
    );
  });

  it("external HTTPS is admitted by the ipBlock rule, HTTP is not", () => {
    const https = check("deployment/idp-system/idp-server", "93.184.216.34", 443);
    expect(https.allowed).toBe(true);
    expect(https.connections[0]!.egress.rule).toBe(
      "idp-system/idp-server-network-policy egress[3].to[0] (ipBlock 0.0.0.0/0), ports[0] (TCP/443)",
    );
    const http = check("deployment/idp-system/idp-server", "93.184.216.34", 80);
    expect(http.allowed).toBe(false);
    expect(http.connections[0]!.egress.explanation[0]).toBe(
      `egress: DENIED — pod ${http.connections[0]!.from} is isolated for egress by idp-system/idp-server-network-policy, and no rule admits 93.184.216.34 (outside the cluster) on TCP/80`,
    );
  });

  it("the frontend cannot call idp-server through its DNS name", () => {
    const r = check("deployment/idp-system/frontend", "idp-server.idp-system.svc.cluster.local", 80);
    expect(r.allowed).toBe(false);
    expect(r.connections).toHaveLength(6);
  });

  it("kubelet probes from the pod's own node reach idp-server's management port", () => {
    const pod = engine.state.pods.find((p) => p.metadata?.labels?.app === "idp-server")!;
    const node = engine.state.index.node(pod.spec!.nodeName!)!;
    const nodeIP = node.status!.addresses!.find((a) => a.type === "InternalIP")!.address;
    const r = check(nodeIP, `idp-system/${pod.metadata!.name}`, 9090);
    expect(r.allowed).toBe(true);
    expect(r.connections[0]!.ingress.reason).toBe("node");
  });
});
