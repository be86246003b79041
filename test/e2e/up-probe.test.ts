/**
 * `michi probe` against `michi matrix` on the upstream NetworkPolicy e2e
 * layout: namespaces x, y, z with pods a, b, c serving 80 and 81 on TCP and
 * UDP, and a few policies (ingress default-deny with a namespace+pod AND rule,
 * an egress policy restricted to one namespace and port). Real connections
 * through the data plane must give exactly the verdicts the engine computes.
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runCli, startUp, type Up, writeManifests } from "./harness.js";

// CLI runs take seconds each on a loaded machine; these are not timing assertions.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 });

const BLOCK = 190;

function xyz(): string {
  const docs: string[] = [];
  for (const ns of ["x", "y", "z"]) {
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata: {name: "${ns}", labels: {ns: "${ns}"}}`);
    for (const pod of ["a", "b", "c"]) {
      docs.push(`apiVersion: v1
kind: Pod
metadata: {name: ${pod}, namespace: "${ns}", labels: {pod: ${pod}}}
spec:
  containers:
    - name: cont-80
      image: agnhost
      ports: [{containerPort: 80, protocol: TCP, name: serve-80-tcp}, {containerPort: 80, protocol: UDP, name: serve-80-udp}]
    - name: cont-81
      image: agnhost
      ports: [{containerPort: 81, protocol: TCP, name: serve-81-tcp}, {containerPort: 81, protocol: UDP, name: serve-81-udp}]`);
    }
  }
  docs.push(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-ingress, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress]`);
  docs.push(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-y-b-to-a, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress:
    - from:
        - namespaceSelector: {matchLabels: {ns: "y"}}
          podSelector: {matchLabels: {pod: b}}
      ports: [{port: 80, protocol: TCP}, {port: serve-81-udp, protocol: UDP}]`);
  docs.push(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: c-egress-to-z-81, namespace: "y"}
spec:
  podSelector: {matchLabels: {pod: c}}
  policyTypes: [Egress]
  egress:
    - to: [{namespaceSelector: {matchLabels: {ns: z}}}]
      ports: [{port: 81}]`);
  return `${docs.join("\n---\n")}\n`;
}

let up: Up;
let dir: string;

beforeAll(async () => {
  dir = writeManifests({ "xyz.yaml": xyz() });
  up = await startUp({ block: BLOCK, paths: [dir] });
});

afterAll(async () => {
  if (up) expect(await up.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

interface Cell {
  from: string;
  to: string;
  port: number;
  protocol: string;
  allowed: boolean;
}

const key = (c: Cell) => `${c.from} ${c.to} ${c.port}/${c.protocol}`;

describe("probe == matrix", () => {
  it("on the upstream x/y/z case, 80/81 TCP+UDP", async () => {
    const probe = await up.cli([
      "probe",
      "-n",
      "x,y,z",
      "--ports",
      "80,81",
      "--protocols",
      "TCP,UDP",
      "-o",
      "json",
      "--timeout",
      "700",
    ]);
    expect(probe.stderr).toBe("");
    expect(probe.code).toBe(0);
    const matrix = await runCli([
      "matrix",
      "-f",
      dir,
      "--ports",
      "80,81",
      "--protocols",
      "TCP,UDP",
      "-o",
      "json",
    ]);
    expect(matrix.code).toBe(0);
    const inXYZ = (c: Cell) => /^[xyz]\//.test(c.from) && /^[xyz]\//.test(c.to);
    const want = (JSON.parse(matrix.stdout) as { results: Cell[] }).results
      .filter(inXYZ)
      .map((c) => `${key(c)} ${c.allowed}`)
      .sort();
    const got = (JSON.parse(probe.stdout) as { results: Cell[] }).results
      .map((c) => `${key(c)} ${c.allowed}`)
      .sort();
    expect(got.length).toBe(9 * 9 * 4);
    expect(got).toEqual(want);
    // Not trivially all-allowed or all-denied.
    expect(got.filter((l) => l.endsWith("true")).length).toBeGreaterThan(50);
    expect(got.filter((l) => l.endsWith("false")).length).toBeGreaterThan(50);
  });
});
