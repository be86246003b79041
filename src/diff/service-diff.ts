/**
 * Services whose backends change: the pods a Service's selector picks, by
 * workload, on each side. A selector edit, a relabelled workload or a
 * Service added or removed shows here once, pointing at the Service's
 * selector, even when no connection, route or DNS answer changes with it
 * (the backends of a ClusterIP service are behind the same cluster IP).
 */
import type { Pod, Service } from "../api/types.js";
import type { ClusterState } from "../cluster/state.js";
import type { Locator, SourceLocation } from "./locate.js";
import type { WorkloadNamer } from "./workloads.js";

export interface ServiceChange {
  /** `ns/name`. */
  service: string;
  /** Backend workloads with their pod counts, `KIND/NS/NAME` → pods. */
  from: Record<string, number>;
  to: Record<string, number>;
  selector: { from: Record<string, string> | null; to: Record<string, string> | null };
  cause: string;
  location?: SourceLocation;
}

interface Side {
  state: ClusterState;
  locate: Locator;
  workloadOf: WorkloadNamer;
}

function backends(side: Side, svc: Service | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  const sel = svc?.spec?.selector;
  if (!svc || !sel || Object.keys(sel).length === 0) return out;
  const pods: readonly Pod[] = side.state.index.selectPods(svc.metadata?.namespace ?? "default", sel);
  for (const p of pods) {
    const w = side.workloadOf(p);
    out[w] = (out[w] ?? 0) + 1;
  }
  return out;
}

const text = (r: Record<string, number>) =>
  Object.keys(r).length === 0
    ? "no pods"
    : Object.entries(r)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([w, n]) => `${w} (${n})`)
        .join(", ");

const sorted = (r: Record<string, number>) => JSON.stringify(Object.entries(r).sort());

/** `sameWorld`: the pods are the same on both sides (world.ts), so only Services whose selector changed can change backends. */
export function diffServices(base: Side, head: Side, sameWorld = false): ServiceChange[] {
  const key = (s: Service) => `${s.metadata?.namespace ?? "default"}/${s.metadata?.name ?? ""}`;
  const b = new Map(base.state.services.map((s) => [key(s), s]));
  const h = new Map(head.state.services.map((s) => [key(s), s]));
  const out: ServiceChange[] = [];
  for (const k of [...new Set([...b.keys(), ...h.keys()])].sort()) {
    const sb = b.get(k);
    const sh = h.get(k);
    if (sameWorld && sb && sh && JSON.stringify(sb.spec?.selector) === JSON.stringify(sh.spec?.selector))
      continue;
    const from = backends(base, sb);
    const to = backends(head, sh);
    if (sorted(from) === sorted(to)) continue;
    const [ns, name] = k.split("/") as [string, string];
    const location = sh
      ? head.locate("Service", ns, name, ["spec", "selector"])
      : base.locate("Service", ns, name, ["spec", "selector"]);
    const selFrom = sb?.spec?.selector ?? null;
    const selTo = sh?.spec?.selector ?? null;
    const why =
      !sb || !sh
        ? sh
          ? "Service added"
          : "Service removed"
        : JSON.stringify(selFrom) !== JSON.stringify(selTo)
          ? `spec.selector changed from ${JSON.stringify(selFrom)} to ${JSON.stringify(selTo)}`
          : "the selected pods changed (labels or replicas)";
    out.push({
      service: k,
      from,
      to,
      selector: { from: selFrom, to: selTo },
      cause: `${why}: backends ${text(from)} → ${text(to)}`,
      ...(location ? { location } : {}),
    });
  }
  return out;
}
