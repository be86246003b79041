/**
 * The live side of the dashboard, when `michi up` serves it: the flow log as
 * server-sent events (GET /api/live/flows, optional `verdict=` filter and `replay=`
 * recent flows first), and GET /api/live (counters and the running
 * configuration's errors and warnings).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Diagnostic } from "../api/diagnostics.js";
import { HttpError } from "../http/respond.js";
import type { ApiFlow, ApiLive } from "./api-types.js";
import { diagnosticToFinding } from "./findings.js";

/** What a running data plane offers the dashboard (FlowLog and the runtime fit it directly). */
export interface WebLive {
  /** Calls `fn` for every new flow; returns the unsubscribe function. */
  follow(fn: (flow: ApiFlow) => void): () => void;
  /** Recent flows, oldest first, replayed to a new stream. */
  recent?(): readonly ApiFlow[];
  /** Request, connection and DNS counters. */
  counters(): Record<string, number>;
  /** The running configuration's errors and warnings (e.g. of a rejected apply or reload). */
  diagnostics?(): readonly Diagnostic[];
}

const HEARTBEAT_MS = 15_000;

export function liveSummary(live: WebLive): ApiLive {
  return {
    counters: { ...live.counters() },
    findings: (live.diagnostics?.() ?? []).map((d) => diagnosticToFinding(d, "validation")),
  };
}

export function streamFlows(
  live: WebLive,
  q: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const verdicts = new Set(
    (q.get("verdict") ?? "")
      .split(",")
      .map((v) => v.trim().toUpperCase())
      .filter(Boolean),
  );
  const replay = Math.min(Math.max(Number(q.get("replay") ?? 0) || 0, 0), 10_000);
  if (!Number.isInteger(replay)) throw new HttpError(400, "BadParameter", "replay: expected a count");
  const wanted = (f: ApiFlow) => verdicts.size === 0 || verdicts.has(f.verdict);
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  res.write("retry: 2000\n\n");
  const send = (f: ApiFlow) => {
    if (!wanted(f)) return;
    res.write(`${f.id !== undefined ? `id: ${f.id}\n` : ""}data: ${JSON.stringify(f)}\n\n`);
  };
  if (replay > 0) for (const f of (live.recent?.() ?? []).slice(-replay)) send(f);
  const stop = live.follow(send);
  const beat = setInterval(() => res.write(": keep-alive\n\n"), HEARTBEAT_MS);
  beat.unref();
  const close = () => {
    clearInterval(beat);
    stop();
  };
  req.on("close", close);
  res.on("close", close);
}
