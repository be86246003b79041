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
import { parseManifests } from "../api/load.js";
import { formatCIDR } from "../api/net.js";
import { formatResolvConf, resolvConfFor } from "../cluster/resolv-conf.js";
import { podPorts } from "../pods/pod-runtime.js";
import { resolveTarget } from "../policy/targets.js";
import { podKeyOf } from "./dataplane.js";
import type { Flow } from "./flows.js";
import { listenerKey } from "./listener-pool.js";
import { localPort } from "./port-rule.js";
import type { UpInstance } from "./up.js";

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const MAX_BODY = 8 * 1024 * 1024;

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(text);
}

function isLoopback(address: string | undefined): boolean {
  const a = address?.startsWith("::ffff:") ? address.slice(7) : (address ?? "");
  return a === "::1" || a.startsWith("127.");
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    const b = c as Buffer;
    size += b.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function createAdminHandler(up: UpInstance, before: readonly HttpHandler[] = []): HttpHandler {
  return async (req, res) => {
    if (!isLoopback(req.socket.remoteAddress)) {
      json(res, 403, {
        error: { code: "Forbidden", message: "the admin API answers loopback clients only" },
      });
      return true;
    }
    const url = new URL(req.url ?? "/", "http://michi");
    const path = url.pathname;
    const method = req.method ?? "GET";
    if (method === "GET" && path === "/readyz") {
      res.writeHead(up.ready ? 200 : 503, { "content-type": "text/plain" });
      res.end(up.ready ? "ok\n" : "starting\n");
      return true;
    }
    if (method === "GET" && path === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end(metrics(up));
      return true;
    }
    if (method === "GET" && path === "/api/flows") {
      flows(up, req, res, url);
      return true;
    }
    if (method === "GET" && path === "/api/up") {
      json(res, 200, status(up));
      return true;
    }
    if (method === "GET" && path === "/api/up/pods") {
      json(res, 200, { items: pods(up) });
      return true;
    }
    // A workload (`deployment/NS/NAME`, …) stands for its first pod by name, for `michi curl --from`.
    const workloadMatch = /^\/api\/up\/pods\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(path);
    if (method === "GET" && workloadMatch && up.snapshot) {
      const ref = workloadMatch
        .slice(1)
        .map((x) => decodeURIComponent(x ?? ""))
        .join("/");
      let target: ReturnType<typeof resolveTarget>;
      try {
        target = resolveTarget(up.snapshot.state, ref, "source");
      } catch (err) {
        return notFound(res, (err as Error).message);
      }
      const first = target.kind === "pods" ? target.pods.map(podKeyOf).sort()[0] : undefined;
      const detail = first === undefined ? undefined : podDetail(up, first);
      if (!detail) return notFound(res, `${ref} has no pod`);
      json(res, 200, detail);
      return true;
    }
    const podMatch = /^\/api\/up\/(pods|logs)\/([^/]+)\/([^/]+)$/.exec(path);
    if (method === "GET" && podMatch) {
      const key = `${decodeURIComponent(podMatch[2] ?? "")}/${decodeURIComponent(podMatch[3] ?? "")}`;
      if (podMatch[1] === "logs") {
        const e = up.plane.runtimes.get(key);
        if (!e) return notFound(res, `pod ${key} is not running`);
        if (!e.rt.command)
          return notFound(res, `pod ${key} runs the built-in server (no michi.dev/command): no logs`);
        res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
        res.end(e.rt.command.logs());
        return true;
      }
      const detail = podDetail(up, key);
      if (!detail) return notFound(res, `pod ${key} not found`);
      json(res, 200, detail);
      return true;
    }
    if (method === "POST" && (path === "/api/apply" || path === "/api/delete" || path === "/api/up/egress")) {
      const auth = req.headers.authorization ?? "";
      const token = auth.startsWith("Bearer ") ? auth.slice(7) : req.headers["x-michi-token"];
      if (token !== up.token) {
        json(res, 401, {
          error: {
            code: "Unauthorized",
            message: "missing or wrong token (see the state file of this michi up)",
          },
        });
        return true;
      }
      const body = await readBody(req);
      if (body === undefined) {
        json(res, 413, { error: { code: "BodyTooLarge", message: `request body over ${MAX_BODY} bytes` } });
        return true;
      }
      if (path === "/api/up/egress") {
        egress(up, res, body);
        return true;
      }
      const parsed = parseManifests(body, url.searchParams.get("file") ?? "<request>");
      const loadErrors = parsed.diagnostics.filter((d) => d.severity === "error");
      if (loadErrors.length > 0 || parsed.objects.length === 0) {
        const diagnostics =
          loadErrors.length > 0
            ? loadErrors
            : [{ severity: "error" as const, code: "NoObjects", message: "no objects in the request body" }];
        json(res, 422, { ok: false, diagnostics, lines: diagnostics.map(formatDiagnostic) });
        return true;
      }
      const result =
        path === "/api/apply"
          ? await up.apply(parsed.objects, parsed.diagnostics)
          : await up.delete(parsed.objects);
      json(res, result.ok ? 200 : 422, { ...result, lines: result.diagnostics.map(formatDiagnostic) });
      return true;
    }
    if (
      path.startsWith("/api/up") ||
      path === "/api/flows" ||
      path === "/api/apply" ||
      path === "/api/delete"
    ) {
      json(res, 405, { error: { code: "MethodNotAllowed", message: `${method} ${path}` } });
      return true;
    }
    // Everything else (the dashboard and its read-only /api) is the chained handlers'.
    for (const h of before) if (await h(req, res)) return true;
    if (method === "GET" && path === "/") {
      json(res, 200, {
        michi: "up",
        endpoints: ["/readyz", "/metrics", "/api/flows", "/api/up", "/api/up/pods"],
      });
      return true;
    }
    json(res, 404, { error: { code: "NotFound", message: `no such endpoint: ${path}` } });
    return true;
  };
}

function notFound(res: ServerResponse, message: string): true {
  json(res, 404, { error: { code: "NotFound", message } });
  return true;
}

function flows(up: UpInstance, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const since = Number(url.searchParams.get("since") ?? 0) || 0;
  const source = url.searchParams.get("localSource");
  const localIP = url.searchParams.get("localIP");
  const match = (f: Flow) =>
    (!source || f.localSource === source) && (!localIP || f.localSource.startsWith(`${localIP}:`));
  const follow =
    url.searchParams.get("follow") === "1" || (req.headers.accept ?? "").includes("text/event-stream");
  const backlog = up.flows.list(since).filter(match);
  if (!follow) {
    json(res, 200, { flows: backlog });
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

function metrics(up: UpInstance): string {
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
    `michi_listeners ${up.plane.pool.keys().length}`,
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
  conflicts: string[];
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

function status(up: UpInstance): UpStatus {
  const s: UpStatus = {
    version: up.snapshot?.version ?? 0,
    ready: up.ready,
    listeners: [...up.plane.served.entries()].map(([key, what]) => ({ key, what })),
    conflicts: up.plane.conflicts,
    podErrors: Object.fromEntries(up.plane.podErrors),
    lastFlowId: up.flows.lastId,
    diagnostics: (up.snapshot?.diagnostics ?? []).map(formatDiagnostic),
    addressMap: up.options.addressMap.mappings.map((m) => ({
      model: formatCIDR(m.model),
      local: formatCIDR(m.local),
    })),
    lowPortOffset: up.options.portRule.lowPortOffset,
    hostIP: up.options.hostIP,
    deny: up.options.deny,
    frontends: (up.snapshot?.services.frontends ?? []).map((fe) => {
      const local = fe.localIP ?? (fe.ip !== undefined ? up.options.addressMap.toLocal(fe.ip) : undefined);
      const lp = localPort(fe.port, up.options.portRule);
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
          up.plane.pool.has(listenerKey(fe.protocol === "UDP" ? "udp" : "tcp", local, lp)),
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

function pods(up: UpInstance): UpPod[] {
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
      ports: podPorts(rt.pod).map((p) => ({ ...p, local: localPort(p.port, up.options.portRule) })),
      kind: rt.kind,
    });
  }
  return out.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

function podDetail(up: UpInstance, key: string): unknown {
  const snap = up.snapshot;
  if (!snap) return undefined;
  const pod = snap.state.pods.find((p) => podKeyOf(p) === key);
  if (!pod) return undefined;
  const rc = resolvConfFor(pod, snap.state);
  const map = up.options.addressMap;
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
      port: localPort(53, up.options.portRule),
    })),
    running: up.plane.runtimes.has(key),
  };
}

function egress(up: UpInstance, res: ServerResponse, body: string): void {
  let req: { from?: string; ip?: string; port?: number; protocol?: string };
  try {
    req = JSON.parse(body) as typeof req;
  } catch {
    json(res, 400, { error: { code: "BadRequest", message: "expected JSON {from, ip, port, protocol}" } });
    return;
  }
  const snap = up.snapshot;
  const pod = snap?.state.pods.find((p) => podKeyOf(p) === req.from);
  if (!snap || !pod || !req.ip || typeof req.port !== "number") {
    json(res, 400, { error: { code: "BadRequest", message: "unknown pod or missing ip/port" } });
    return;
  }
  const protocol = req.protocol === "UDP" ? "UDP" : "TCP";
  const v = snap.policy.decide({
    src: { kind: "pod", pod },
    dst: { kind: "ip", ip: req.ip },
    port: req.port,
    protocol,
  });
  const local = pod.status?.podIP ? (up.options.addressMap.toLocal(pod.status.podIP) ?? "") : "";
  const denied = up.options.deny === "reject" ? "REJECTED" : "DROPPED";
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
  json(res, 200, { allowed: v.allowed, flow, verdict: v });
}
