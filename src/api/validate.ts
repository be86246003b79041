/**
 * The API server's admission of manifests: for each object of a known kind,
 * check the apiVersion is served, decode field types, then run the kind's
 * validation (src/api/validation/*). Every error of every object is
 * reported; `valid` keeps what a real cluster would have stored. Objects of
 * kinds michi does not model pass through untouched (the loader warned),
 * unless their group is a known one without that kind (api/upstream-kinds.ts).
 * Several objects with the same kind/namespace/name: the last valid one wins,
 * as repeated `kubectl apply` would leave it, with a warning.
 */
import type { Diagnostic, FieldPath } from "./diagnostics.js";
import { kindInfo, objectKey } from "./kinds.js";
import { sourceOf } from "./source.js";
import type { KubeObject } from "./types.js";
import { matchKind } from "./upstream-kinds.js";
import {
  validateAdminNetworkPolicy,
  validateBaselineAdminNetworkPolicy,
} from "./validation/admin-network-policy.js";
import { validateClusterNetworkPolicy } from "./validation/cluster-network-policy.js";
import { validateConfigMap } from "./validation/configmap.js";
import { validateEndpointSlice } from "./validation/endpoint-slice.js";
import { validateEndpoints } from "./validation/endpoints.js";
import { errorBody, type FieldError } from "./validation/errors.js";
import { validateGatewaySpec } from "./validation/gateway/schema.js";
import { validateIngress } from "./validation/ingress.js";
import { validateIngressClassSpec } from "./validation/ingress-class.js";
import { validateObjectMeta } from "./validation/metadata.js";
import { type NameFn, nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain } from "./validation/names.js";
import { validateNamespaceSpec } from "./validation/namespace.js";
import { validateNetworkPolicySpec } from "./validation/network-policy.js";
import { validateNodeSpec } from "./validation/node.js";
import { Path } from "./validation/path.js";
import { validatePodSpec } from "./validation/pod.js";
import { validateSecret } from "./validation/secret.js";
import { validateServiceSpec } from "./validation/service.js";
import { checkTypes } from "./validation/types.js";
import { validateWorkloadSpec } from "./validation/workloads.js";

/** The API server's default --service-node-port-range (ClusterConfig's default too). */
export const DEFAULT_NODE_PORT_RANGE: Readonly<{ min: number; max: number }> = Object.freeze({
  min: 30000,
  max: 32767,
});

export interface ValidateOptions {
  /** NodePort range the API server allocates from (default: the cluster default 30000-32767). */
  nodePortRange?: { min: number; max: number };
}

export interface ValidateResult {
  valid: KubeObject[];
  diagnostics: Diagnostic[];
}

// The API server's name rules per kind (DNS-1035 for Services: the name becomes a DNS label
// that must not start with a digit; DNS-1123 label for Namespaces; subdomain for the rest).
// Custom resources (the policy.networking.k8s.io kinds) only need a valid path segment.
const nameIsPathSegment: NameFn = (name) =>
  name === "." || name === ".."
    ? [`may not be '${name}'`]
    : [..."/%"].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
const NAME_FN: Record<string, NameFn> = {
  Service: nameIsDNS1035Label,
  Namespace: nameIsDNSLabel,
  ClusterNetworkPolicy: nameIsPathSegment,
  AdminNetworkPolicy: nameIsPathSegment,
  BaselineAdminNetworkPolicy: nameIsPathSegment,
};

function kindErrors(obj: KubeObject, kind: string, options: Required<ValidateOptions>): FieldError[] {
  const rec = obj as Record<string, unknown>;
  switch (kind) {
    case "Namespace":
      return validateNamespaceSpec(rec.spec);
    case "Node":
      return validateNodeSpec(rec.spec);
    case "Pod":
      return validatePodSpec(rec.spec, Path.root("spec"));
    case "Deployment":
    case "ReplicaSet":
    case "StatefulSet":
    case "DaemonSet":
      return validateWorkloadSpec(kind, rec.spec);
    case "Service":
      return validateServiceSpec(obj.metadata, rec.spec, { nodePortRange: options.nodePortRange });
    case "Endpoints":
      return validateEndpoints(rec);
    case "EndpointSlice":
      return validateEndpointSlice(rec);
    case "Ingress":
      return validateIngress(obj.metadata, rec.spec);
    case "IngressClass":
      return validateIngressClassSpec(rec.spec);
    case "NetworkPolicy":
      return validateNetworkPolicySpec(rec.spec);
    case "ClusterNetworkPolicy":
      return validateClusterNetworkPolicy(rec);
    case "AdminNetworkPolicy":
      return validateAdminNetworkPolicy(rec);
    case "BaselineAdminNetworkPolicy":
      return validateBaselineAdminNetworkPolicy(rec);
    case "Secret":
      return validateSecret(rec);
    case "ConfigMap":
      return validateConfigMap(rec);
    default:
      // The Gateway API kinds (CRD schemas and CEL rules); [] for any other kind.
      return validateGatewaySpec(kind, rec.spec);
  }
}

function identity(obj: KubeObject): Pick<Diagnostic, "kind" | "namespace" | "name"> {
  const info = kindInfo(obj.kind);
  const meta = obj.metadata;
  const name = typeof meta?.name === "string" && meta.name !== "" ? meta.name : meta?.generateName;
  const out: Pick<Diagnostic, "kind" | "namespace" | "name"> = {};
  if (obj.kind !== undefined) out.kind = obj.kind;
  if (typeof name === "string") out.name = name;
  if (info?.namespaced)
    out.namespace = typeof meta?.namespace === "string" && meta.namespace !== "" ? meta.namespace : "default";
  return out;
}

