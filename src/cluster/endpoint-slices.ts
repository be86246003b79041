/**
 * The endpointslice controller (kube-controller-manager) for Services with a
 * selector: pods with an IP that are not terminal, grouped by the set of
 * ports their targetPorts resolve to (find-port.ts), at most 100 endpoints per
 * slice, conditions ready/serving/terminating as podToEndpoint computes them,
 * hostname only when the pod's hostname is set and its subdomain names this
 * Service. Slices are named `SERVICE-xxxxx` (generateName) deterministically.
 */
import type {
  EndpointConditions,
  EndpointPort,
  EndpointSlice,
  Node,
  ObjectReference,
  Pod,
  Service,
} from "../api/types.js";
import { findPort } from "./find-port.js";
import { generatedName } from "./hash.js";
import { isPodReady } from "./readiness.js";
import {
  ENDPOINTSLICE_CONTROLLER,
  LABEL_HEADLESS,
  LABEL_MANAGED_BY,
  LABEL_SERVICE_NAME,
} from "./system-names.js";

export const MAX_ENDPOINTS_PER_SLICE = 100;

const CONDITIONS: EndpointConditions[] = [];

/** Condition objects are shared between endpoints (the state is immutable; eight variants serve 50 000 endpoints). */
function sharedConditions(ready: boolean, serving: boolean, terminating: boolean): EndpointConditions {
  const k = (ready ? 4 : 0) + (serving ? 2 : 0) + (terminating ? 1 : 0);
  let c = CONDITIONS[k];
  if (!c) {
    c = { ready, serving, terminating };
    CONDITIONS[k] = c;
  }
  return c;
}

/**
 * The targetRef of a pod. A fresh object per call: a WeakMap cache sharing one per pod between
 * slices and (lazily built) Endpoints cost more in lookups and GC than it saved.
 */
export function podRef(pod: Pod): ObjectReference {
  const meta = pod.metadata;
  return {
    kind: "Pod",
    namespace: meta?.namespace ?? "default",
    name: meta?.name ?? "",
    uid: meta?.uid ?? "",
  };
}

/** ShouldPodBeInEndpoints: has an IP, not Succeeded/Failed, and (unless included) not terminating. */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") return false;
  if (!pod.status?.podIP && (pod.status?.podIPs ?? []).length === 0) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

/** Ports of a service resolved for one pod (ports the pod cannot resolve are left out). */
export function endpointPorts(svc: Service, pod: Pod): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const ep: EndpointPort = { name: sp.name ?? "", port, protocol: sp.protocol ?? "TCP" };
    if (sp.appProtocol !== undefined) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

/** Labels every managed slice of this service carries (setEndpointSliceLabels). */
export function sliceLabels(svc: Service, managedBy: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata?.labels ?? {})) {
    if (k !== LABEL_SERVICE_NAME && k !== LABEL_MANAGED_BY) labels[k] = v;
  }
  if (svc.spec?.clusterIP === "None") labels[LABEL_HEADLESS] = "";
  else delete labels[LABEL_HEADLESS];
  labels[LABEL_SERVICE_NAME] = svc.metadata?.name ?? "";
  labels[LABEL_MANAGED_BY] = managedBy;
  return labels;
}

function addressFamily(ip: string): "IPv4" | "IPv6" {
  return ip.includes(":") ? "IPv6" : "IPv4";
}

