/**
 * `-n NS` for commands that take a pod or workload (check, curl, logs), as
 * kubectl reads it: `NAME` is a pod in NS, `KIND/NAME` a workload or
 * service in NS; `NS/NAME`, `KIND/NS/NAME`, IPs and DNS names are already
 * complete. Without -n a bare NAME is in `default`, as before.
 */
import { isIP } from "node:net";

const KIND_WORDS = new Set([
  "pod",
  "pods",
  "po",
  "deployment",
  "deployments",
  "deploy",
  "statefulset",
  "statefulsets",
  "sts",
  "daemonset",
  "daemonsets",
  "ds",
  "replicaset",
  "replicasets",
  "rs",
  "service",
  "services",
  "svc",
]);

/** The reference with its namespace made explicit (see the module header). */
export function qualify(ref: string, namespace: string | undefined): string {
  if (isIP(ref) !== 0) return ref;
  const parts = ref.split("/");
  if (parts.length === 1) {
    // A DNS name (`idp-server.idp-system`) stands for itself.
    if (ref.includes(".")) return ref;
    return namespace === undefined ? ref : `${namespace}/${ref}`;
  }
  if (parts.length === 2 && KIND_WORDS.has((parts[0] ?? "").toLowerCase()))
    return `${parts[0]}/${namespace ?? "default"}/${parts[1]}`;
  return ref;
}
