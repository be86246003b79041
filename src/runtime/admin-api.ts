/**
 * The admin API of a running `michi up` (served on --ui, loopback only):
 *
 *   GET  /readyz                      200 once every listener serves
 *   GET  /metrics                     Prometheus text: flows by verdict, reloads, listeners
 *   GET  /api/flows[?since=ID]        flow log; server-sent events with `Accept: text/event-stream` or `?follow=1`
 *   GET  /api/up                      what serves where, snapshot version, last refused change
 *   GET  /api/up/pods                 running pods (model IP, local address, ports)
 *   GET  /api/up/pods/NS/NAME         one pod: resolv.conf, nameserver addresses, local address
 *   GET  /api/up/logs/NS/NAME         a pod command's output (text)
 *   POST /api/up/egress               judge + log a pod's connection to an address outside the cluster
 *   POST /api/apply, /api/delete      manifests in the body (YAML/JSON); 422 with diagnostics when invalid
 *
 * Mutating requests need the instance token (`Authorization: Bearer TOKEN`,
 * recorded in the state file for the CLI). The handler is a plain function
 * returning whether it answered; the paths above are answered here, every
 * other request goes to the chained handlers (the dashboard) first.
 */

import type { IncomingMessage, ServerResponse } from "node:http";
import { formatDiagnostic } from "../api/diagnostics.js";
import { formatCIDR } from "../api/net.js";
import { parseManifestsIsolated } from "../api/parse-isolated.js";
import { formatResolvConf, resolvConfFor } from "../cluster/resolv-conf.js";
import { readBody } from "../http/body.js";
import { foreignHost, isLoopback, requireToken } from "../http/guards.js";
import { errorBody, HttpError, sendError, sendJSON, sendText } from "../http/respond.js";
import { Router } from "../http/router.js";
import { podPorts } from "../pods/pod-runtime.js";
import { resolveTarget } from "../policy/targets.js";
import { allDiagnostics } from "../snapshot/snapshot.js";
import type { Flow } from "./flows.js";
import { listenerKey } from "./listener-pool.js";
import { resolvePeer } from "./peers.js";
import { podKeyOf } from "./pod-manager.js";
import { localPort } from "./port-rule.js";
import type { UpView } from "./up-view.js";

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const MAX_BODY = 8 * 1024 * 1024;
const TOKEN_HINT = "see the state file of this michi up";

/**
 * Loopback clients that are not pods: a pod's local address (127.A.B.C
 * standing for its model address) is inside the cluster and must not reach
 * the instance's controls, as a pod cannot reach a cluster's control plane
 * by being on the node.
 */
function clientAllowed(up: UpView, remote: string | undefined): boolean {
  if (!isLoopback(remote)) return false;
  const snap = up.snapshot;
  if (!snap) return true;
  const s = up.settings;
  return resolvePeer(remote ?? "", snap.state, s.addressMap, s.hostIP).kind !== "pod";
}

