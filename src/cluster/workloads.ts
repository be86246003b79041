/**
 * Workload controllers: Deployment → ReplicaSet → Pods, StatefulSet, DaemonSet,
 * ReplicaSet and bare Pods, named as the upstream controllers name them:
 *   Deployment d → ReplicaSet `d-<pod-template-hash>` → pods `d-<hash>-xxxxx`;
 *   StatefulSet s → pods `s-0..N-1` (hostname = pod name, subdomain = serviceName);
 *   DaemonSet ds → one pod `ds-xxxxx` per eligible node.
 * Pods come out unscheduled and without status; scheduler.ts and pod-ipam.ts
 * place them and give them IPs.
 */
import type { Diagnostic } from "../api/diagnostics.js";
import { keepSource } from "../api/source.js";
import type {
  DaemonSet,
  Deployment,
  LabelSelector,
  Node,
  ObjectMeta,
  OwnerReference,
  Pod,
  PodTemplateSpec,
  ReplicaSet,
  StatefulSet,
} from "../api/types.js";
import { assignUid, generatedName, templateHash, uidFor } from "./hash.js";
import { defaultPodSpec, podSpecFromTemplate } from "./pod-defaults.js";
import type { PodDraft } from "./pod-draft.js";
import { bareHealth, replicaHealth } from "./readiness.js";
import { eligibleNodes } from "./scheduler.js";
import { shallowCopy } from "./shallow-copy.js";
import { CONTROLLER_REVISION_HASH, POD_TEMPLATE_HASH, SYSTEM_ANNOTATION } from "./system-names.js";

export interface WorkloadInput {
  deployments: readonly Deployment[];
  replicaSets: readonly ReplicaSet[];
  statefulSets: readonly StatefulSet[];
  daemonSets: readonly DaemonSet[];
  pods: readonly Pod[];
}

export interface WorkloadOutput {
  deployments: Deployment[];
  replicaSets: ReplicaSet[];
  statefulSets: StatefulSet[];
  daemonSets: DaemonSet[];
  drafts: PodDraft[];
}

/** Names of pods a previous build gave each owner (`ns/Kind/name`), to keep them across reloads. */
export type PreviousPodNames = ReadonlyMap<string, readonly string[]>;

