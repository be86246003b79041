/**
 * The data plane: every socket `michi up` serves, driven by the current
 * snapshot. It plays kube-proxy (service frontends → endpoints), the CNI's
 * policy enforcement (every connection judged by the policy engine after
 * service translation, on the same verdicts `michi check` prints) and the
 * kubelet (pod runtimes, managed by pod-manager.ts).
 *
 * Enforcement points:
 * - a service frontend judges after it picks the backend, then hands the
 *   connection to the pod (in-process for built-in pods, else to the pod's
 *   internal port, bound to the client's address so the server sees it);
 * - a pod's own address:port judges connections that arrive directly (source
 *   = the connecting local address mapped back to the model).
 * Denied connections are dropped (accepted, never answered, closed after the
 * hold time: what a CNI's DROP looks like from userspace) or rejected (reset),
 * per `deny`.
 */
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from "node:dgram";
import { connect, type Socket } from "node:net";
import type { Pod } from "../api/types.js";
import type { AddressMap } from "../cluster/address-map.js";
import { inProcessDns } from "../dns/in-process.js";
import { type PodRuntime, portKey } from "../pods/pod-runtime.js";
import type { Verdict } from "../policy/verdict.js";
import { Balancer } from "../service/balancer.js";
import { clusterEndpoints, selectEndpoints } from "../service/endpoint-selection.js";
import type { ServiceEndpoint, ServiceFrontend } from "../service/service-table.js";
import { splice } from "../service/tcp-relay.js";
import {
  createUdpFlowTable,
  DEFAULT_MAX_UDP_FLOWS,
  defaultUdpSocketBudget,
  type EvictReason,
  UdpFlowBudget,
  type UdpFlowTable,
} from "../service/udp-flows.js";
import type { Snapshot } from "../snapshot/snapshot.js";
import type { FlowInput, FlowLog, FlowVerdict } from "./flows.js";
import { type BindFailure, ListenerPool, type ListenerSpec, listenerKey } from "./listener-pool.js";
import { type PeerInfo, policyPeer, resolvePeer } from "./peers.js";
import { PodManager, type PodRole, podKeyOf, type RuntimeEntry } from "./pod-manager.js";
import { localPort, type PortRule } from "./port-rule.js";
import type { DenyAction, PlaneView } from "./up-view.js";

export interface DataPlaneOptions {
  addressMap: AddressMap;
  portRule: PortRule;
  /** Local address of the machine itself: an external client, and where NodePorts also listen. */
  hostIP: string;
  deny: DenyAction;
  /** How long a dropped TCP connection is held open before it is closed. */
  dropHoldMs: number;
  flows: FlowLog;
  /** Scales the kubelet's crash-loop backoff for pod commands (tests use a small one). */
  backoffScale: number;
  /** Starts the server of a system pod (CoreDNS, ingress controller) on the pod's internal ports. */
  startRoleServer?: (rt: PodRuntime, role: PodRole) => Promise<() => Promise<void>>;
  /** Extra listeners (--dns/--http/--https conveniences) computed per snapshot. */
  extraListeners?: (snap: Snapshot, plane: DataPlane) => ListenerSpec[];
  /** Environment for a pod's command (the kubelet's). */
  commandEnv?: (pod: Pod, snap: Snapshot) => Record<string, string>;
  log?: (line: string) => void;
  /** Most UDP flows per listener (default 16 384); the least recently used is evicted past it. */
  udpMaxFlows?: number;
  /** Sockets all UDP flows may own together (default: a quarter of the open-files limit, 64–4096). */
  udpFlowSockets?: number;
}

const UDP_IDLE_MS = 30_000;
/** At most one eviction log line per this many ms. */
const EVICT_LOG_MS = 10_000;

interface UdpFlow {
  allowed: boolean;
  upstream?: UdpSocket;
  /** In-process delivery (built-in pods). */
  local?: (msg: Buffer) => void;
}

