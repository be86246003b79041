/**
 * GET /api/matrix: reachability as a heat map by namespace, workload or pod.
 *
 * Pods are folded into the policy engine's equivalence classes first
 * (policy/pod-classes.ts, keyed on the label keys any selector mentions):
 * two pods the engine cannot tell apart get the same verdict against any
 * peer, so one decide() per class pair and port answers for every pod pair. A pod reaching itself is always allowed, so the
 * diagonal of a class is counted separately. An "outside the cluster" source
 * row shows what external clients may reach.
 */
import type { Pod, Protocol } from "../api/types.js";
import { HttpError } from "../http/respond.js";
import type { PolicyEngine } from "../policy/engine.js";
import { buildClasses } from "../policy/pod-classes.js";
import type { ApiMatrix, ApiMatrixCell, ApiMatrixGroup } from "./api-types.js";
import { workloadOf } from "./workload-of.js";

/** A documentation address (RFC 5737 TEST-NET-3) standing for any client outside the cluster. */
export const EXTERNAL_CLIENT_IP = "203.0.113.10";
/** Above this many pods the pod-level matrix is refused (use classes: workload or namespace level). */
export const MAX_POD_LEVEL = 400;

export interface MatrixParams {
  level: "namespace" | "workload" | "pod";
  port: number | "declared";
  protocol: Protocol;
}

interface PodClass {
  rep: Pod;
  /** A second pod of the class, to judge distinct pairs within it. */
  rep2: Pod | undefined;
  ports: number[];
}

