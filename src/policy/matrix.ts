/**
 * The reachability matrix, computed per equivalence class of pods instead of
 * per pod pair. For each port/protocol: every rule becomes a bitset of the
 * classes it admits (peers AND ports; named ports resolve per destination
 * class); a source class's egress is the OR of its selecting policies'
 * egress rules, a destination class's ingress the OR of its ingress rules.
 * A pair is allowed iff the source's egress admits the destination class and
 * the destination's ingress admits the source class. Classes sharing the
 * same selecting policies share the work. With ClusterNetworkPolicies each
 * side is folded through the tiers (matrix-tiers.ts): Admin rules in order,
 * NetworkPolicy for the pods it isolates, Baseline, then allow.
 */
import type { ContainerPort, Pod, Protocol } from "../api/types.js";
import { and, type Bits, fillBits, hasBit, newBits, orAndInto, orInto, setBit } from "./bitset.js";
import type { CompiledClusterPolicy, CompiledClusterRule } from "./cluster-policy.js";
import type { CompiledPeer, CompiledPolicy, CompiledRule } from "./compiled-policy.js";
import type { PolicyEngine } from "./engine.js";
import { groupedRowsColumns, type PortTable } from "./matrix-counts.js";
import { clusterPeerClasses, foldTiers, type TierRuleBits } from "./matrix-tiers.js";
import { buildClasses, type ClassIndex } from "./pod-classes.js";
import { type CompiledPort, portMatches } from "./ports.js";

export interface PortProtocol {
  port: number;
  protocol: Protocol;
}

export interface MatrixOptions {
  /** Pods to include (default: every pod in the state). */
  pods?: readonly Pod[];
  ports: readonly PortProtocol[];
  /** Called as work progresses (for a progress indicator). */
  onProgress?: (done: number, total: number) => void;
}

export interface MatrixStats {
  port: number;
  protocol: Protocol;
  /** Ordered pairs of distinct pods. */
  pairs: number;
  allowedPairs: number;
}

export interface PolicyMatrix {
  readonly classIndex: ClassIndex;
  readonly ports: readonly PortProtocol[];
  /** Class-level verdict (pods of the same class: distinct pods; a pod to itself is always allowed). */
  classAllowed(src: number, dst: number, portIndex: number): boolean;
  allowed(src: Pod, dst: Pod, portIndex: number): boolean;
  stats(portIndex: number): MatrixStats;
  /** Per class: how many other pods one of its pods can reach, and is reachable from (hostNetwork pods excluded). */
  perClass(portIndex: number): { reaches: Float64Array; reachedBy: Float64Array };
}