export class DataPlane implements PlaneView {
  snapshot: Snapshot | undefined;
  readonly pool = new ListenerPool();
  readonly balancer = new Balancer();
  readonly pods: PodManager;
  private readonly udpTables = new Map<string, UdpFlowTable<UdpFlow>>();
  private readonly udpBudget: UdpFlowBudget;
  private readonly udpEvictions = { table: 0, sockets: 0 };
  private udpEvictLogged = 0;
  private udpEvictUnlogged = 0;
  private readonly held = new Set<Socket>();
  private readonly upstreams = new Set<Socket>();
  private readonly peerCache = new Map<string, PeerInfo>();
  private peerCacheFor: Snapshot | undefined;
  /** Listener keys → what they serve, for the "what serves where" table. */
  served = new Map<string, string>();
  conflicts: string[] = [];

  constructor(readonly options: DataPlaneOptions) {
    this.pods = new PodManager(options);
    this.udpBudget = new UdpFlowBudget(options.udpFlowSockets ?? defaultUdpSocketBudget());
  }

  get runtimes(): ReadonlyMap<string, RuntimeEntry> {
    return this.pods.runtimes;
  }

  get podErrors(): ReadonlyMap<string, string> {
    return this.pods.podErrors;
  }

  get listenerCount(): number {
    return this.pool.keys().length;
  }

  isServing(key: string): boolean {
    return this.pool.has(key);
  }

  /**
   * Swaps in a snapshot: new pods start before the swap (so the first
   * connection the new snapshot sends them finds them running), the snapshot
   * is swapped, pods gone from it drain, then listeners are opened/closed and
   * handlers replaced.
   */
  async apply(snap: Snapshot): Promise<BindFailure[]> {
    const retire = await this.pods.startPods(snap);
    this.snapshot = snap;
    this.pods.retirePods(retire);
    return this.pool.sync(this.listenerSpecs(snap));
  }

  async close(): Promise<void> {
    for (const s of this.held) s.destroy();
    this.held.clear();
    await this.pool.close(500);
    for (const s of this.upstreams) s.destroy();
    for (const t of this.udpTables.values()) t.clear();
    await this.pods.close();
  }

  local(modelIP: string): string | undefined {
    return this.options.addressMap.toLocal(modelIP);
  }

  /** Who a local address is in `snap` (memoized per snapshot: the mapping is BigInt arithmetic plus index lookups). */
  peer(localAddress: string | undefined, snap: Snapshot): PeerInfo {
    if (this.peerCacheFor !== snap || this.peerCache.size > 50_000) {
      this.peerCache.clear();
      this.peerCacheFor = snap;
    }
    const key = localAddress ?? "";
    let p = this.peerCache.get(key);
    if (!p) {
      p = resolvePeer(key, snap.state, this.options.addressMap, this.options.hostIP);
      this.peerCache.set(key, p);
    }
    return p;
  }

  // ------------------------------------------------------------- listeners

