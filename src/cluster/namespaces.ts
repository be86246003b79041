/**
 * Namespaces: kubeadm's four, ingress-nginx (michi's ingress controller), and
 * the user's. The API server stamps `kubernetes.io/metadata.name` on every
 * namespace (overriding any user value) and reports it Active with the
 * `kubernetes` finalizer. A user-defined system namespace keeps the user's
 * labels and annotations.
 *
 * Objects in a namespace no manifest creates: by default michi creates the
 * namespace, as a cluster admin would before applying the manifests
 * (`--create-namespaces`, on by default; each such namespace is one warning);
 * with `--no-create-namespaces` every such object is the API server's
 * `namespaces "X" not found` error. validate, lint, get, matrix, check, up
 * all decide here, so they agree.
 */
import type { Diagnostic } from "../api/diagnostics.js";
import { kindInfo } from "../api/kinds.js";
import { keepSource, sourceOf } from "../api/source.js";
import type { KubeObject, Namespace } from "../api/types.js";
import { assignUid } from "./hash.js";
import { LABEL_METADATA_NAME } from "./system-names.js";
import { INGRESS_NAMESPACE, SYSTEM_NAMESPACES, systemNamespace } from "./system-objects.js";

/** `created`: namespaces no manifest defines that michi creates (see `missingNamespaces`). */
export function deriveNamespaces(user: readonly Namespace[], created: readonly string[] = []): Namespace[] {
  const byName = new Map<string, Namespace>();
  for (const name of [...SYSTEM_NAMESPACES, INGRESS_NAMESPACE]) byName.set(name, systemNamespace(name));
  for (const name of created)
    if (!byName.has(name)) byName.set(name, { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  for (const u of user) {
    const name = u.metadata?.name ?? "";
    const ns: Namespace = keepSource(structuredClone(u), u);
    const sys = byName.get(name);
    if (sys && name !== INGRESS_NAMESPACE) {
      // A kubeadm namespace exists already; applying it merges the user's metadata into it.
      ns.metadata = {
        ...ns.metadata,
        annotations: { ...sys.metadata?.annotations, ...ns.metadata?.annotations },
      };
    }
    byName.set(name, ns);
  }
  const out: Namespace[] = [];
  for (const [name, ns] of byName) {
    ns.apiVersion = "v1";
    ns.kind = "Namespace";
    const meta = ns.metadata ?? {};
    meta.labels = { ...meta.labels, [LABEL_METADATA_NAME]: name };
    if (meta.annotations && Object.keys(meta.annotations).length === 0) delete meta.annotations;
    ns.metadata = meta;
    ns.spec = { finalizers: ["kubernetes"], ...ns.spec };
    ns.status = { phase: "Active" };
    assignUid(ns);
    out.push(ns);
  }
  return out.sort((a, b) => ((a.metadata?.name ?? "") < (b.metadata?.name ?? "") ? -1 : 1));
}

const nsOf = (o: KubeObject) => o.metadata?.namespace ?? "default";

function located(o: KubeObject, d: Diagnostic): Diagnostic {
  const src = sourceOf(o);
  if (src) Object.assign(d, { file: src.file, line: src.line, col: src.col });
  return d;
}

/**
 * Namespaces the (valid) objects live in that neither a manifest nor the
 * cluster creates, each with the first object in it, in input order.
 */
export function missingNamespaces(objects: readonly KubeObject[]): Map<string, KubeObject> {
  const defined = new Set<string>([...SYSTEM_NAMESPACES, INGRESS_NAMESPACE]);
  for (const o of objects) if (o.kind === "Namespace" && o.metadata?.name) defined.add(o.metadata.name);
  const missing = new Map<string, KubeObject>();
  for (const o of objects) {
    if (!kindInfo(o.kind)?.namespaced) continue;
    const ns = nsOf(o);
    if (!defined.has(ns) && !missing.has(ns)) missing.set(ns, o);
  }
  return missing;
}

/** The warning for a namespace michi created (`--create-namespaces`, the default). */
export function namespaceCreated(ns: string, first: KubeObject): Diagnostic {
  return located(first, {
    severity: "warning",
    code: "NamespaceCreated",
    kind: "Namespace",
    name: ns,
    message: `no manifest creates namespace "${ns}" (first used by ${first.kind} ${nsOf(first)}/${first.metadata?.name ?? ""}): created as a cluster admin would before applying; --no-create-namespaces rejects its objects instead`,
  });
}

/** The API server's answer to an object in a namespace that does not exist (`--no-create-namespaces`). */
export function namespaceNotFound(o: KubeObject): Diagnostic {
  return located(o, {
    severity: "error",
    code: "NamespaceNotFound",
    kind: o.kind ?? "",
    namespace: nsOf(o),
    name: o.metadata?.name ?? "",
    message: `namespaces "${nsOf(o)}" not found`,
  });
}

/** What validate reports about namespaces: one warning per created namespace, or one error per object. */
export function namespaceDiagnostics(objects: readonly KubeObject[], create: boolean): Diagnostic[] {
  const missing = missingNamespaces(objects);
  if (create) return [...missing].map(([ns, first]) => namespaceCreated(ns, first));
  return objects
    .filter((o) => kindInfo(o.kind)?.namespaced && missing.has(nsOf(o)))
    .map((o) => namespaceNotFound(o));
}
