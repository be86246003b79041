/**
 * `labelSelector` and `fieldSelector` query parameters as the API server
 * parses them: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`
 * for labels; `=`, `==`, `!=` on metadata.name/namespace for every kind and the
 * per-kind fields kubectl uses (spec.nodeName, status.phase, involvedObject.*…).
 * An unsupported field is a 400, as upstream says it.
 */
import type { KubeObject } from "../api/types.js";
import { badRequest } from "./status.js";

export type Matcher = (o: KubeObject) => boolean;

type Req = { key: string; op: "=" | "!=" | "in" | "notin" | "exists" | "!exists"; values: string[] };

/** Splits on commas outside parentheses. */
function terms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t !== "");
}

function parseLabelTerm(t: string): Req {
  let m = /^(\S+?)\s+(in|notin)\s*\((.*)\)$/.exec(t);
  if (m) {
    return {
      key: m[1] as string,
      op: m[2] as "in" | "notin",
      values: (m[3] as string).split(",").map((v) => v.trim()),
    };
  }
  m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(t);
  if (m) return { key: m[1] as string, op: m[2] === "!=" ? "!=" : "=", values: [m[3] as string] };
  m = /^!\s*(\S+)$/.exec(t);
  if (m) return { key: m[1] as string, op: "!exists", values: [] };
  if (/^[A-Za-z0-9][-A-Za-z0-9_./]*$/.test(t)) return { key: t, op: "exists", values: [] };
  throw badRequest(
    `unable to parse requirement: found '${t}', expected: identifier, '=', '!=', 'in' or 'notin'`,
  );
}

function matchReq(r: Req, value: string | undefined): boolean {
  switch (r.op) {
    case "=":
      return value === r.values[0];
    case "!=":
      return value !== r.values[0];
    case "in":
      return value !== undefined && r.values.includes(value);
    case "notin":
      return value === undefined || !r.values.includes(value);
    case "exists":
      return value !== undefined;
    case "!exists":
      return value === undefined;
  }
}

export function labelMatcher(selector: string | undefined): Matcher | undefined {
  if (!selector) return undefined;
  const reqs = terms(selector).map(parseLabelTerm);
  return (o) => reqs.every((r) => matchReq(r, o.metadata?.labels?.[r.key]));
}

/** Field paths each kind supports besides metadata.name/namespace. */
const FIELDS: Readonly<Record<string, readonly string[]>> = {
  Pod: [
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.nominatedNodeName",
  ],
  Event: [
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
  ],
  Secret: ["type"],
  Node: ["spec.unschedulable"],
  Namespace: ["status.phase"],
  ReplicaSet: ["status.replicas"],
  Service: ["spec.clusterIP", "spec.type"],
};

function fieldValue(o: KubeObject, path: string): string | undefined {
  let cur: unknown = o;
  for (const seg of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  if (cur === undefined || cur === null) return "";
  return typeof cur === "object" ? JSON.stringify(cur) : String(cur);
}

export function fieldMatcher(
  selector: string | undefined,
  kind: string,
  plural: string,
): Matcher | undefined {
  if (!selector) return undefined;
  const reqs = terms(selector).map((t) => {
    const m = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(t);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${t}'`);
    const key = m[1] as string;
    if (key !== "metadata.name" && key !== "metadata.namespace" && !(FIELDS[kind] ?? []).includes(key)) {
      throw badRequest(`field label not supported: ${key}`);
    }
    void plural;
    return { key, neg: m[2] === "!=", value: (m[3] as string).trim() };
  });
  return (o) =>
    reqs.every((r) => {
      const v =
        r.key === "metadata.name"
          ? (o.metadata?.name ?? "")
          : r.key === "metadata.namespace"
            ? (o.metadata?.namespace ?? "")
            : (fieldValue(o, r.key) ?? "");
      return r.neg ? v !== r.value : v === r.value;
    });
}
