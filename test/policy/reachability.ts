/**
 * Truth tables as the upstream e2e suite writes them (`NewReachability`,
 * `ExpectPeer`, `ExpectAllIngress`, ...), plus a grid rendering so a failing
 * test shows the whole table: rows are sources, columns destinations,
 * `.` allowed and `X` denied. A pod to itself is always allowed.
 */
import type { Protocol } from "../../src/api/types.js";
import type { ClusterState } from "../../src/cluster/state.js";
import type { PolicyEngine } from "../../src/policy/engine.js";

export interface PeerSel {
  ns?: string;
  pod?: string;
}

const matches = (sel: PeerSel, pod: string) => {
  const [ns, name] = pod.split("/");
  return (sel.ns === undefined || sel.ns === ns) && (sel.pod === undefined || sel.pod === name);
};

export class Reachability {
  readonly cells = new Map<string, boolean>();
  constructor(
    readonly pods: readonly string[],
    def: boolean,
  ) {
    for (const f of pods) for (const t of pods) this.cells.set(`${f}>${t}`, def);
  }
  expect(from: string, to: string, v: boolean): this {
    this.cells.set(`${from}>${to}`, v);
    return this;
  }
  expectPeer(from: PeerSel, to: PeerSel, v: boolean): this {
    for (const f of this.pods)
      for (const t of this.pods) if (matches(from, f) && matches(to, t)) this.expect(f, t, v);
    return this;
  }
  expectAllIngress(to: string, v: boolean): this {
    for (const f of this.pods) this.expect(f, to, v);
    return this;
  }
  expectAllEgress(from: string, v: boolean): this {
    for (const t of this.pods) this.expect(from, t, v);
    return this;
  }
  get(from: string, to: string): boolean {
    // Loopback is always allowed (michi's rule; the e2e suite ignores loopback).
    return from === to || this.cells.get(`${from}>${to}`) === true;
  }
  grid(): string {
    return gridOf(this.pods, (f, t) => this.get(f, t));
  }
}

export function gridOf(pods: readonly string[], allowed: (from: string, to: string) => boolean): string {
  const w = Math.max(...pods.map((p) => p.length));
  const head = `${" ".repeat(w)} ${pods.map((p) => p.padEnd(w)).join(" ")}`;
  const rows = pods.map(
    (f) => `${f.padEnd(w)} ${pods.map((t) => (allowed(f, t) ? "." : "X").padEnd(w)).join(" ")}`,
  );
  return [head, ...rows].map((l) => l.trimEnd()).join("\n");
}

export function podOf(state: ClusterState, key: string) {
  const [ns, name] = key.split("/");
  const pod = state.index.pod(ns ?? "", name ?? "");
  if (!pod) throw new Error(`no pod ${key}`);
  return pod;
}

/** The engine's truth table over `pods` for one port/protocol. */
export function actualGrid(
  engine: PolicyEngine,
  pods: readonly string[],
  port: number,
  protocol: Protocol,
): string {
  return gridOf(
    pods,
    (f, t) =>
      engine.decide({
        src: { kind: "pod", pod: podOf(engine.state, f) },
        dst: { kind: "pod", pod: podOf(engine.state, t) },
        port,
        protocol,
      }).allowed,
  );
}
