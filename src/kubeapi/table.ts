/**
 * Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`):
 * the columns `michi get` prints (kubectl's, with `-o wide` columns at
 * priority 1), AGE from the API's creationTimestamp, and each row's object as
 * PartialObjectMetadata (or the full object with `includeObject=Object`), so
 * kubectl prints tables, `-o wide`, `-A`, `-L` and `--show-labels` itself.
 */
import type { KubeObject } from "../api/types.js";
import type { AddressMap } from "../cluster/address-map.js";
import type { ClusterState } from "../cluster/state.js";
import { AGE, type KindPrinter } from "../printers/printer.js";
import { PRINTERS } from "../printers/resource-printers.js";
import type { ApiResource } from "./resources.js";

export type IncludeObject = "None" | "Metadata" | "Object";

/** True when an Accept header asks for a meta.k8s.io Table. */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

/** kubectl's `HumanDuration`. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return "<invalid>";
  if (s < 0) return "0s";
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 24 * 8) return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24)}d`;
  return `${Math.floor(h / 24 / 365)}y`;
}

function title(header: string): string {
  return header
    .split(/([- ])/)
    .map((w) => (/^(IP|IPS|CIDR|UID)$/.test(w) ? w : w.charAt(0) + w.slice(1).toLowerCase()))
    .join("");
}

function printerOf(res: ApiResource): KindPrinter | undefined {
  return PRINTERS.find((p) => p.kind === res.kind);
}

export interface TableContext {
  state: ClusterState | undefined;
  addresses: AddressMap | undefined;
  now: number;
}

/** kubectl's columns for Events (not a kind `michi get` prints). */
const EVENT_HEADERS = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"];
const EVENT_WIDE = ["SUBOBJECT", "SOURCE", "FIRST SEEN", "COUNT", "NAME"];

function eventCells(o: KubeObject, now: number): string[] {
  const e = o as KubeObject & {
    involvedObject?: { kind?: string; name?: string; fieldPath?: string };
    type?: string;
    reason?: string;
    message?: string;
    source?: { component?: string; host?: string };
    firstTimestamp?: string;
    lastTimestamp?: string;
    count?: number;
  };
  const ago = (t: string | undefined) => (t ? humanDuration(now - Date.parse(t)) : "<unknown>");
  const obj = `${(e.involvedObject?.kind ?? "").toLowerCase()}/${e.involvedObject?.name ?? ""}`;
  return [
    ago(e.lastTimestamp),
    e.type ?? "",
    e.reason ?? "",
    obj,
    e.message ?? "",
    e.involvedObject?.fieldPath ?? "",
    [e.source?.component, e.source?.host].filter(Boolean).join(", "),
    ago(e.firstTimestamp),
    String(e.count ?? 1),
    e.metadata?.name ?? "",
  ];
}

export function columnDefinitions(res: ApiResource): object[] {
  if (res.kind === "Event") {
    return [
      ...EVENT_HEADERS.map((h) => ({
        name: title(h),
        type: "string",
        format: "",
        description: `${title(h)} column.`,
        priority: 0,
      })),
      ...EVENT_WIDE.map((h) => ({
        name: title(h),
        type: "string",
        format: h === "NAME" ? "name" : "",
        description: `${title(h)} column.`,
        priority: 1,
      })),
    ];
  }
  const p = printerOf(res);
  const headers = p ? p.headers : ["NAME", "AGE"];
  const wide = p ? p.wideHeaders : [];
  return [
    ...headers.map((h) => ({
      name: title(h),
      type: h === "AGE" ? "string" : "string",
      format: h === "NAME" ? "name" : "",
      description: h === "NAME" ? "Name must be unique within a namespace." : `${title(h)} column.`,
      priority: 0,
    })),
    ...wide.map((h) => ({
      name: title(h),
      type: "string",
      format: "",
      description: `${title(h)} column.`,
      priority: 1,
    })),
  ];
}

function age(o: KubeObject, now: number): string {
  const t = o.metadata?.creationTimestamp;
  return t ? humanDuration(now - Date.parse(t)) : "<unknown>";
}

export function tableRow(res: ApiResource, o: KubeObject, ctx: TableContext, include: IncludeObject): object {
  const p = printerOf(res);
  let cells: string[];
  if (res.kind === "Event") cells = eventCells(o, ctx.now);
  else if (p && ctx.state && ctx.addresses) {
    const row = p.row(o, { state: ctx.state, addresses: ctx.addresses });
    const ageAt = p.headers.indexOf("AGE");
    cells = [...row.cells, ...row.wide].map((c, i) => (i === ageAt && c === AGE ? age(o, ctx.now) : c));
  } else cells = [o.metadata?.name ?? "", age(o, ctx.now)];
  const object =
    include === "Object"
      ? o
      : include === "None"
        ? undefined
        : { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata ?? {} };
  return { cells, ...(object ? { object } : {}) };
}

export function table(
  res: ApiResource,
  objects: readonly KubeObject[],
  ctx: TableContext,
  include: IncludeObject,
  listMeta: Record<string, string>,
): object {
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: listMeta,
    columnDefinitions: columnDefinitions(res),
    rows: objects.map((o) => tableRow(res, o, ctx, include)),
  };
}
