/**
 * `michi get` for the Gateway API kinds: resource names as kubectl knows
 * them from the CRDs (plural, singular, short names `gtw`, `gc`,
 * `refgrant`, `btlspolicy`, `lset`; `httproute.gateway.networking.k8s.io`)
 * and the CRDs' additionalPrinterColumns, evaluated on the objects with the
 * status michi's controller wrote (the JSONPath subset those columns use:
 * `.a.b`, `[*]`, `[?(@.f=="v")]`). Columns with priority > 0 are `-o wide`.
 */
import type { KubeObject } from "../api/types.js";
import { GATEWAY_GROUP, gatewayKinds } from "../api/validation/gateway/schema.js";
import type { GatewayApiState } from "../gateway/status.js";
import { AGE, type KindPrinter } from "./printer.js";

type Step = { field: string } | { all: true } | { filter: string; equals: string };

function parsePath(path: string): Step[] {
  const steps: Step[] = [];
  const re = /\.([A-Za-z0-9_-]+)|\[\*\]|\[\?\(@\.([A-Za-z0-9_-]+)=="([^"]*)"\)\]/gy;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    if (m[1] !== undefined) steps.push({ field: m[1] });
    else if (m[2] !== undefined) steps.push({ filter: m[2], equals: m[3] ?? "" });
    else steps.push({ all: true });
  }
  return steps;
}

/** The values a printer column's JSONPath selects. */
export function evalColumn(obj: unknown, path: string): unknown[] {
  let cur: unknown[] = [obj];
  for (const s of parsePath(path)) {
    const next: unknown[] = [];
    for (const v of cur) {
      if ("field" in s) {
        if (v && typeof v === "object" && !Array.isArray(v)) {
          const x = (v as Record<string, unknown>)[s.field];
          if (x !== undefined) next.push(x);
        }
      } else if (Array.isArray(v)) {
        for (const x of v) {
          if ("all" in s) next.push(x);
          else if (x && typeof x === "object" && (x as Record<string, unknown>)[s.filter] === s.equals)
            next.push(x);
        }
      }
    }
    cur = next;
  }
  return cur;
}

function cell(values: unknown[], type: string): string {
  if (type === "date") return AGE;
  // kubectl prints a cell with no value as <none>.
  if (values.length === 0) return "<none>";
  return values.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(",");
}

const FIELD: Record<string, keyof GatewayApiState> = {
  GatewayClass: "gatewayClasses",
  Gateway: "gateways",
  ListenerSet: "listenerSets",
  HTTPRoute: "httpRoutes",
  GRPCRoute: "grpcRoutes",
  TLSRoute: "tlsRoutes",
  TCPRoute: "tcpRoutes",
  UDPRoute: "udpRoutes",
  ReferenceGrant: "referenceGrants",
  BackendTLSPolicy: "backendTLSPolicies",
};

export const GATEWAY_PRINTERS: readonly KindPrinter[] = gatewayKinds().map((k) => {
  const columns = k.columns.filter((c) => !c.priority);
  const wideColumns = k.columns.filter((c) => c.priority);
  const field = FIELD[k.kind];
  return {
    kind: k.kind,
    names: [k.plural, k.kind.toLowerCase(), ...k.shortNames],
    resource: `${k.kind.toLowerCase()}.${GATEWAY_GROUP}`,
    namespaced: k.namespaced,
    list: (state) => (field && state.gatewayApi ? (state.gatewayApi[field] as readonly KubeObject[]) : []),
    headers: ["NAME", ...columns.map((c) => c.name.toUpperCase())],
    wideHeaders: wideColumns.map((c) => c.name.toUpperCase()),
    row: (obj) => ({
      cells: [obj.metadata?.name ?? "", ...columns.map((c) => cell(evalColumn(obj, c.jsonPath), c.type))],
      wide: wideColumns.map((c) => cell(evalColumn(obj, c.jsonPath), c.type)),
    }),
  };
});