function adminRouter(up: UpView): Router {
  const snapshotOrFail = () => {
    if (!up.snapshot) throw new HttpError(503, "NotReady", "the network is not serving yet");
    return up.snapshot;
  };
  const change =
    (kind: "apply" | "delete") =>
    async ({ req, url }: { req: IncomingMessage; url: URL }) => {
      requireToken(req, up.token, TOKEN_HINT);
      const body = await readBody(req, MAX_BODY);
      // Never parse on the thread that serves traffic: a worker with memory and time limits.
      const parsed = await parseManifestsIsolated(body, url.searchParams.get("file") ?? "<request>");
      const loadErrors = parsed.diagnostics.filter((d) => d.severity === "error");
      if (loadErrors.length > 0 || parsed.objects.length === 0) {
        const diagnostics =
          loadErrors.length > 0
            ? loadErrors
            : [{ severity: "error" as const, code: "NoObjects", message: "no objects in the request body" }];
        return { status: 422, body: { ok: false, diagnostics, lines: diagnostics.map(formatDiagnostic) } };
      }
      const result =
        kind === "apply"
          ? await up.apply(parsed.objects, parsed.diagnostics)
          : await up.delete(parsed.objects);
      return {
        status: result.ok ? 200 : 422,
        body: { ...result, lines: result.diagnostics.map(formatDiagnostic) },
      };
    };
  const withStatus =
    (fn: (ctx: { req: IncomingMessage; url: URL }) => Promise<{ status: number; body: unknown }>) =>
    async (ctx: { req: IncomingMessage; res: ServerResponse; url: URL }) => {
      const r = await fn(ctx);
      sendJSON(ctx.res, r.status, r.body);
      return undefined;
    };
  return (
    new Router()
      .get("/readyz", ({ res }) => sendText(res, up.ready ? 200 : 503, up.ready ? "ok\n" : "starting\n"))
      .get("/metrics", ({ res }) => sendText(res, 200, metrics(up), "text/plain; version=0.0.4"))
      .get("/api/flows", ({ req, res, url }) => flows(up, req, res, url))
      .get("/api/up", () => status(up))
      .get("/api/up/pods", () => ({ items: pods(up) }))
      .get("/api/up/pods/:ns/:name", ({ params }) => {
        const key = `${params.ns}/${params.name}`;
        const detail = podDetail(up, key);
        if (!detail) throw new HttpError(404, "NotFound", `pod ${key} not found`);
        return detail;
      })
      // A workload (`deployment/NS/NAME`, …) stands for its first pod by name, for `michi curl --from`.
      .get("/api/up/pods/:kind/:ns/:name", ({ params }) => {
        const ref = `${params.kind}/${params.ns}/${params.name}`;
        let target: ReturnType<typeof resolveTarget>;
        try {
          target = resolveTarget(snapshotOrFail().state, ref, "source");
        } catch (err) {
          throw new HttpError(404, "NotFound", (err as Error).message);
        }
        const first = target.kind === "pods" ? target.pods.map(podKeyOf).sort()[0] : undefined;
        const detail = first === undefined ? undefined : podDetail(up, first);
        if (!detail) throw new HttpError(404, "NotFound", `${ref} has no pod`);
        return detail;
      })
      .get("/api/up/logs/:ns/:name", ({ params, res }) => {
        const key = `${params.ns}/${params.name}`;
        const e = up.plane.runtimes.get(key);
        if (!e) throw new HttpError(404, "NotFound", `pod ${key} is not running`);
        if (!e.rt.command)
          throw new HttpError(
            404,
            "NotFound",
            `pod ${key} runs the built-in server (no michi.dev/command): no logs`,
          );
        sendText(res, 200, e.rt.command.logs());
        return undefined;
      })
      .post("/api/up/egress", async ({ req }) => {
        requireToken(req, up.token, TOKEN_HINT);
        return egress(up, await readBody(req, MAX_BODY));
      })
      .post("/api/apply", withStatus(change("apply")))
      .post("/api/delete", withStatus(change("delete")))
  );
}

/**
 * The admin handler: every request must come from the host (not from a
 * pod's address) with a loopback Host header (no DNS rebinding); then the
 * admin routes, then the chained handlers (the dashboard), then a 404.
 */
export function createAdminHandler(up: UpView, before: readonly HttpHandler[] = []): HttpHandler {
  const router = adminRouter(up);
  return async (req, res) => {
    if (!clientAllowed(up, req.socket.remoteAddress)) {
      sendJSON(res, 403, errorBody("Forbidden", "the admin API answers this machine's own clients only"));
      return true;
    }
    const refused = foreignHost(req);
    if (refused) {
      sendError(res, refused);
      return true;
    }
    const url = new URL(req.url ?? "/", "http://michi");
    if (await router.handle(req, res, url)) return true;
    // Everything else (the dashboard and its read-only /api) is the chained handlers'.
    for (const h of before) if (await h(req, res)) return true;
    if ((req.method ?? "GET") === "GET" && url.pathname === "/") {
      sendJSON(res, 200, {
        michi: "up",
        endpoints: ["/readyz", "/metrics", "/api/flows", "/api/up", "/api/up/pods"],
      });
      return true;
    }
    sendError(res, new HttpError(404, "NotFound", `no such endpoint: ${url.pathname}`));
    return true;
  };
}

