/**
 * Access log lines: ingress-nginx's default `upstreaminfo` format, or one JSON
 * object per request. Both name the ingress, service and matched rule so a
 * line can be traced back to the manifest. accessEntry builds the entry of
 * a finished exchange.
 */
import type { RouteOutcome } from "./routes.js";

export interface AccessLogEntry {
  time: Date;
  remoteAddr: string;
  method: string;
  uri: string;
  httpVersion: string;
  status: number;
  bodyBytesSent: number;
  referer: string;
  userAgent: string;
  requestLength: number;
  requestTimeMs: number;
  /** ingress-nginx upstream name `ns-svc-port`, or "" (controller answered). */
  upstreamName: string;
  alternativeUpstreamName: string;
  upstreamAddr: string;
  upstreamResponseLength: number | undefined;
  upstreamResponseTimeMs: number | undefined;
  upstreamStatus: number | undefined;
  requestId: string;
  host: string;
  ingress: string;
  service: string;
  rule: string;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const p2 = (n: number) => String(n).padStart(2, "0");

/** nginx $time_local, in UTC. */
export function timeLocal(d: Date): string {
  return `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
}

const dash = (v: string | number | undefined) => (v === undefined || v === "" ? "-" : String(v));
/** nginx escapes quotes, backslashes and control bytes in logged strings as \xHH. */
function quoteSafe(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || c === 0x7f || ch === '"' || ch === "\\" ? `\\x${c.toString(16).padStart(2, "0")}` : ch;
  }
  return out;
}

export function formatUpstreamInfo(e: AccessLogEntry): string {
  const secs = (ms: number | undefined) => (ms === undefined ? "-" : (ms / 1000).toFixed(3));
  return (
    `${e.remoteAddr} - - [${timeLocal(e.time)}] "${quoteSafe(`${e.method} ${e.uri} HTTP/${e.httpVersion}`)}" ${e.status} ${e.bodyBytesSent} ` +
    `"${quoteSafe(dash(e.referer))}" "${quoteSafe(dash(e.userAgent))}" ${e.requestLength} ${secs(e.requestTimeMs)} ` +
    `[${e.upstreamName}] [${e.alternativeUpstreamName}] ${dash(e.upstreamAddr)} ${dash(e.upstreamResponseLength)} ${secs(e.upstreamResponseTimeMs)} ${dash(e.upstreamStatus)} ${e.requestId}`
  );
}

export function formatJSON(e: AccessLogEntry): string {
  return JSON.stringify({
    time: e.time.toISOString(),
    remote_addr: e.remoteAddr,
    request_id: e.requestId,
    method: e.method,
    uri: e.uri,
    protocol: `HTTP/${e.httpVersion}`,
    host: e.host,
    status: e.status,
    bytes_sent: e.bodyBytesSent,
    request_length: e.requestLength,
    request_time: e.requestTimeMs / 1000,
    referer: e.referer,
    user_agent: e.userAgent,
    ingress: e.ingress,
    service: e.service,
    rule: e.rule,
    upstream_name: e.upstreamName,
    upstream_alternative_name: e.alternativeUpstreamName,
    upstream_addr: e.upstreamAddr,
    upstream_status: e.upstreamStatus ?? null,
    upstream_response_time: e.upstreamResponseTimeMs === undefined ? null : e.upstreamResponseTimeMs / 1000,
  });
}

/** The first value of a field in raw pairs (Node keeps the first of a repeated Referer, User-Agent, Content-Length). */
function first(raw: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i] === name) return raw[i + 1];
  return undefined;
}

/** The request side of a finished exchange. */
export interface LoggedRequest {
  remoteAddress: string;
  method: string;
  target: string;
  httpVersion: string;
  host: string;
  raw: readonly string[];
}

/** The upstream side: bytes sent to the client, the addresses tried, the answer's status and timing. */
export interface UpstreamFacts {
  bytesSent: number;
  upstreamAddr: string;
  upstreamStatus: number | undefined;
  upstreamStart: number;
  upstreamEnd: number | undefined;
}

/** The access-log entry for a finished exchange; `proxied` is false when the controller answered (no upstream name). */
export function accessEntry(
  d: RouteOutcome,
  r: LoggedRequest,
  status: number,
  requestId: string,
  requestTimeMs: number,
  st: UpstreamFacts,
  proxied: boolean,
): AccessLogEntry {
  const rule = d.rule ? `${d.rule.host || "*"}${d.rule.path} (${d.rule.pathType})` : "";
  return {
    time: new Date(),
    remoteAddr: r.remoteAddress || "-",
    method: r.method,
    uri: r.target,
    httpVersion: r.httpVersion,
    status,
    bodyBytesSent: st.bytesSent,
    referer: first(r.raw, "referer") ?? "",
    userAgent: first(r.raw, "user-agent") ?? "",
    requestLength: Number(first(r.raw, "content-length") ?? 0),
    requestTimeMs,
    upstreamName: proxied && d.backend ? d.backend.upstream : "",
    alternativeUpstreamName: "",
    upstreamAddr: st.upstreamAddr,
    upstreamResponseLength: st.upstreamStatus !== undefined ? st.bytesSent : undefined,
    upstreamResponseTimeMs: st.upstreamEnd !== undefined ? st.upstreamEnd - st.upstreamStart : undefined,
    upstreamStatus: st.upstreamStatus,
    requestId,
    host: r.host,
    ingress: d.ingress ? `${d.ingress.namespace}/${d.ingress.name}` : "",
    service: d.backend?.service ?? "",
    rule,
  };
}
