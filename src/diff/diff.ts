/**
 * `michi diff` as a pure function: two loaded versions of the manifests in,
 * what changes out: connections newly allowed or denied (connection-diff.ts),
 * Service backends, Ingress routes, cluster DNS names, and lint/validation
 * findings. The JSON shape is shared/CLI.md's "diff" contract.
 */
import type { Diagnostic } from "../api/diagnostics.js";
import { buildZone } from "../dns/zone.js";
import { compileRoutes } from "../ingress/route-table.js";
import { compilePolicy, type PolicyEngine } from "../policy/engine.js";
import type { PortProtocol } from "../policy/matrix.js";
import type { Snapshot } from "../snapshot/snapshot.js";
import { type ConnectionChange, changedPolicies, diffConnections } from "./connection-diff.js";
import { lintBoth } from "./diff-lint.js";
import { type DnsDiff, diffDNS, zoneInputs } from "./dns-diff.js";
import { diffFindings } from "./finding-diff.js";
import { type Locator, makeLocator } from "./locate.js";
import { diffRoutes, type RouteChange } from "./route-diff.js";
import { diffServices, type ServiceChange } from "./service-diff.js";
import { type WorkloadNamer, workloadNamer } from "./workloads.js";
import { podWorld } from "./world.js";

export interface DiffResult {
  connections: { added: ConnectionChange[]; removed: ConnectionChange[] };
  services: ServiceChange[];
  routes: RouteChange[];
  dns: DnsDiff;
  findings: { added: Diagnostic[]; removed: Diagnostic[] };
  workloads: { added: string[]; removed: string[] };
  /** What was compared (for the summary line). */
  compared: { ports: PortProtocol[]; requests: number; pods: { base: number; head: number } };
  /** CPU milliseconds per part (wall time on a shared machine includes waiting for a core). */
  timings: Record<string, number>;
}

export interface DiffOptions {
  ports?: readonly PortProtocol[];
}

interface Side {
  loaded: Snapshot;
  engine: PolicyEngine;
  locate: Locator;
  workloadOf: WorkloadNamer;
}

function side(loaded: Snapshot): Side {
  return {
    loaded,
    engine: compilePolicy(loaded.state),
    locate: makeLocator(loaded.objects),
    workloadOf: workloadNamer(loaded.state),
  };
}

export function changeCount(d: DiffResult): number {
  return (
    d.connections.added.length +
    d.connections.removed.length +
    d.services.length +
    d.routes.length +
    d.dns.added.length +
    d.dns.removed.length +
    d.dns.changed.length +
    d.findings.added.length +
    d.findings.removed.length +
    d.workloads.added.length +
    d.workloads.removed.length
  );
}

export function diffManifests(
  baseLoaded: Snapshot,
  headLoaded: Snapshot,
  opts: DiffOptions = {},
): DiffResult {
  const timings: Record<string, number> = {};
  const time = <T>(name: string, f: () => T): T => {
    const c = process.cpuUsage();
    const r = f();
    const d = process.cpuUsage(c);
    timings[name] = Math.round((d.user + d.system) / 1000);
    return r;
  };
  const [base, head] = time("compile", () => [side(baseLoaded), side(headLoaded)] as const);
  const connections = time("connections", () =>
    diffConnections(base, head, opts.ports ? { ports: opts.ports } : {}),
  );
  const sameWorld = time(
    "world",
    () => podWorld(base.loaded.state, base.workloadOf) === podWorld(head.loaded.state, head.workloadOf),
  );
  const services = time("services", () =>
    diffServices(
      { state: base.loaded.state, locate: base.locate, workloadOf: base.workloadOf },
      { state: head.loaded.state, locate: head.locate, workloadOf: head.workloadOf },
      sameWorld,
    ),
  );
  const locate = { base: base.locate, head: head.locate };
  const routes = time("routes", () =>
    diffRoutes(compileRoutes(base.loaded.state), compileRoutes(head.loaded.state), locate),
  );
  const dns = time("dns", () => {
    const [b, h] = zoneInputs(base.loaded.state, head.loaded.state);
    return diffDNS(buildZone(b), buildZone(h), locate);
  });
  const findings = time("findings", () => {
    const both = lintBoth(base, head, sameWorld, changedPolicies(base.engine, head.engine));
    return diffFindings(both.base, both.head);
  });
  return {
    connections: { added: connections.added, removed: connections.removed },
    services,
    routes: routes.changes,
    dns,
    findings: { added: findings.added, removed: findings.resolved },
    workloads: connections.workloads,
    compared: {
      ports: connections.ports,
      requests: routes.requests,
      pods: { base: base.loaded.state.pods.length, head: head.loaded.state.pods.length },
    },
    timings,
  };
}