function toDiagnostic(obj: KubeObject, e: FieldError): Diagnostic {
  const src = sourceOf(obj);
  const d: Diagnostic = {
    severity: e.severity ?? "error",
    code: e.type,
    message: errorBody(e),
    ...identity(obj),
  };
  if (e.path.text !== "") d.field = e.path.text;
  if (src) {
    d.file = src.file;
    const pos = e.path.segments.length > 0 ? src.locate(e.path.segments) : { line: src.line, col: src.col };
    d.line = pos.line;
    d.col = pos.col;
  }
  return d;
}

function objectDiagnostic(
  obj: KubeObject,
  code: string,
  message: string,
  severity: Diagnostic["severity"] = "error",
  at?: FieldPath,
): Diagnostic {
  const src = sourceOf(obj);
  const d: Diagnostic = { severity, code, message, ...identity(obj) };
  if (src) {
    const pos = at ? src.locate(at) : src;
    d.file = src.file;
    d.line = pos.line;
    d.col = pos.col;
  }
  return d;
}

/** Diagnostics for one object, as the API server would answer a create of it. */
export function validateObject(obj: KubeObject, options: ValidateOptions = {}): Diagnostic[] {
  const opts: Required<ValidateOptions> = { nodePortRange: options.nodePortRange ?? DEFAULT_NODE_PORT_RANGE };
  const info = kindInfo(obj.kind);
  if (!info) return unmodelledKind(obj);
  const apiVersion = obj.apiVersion;
  if (apiVersion === undefined || apiVersion === "") {
    return [objectDiagnostic(obj, "MissingAPIVersion", "apiVersion not set")];
  }
  if (!info.apiVersions.includes(apiVersion)) {
    const d = objectDiagnostic(
      obj,
      "NoKindMatch",
      `no matches for kind ${JSON.stringify(info.kind)} in version ${JSON.stringify(apiVersion)}`,
      "error",
      ["apiVersion"],
    );
    d.suggestion = `use apiVersion: ${info.apiVersions.join(" or ")}`;
    return [d];
  }
  const errors: FieldError[] = [
    ...checkTypes(info.kind, obj, () => sourceOf(obj)?.yaml11),
    ...validateObjectMeta(obj.metadata, info.namespaced, NAME_FN[info.kind] ?? nameIsDNSSubdomain),
    ...kindErrors(obj, info.kind, opts),
  ];
  return dedupe(errors).map((e) => toDiagnostic(obj, e));
}

/**
 * A kind michi does not model: an error when its group is one the API server
 * knows and the kind is not in it (a typo: `Servce`, `deployment`), else kept
 * (the loader warned once per kind).
 */
function unmodelledKind(obj: KubeObject): Diagnostic[] {
  if (typeof obj.kind !== "string" || typeof obj.apiVersion !== "string") return [];
  const m = matchKind(obj.apiVersion, obj.kind);
  if (m.match !== "none") return [];
  const text = m.suggestion ? `${m.message}; ${m.suggestion}` : m.message;
  const d = objectDiagnostic(obj, "NoKindMatch", text, "error", ["kind"]);
  if (m.suggestion) d.suggestion = m.suggestion;
  return [d];
}

// The API server drops repeated identical messages (ErrorList.ToAggregate); so do we.
function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.path.text}\0${errorBody(e)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The stored identity of a modelled, named object (unknown kinds and unnamed objects have none). */
function storedKey(obj: KubeObject): string | undefined {
  const name = obj.metadata?.name;
  if (!kindInfo(obj.kind) || typeof name !== "string" || name === "") return undefined;
  return objectKey(obj);
}

function where(obj: KubeObject): string {
  const src = sourceOf(obj);
  return src ? `${src.file}:${src.line}:${src.col}` : "an earlier document";
}

export function validateObjects(
  objects: readonly KubeObject[],
  options: ValidateOptions = {},
): ValidateResult {
  const diagnostics: Diagnostic[] = [];
  const accepted: (KubeObject | undefined)[] = [];
  // Per kind/namespace/name, the accepted object currently stored (and its slot in `accepted`).
  const stored = new Map<string, { index: number; obj: KubeObject }>();
  objects.forEach((obj, index) => {
    const diags = validateObject(obj, options);
    diagnostics.push(...diags);
    if (diags.some((d) => d.severity === "error")) {
      // Rejected: whatever was stored under this name stays, as after a failed kubectl apply.
      accepted.push(undefined);
      return;
    }
    accepted.push(obj);
    const key = storedKey(obj);
    if (key === undefined) return;
    const prev = stored.get(key);
    if (prev) {
      // A later apply of the same object replaces it.
      accepted[prev.index] = undefined;
      const ref = key.split("/").slice(1).filter(Boolean).join("/");
      diagnostics.push(
        objectDiagnostic(
          obj,
          "DuplicateObject",
          `${obj.kind} ${ref} is also defined at ${where(prev.obj)}; the later definition wins, as with kubectl apply`,
          "warning",
        ),
      );
    }
    stored.set(key, { index, obj });
  });
  return { valid: accepted.filter((o): o is KubeObject => o !== undefined), diagnostics };
}