  private listenerSpecs(snap: Snapshot): ListenerSpec[] {
    const specs: ListenerSpec[] = [];
    const seen = new Map<string, string>();
    const conflicts: string[] = [];
    const add = (s: ListenerSpec) => {
      const key = listenerKey(s.protocol, s.host, s.port);
      const prev = seen.get(key);
      if (prev !== undefined) {
        conflicts.push(`${key}: ${s.what} conflicts with ${prev}; only the first is served`);
        return;
      }
      seen.set(key, s.what);
      specs.push(s);
    };
    const rule = this.options.portRule;
    for (const extra of this.options.extraListeners?.(snap, this) ?? []) add(extra);
    for (const { rt } of this.runtimes.values()) {
      for (const p of rt.ports) {
        const port = localPort(p.port, rule);
        const what = `pod ${rt.key} ${p.protocol}/${p.port}`;
        if (p.protocol === "TCP") {
          add({
            protocol: "tcp",
            host: rt.localIP,
            port,
            what,
            handler: (s) => this.podTcp(rt.key, p.port, s),
          });
        } else {
          const key = listenerKey("udp", rt.localIP, port);
          add({
            protocol: "udp",
            host: rt.localIP,
            port,
            what,
            handler: (m, r, sock) => this.podUdp(key, rt.key, p.port, m, r, sock),
          });
        }
      }
    }
    for (const fe of snap.services.frontends) {
      // kube-proxy REJECTs a service without endpoints: with no socket bound the
      // kernel does exactly that (TCP RST → "connection refused", UDP → ICMP port unreachable).
      if (clusterEndpoints(fe.endpoints).length === 0) continue;
      const host = fe.localIP ?? (fe.ip !== undefined ? this.local(fe.ip) : undefined);
      if (!host) continue;
      const port = localPort(fe.port, rule);
      const what = `${fe.kind} ${fe.service.namespace}/${fe.service.name}:${fe.servicePort}/${fe.protocol}`;
      if (fe.protocol === "TCP") {
        add({ protocol: "tcp", host, port, what, handler: (s) => this.serviceTcp(fe.key, s) });
      } else if (fe.protocol === "UDP") {
        const key = listenerKey("udp", host, port);
        add({
          protocol: "udp",
          host,
          port,
          what,
          handler: (m, r, sock) => this.serviceUdp(key, fe.key, m, r, sock),
        });
      }
    }
    this.served = seen;
    this.conflicts = conflicts;
    return specs;
  }

  // ------------------------------------------------------------- verdicts

  private judge(
    snap: Snapshot,
    src: PeerInfo,
    dst: Pod | string,
    port: number,
    protocol: "TCP" | "UDP",
  ): Verdict {
    return snap.policy.decide({
      src: policyPeer(src),
      dst: typeof dst === "string" ? { kind: "ip", ip: dst } : { kind: "pod", pod: dst },
      port,
      protocol,
    });
  }

  private record(
    src: PeerInfo,
    srcPort: number,
    dst: { name: string; ip: string },
    port: number,
    protocol: string,
    verdict: FlowVerdict,
    extra: Partial<FlowInput>,
  ): void {
    this.options.flows.record({
      from: src.name,
      to: dst.name,
      fromIP: src.ip,
      fromPort: srcPort,
      toIP: dst.ip,
      port,
      protocol,
      verdict,
      policies: [],
      localSource: `${src.local}:${srcPort}`,
      ...extra,
    });
  }

  private deniedExtra(v: Verdict): Partial<FlowInput> {
    return { policies: v.policies, reason: "policy", deniedBy: v.egress.allowed ? "ingress" : "egress" };
  }

  /** DROP: accept (the kernel already did), never answer, close later. REJECT: reset now. */
  deny(socket: Socket): FlowVerdict {
    if (this.options.deny === "reject") {
      socket.resetAndDestroy();
      return "REJECTED";
    }
    this.hold(socket);
    return "DROPPED";
  }