function flows(up: UpView, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const since = Number(url.searchParams.get("since") ?? 0) || 0;
  const source = url.searchParams.get("localSource");
  const localIP = url.searchParams.get("localIP");
  const match = (f: Flow) =>
    (!source || f.localSource === source) && (!localIP || f.localSource.startsWith(`${localIP}:`));
  const follow =
    url.searchParams.get("follow") === "1" || (req.headers.accept ?? "").includes("text/event-stream");
  const backlog = up.flows.list(since).filter(match);
  if (!follow) {
    sendJSON(res, 200, { flows: backlog });
    return;
  }
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
  });
  const send = (f: Flow) => {
    if (match(f)) res.write(`id: ${f.id}\ndata: ${JSON.stringify(f)}\n\n`);
  };
  for (const f of backlog) send(f);
  const unfollow = up.flows.follow(send);
  const ping = setInterval(() => res.write(": ping\n\n"), 15_000);
  ping.unref();
  req.on("close", () => {
    unfollow();
    clearInterval(ping);
  });
}

function metrics(up: UpView): string {
  const c = up.flows.counters;
  const snap = up.snapshot;
  const lines = [
    "# HELP michi_flows_total Connections (UDP flows) judged by the data plane, by verdict.",
    "# TYPE michi_flows_total counter",
    `michi_flows_total{verdict="FORWARDED"} ${c.forwarded}`,
    `michi_flows_total{verdict="DROPPED"} ${c.dropped}`,
    `michi_flows_total{verdict="REJECTED"} ${c.rejected}`,
    "# HELP michi_flows_protocol_total Flows by protocol.",
    "# TYPE michi_flows_protocol_total counter",
    `michi_flows_protocol_total{protocol="TCP"} ${c.tcp}`,
    `michi_flows_protocol_total{protocol="UDP"} ${c.udp}`,
    "# HELP michi_reloads_total Changes compiled, by result.",
    "# TYPE michi_reloads_total counter",
    `michi_reloads_total{result="ok"} ${up.counters.reloadsOk}`,
    `michi_reloads_total{result="refused"} ${up.counters.reloadsFailed}`,
    "# HELP michi_snapshot_version Version of the snapshot being served.",
    "# TYPE michi_snapshot_version gauge",
    `michi_snapshot_version ${snap?.version ?? 0}`,
    "# HELP michi_listeners Sockets being served.",
    "# TYPE michi_listeners gauge",
    `michi_listeners ${up.plane.listenerCount}`,
    ...up.plane.udpFlowMetrics(),
    "# HELP michi_pods Pods running.",
    "# TYPE michi_pods gauge",
    `michi_pods ${up.plane.runtimes.size}`,
  ];
  return `${lines.join("\n")}\n`;
}

export interface UpStatus {
  version: number;
  ready: boolean;
  listeners: { key: string; what: string }[];
  conflicts: readonly string[];
  /** Id of the newest flow, for `GET /api/flows?since=`. */
  lastFlowId: number;
  /** Pods whose server could not start (`ns/name` → why). */
  podErrors: Record<string, string>;
  lastError?: { time: string; source: string; lines: string[] };
  diagnostics: string[];
  /** How model addresses map to local ones, so clients can dial the model's addresses. */
  addressMap: { model: string; local: string }[];
  lowPortOffset: number;
  hostIP: string;
  deny: string;
  /** Every service frontend: model address and where it is served locally. */
  frontends: {
    kind: string;
    service: string;
    protocol: string;
    ip?: string;
    node?: string;
    port: number;
    local?: string;
    localPort: number;
    serving: boolean;
  }[];
}

function status(up: UpView): UpStatus {
  const s: UpStatus = {
    version: up.snapshot?.version ?? 0,
    ready: up.ready,
    listeners: [...up.plane.served.entries()].map(([key, what]) => ({ key, what })),
    conflicts: up.plane.conflicts,
    podErrors: Object.fromEntries(up.plane.podErrors),
    lastFlowId: up.flows.lastId,
    diagnostics: (up.snapshot ? allDiagnostics(up.snapshot) : []).map(formatDiagnostic),
    addressMap: up.settings.addressMap.mappings.map((m) => ({
      model: formatCIDR(m.model),
      local: formatCIDR(m.local),
    })),
    lowPortOffset: up.settings.portRule.lowPortOffset,
    hostIP: up.settings.hostIP,
    deny: up.settings.deny,
    frontends: (up.snapshot?.services.frontends ?? []).map((fe) => {
      const local = fe.localIP ?? (fe.ip !== undefined ? up.settings.addressMap.toLocal(fe.ip) : undefined);
      const lp = localPort(fe.port, up.settings.portRule);
      return {
        kind: fe.kind,
        service: `${fe.service.namespace}/${fe.service.name}:${fe.servicePort}`,
        protocol: fe.protocol,
        ...(fe.ip !== undefined ? { ip: fe.ip } : {}),
        ...(fe.node !== undefined ? { node: fe.node } : {}),
        port: fe.port,
        ...(local !== undefined ? { local } : {}),
        localPort: lp,
        serving:
          local !== undefined &&
          up.plane.isServing(listenerKey(fe.protocol === "UDP" ? "udp" : "tcp", local, lp)),
      };
    }),
  };
  if (up.lastError) {
    s.lastError = {
      time: up.lastError.time,
      source: up.lastError.source,
      lines: up.lastError.diagnostics.map(formatDiagnostic),
    };
  }
  return s;
}

