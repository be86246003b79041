/**
 * The defaulting the API server applies to a pod spec (SetDefaults_PodSpec,
 * SetDefaults_Container, the ServiceAccount admission plugin), so derived
 * pods read as `kubectl get pod -o yaml` would show them. Pure: returns a copy.
 */
import type { Container, PodSpec } from "../api/types.js";
import { shallowCopy } from "./shallow-copy.js";

function defaultContainer(c: Container): Container {
  const image = c.image ?? "";
  // SetDefaults_Container: `:latest` or no tag (and no digest) pulls Always, anything else IfNotPresent.
  const lastPart = image.slice(image.lastIndexOf("/") + 1);
  const tag = lastPart.includes("@")
    ? "digest"
    : lastPart.includes(":")
      ? lastPart.slice(lastPart.indexOf(":") + 1)
      : "";
  // Assignments on a copy: the same keys in the same order as `{ ...c, imagePullPolicy, … }`.
  const out = shallowCopy(c);
  out.imagePullPolicy = c.imagePullPolicy ?? (tag === "" || tag === "latest" ? "Always" : "IfNotPresent");
  out.terminationMessagePath = c.terminationMessagePath ?? "/dev/termination-log";
  out.terminationMessagePolicy = c.terminationMessagePolicy ?? "File";
  out.resources = c.resources ?? {};
  if (c.ports)
    out.ports = c.ports.map((p) => {
      const q = shallowCopy(p);
      q.protocol = p.protocol ?? "TCP";
      return q;
    });
  return out;
}

/**
 * `forPod` adds what only a Pod (not a workload's template) gets: SetDefaults_Pod's
 * enableServiceLinks and the ServiceAccount admission plugin's serviceAccountName.
 */
export function defaultPodSpec(spec: PodSpec | undefined, forPod: boolean): PodSpec {
  // Containers may be shared with a template: treat them as immutable.
  // Shallow: nested values the defaulting does not touch stay shared with the input, which is never mutated.
  const s: PodSpec = shallowCopy(spec ?? { containers: [] });
  s.containers = (s.containers ?? []).map(defaultContainer);
  if (s.initContainers) s.initContainers = s.initContainers.map(defaultContainer);
  s.restartPolicy ??= "Always";
  s.dnsPolicy ??= "ClusterFirst";
  if (forPod) Object.assign(s, podOnlyDefaults(s));
  s.terminationGracePeriodSeconds ??= 30;
  s.schedulerName ??= "default-scheduler";
  s.securityContext ??= {};
  return s;
}

/** Priority admission: the two built-in classes, everything else 0 (PriorityClass objects are not modelled). */
const PRIORITY: Record<string, number> = {
  "system-cluster-critical": 2000000000,
  "system-node-critical": 2000001000,
};

/** DefaultTolerationSeconds admission: tolerate not-ready/unreachable nodes for 300 s unless the pod says otherwise. */
const DEFAULT_TOLERATIONS = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
];

/** What only a Pod (not a workload's template) gets: SetDefaults_Pod and the admission plugins. */
function podOnlyDefaults(spec: PodSpec): Partial<PodSpec> {
  const tolerations = (spec.tolerations as { key?: string; effect?: string }[] | undefined) ?? [];
  const extra = DEFAULT_TOLERATIONS.filter(
    (d) =>
      !tolerations.some(
        (t) =>
          (t.key === d.key || t.key === undefined) && (t.effect === undefined || t.effect === "NoExecute"),
      ),
  );
  return {
    enableServiceLinks: spec.enableServiceLinks ?? true,
    serviceAccountName: spec.serviceAccountName ?? "default",
    priority: PRIORITY[String(spec.priorityClassName ?? "")] ?? 0,
    preemptionPolicy: spec.preemptionPolicy ?? "PreemptLowerPriority",
    tolerations: extra.length ? [...tolerations, ...extra] : tolerations,
  };
}

/**
 * A pod's spec from an already-defaulted template: the template spec plus the
 * pod-only defaults, computed once per template. `shared`: the one object is
 * returned for every replica (the state is immutable; the scheduler binds a
 * pod through withNodeName, which copies); otherwise a copy the caller may
 * change (StatefulSet and DaemonSet pods set hostname, affinity, nodeName).
 * Containers are shared with the template either way.
 */
export function podSpecFromTemplate(templateSpec: PodSpec, shared = false): PodSpec {
  let merged = podSpecCache.get(templateSpec);
  if (!merged) {
    merged = { ...templateSpec, ...podOnlyDefaults(templateSpec) };
    podSpecCache.set(templateSpec, merged);
  }
  return shared ? merged : shallowCopy(merged);
}

/** The template spec with the pod-only defaults merged, computed once for all its replicas. */
const podSpecCache = new WeakMap<PodSpec, PodSpec>();

/** `spec` with nodeName set as the scheduler's binding writes it (appended last when new), as a new object. */
export function withNodeName(spec: PodSpec, nodeName: string): PodSpec {
  // A copy that already has the key, once per shared spec: each pod is then a fast clone and a store
  // to an existing property.
  let slotted = nodeNameSlots.get(spec);
  if (!slotted) {
    slotted = shallowCopy(spec);
    slotted.nodeName = "";
    nodeNameSlots.set(spec, slotted);
  }
  const out = { ...slotted };
  out.nodeName = nodeName;
  return out;
}

const nodeNameSlots = new WeakMap<PodSpec, PodSpec>();