function ownerRef(apiVersion: string, kind: string, meta: ObjectMeta): OwnerReference {
  return {
    apiVersion,
    kind,
    name: meta.name ?? "",
    uid: meta.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

function defaultTemplate(t: PodTemplateSpec | undefined): PodTemplateSpec {
  const meta: ObjectMeta = { ...t?.metadata };
  // The API server drops creationTimestamp: null from templates; keep only meaningful metadata.
  return { metadata: meta, spec: defaultPodSpec(t?.spec, false) };
}

function replicasOf(spec: { replicas?: number } | undefined): number {
  return spec?.replicas ?? 1;
}

function withSystem(meta: ObjectMeta, system: boolean): Record<string, string> | undefined {
  // Pods of michi's own workloads carry the system marker too.
  if (!system) return meta.annotations;
  return { ...meta.annotations, [SYSTEM_ANNOTATION]: "true" };
}

class NameBook {
  /** namespace → names taken (nested, so no key string per lookup). */
  private readonly used = new Map<string, Set<string>>();
  constructor(private readonly previous: PreviousPodNames) {}
  private names(ns: string): Set<string> {
    let set = this.used.get(ns);
    if (!set) {
      set = new Set();
      this.used.set(ns, set);
    }
    return set;
  }
  has(ns: string, name: string): boolean {
    return this.used.get(ns)?.has(name) ?? false;
  }
  take(ns: string, name: string): void {
    this.names(ns).add(name);
  }
  previousFor(ownerKey: string): readonly string[] {
    return this.previous.get(ownerKey) ?? [];
  }
}

/**
 * Metadata pieces every pod of one template shares. The derived state is
 * immutable, so pods of a workload share these objects instead of copying
 * them 50 000 times (they serialize the same).
 */
interface PodShape {
  labels: Record<string, string>;
  annotations: Record<string, string> | undefined;
  ownerReferences: OwnerReference[] | undefined;
}

function podShape(
  template: PodTemplateSpec,
  labels: Record<string, string>,
  owner: OwnerReference | undefined,
  system: boolean,
): PodShape {
  const annotations = withSystem(template.metadata ?? {}, system);
  return {
    labels,
    annotations: annotations && Object.keys(annotations).length > 0 ? { ...annotations } : undefined,
    ownerReferences: owner ? [owner] : undefined,
  };
}

function makePod(
  ns: string,
  name: string,
  template: PodTemplateSpec,
  shape: PodShape,
  generateName?: string,
  sharedSpec = false,
): Pod {
  const uid = uidFor("Pod", ns, name);
  const { labels, annotations, ownerReferences } = shape;
  let meta: ObjectMeta;
  // ReplicaSet pods (50 000 in the large bench) get their metadata in one literal, in the key
  // order of the general path below, instead of growing the object one property at a time.
  if (generateName !== undefined && ownerReferences && annotations)
    meta = { name, namespace: ns, labels, generateName, annotations, ownerReferences, uid };
  else if (generateName !== undefined && ownerReferences)
    meta = { name, namespace: ns, labels, generateName, ownerReferences, uid };
  else {
    meta = { name, namespace: ns, labels };
    if (generateName !== undefined) meta.generateName = generateName;
    if (annotations) meta.annotations = annotations;
    if (ownerReferences) meta.ownerReferences = ownerReferences;
    meta.uid = uid;
  }
  // Templates reaching here are defaulted already (defaultTemplate).
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: meta,
    spec: podSpecFromTemplate(template.spec ?? { containers: [] }, sharedSpec),
  };
}

/** Pods of a ReplicaSet (user-given or a Deployment's): `RS-xxxxx`, names sticky across reloads. */
function replicaSetPods(
  rs: ReplicaSet,
  owningWorkload: ObjectMeta,
  book: NameBook,
  drafts: PodDraft[],
  system: boolean,
): void {
  const meta = rs.metadata ?? {};
  const ns = meta.namespace ?? "default";
  const rsName = meta.name ?? "";
  const template = rs.spec?.template ?? {};
  const replicas = replicasOf(rs.spec);
  const owner = ownerRef("apps/v1", "ReplicaSet", meta);
  const previous = book.previousFor(`${ns}/ReplicaSet/${rsName}`);
  const prefix = `${rsName}-`;
  const shape = podShape(template, { ...template.metadata?.labels }, owner, system);
  const health = replicaHealth(owningWorkload, template.metadata, replicas);
  const spreadKey = `${ns}/${rsName}`;
  const generateName = prefix.length > 58 ? prefix.slice(0, 58) : prefix;
  const taken = (n: string) => book.has(ns, n) || previous.includes(n);
  for (let i = 0; i < replicas; i++) {
    let name = previous[i];
    if (name === undefined || book.has(ns, name)) {
      name = generatedName(prefix, `${ns}/${rsName}/${i}`, taken);
    }
    book.take(ns, name);
    const pod = makePod(ns, name, template, shape, generateName, true);
    drafts.push({
      pod,
      spreadKey,
      spreadIndex: i,
      health: health(i),
      sharedSpec: true,
    });
  }
}

/** `d.spec.template` is defaulted already (expandWorkloads): the ReplicaSet shares its pod spec. */
function deploymentToReplicaSet(d: Deployment): ReplicaSet {
  const meta = d.metadata ?? {};
  const ns = meta.namespace ?? "default";
  const template = d.spec?.template ?? defaultTemplate(undefined);
  const hash = templateHash(template);
  const replicas = replicasOf(d.spec);
  const labels = { ...template.metadata?.labels, [POD_TEMPLATE_HASH]: hash };
  const given = d.spec?.selector ?? {};
  const selector: LabelSelector = {
    ...given,
    matchLabels: { ...given.matchLabels, [POD_TEMPLATE_HASH]: hash },
  };
  const rsMeta: ObjectMeta = {
    name: `${meta.name}-${hash}`,
    namespace: ns,
    labels,
    annotations: {
      "deployment.kubernetes.io/desired-replicas": String(replicas),
      "deployment.kubernetes.io/max-replicas": String(replicas + Math.ceil(replicas * 0.25)),
      "deployment.kubernetes.io/revision": "1",
      ...(meta.annotations?.[SYSTEM_ANNOTATION] ? { [SYSTEM_ANNOTATION]: "true" } : {}),
    },
    ownerReferences: [ownerRef("apps/v1", "Deployment", meta)],
  };
  const rs: ReplicaSet = {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: rsMeta,
    spec: {
      replicas,
      selector,
      template: { metadata: { ...template.metadata, labels }, spec: template.spec ?? { containers: [] } },
    },
  };
  assignUid(rs);
  return rs;
}

/** Ready, not terminating pods among drafts[from..]. */
function readyCount(drafts: readonly PodDraft[], from: number): number {
  let n = 0;
  for (let i = from; i < drafts.length; i++) {
    const h = drafts[i]?.health;
    if (h?.ready && !h.terminating) n++;
  }
  return n;
}

/**
 * `{ ...w, metadata: { ...w.metadata }, spec: { ...w.spec } }`, built so that the defaults and the uid
 * added next are cheap (shallow-copy.ts).
 */
function copyWorkload<T extends { metadata?: ObjectMeta; spec?: object }>(w: T): T {
  const out = shallowCopy(w);
  out.metadata = shallowCopy(w.metadata);
  out.spec = shallowCopy(w.spec);
  return out;
}

function setWorkloadStatus(obj: { status?: Record<string, unknown> }, replicas: number, ready: number): void {
  obj.status = {
    observedGeneration: 1,
    replicas,
    readyReplicas: ready,
    availableReplicas: ready,
    updatedReplicas: replicas,
  };
}

export function expandWorkloads(
  input: WorkloadInput,
  nodes: readonly Node[],
  previousNames: PreviousPodNames,
  diagnostics: Diagnostic[],
): WorkloadOutput {
  const book = new NameBook(previousNames);
  const drafts: PodDraft[] = [];
  const out: WorkloadOutput = { deployments: [], replicaSets: [], statefulSets: [], daemonSets: [], drafts };
  const isSystem = (m: ObjectMeta | undefined) => m?.annotations?.[SYSTEM_ANNOTATION] === "true";

  // Names of bare pods and StatefulSet pods are fixed; reserve them first so generated names never clash.
  for (const p of input.pods) book.take(p.metadata?.namespace ?? "default", p.metadata?.name ?? "");
  for (const s of input.statefulSets) {
    const start = s.spec?.ordinals?.start ?? 0;
    for (let i = 0; i < replicasOf(s.spec); i++) {
      book.take(s.metadata?.namespace ?? "default", `${s.metadata?.name}-${start + i}`);
    }
  }

  for (const p of input.pods) {
    const pod: Pod = keepSource(structuredClone(p), p);
    const health = bareHealth(p);
    const meta = pod.metadata ?? {};
    meta.namespace ??= "default";
    pod.apiVersion = "v1";
    pod.kind = "Pod";
    pod.spec = defaultPodSpec(pod.spec, true);
    delete pod.status;
    assignUid(pod);
    drafts.push({ pod, spreadKey: `${meta.namespace}/${meta.name}`, spreadIndex: 0, health });
  }

  for (const d0 of input.deployments) {
    // Shallow copies: the input is never mutated, untouched nested values are shared.
    const d: Deployment = keepSource(copyWorkload(d0), d0);
    assignUid(d);
    const spec = d.spec ?? {};
    spec.replicas ??= 1;
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    spec.strategy ??= { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } };
    spec.template = defaultTemplate(spec.template);
    d.spec = spec;
    d.metadata = {
      ...d.metadata,
      annotations: { "deployment.kubernetes.io/revision": "1", ...d.metadata?.annotations },
    };
    const rs = deploymentToReplicaSet(d);
    const before = drafts.length;
    replicaSetPods(rs, d.metadata ?? {}, book, drafts, isSystem(d.metadata));
    const ready = readyCount(drafts, before);
    setWorkloadStatus(d, spec.replicas, ready);
    setWorkloadStatus(rs, spec.replicas, ready);
    if (rs.status) rs.status.fullyLabeledReplicas = spec.replicas;
    out.deployments.push(d);
    out.replicaSets.push(rs);
  }

  for (const r0 of input.replicaSets) {
    const rs: ReplicaSet = keepSource(copyWorkload(r0), r0);
    assignUid(rs);
    const spec = rs.spec ?? {};
    spec.replicas ??= 1;
    spec.template = defaultTemplate(spec.template);
    rs.spec = spec;
    const before = drafts.length;
    replicaSetPods(rs, rs.metadata ?? {}, book, drafts, isSystem(rs.metadata));
    const ready = readyCount(drafts, before);
    setWorkloadStatus(rs, spec.replicas, ready);
    if (rs.status) rs.status.fullyLabeledReplicas = spec.replicas;
    out.replicaSets.push(rs);
  }

  for (const s0 of input.statefulSets) {
    const s: StatefulSet = keepSource(copyWorkload(s0), s0);
    assignUid(s);
    const meta = s.metadata ?? {};
    const ns = meta.namespace ?? "default";
    const spec = s.spec ?? {};
    spec.replicas ??= 1;
    spec.podManagementPolicy ??= "OrderedReady";
    spec.template = defaultTemplate(spec.template);
    s.spec = spec;
    const revision = `${meta.name}-${templateHash(spec.template, "ControllerRevision/")}`;
    const start = spec.ordinals?.start ?? 0;
    const owner = ownerRef("apps/v1", "StatefulSet", meta);
    let ready = 0;
    const stsHealth = replicaHealth(meta, spec.template.metadata, spec.replicas);
    for (let i = 0; i < spec.replicas; i++) {
      const ordinal = start + i;
      const name = `${meta.name}-${ordinal}`;
      const labels = {
        ...spec.template.metadata?.labels,
        "apps.kubernetes.io/pod-index": String(ordinal),
        [CONTROLLER_REVISION_HASH]: revision,
        "statefulset.kubernetes.io/pod-name": name,
      };
      const pod = makePod(ns, name, spec.template, podShape(spec.template, labels, owner, isSystem(meta)));
      if (pod.spec) {
        // The StatefulSet controller sets hostname and subdomain (updateIdentity).
        pod.spec.hostname = name;
        if (spec.serviceName) pod.spec.subdomain = spec.serviceName;
      }
      const health = stsHealth(i);
      if (health.ready && !health.terminating) ready++;
      drafts.push({ pod, spreadKey: `${ns}/${meta.name}`, spreadIndex: i, health });
    }
    s.status = {
      observedGeneration: 1,
      replicas: spec.replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      currentReplicas: spec.replicas,
      updatedReplicas: spec.replicas,
      currentRevision: revision,
      updateRevision: revision,
    };
    out.statefulSets.push(s);
  }

  for (const ds0 of input.daemonSets) {
    const ds: DaemonSet = keepSource(copyWorkload(ds0), ds0);
    assignUid(ds);
    const meta = ds.metadata ?? {};
    const ns = meta.namespace ?? "default";
    const spec = ds.spec ?? {};
    spec.template = defaultTemplate(spec.template);
    ds.spec = spec;
    const hash = templateHash(spec.template, "ControllerRevision/");
    const owner = ownerRef("apps/v1", "DaemonSet", meta);
    const targets = eligibleNodes(nodes, spec.template.spec ?? { containers: [] });
    const previous = book.previousFor(`${ns}/DaemonSet/${meta.name}`);
    let ready = 0;
    const dsHealth = replicaHealth(meta, spec.template?.metadata, targets.length);
    targets.forEach((node, i) => {
      const nodeName = node.metadata?.name ?? "";
      const prefix = `${meta.name}-`;
      // Sticky per node: a previous pod of this DaemonSet on the same node keeps its name.
      let name = previous.find(
        (n) => n.startsWith(prefix) && previousNodeOf(previousNames, ns, n) === nodeName,
      );
      if (name === undefined || book.has(ns, name)) {
        name = generatedName(prefix, `${ns}/${meta.name}/${nodeName}`, (n) => book.has(ns, n));
      }
      book.take(ns, name);
      const labels = {
        ...spec.template?.metadata?.labels,
        [CONTROLLER_REVISION_HASH]: hash,
        "pod-template-generation": "1",
      };
      const pod = makePod(
        ns,
        name,
        spec.template ?? {},
        podShape(spec.template ?? {}, labels, owner, isSystem(meta)),
        prefix,
      );
      if (pod.spec) {
        // The DaemonSet controller pins each pod to its node through node affinity; the scheduler binds it there.
        pod.spec.affinity = {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchFields: [{ key: "metadata.name", operator: "In", values: [nodeName] }] },
              ],
            },
          },
        };
        pod.spec.nodeName = nodeName;
      }
      const health = dsHealth(i);
      if (health.ready && !health.terminating) ready++;
      drafts.push({ pod, spreadKey: `${ns}/${meta.name}`, spreadIndex: i, health });
    });
    ds.status = {
      currentNumberScheduled: targets.length,
      desiredNumberScheduled: targets.length,
      numberAvailable: ready,
      numberMisscheduled: 0,
      numberReady: ready,
      observedGeneration: 1,
      updatedNumberScheduled: targets.length,
    };
    out.daemonSets.push(ds);
  }
  void diagnostics;
  return out;
}

/** Node a previous pod ran on, encoded by build.ts into the names map under `node:ns/name`. */
function previousNodeOf(previousNames: PreviousPodNames, ns: string, name: string): string | undefined {
  return previousNames.get(`node:${ns}/${name}`)?.[0];
}