export function computeMatrix(engine: PolicyEngine, params: MatrixParams): ApiMatrix {
  const started = performance.now();
  const state = engine.state;
  const pods = state.pods.filter((p) => p.status?.podIP);
  if (params.level === "pod" && pods.length > MAX_POD_LEVEL) {
    throw new HttpError(
      400,
      "TooLarge",
      `${pods.length} pods: the pod-level matrix is limited to ${MAX_POD_LEVEL}; group by workload or namespace`,
    );
  }
  // Pods → classes: the policy engine's classes keyed on the label keys some selector mentions
  // (split by node when hostNetwork pods exist: verdicts against them depend on the node);
  // every hostNetwork pod is a class of its own.
  const byNode = pods.some((p) => p.spec?.hostNetwork === true);
  const ci = buildClasses(engine, pods, { labelKeys: "selectors", byNode });
  const portsOf = (pod: Pod) =>
    [
      ...new Set(
        engine
          .view(pod)
          .ports.filter((p) => (p.protocol ?? "TCP") === params.protocol)
          .map((p) => p.containerPort),
      ),
    ].sort((a, b) => a - b);
  const classes: PodClass[] = ci.classes.map((c) => ({
    rep: c.rep.pod,
    rep2: c.pods[1]?.pod,
    ports: portsOf(c.rep.pod),
  }));
  const podClass = new Map<Pod, number>();
  for (const [pod, id] of ci.classOf) if (id >= 0) podClass.set(pod, id);
  for (const h of ci.hostNetworkPods) {
    podClass.set(h.pod, classes.length);
    classes.push({ rep: h.pod, rep2: undefined, ports: portsOf(h.pod) });
  }

  // Pods → groups.
  const groups: ApiMatrixGroup[] = [];
  const groupIndex = new Map<string, number>();
  const members: Map<number, number>[] = []; // group → class → pod count
  const podsOf: Map<number, Pod[]>[] = []; // group → class → up to two pods of that class in the group
  for (const pod of pods) {
    const ns = pod.metadata?.namespace ?? "default";
    let id: string;
    let label: string;
    if (params.level === "namespace") [id, label] = [`namespace/${ns}`, ns];
    else if (params.level === "pod")
      [id, label] = [`pod/${ns}/${pod.metadata?.name ?? ""}`, `${ns}/${pod.metadata?.name ?? ""}`];
    else {
      const w = workloadOf(state, pod);
      [id, label] = [w.id, `${ns}/${w.name}`];
    }
    let gi = groupIndex.get(id);
    if (gi === undefined) {
      gi = groups.length;
      groupIndex.set(id, gi);
      groups.push({ id, label, namespace: ns, pods: 0 });
      members.push(new Map());
      podsOf.push(new Map());
    }
    groups[gi]!.pods++;
    const ci = podClass.get(pod)!;
    members[gi]!.set(ci, (members[gi]!.get(ci) ?? 0) + 1);
    const some = podsOf[gi]!.get(ci);
    if (!some) podsOf[gi]!.set(ci, [pod]);
    else if (some.length < 2) some.push(pod);
  }
  const order = groups.map((_, i) => i).sort((a, b) => groups[a]!.label.localeCompare(groups[b]!.label));
  const sortedGroups = order.map((i) => groups[i]!);
  const sortedMembers = order.map((i) => members[i]!);
  const sortedPods = order.map((i) => podsOf[i]!);

  // Verdict cache per (source class | external, destination class, port, same-class).
  let evaluated = 0;
  const memo = new Map<string, boolean>();
  const EXT = -1;
  const verdict = (sc: number, dc: number, port: number, distinctSame: boolean): boolean => {
    const key = `${sc},${dc},${port},${distinctSame ? 1 : 0}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const dst = classes[dc]!;
    const src =
      sc === EXT
        ? { kind: "ip" as const, ip: EXTERNAL_CLIENT_IP }
        : { kind: "pod" as const, pod: classes[sc]!.rep };
    const dstPod = sc === dc && distinctSame ? dst.rep2! : dst.rep;
    const allowed = engine.decide({
      src,
      dst: { kind: "pod", pod: dstPod },
      port,
      protocol: params.protocol,
    }).allowed;
    evaluated++;
    memo.set(key, allowed);
    return allowed;
  };
  const portsOfClass = (dc: number) => (params.port === "declared" ? classes[dc]!.ports : [params.port]);

  let pairs = 0;
  /** One row: source `i` (undefined: outside the cluster) against every destination group. */
  const row = (i: number | undefined) =>
    sortedGroups.map((_, j): ApiMatrixCell => {
      const cell: ApiMatrixCell = { allowed: 0, denied: 0 };
      let sampleDenied = false;
      const srcList: [number, number][] = i === undefined ? [[EXT, 1]] : [...sortedMembers[i]!];
      for (const [sc, sn] of srcList) {
        for (const [dc, dn] of sortedMembers[j]!) {
          for (const port of portsOfClass(dc)) {
            pairs += sn * dn;
            // Within one group and one class, n pods make n self-pairs (always allowed) and n(n-1) distinct pairs.
            const self = sc === dc && i === j ? sn : 0;
            const distinct = sn * dn - self;
            cell.allowed += self;
            if (distinct === 0) {
              if (!cell.sample) {
                const p = podName(sortedPods[j]!.get(dc)![0]!);
                cell.sample = { from: p, to: p, port, protocol: params.protocol };
              }
              continue;
            }
            const ok = verdict(sc, dc, port, sc === dc);
            if (ok) cell.allowed += distinct;
            else cell.denied += distinct;
            // Prefer a denied connection as the cell's example; else any distinct pair over a self-pair.
            if (!ok ? !sampleDenied : !cell.sample || cell.sample.from === cell.sample.to) {
              const srcPods = i === undefined ? undefined : sortedPods[i]!.get(sc)!;
              const dstPods = sortedPods[j]!.get(dc)!;
              const from = srcPods ? srcPods[0]! : undefined;
              const to = from && dstPods[0] === from ? dstPods[1]! : dstPods[0]!;
              cell.sample = {
                from: from ? podName(from) : EXTERNAL_CLIENT_IP,
                to: podName(to),
                port,
                protocol: params.protocol,
              };
              if (!ok) sampleDenied = true;
            }
          }
        }
      }
      return cell;
    });

  const cells: ApiMatrixCell[][] = sortedGroups.map((_, i) => row(i));
  const external: ApiMatrixGroup = { id: "external", label: "outside the cluster", pods: 0, external: true };
  cells.push(row(undefined));
  return {
    level: params.level,
    port: params.port,
    protocol: params.protocol,
    groups: [...sortedGroups, external],
    cells,
    pairs,
    evaluated,
    millis: Math.round(performance.now() - started),
  };
}

function podName(p: Pod): string {
  return `${p.metadata?.namespace ?? "default"}/${p.metadata?.name ?? ""}`;
}