export interface UpPod {
  name: string;
  namespace: string;
  ip: string;
  local: string;
  node: string;
  ready: boolean;
  /** Being deleted (metadata.deletionTimestamp): EndpointSlices list it as terminating. */
  terminating: boolean;
  labels: Record<string, string>;
  ports: { port: number; protocol: string; name?: string; local: number }[];
  kind: string;
}

function pods(up: UpView): UpPod[] {
  const out: UpPod[] = [];
  for (const { rt } of up.plane.runtimes.values()) {
    out.push({
      name: rt.identity.name,
      namespace: rt.identity.namespace,
      ip: rt.identity.ip,
      local: rt.localIP,
      node: rt.identity.node,
      ready: rt.pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
      terminating: rt.pod.metadata?.deletionTimestamp !== undefined,
      labels: rt.pod.metadata?.labels ?? {},
      ports: podPorts(rt.pod).map((p) => ({ ...p, local: localPort(p.port, up.settings.portRule) })),
      kind: rt.kind,
    });
  }
  return out.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

function podDetail(up: UpView, key: string): unknown {
  const snap = up.snapshot;
  if (!snap) return undefined;
  const pod = snap.state.pods.find((p) => podKeyOf(p) === key);
  if (!pod) return undefined;
  const rc = resolvConfFor(pod, snap.state);
  const map = up.settings.addressMap;
  return {
    name: pod.metadata?.name,
    namespace: pod.metadata?.namespace,
    ip: pod.status?.podIP,
    local: pod.status?.podIP ? map.toLocal(pod.status.podIP) : undefined,
    node: pod.spec?.nodeName,
    resolvConf: rc,
    resolvConfText: formatResolvConf(rc),
    // Where each nameserver is served locally (DNS on port 53 follows the port rule).
    nameservers: rc.nameservers.map((ip) => ({
      ip,
      local: map.toLocal(ip) ?? ip,
      port: localPort(53, up.settings.portRule),
    })),
    running: up.plane.runtimes.has(key),
  };
}

function egress(up: UpView, body: string): unknown {
  let req: { from?: string; ip?: string; port?: number; protocol?: string };
  try {
    req = JSON.parse(body) as typeof req;
  } catch {
    throw new HttpError(400, "BadRequest", "expected JSON {from, ip, port, protocol}");
  }
  const snap = up.snapshot;
  const pod = snap?.state.pods.find((p) => podKeyOf(p) === req.from);
  if (!snap || !pod || !req.ip || typeof req.port !== "number") {
    throw new HttpError(400, "BadRequest", "unknown pod or missing ip/port");
  }
  const protocol = req.protocol === "UDP" ? "UDP" : "TCP";
  const v = snap.policy.decide({
    src: { kind: "pod", pod },
    dst: { kind: "ip", ip: req.ip },
    port: req.port,
    protocol,
  });
  const local = pod.status?.podIP ? (up.settings.addressMap.toLocal(pod.status.podIP) ?? "") : "";
  const denied = up.settings.deny === "reject" ? "REJECTED" : "DROPPED";
  const flow = up.flows.record({
    from: req.from ?? "",
    to: req.ip,
    fromIP: pod.status?.podIP ?? "",
    fromPort: 0,
    toIP: req.ip,
    port: req.port,
    protocol,
    verdict: v.allowed ? "FORWARDED" : denied,
    policies: v.policies,
    localSource: `${local}:0`,
    ...(v.allowed ? {} : { reason: "policy", deniedBy: "egress" as const }),
  });
  return { allowed: v.allowed, flow, verdict: v };
}
