/**
 * Namespaces: kubeadm's four, ingress-nginx (michi's ingress controller), and
 * the user's. The API server stamps `kubernetes.io/metadata.name` on every
 * namespace (overriding any user value) and reports it Active with the
 * `kubernetes` finalizer. A user-defined system namespace keeps the user's
 * labels and annotations.
 */

import { keepSource } from "../api/source.js";
import type { Namespace } from "../api/types.js";
import { assignUid } from "./hash.js";
import { LABEL_METADATA_NAME } from "./system-names.js";
import { INGRESS_NAMESPACE, SYSTEM_NAMESPACES, systemNamespace } from "./system-objects.js";

export function deriveNamespaces(user: readonly Namespace[]): Namespace[] {
  const byName = new Map<string, Namespace>();
  for (const name of [...SYSTEM_NAMESPACES, INGRESS_NAMESPACE]) byName.set(name, systemNamespace(name));
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
