/**
 * Lookups over a built state (the ClusterIndex of state.ts) plus the
 * label index the controllers use to select pods without scanning every pod
 * per Service: pods are bucketed by namespace and by each `key=value` label,
 * and a selector walks only its smallest bucket.
 */

import { matchesMap } from "../api/label-selector.js";
import type { EndpointSlice, Labels, Namespace, Node, Pod, Secret, Service } from "../api/types.js";
import type { ClusterIndex } from "./state.js";
import { LABEL_SERVICE_NAME } from "./system-names.js";

const EMPTY: readonly never[] = Object.freeze([]);

/** Pods by namespace and by `key=value` label, for selector lookups in O(smallest bucket). */
export class PodLabelIndex {
  private readonly byNs = new Map<string, Pod[]>();
  /** namespace → label key → label value → pods (nested maps: no key strings to build). */
  private readonly byLabel = new Map<string, Map<string, Map<string, Pod[]>>>();

  constructor(pods: readonly Pod[]) {
    for (const p of pods) {
      const ns = p.metadata?.namespace ?? "default";
      push(this.byNs, ns, p);
      let keys = this.byLabel.get(ns);
      if (!keys) {
        keys = new Map();
        this.byLabel.set(ns, keys);
      }
      const labels = p.metadata?.labels;
      if (!labels) continue;
      for (const k in labels) {
        let values = keys.get(k);
        if (!values) {
          values = new Map();
          keys.set(k, values);
        }
        push(values, labels[k] ?? "", p);
      }
    }
  }

  inNamespace(ns: string): readonly Pod[] {
    return this.byNs.get(ns) ?? EMPTY;
  }

  /** Pods in `ns` whose labels include every pair of a map selector (an empty selector selects all). */
  select(ns: string, selector: Labels): Pod[] {
    let best: readonly Pod[] | undefined;
    const keys = this.byLabel.get(ns);
    for (const k in selector) {
      const bucket = keys?.get(k)?.get(selector[k] ?? "") ?? EMPTY;
      if (!best || bucket.length < best.length) best = bucket;
      if (bucket.length === 0) return [];
    }
    const candidates = best ?? this.inNamespace(ns);
    return candidates.filter((p) => matchesMap(selector, p.metadata?.labels));
  }
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function key(ns: string | undefined, name: string | undefined): string {
  return `${ns ?? "default"}/${name ?? ""}`;
}

export interface IndexInput {
  namespaces: readonly Namespace[];
  nodes: readonly Node[];
  pods: readonly Pod[];
  services: readonly Service[];
  endpointSlices: readonly EndpointSlice[];
  secrets: readonly Secret[];
}

/** A value computed on first use (an index a command never reads costs nothing). */
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
}

export function buildIndex(s: IndexInput, podLabels?: PodLabelIndex): ClusterIndex {
  // Each map is built on its first lookup: the state is immutable, so the result is the same.
  const namespaces = lazy(() => new Map(s.namespaces.map((n) => [n.metadata?.name ?? "", n])));
  const nodes = lazy(() => new Map(s.nodes.map((n) => [n.metadata?.name ?? "", n])));
  const nodeIPs = lazy(() => {
    const m = new Map<string, Node>();
    for (const n of s.nodes)
      for (const a of n.status?.addresses ?? []) if (a.type !== "Hostname") m.set(a.address, n);
    return m;
  });
  const pods = lazy(() => new Map(s.pods.map((p) => [key(p.metadata?.namespace, p.metadata?.name), p])));
  const podIPs = lazy(() => {
    const m = new Map<string, Pod>();
    for (const p of s.pods) {
      // hostNetwork pods share the node's IP: the IP names the node, not one of its pods.
      if (p.spec?.hostNetwork) continue;
      for (const ip of p.status?.podIPs ?? []) m.set(ip.ip, p);
    }
    return m;
  });
  const services = lazy(
    () => new Map(s.services.map((x) => [key(x.metadata?.namespace, x.metadata?.name), x])),
  );
  const clusterIPs = lazy(() => {
    const m = new Map<string, Service>();
    for (const x of s.services) {
      for (const ip of x.spec?.clusterIPs ?? (x.spec?.clusterIP ? [x.spec.clusterIP] : [])) {
        if (ip !== "None") m.set(ip, x);
      }
    }
    return m;
  });
  const slices = lazy(() => {
    const m = new Map<string, EndpointSlice[]>();
    for (const sl of s.endpointSlices) {
      const svc = sl.metadata?.labels?.[LABEL_SERVICE_NAME];
      if (svc !== undefined) push(m, key(sl.metadata?.namespace, svc), sl);
    }
    return m;
  });
  const secrets = lazy(
    () => new Map(s.secrets.map((x) => [key(x.metadata?.namespace, x.metadata?.name), x])),
  );
  const labelIndex = lazy(() => podLabels ?? new PodLabelIndex(s.pods));
  return {
    namespace: (name) => namespaces().get(name),
    node: (name) => nodes().get(name),
    pod: (ns, name) => pods().get(key(ns, name)),
    podByIP: (ip) => podIPs().get(ip),
    podsInNamespace: (ns) => labelIndex().inNamespace(ns),
    selectPods: (ns, selector) => labelIndex().select(ns, selector),
    service: (ns, name) => services().get(key(ns, name)),
    serviceByClusterIP: (ip) => clusterIPs().get(ip),
    slicesForService: (ns, name) => slices().get(key(ns, name)) ?? EMPTY,
    secret: (ns, name) => secrets().get(key(ns, name)),
    nodeByIP: (ip) => nodeIPs().get(ip),
  };
}