  private hold(socket: Socket): void {
    socket.pause();
    this.held.add(socket);
    const t = setTimeout(() => socket.destroy(), this.options.dropHoldMs);
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(t);
      this.held.delete(socket);
    });
  }

  // ------------------------------------------------------------- pod paths

  /** A connection that arrived at a pod's own address. */
  podTcp(podKey: string, port: number, socket: Socket): void {
    const snap = this.snapshot;
    const e = this.runtimes.get(podKey);
    if (!snap || !e) return void socket.destroy();
    const src = this.peer(socket.remoteAddress, snap);
    const srcPort = socket.remotePort ?? 0;
    const dst = { name: podKey, ip: e.rt.identity.ip };
    const v = this.judge(snap, src, e.rt.pod, port, "TCP");
    if (!v.allowed) {
      const verdict = this.options.deny === "reject" ? "REJECTED" : "DROPPED";
      this.record(src, srcPort, dst, port, "TCP", verdict, this.deniedExtra(v));
      this.deny(socket);
      return;
    }
    this.record(src, srcPort, dst, port, "TCP", "FORWARDED", { policies: v.policies });
    this.deliverTcp(e.rt, port, socket, src, srcPort);
  }

  private deliverTcp(rt: PodRuntime, port: number, socket: Socket, src: PeerInfo, srcPort: number): void {
    if (!rt.serves(port, "TCP")) {
      // Nothing listens on that port in the pod: the pod's kernel answers RST.
      socket.resetAndDestroy();
      return;
    }
    if (rt.agnhost) {
      rt.agnhost.handleTcp(socket, { ip: src.ip, port: srcPort });
      return;
    }
    const target = rt.internal.get(portKey(port, "TCP"));
    if (!target) return void socket.resetAndDestroy();
    this.dialTcp(socket, target.host, target.port, src.local);
  }

  private dialTcp(socket: Socket, host: string, port: number, localAddress: string): void {
    const upstream = connect({ host, port, localAddress, noDelay: true, allowHalfOpen: true });
    this.upstreams.add(upstream);
    upstream.on("close", () => this.upstreams.delete(upstream));
    splice(socket, upstream);
  }

  podUdp(
    listener: string,
    podKey: string,
    port: number,
    msg: Buffer,
    rinfo: RemoteInfo,
    sock: UdpSocket,
  ): void {
    const table = this.udpTable(listener);
    const fkey = `${rinfo.address}:${rinfo.port}`;
    let flow = table.get(fkey);
    if (!flow) {
      const snap = this.snapshot;
      const e = this.runtimes.get(podKey);
      if (!snap || !e) return;
      const src = this.peer(rinfo.address, snap);
      const dst = { name: podKey, ip: e.rt.identity.ip };
      const v = this.judge(snap, src, e.rt.pod, port, "UDP");
      const denied = this.options.deny === "reject" ? "REJECTED" : "DROPPED";
      this.record(
        src,
        rinfo.port,
        dst,
        port,
        "UDP",
        v.allowed ? "FORWARDED" : denied,
        v.allowed ? { policies: v.policies } : this.deniedExtra(v),
      );
      flow = v.allowed ? this.udpDeliver(e.rt, port, src, rinfo, sock) : { allowed: false };
      table.set(fkey, flow);
    } else {
      table.touch(fkey);
    }
    if (!flow.allowed) return;
    this.udpSend(flow, msg);
  }

  /** Builds the delivery of a UDP flow to a pod: in-process, or relayed via a socket bound to the client's address. */
  private udpDeliver(
    rt: PodRuntime,
    port: number,
    src: PeerInfo,
    rinfo: RemoteInfo,
    reply: UdpSocket,
  ): UdpFlow {
    if (!rt.serves(port, "UDP")) return { allowed: true };
    if (rt.agnhost) {
      const agn = rt.agnhost;
      return {
        allowed: true,
        local: (m) =>
          reply.send(agn.handleUdp(m, { ip: src.ip, port: rinfo.port }), rinfo.port, rinfo.address),
      };
    }
    const target = rt.internal.get(portKey(port, "UDP"));
    if (!target) return { allowed: true };
    // A DNS server of this process (CoreDNS pods): hand the query over with the client's address, no socket.
    const dns = inProcessDns(target.host, target.port);
    if (dns) {
      const from = src.local;
      const back = (out: Buffer | undefined) => {
        if (!out) return;
        try {
          reply.send(out, rinfo.port, rinfo.address);
        } catch {
          // Listener closed meanwhile.
        }
      };
      return {
        allowed: true,
        local: (m) => {
          const r = dns(m, from);
          if (r instanceof Promise) r.then(back, () => {});
          else back(r);
        },
      };
    }
    return { allowed: true, upstream: this.udpUpstream(target.host, target.port, src.local, rinfo, reply) };
  }

  private udpUpstream(
    host: string,
    port: number,
    localAddress: string,
    rinfo: RemoteInfo,
    reply: UdpSocket,
  ): UdpSocket {
    const up = createSocket("udp4");
    up.on("error", () => up.close());
    up.on("message", (m) => {
      try {
        reply.send(m, rinfo.port, rinfo.address);
      } catch {
        // Listener closed meanwhile.
      }
    });
    up.bind({ address: localAddress, port: 0 }, () => up.connect(port, host));
    return up;
  }

  private udpSend(flow: UdpFlow, msg: Buffer): void {
    if (flow.local) flow.local(msg);
    else if (flow.upstream) {
      const up = flow.upstream;
      const send = () => {
        try {
          up.send(msg);
        } catch {
          // Closed.
        }
      };
      // connect() completes asynchronously after bind; queue until then.
      try {
        up.remoteAddress();
        send();
      } catch {
        up.once("connect", send);
      }
    }
  }

  private udpTable(listener: string): UdpFlowTable<UdpFlow> {
    let t = this.udpTables.get(listener);
    if (!t) {
      t = createUdpFlowTable<UdpFlow>(
        UDP_IDLE_MS,
        (_k, f) => {
          try {
            f.upstream?.close();
          } catch {
            // Already closed.
          }
        },
        {
          maxFlows: this.options.udpMaxFlows ?? DEFAULT_MAX_UDP_FLOWS,
          budget: this.udpBudget,
          holdsSocket: (f) => f.upstream !== undefined,
          onEvict: (why) => this.udpEvicted(why),
        },
      );
      this.udpTables.set(listener, t);
    }
    return t;
  }

  private udpEvicted(why: EvictReason): void {
    this.udpEvictions[why]++;
    this.udpEvictUnlogged++;
    const now = Date.now();
    if (now - this.udpEvictLogged < EVICT_LOG_MS) return;
    this.udpEvictLogged = now;
    const n = this.udpEvictUnlogged;
    this.udpEvictUnlogged = 0;
    const max = this.options.udpMaxFlows ?? DEFAULT_MAX_UDP_FLOWS;
    this.options.log?.(
      `udp flows: evicted ${n} least recently used flow${n === 1 ? "" : "s"} (limits: ${max} flows per listener, ${this.udpBudget.max} flow sockets; ${this.udpBudget.used} sockets in use)`,
    );
  }

  /** UDP flow table figures, for /metrics. */
  udpFlowStats(): {
    flows: number;
    sockets: number;
    maxFlowsPerListener: number;
    maxSockets: number;
    evicted: { table: number; sockets: number };
  } {
    let flows = 0;
    for (const t of this.udpTables.values()) flows += t.size();
    return {
      flows,
      sockets: this.udpBudget.used,
      maxFlowsPerListener: this.options.udpMaxFlows ?? DEFAULT_MAX_UDP_FLOWS,
      maxSockets: this.udpBudget.max,
      evicted: { ...this.udpEvictions },
    };
  }

  /** The same as Prometheus text lines (to append to the admin API's /metrics). */
  udpFlowMetrics(): string[] {
    const s = this.udpFlowStats();
    return [
      "# HELP michi_udp_flows UDP flows in the data plane's conntrack tables.",
      "# TYPE michi_udp_flows gauge",
      `michi_udp_flows ${s.flows}`,
      "# HELP michi_udp_flow_sockets Sockets owned by UDP flows (relays bound to the client's address).",
      "# TYPE michi_udp_flow_sockets gauge",
      `michi_udp_flow_sockets ${s.sockets}`,
      "# HELP michi_udp_flow_sockets_max The budget of sockets for UDP flows.",
      "# TYPE michi_udp_flow_sockets_max gauge",
      `michi_udp_flow_sockets_max ${s.maxSockets}`,
      "# HELP michi_udp_flow_evictions_total UDP flows evicted before their idle timeout, by limit reached.",
      "# TYPE michi_udp_flow_evictions_total counter",
      `michi_udp_flow_evictions_total{limit="table"} ${s.evicted.table}`,
      `michi_udp_flow_evictions_total{limit="sockets"} ${s.evicted.sockets}`,
    ];
  }

  // --------------------------------------------------------- service paths

  /** Source as the backend sees it: NodePort/LB traffic with eTP=Cluster is SNATed to the node (as kube-proxy masquerades it). */
  private effectiveSource(fe: ServiceFrontend, src: PeerInfo, snap: Snapshot, local: boolean): PeerInfo {
    if (fe.kind === "ClusterIP" || src.kind === "pod" || local) return src;
    const nodeName = fe.node ?? snap.state.nodes[0]?.metadata?.name;
    const node = nodeName ? snap.state.index.node(nodeName) : undefined;
    const ip = node?.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
    const l = ip ? this.local(ip) : undefined;
    if (!ip || !l || !nodeName) return src;
    return { kind: "node", node: nodeName, ip, local: l, name: ip };
  }

  private clientNode(fe: ServiceFrontend, src: PeerInfo, snap: Snapshot): string | undefined {
    if (fe.kind === "NodePort") return fe.node;
    if (src.kind === "pod") return src.node;
    if (src.kind === "node") return src.node;
    return snap.state.nodes[0]?.metadata?.name;
  }

  /** Picks the endpoint for a new connection/flow, or says why there is none. */
  route(
    fe: ServiceFrontend,
    src: PeerInfo,
    snap: Snapshot,
  ):
    | { ok: true; ep: ServiceEndpoint; eff: PeerInfo }
    | { ok: false; verdict: "REJECTED" | "DROPPED"; reason: string } {
    const node = this.clientNode(fe, src, snap);
    const sel = selectEndpoints(
      fe,
      node !== undefined ? { node, fromPod: src.kind === "pod" } : { fromPod: src.kind === "pod" },
    );
    if (sel.outcome === "reject") return { ok: false, verdict: "REJECTED", reason: "no-endpoints" };
    if (sel.outcome === "drop") return { ok: false, verdict: "DROPPED", reason: "no-local-endpoints" };
    const ep = this.balancer.pick(fe, sel.endpoints, src.ip);
    if (!ep) return { ok: false, verdict: "REJECTED", reason: "no-endpoints" };
    return { ok: true, ep, eff: this.effectiveSource(fe, src, snap, sel.local) };
  }

  serviceTcp(feKey: string, socket: Socket, sourceOverride?: PeerInfo): void {
    const snap = this.snapshot;
    const fe = snap?.services.byKey.get(feKey);
    if (!snap || !fe) return void socket.resetAndDestroy();
    const src = sourceOverride ?? this.peer(socket.remoteAddress, snap);
    const srcPort = socket.remotePort ?? 0;
    const svc = `${fe.service.namespace}/${fe.service.name}:${fe.servicePort}`;
    const via = `${fe.ip ?? fe.localIP ?? ""}:${fe.port}`;
    const r = this.route(fe, src, snap);
    if (!r.ok) {
      this.record(src, srcPort, { name: `service ${svc}`, ip: fe.ip ?? "" }, fe.port, "TCP", r.verdict, {
        reason: r.reason,
        service: svc,
        via,
      });
      if (r.verdict === "REJECTED") socket.resetAndDestroy();
      else this.hold(socket);
      return;
    }
    const { ep, eff } = r;
    const localSource = `${src.local}:${srcPort}`;
    const dstPod = snap.state.index.podByIP(ep.ip);
    const dstName = dstPod ? podKeyOf(dstPod) : ep.ip;
    const v = this.judge(snap, eff, dstPod ?? ep.ip, ep.port, "TCP");
    const dst = { name: dstName, ip: ep.ip };
    if (!v.allowed) {
      const verdict = this.deny(socket);
      this.record(eff, srcPort, dst, ep.port, "TCP", verdict, {
        ...this.deniedExtra(v),
        service: svc,
        via,
        localSource,
      });
      return;
    }
    this.record(eff, srcPort, dst, ep.port, "TCP", "FORWARDED", {
      policies: v.policies,
      service: svc,
      via,
      localSource,
    });
    const rt = dstPod ? this.runtimes.get(podKeyOf(dstPod)) : undefined;
    if (rt) {
      this.deliverTcp(rt.rt, ep.port, socket, eff, srcPort);
      return;
    }
    const host = this.local(ep.ip);
    if (!host) return void socket.resetAndDestroy();
    this.dialTcp(socket, host, localPort(ep.port, this.options.portRule), eff.local);
  }

  serviceUdp(listener: string, feKey: string, msg: Buffer, rinfo: RemoteInfo, sock: UdpSocket): void {
    const table = this.udpTable(listener);
    const fkey = `${rinfo.address}:${rinfo.port}`;
    let flow = table.get(fkey);
    if (!flow) {
      const snap = this.snapshot;
      const fe = snap?.services.byKey.get(feKey);
      if (!snap || !fe) return;
      const src = this.peer(rinfo.address, snap);
      const svc = `${fe.service.namespace}/${fe.service.name}:${fe.servicePort}`;
      const via = `${fe.ip ?? fe.localIP ?? ""}:${fe.port}`;
      const r = this.route(fe, src, snap);
      if (!r.ok) {
        this.record(src, rinfo.port, { name: `service ${svc}`, ip: fe.ip ?? "" }, fe.port, "UDP", r.verdict, {
          reason: r.reason,
          service: svc,
          via,
        });
        flow = { allowed: false };
      } else {
        const { ep, eff } = r;
        const dstPod = snap.state.index.podByIP(ep.ip);
        const v = this.judge(snap, eff, dstPod ?? ep.ip, ep.port, "UDP");
        const dst = { name: dstPod ? podKeyOf(dstPod) : ep.ip, ip: ep.ip };
        const denied = this.options.deny === "reject" ? "REJECTED" : "DROPPED";
        this.record(eff, rinfo.port, dst, ep.port, "UDP", v.allowed ? "FORWARDED" : denied, {
          ...(v.allowed ? { policies: v.policies } : this.deniedExtra(v)),
          service: svc,
          via,
          localSource: `${src.local}:${rinfo.port}`,
        });
        if (!v.allowed) flow = { allowed: false };
        else {
          const rt = dstPod ? this.runtimes.get(podKeyOf(dstPod)) : undefined;
          if (rt) flow = this.udpDeliver(rt.rt, ep.port, eff, rinfo, sock);
          else {
            const host = this.local(ep.ip);
            flow = host
              ? {
                  allowed: true,
                  upstream: this.udpUpstream(
                    host,
                    localPort(ep.port, this.options.portRule),
                    eff.local,
                    rinfo,
                    sock,
                  ),
                }
              : { allowed: false };
          }
        }
      }
      table.set(fkey, flow);
    } else {
      table.touch(fkey);
    }
    if (flow.allowed) this.udpSend(flow, msg);
  }

  /** Service frontend for a service port, by kind (used by --http/--https and the ingress LB). */
  findFrontend(
    ns: string,
    name: string,
    port: number,
    kinds: readonly string[],
  ): ServiceFrontend | undefined {
    const snap = this.snapshot;
    if (!snap) return undefined;
    for (const kind of kinds) {
      const fe = snap.services.frontends.find(
        (f) =>
          f.kind === kind &&
          f.service.namespace === ns &&
          f.service.name === name &&
          f.servicePort === port &&
          f.protocol === "TCP",
      );
      if (fe) return fe;
    }
    return undefined;
  }
}