export function computeMatrix(engine: PolicyEngine, opts: MatrixOptions): PolicyMatrix {
  const ci = buildClasses(engine, opts.pods);
  const C = ci.classes.length;
  const ALL = fillBits(newBits(C), C);
  const NONE = newBits(C);

  // --- port-independent: which classes each peer (and each rule's peer list) admits
  const nsSelCache = new Map<string, string[]>();
  const namespacesMatching = (peer: CompiledPeer, policy: CompiledPolicy): string[] => {
    if (!peer.namespace) return [policy.namespace];
    const key = peer.namespace.text;
    let list = nsSelCache.get(key);
    if (!list) {
      list = [];
      for (const [ns, labels] of ci.namespaces) if (peer.namespace.matches(labels)) list.push(ns);
      nsSelCache.set(key, list);
    }
    return list;
  };
  // Keyed by what the peer means, not by object: real clusters repeat the same
  // peers ("everything in namespace X", "the ingress controller") across policies.
  // Selector texts are canonical enough: label keys and values cannot contain `,` `=` `|`.
  const peerCache = new Map<string, Bits>();
  const peerKey = (peer: CompiledPeer, policy: CompiledPolicy): string =>
    peer.kind === "ipBlock"
      ? `ip|${peer.ipBlock?.text}`
      : peer.kind === "pods"
        ? `${peer.namespace ? `nss|${peer.namespace.text}` : `ns|${policy.namespace}`}|${peer.pod.text}`
        : "empty";
  const peerBits = (peer: CompiledPeer, policy: CompiledPolicy): Bits => {
    const key = peerKey(peer, policy);
    let b = peerCache.get(key);
    if (b) return b;
    b = newBits(C);
    if (peer.kind === "ipBlock") {
      const id = ci.ipBlocks.findIndex((x) => x.text === peer.ipBlock?.text);
      for (const c of ci.classes) if (c.ipBlocks.includes(id)) setBit(b, c.id);
    } else if (peer.kind === "pods") {
      const nss = namespacesMatching(peer, policy);
      const nsSet = nss.length > 1 ? new Set(nss) : undefined;
      // Narrow by the rarest matchLabels pair when there is one.
      let candidates: number[] | undefined;
      for (const [k, v] of peer.pod.equalities) {
        const l = ci.byLabel.get(`${k}=${v}`) ?? [];
        if (!candidates || l.length < candidates.length) candidates = l;
      }
      if (candidates) {
        for (const id of candidates) {
          const c = ci.classes[id]!;
          if ((nsSet ? nsSet.has(c.namespace) : c.namespace === nss[0]) && peer.pod.matches(c.labels))
            setBit(b, id);
        }
      } else {
        for (const ns of nss) {
          for (const id of ci.classesByNamespace.get(ns) ?? [])
            if (peer.pod.matches(ci.classes[id]!.labels)) setBit(b, id);
        }
      }
    }
    peerCache.set(key, b);
    return b;
  };
  const rulePeerCache = new Map<CompiledRule, Bits>();
  const rulePeers = (rule: CompiledRule, policy: CompiledPolicy): Bits => {
    if (!rule.peers) return ALL;
    let b = rulePeerCache.get(rule);
    if (!b) {
      if (rule.peers.length === 1) b = peerBits(rule.peers[0]!, policy);
      else {
        b = newBits(C);
        for (const p of rule.peers) orInto(b, peerBits(p, policy));
      }
      rulePeerCache.set(rule, b);
    }
    return b;
  };

  // --- selection per class (from the representative: every member has the same labels and namespace)
  const egressSel: (readonly CompiledPolicy[])[] = ci.classes.map((c) =>
    engine.selecting(c.rep.pod, "egress"),
  );
  const ingressSel: (readonly CompiledPolicy[])[] = ci.classes.map((c) =>
    engine.selecting(c.rep.pod, "ingress"),
  );
  const tiered = engine.clusterPolicies.length > 0;
  const clusterSel = (dir: "ingress" | "egress") =>
    ci.classes.map((c) => ({
      admin: engine.clusterSelecting(c.rep.pod, dir, "Admin"),
      baseline: engine.clusterSelecting(c.rep.pod, dir, "Baseline"),
    }));
  const egressCluster = tiered ? clusterSel("egress") : undefined;
  const ingressCluster = tiered ? clusterSel("ingress") : undefined;
  const clusterPeerCache = new Map<CompiledClusterRule, Bits>();
  const clusterRulePeers = (rule: CompiledClusterRule): Bits => {
    let b = clusterPeerCache.get(rule);
    if (!b) {
      b = newBits(C);
      for (const p of rule.peers) orInto(b, clusterPeerClasses(p, ci));
      clusterPeerCache.set(rule, b);
    }
    return b;
  };
  const selKey = (
    np: readonly CompiledPolicy[],
    cl: { admin: readonly CompiledClusterPolicy[]; baseline: readonly CompiledClusterPolicy[] } | undefined,
  ) =>
    cl
      ? `${cl.admin.map((p) => p.key).join("\n")}|${np.map((p) => p.key).join("\n")}|${cl.baseline.map((p) => p.key).join("\n")}`
      : np.map((p) => p.key).join("\n");
  const portSig = ci.classes.map((c) =>
    c.rep.ports.map((p) => `${p.name ?? ""}:${p.containerPort}/${p.protocol ?? "TCP"}`).join(","),
  );

  const tables: PortTable[] = [];
  const total = opts.ports.length;
  opts.ports.forEach((pp, portIndex) => {
    // Egress: destination classes a rule admits on this port (named ports resolve on each destination class).
    const namedCache = new Map<string, Bits>();
    const namedBits = (name: string): Bits => {
      let b = namedCache.get(name);
      if (!b) {
        b = newBits(C);
        for (const c of ci.classes) {
          if (
            c.rep.ports.some(
              (cp) =>
                cp.name === name && (cp.protocol ?? "TCP") === pp.protocol && cp.containerPort === pp.port,
            )
          ) {
            setBit(b, c.id);
          }
        }
        namedCache.set(name, b);
      }
      return b;
    };
    const rulePorts = (rule: { readonly ports: readonly CompiledPort[] | undefined }): Bits => {
      if (!rule.ports) return ALL;
      let acc: Bits | undefined;
      for (const p of rule.ports) {
        if (p.protocol !== pp.protocol) continue;
        if (p.kind === "named") {
          if (!acc) acc = newBits(C);
          orInto(acc, namedBits(p.name));
        } else if (portMatches(p, pp.port, pp.protocol, undefined)) return ALL;
      }
      return acc ?? NONE;
    };
    // One tier's rules for one side as bitsets. Egress: peers AND the destination classes the
    // rule's ports admit (cached per rule); ingress: the rule's peers when its ports admit this
    // port on the destination class, else the rule matches nothing there.
    const egressMatch = new Map<CompiledClusterRule, Bits>();
    const tierRules = (
      policies: readonly CompiledClusterPolicy[],
      dir: "ingress" | "egress",
      dstPorts: readonly ContainerPort[] | undefined,
    ): TierRuleBits[] => {
      const out: TierRuleBits[] = [];
      for (const p of policies) {
        for (const r of dir === "ingress" ? p.ingress : p.egress) {
          if (r.failClosed) {
            if (r.action !== "Accept") out.push({ action: "Deny", match: ALL });
            continue;
          }
          if (dir === "ingress") {
            if (r.ports && !r.ports.some((e) => portMatches(e, pp.port, pp.protocol, dstPorts))) continue;
            out.push({ action: r.action, match: clusterRulePeers(r) });
          } else {
            let m = egressMatch.get(r);
            if (!m) {
              m = r.ports ? and(clusterRulePeers(r), rulePorts(r)) : clusterRulePeers(r);
              egressMatch.set(r, m);
            }
            out.push({ action: r.action, match: m });
          }
        }
      }
      return out;
    };
    const egressGroup = new Int32Array(C).fill(-1);
    const egressBits: Bits[] = [];
    const egressGroups = new Map<string, number>();
    for (let c = 0; c < C; c++) {
      const sel = egressSel[c]!;
      const cl = egressCluster?.[c];
      if (sel.length === 0 && (!cl || (cl.admin.length === 0 && cl.baseline.length === 0))) continue;
      const key = selKey(sel, cl);
      let g = egressGroups.get(key);
      if (g === undefined) {
        let bits: Bits | undefined;
        if (sel.length > 0) {
          bits = newBits(C);
          for (const p of sel) for (const r of p.egress ?? []) orAndInto(bits, rulePeers(r, p), rulePorts(r));
        }
        if (cl)
          bits = foldTiers(
            ALL,
            tierRules(cl.admin, "egress", undefined),
            bits,
            tierRules(cl.baseline, "egress", undefined),
          );
        g = egressBits.length;
        egressBits.push(bits ?? ALL);
        egressGroups.set(key, g);
      }
      egressGroup[c] = g;
    }
    // Ingress: source classes admitted into a destination class (ports checked against that class's containerPorts).
    const ingressGroup = new Int32Array(C).fill(-1);
    const ingressBits: Bits[] = [];
    const ingressGroups = new Map<string, number>();
    for (let c = 0; c < C; c++) {
      const sel = ingressSel[c]!;
      const cl = ingressCluster?.[c];
      if (sel.length === 0 && (!cl || (cl.admin.length === 0 && cl.baseline.length === 0))) continue;
      const key = `${selKey(sel, cl)}|${portSig[c]}`;
      let g = ingressGroups.get(key);
      if (g === undefined) {
        const dstPorts = ci.classes[c]!.rep.ports;
        let bits: Bits | undefined;
        if (sel.length > 0) {
          bits = newBits(C);
          for (const p of sel) {
            for (const r of p.ingress ?? []) {
              if (r.ports && !r.ports.some((e) => portMatches(e, pp.port, pp.protocol, dstPorts))) continue;
              orInto(bits, rulePeers(r, p));
            }
          }
        }
        if (cl)
          bits = foldTiers(
            ALL,
            tierRules(cl.admin, "ingress", dstPorts),
            bits,
            tierRules(cl.baseline, "ingress", dstPorts),
          );
        g = ingressBits.length;
        ingressBits.push(bits ?? ALL);
        ingressGroups.set(key, g);
      }
      ingressGroup[c] = g;
    }
    tables.push({ egressGroup, egressBits, ingressGroup, ingressBits });
    opts.onProgress?.(portIndex + 1, total);
  });

  const classAllowed = (s: number, d: number, pi: number): boolean => {
    const t = tables[pi]!;
    const eg = t.egressGroup[s]!;
    if (eg >= 0 && !hasBit(t.egressBits[eg]!, d)) return false;
    const ig = t.ingressGroup[d]!;
    return ig < 0 || hasBit(t.ingressBits[ig]!, s);
  };

  const allowed = (src: Pod, dst: Pod, pi: number): boolean => {
    if (src === dst) return true;
    const s = ci.classOf.get(src) ?? -1;
    const d = ci.classOf.get(dst) ?? -1;
    if (s < 0 || d < 0) {
      const pp = opts.ports[pi]!;
      return engine.decide({
        src: { kind: "pod", pod: src },
        dst: { kind: "pod", pod: dst },
        port: pp.port,
        protocol: pp.protocol,
      }).allowed;
    }
    return classAllowed(s, d, pi);
  };

  const sizes = ci.classes.map((c) => c.pods.length);

  /** Sum of `weight[g]` into `acc[i]` for every bit i set in group g's bitset. */
  const spread = (groups: readonly Bits[], weight: Float64Array, acc: Float64Array) => {
    groups.forEach((bits, g) => {
      const wgt = weight[g]!;
      for (let w = 0; w < bits.length; w++) {
        let word = bits[w]!;
        while (word !== 0) {
          const low = word & -word;
          acc[(w << 5) + 31 - Math.clz32(low)]! += wgt;
          word ^= low;
        }
      }
    });
  };
  const forEachBit = (bits: Bits, f: (i: number) => void) => {
    for (let w = 0; w < bits.length; w++) {
      let word = bits[w]!;
      while (word !== 0) {
        const low = word & -word;
        f((w << 5) + 31 - Math.clz32(low));
        word ^= low;
      }
    }
  };

  const perClassCache = new Map<number, { reaches: Float64Array; reachedBy: Float64Array }>();
  const perClass = (pi: number) => {
    const cached = perClassCache.get(pi);
    if (cached) return cached;
    const t = tables[pi]!;
    // Sizes of the classes each ingress (egress) group covers, and of the open ones.
    const inSize = new Float64Array(t.ingressBits.length);
    const egSize = new Float64Array(t.egressBits.length);
    let openIn = 0;
    let openEg = 0;
    for (let c = 0; c < C; c++) {
      const ig = t.ingressGroup[c]!;
      if (ig < 0) openIn += sizes[c]!;
      else inSize[ig]! += sizes[c]!;
      const eg = t.egressGroup[c]!;
      if (eg < 0) openEg += sizes[c]!;
      else egSize[eg]! += sizes[c]!;
    }
    const admittedIn = new Float64Array(C);
    spread(t.ingressBits, inSize, admittedIn);
    const admittedEg = new Float64Array(C);
    spread(t.egressBits, egSize, admittedEg);
    const reaches = new Float64Array(C);
    const reachedBy = new Float64Array(C);
    const grouped = groupedRowsColumns(t, sizes, C);
    const rowAcc = grouped?.rowAcc;
    const colAcc = grouped?.colAcc;
    const rowOpen = grouped?.rowOpen;
    const colOpen = grouped?.colOpen;
    for (let c = 0; c < C; c++) {
      const self = classAllowed(c, c, pi) ? 1 : 0;
      const eg = t.egressGroup[c]!;
      if (eg < 0) reaches[c] = openIn + admittedIn[c]!;
      else if (rowAcc && rowOpen) reaches[c] = rowOpen[eg]! + rowAcc[c]!;
      else {
        let row = 0;
        forEachBit(t.egressBits[eg]!, (d) => {
          const ig = t.ingressGroup[d]!;
          if (ig < 0 || hasBit(t.ingressBits[ig]!, c)) row += sizes[d]!;
        });
        reaches[c] = row;
      }
      const ig = t.ingressGroup[c]!;
      if (ig < 0) reachedBy[c] = openEg + admittedEg[c]!;
      else if (colAcc && colOpen) reachedBy[c] = colOpen[ig]! + colAcc[c]!;
      else {
        let col = 0;
        forEachBit(t.ingressBits[ig]!, (s) => {
          const e = t.egressGroup[s]!;
          if (e < 0 || hasBit(t.egressBits[e]!, c)) col += sizes[s]!;
        });
        reachedBy[c] = col;
      }
      // A pod never counts itself.
      reaches[c]! -= self;
      reachedBy[c]! -= self;
    }
    const r = { reaches, reachedBy };
    perClassCache.set(pi, r);
    return r;
  };

  const stats = (pi: number): MatrixStats => {
    const pp = opts.ports[pi]!;
    const n = sizes.reduce((a, b) => a + b, 0) + ci.hostNetworkPods.length;
    const { reaches } = perClass(pi);
    let allowedPairs = 0;
    for (let c = 0; c < C; c++) allowedPairs += sizes[c]! * reaches[c]!;
    // hostNetwork pods are judged pod by pod.
    if (ci.hostNetworkPods.length > 0) {
      const all = [...ci.classes.flatMap((c) => c.pods), ...ci.hostNetworkPods];
      for (const h of ci.hostNetworkPods) {
        for (const o of all) {
          if (o === h) continue;
          if (allowed(h.pod, o.pod, pi)) allowedPairs++;
          if (!o.hostNetwork && allowed(o.pod, h.pod, pi)) allowedPairs++;
        }
      }
    }
    return { port: pp.port, protocol: pp.protocol, pairs: n * (n - 1), allowedPairs };
  };

  return { classIndex: ci, ports: opts.ports, classAllowed, allowed, stats, perClass };
}