/** Pods by name (a copy); insertion sort for the few pods most Services select. */
function sortedByName(pods: readonly Pod[]): Pod[] {
  const out = pods.slice();
  if (out.length > 16) {
    return out.sort((a, b) => {
      const x = a.metadata?.name ?? "";
      const y = b.metadata?.name ?? "";
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }
  for (let i = 1; i < out.length; i++) {
    const p = out[i] as Pod;
    const name = p.metadata?.name ?? "";
    let j = i - 1;
    while (j >= 0 && (out[j]?.metadata?.name ?? "") > name) {
      out[j + 1] = out[j] as Pod;
      j--;
    }
    out[j + 1] = p;
  }
  return out;
}

/**
 * Slices for one Service. `pods` are the pods its selector matches (any order);
 * `nameTaken` and `previousNames` make generated names unique and sticky.
 */
export function endpointSlicesFor(
  svc: Service,
  pods: readonly Pod[],
  nodes: ReadonlyMap<string, Node>,
  previousNames: readonly string[],
  nameTaken: (name: string) => boolean,
): EndpointSlice[] {
  const ns = svc.metadata?.namespace ?? "default";
  const svcName = svc.metadata?.name ?? "";
  const family = svc.spec?.ipFamilies?.[0] ?? "IPv4";
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const servicePorts = svc.spec?.ports ?? [];
  const sorted = sortedByName(pods);
  // The port key depends only on the pod's containers, which the pods of one template share.
  const keyByContainers = new Map<unknown, string>();
  const groups = new Map<
    string,
    { ports: EndpointPort[]; endpoints: NonNullable<EndpointSlice["endpoints"]> }
  >();
  for (const pod of sorted) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const nodeName = pod.spec?.nodeName;
    const node = nodeName ? nodes.get(nodeName) : undefined;
    // A pod bound to a node that does not exist is skipped unless the service publishes not-ready addresses.
    if (!node && !publishNotReady) continue;
    let ip: string | undefined;
    for (const p of pod.status?.podIPs ?? []) {
      if (addressFamily(p.ip) === family) {
        ip = p.ip;
        break;
      }
    }
    if (ip === undefined && pod.status?.podIP && addressFamily(pod.status.podIP) === family)
      ip = pod.status.podIP;
    if (ip === undefined) continue;
    // Pods are grouped by the port numbers their targetPorts resolve to ("x": not resolved).
    const containers = pod.spec?.containers;
    let key = containers ? keyByContainers.get(containers) : undefined;
    if (key === undefined) {
      key = "";
      for (const sp of servicePorts) key += `${findPort(pod, sp) ?? "x"},`;
      if (containers) keyByContainers.set(containers, key);
    }
    let group = groups.get(key);
    if (!group) {
      group = { ports: endpointPorts(svc, pod), endpoints: [] };
      groups.set(key, group);
    }
    const serving = isPodReady(pod);
    const terminating = pod.metadata?.deletionTimestamp !== undefined;
    // "ready" is never true for a terminating pod unless publishNotReadyAddresses is set.
    const ready = publishNotReady || (serving && !terminating);
    const ep: NonNullable<EndpointSlice["endpoints"]>[number] = {
      addresses: [ip],
      conditions: sharedConditions(ready, serving, terminating),
      targetRef: podRef(pod),
    };
    if (nodeName) ep.nodeName = nodeName;
    const zone = node?.metadata?.labels?.["topology.kubernetes.io/zone"];
    if (zone) ep.zone = zone;
    if (pod.spec?.hostname && pod.spec.subdomain === svcName) ep.hostname = pod.spec.hostname;
    group.endpoints.push(ep);
  }

  const chunks: { ports: EndpointPort[]; endpoints: NonNullable<EndpointSlice["endpoints"]> }[] = [];
  for (const key of [...groups.keys()].sort()) {
    const g = groups.get(key);
    if (!g) continue;
    if (g.endpoints.length <= MAX_ENDPOINTS_PER_SLICE) chunks.push(g);
    else
      for (let i = 0; i < g.endpoints.length; i += MAX_ENDPOINTS_PER_SLICE) {
        chunks.push({ ports: g.ports, endpoints: g.endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE) });
      }
  }
  // No endpoints at all: the controller still creates one empty placeholder slice.
  if (chunks.length === 0) chunks.push({ ports: [], endpoints: [] });

  const prefix = `${svcName}-`;
  const used = new Set<string>();
  const labels = sliceLabels(svc, ENDPOINTSLICE_CONTROLLER);
  return chunks.map((c, i) => {
    let name = previousNames[i];
    if (name === undefined || nameTaken(name) || used.has(name)) {
      name = generatedName(
        prefix,
        `${ns}/${svcName}/${i}`,
        (n) => nameTaken(n) || used.has(n) || previousNames.includes(n),
      );
    }
    used.add(name);
    return {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: {
        name,
        generateName: prefix.length > 58 ? prefix.slice(0, 58) : prefix,
        namespace: ns,
        labels: { ...labels },
        ownerReferences: [
          {
            apiVersion: "v1",
            kind: "Service",
            name: svcName,
            uid: svc.metadata?.uid ?? "",
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      addressType: family,
      endpoints: c.endpoints,
      ports: c.ports,
    };
  });
}
