/**
 * `michi probe` tells a connection NetworkPolicy denied from one nothing
 * listens for (issue 18 item 9): `result` is allowed | denied | refused in
 * JSON, `.`/`X`/`-` in the table, and without --ports the pods' declared
 * ports are probed. Real connections through a running `michi up`.
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startUp, type Up, writeManifests } from "./harness.js";

vi.setConfig({ testTimeout: 90_000, hookTimeout: 60_000 });

const BLOCK = 130;

const MANIFESTS = `apiVersion: v1
kind: Namespace
metadata: {name: p}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: p, labels: {app: web}}
spec: {containers: [{name: c, image: agnhost, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: p, labels: {app: client}}
spec: {containers: [{name: c, image: agnhost, ports: [{containerPort: 9000}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: stranger, namespace: p, labels: {app: stranger}}
spec: {containers: [{name: c, image: agnhost, ports: [{containerPort: 9000}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: p}
spec: {selector: {app: web}, ports: [{port: 8080}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-client, namespace: p}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{podSelector: {matchLabels: {app: client}}}], ports: [{port: 8080}]}]
`;

let up: Up;
let dir: string;
beforeAll(async () => {
  dir = writeManifests({ "p.yaml": MANIFESTS });
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
  result: string;
}

describe("probe outcomes", () => {
  it("allowed, denied and refused, on the declared ports by default", async () => {
    const r = await up.cli(["probe", "-n", "p", "-o", "json", "--timeout", "700"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const cells = (JSON.parse(r.stdout) as { results: Cell[] }).results;
    expect([...new Set(cells.map((c) => c.port))].sort()).toEqual([8080, 9000]);
    const at = (from: string, to: string, port: number) =>
      cells.find((c) => c.from === `p/${from}` && c.to === `p/${to}` && c.port === port);
    expect(at("client", "web", 8080)).toMatchObject({ allowed: true, result: "allowed" });
    expect(at("stranger", "web", 8080)).toMatchObject({ allowed: false, result: "denied" });
    // web declares no 9000: nothing listens there.
    expect(at("client", "web", 9000)).toMatchObject({ allowed: false, result: "refused" });
    expect(at("web", "client", 9000)).toMatchObject({ allowed: true, result: "allowed" });
    for (const c of cells) expect(c.allowed).toBe(c.result === "allowed");
  });
  it("the table marks the three apart", async () => {
    const r = await up.cli(["probe", "-n", "p", "--ports", "8080", "--timeout", "700"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "TCP/8080 (. = connected, X = denied by policy, - = refused: nothing listens):",
    );
    const row = (name: string) => r.stdout.split("\n").find((l) => l.includes(`p/${name}`)) ?? "";
    // Columns sorted as the pods: client, stranger, web.
    expect(row("stranger").trim().split(/\s+/).slice(-3)).toEqual(["-", "-", "X"]);
    expect(row("client").trim().split(/\s+/).slice(-3)).toEqual(["-", "-", "."]);
  });
  it("curl and logs take -n like kubectl", async () => {
    const r = await up.cli(["curl", "-n", "p", "--from", "client", "http://web:8080/"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ pod: "web", namespace: "p" });
    const qualified = await up.cli(["logs", "p/web"]);
    const short = await up.cli(["logs", "-n", "p", "web"]);
    expect(short.code).toBe(qualified.code);
    expect(short.stderr).toBe(qualified.stderr);
    expect(short.stderr).not.toContain("default/web");
  });
});
