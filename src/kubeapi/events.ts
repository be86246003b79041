/**
 * Events (core/v1) for what michi's controllers do, so `kubectl describe` and
 * `kubectl get events` show them as on a cluster: a pod scheduled to its node
 * (default-scheduler `Scheduled`), a ReplicaSet creating and deleting pods
 * (`SuccessfulCreate`, `SuccessfulDelete`), a LoadBalancer address assigned
 * (`IPAllocated`), and a write the API refused (`Warning` `FailedValidation`
 * on the object, when it exists).
 */
import { randomBytes } from "node:crypto";
import type { KubeObject } from "../api/types.js";
import type { Registry, RegistryEvent } from "./registry.js";
import { groupVersion, RESOURCES } from "./resources.js";

const EVENT = RESOURCES.find((r) => r.kind === "Event");

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, "Z");
}

export function recordEvent(
  registry: Registry,
  involved: KubeObject,
  type: "Normal" | "Warning",
  reason: string,
  message: string,
  component: string,
): void {
  if (!EVENT) return;
  const ns = involved.metadata?.namespace ?? "default";
  const name = `${involved.metadata?.name ?? "object"}.${randomBytes(8).toString("hex")}`;
  const t = now();
  registry.record(EVENT, {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name, namespace: ns, creationTimestamp: t },
    involvedObject: {
      apiVersion: involved.apiVersion,
      kind: involved.kind,
      name: involved.metadata?.name,
      namespace: involved.metadata?.namespace,
      uid: involved.metadata?.uid,
      resourceVersion: involved.metadata?.resourceVersion,
    },
    reason,
    message,
    source: { component },
    firstTimestamp: t,
    lastTimestamp: t,
    count: 1,
    type,
    eventTime: null,
    reportingComponent: component,
    reportingInstance: "",
  });
}

type M = Record<string, unknown>;

/** Derives the controllers' Events from one snapshot's changes. */
export function controllerEvents(registry: Registry, changes: readonly RegistryEvent[]): void {
  for (const ev of changes) {
    const o = ev.object;
    if (ev.resource.kind === "Pod") {
      const owner = o.metadata?.ownerReferences?.[0];
      const ownerObj = owner
        ? registry.get(`${owner.kind}/${o.metadata?.namespace ?? "default"}/${owner.name}`)?.object
        : undefined;
      if (ev.type === "ADDED") {
        const node = (o.spec as M | undefined)?.nodeName;
        if (node) {
          recordEvent(
            registry,
            o,
            "Normal",
            "Scheduled",
            `Successfully assigned ${o.metadata?.namespace}/${o.metadata?.name} to ${String(node)}`,
            "default-scheduler",
          );
        }
        if (ownerObj && owner?.kind === "ReplicaSet") {
          recordEvent(
            registry,
            ownerObj,
            "Normal",
            "SuccessfulCreate",
            `Created pod: ${o.metadata?.name}`,
            "replicaset-controller",
          );
        }
      } else if (ev.type === "DELETED" && ownerObj && owner?.kind === "ReplicaSet") {
        recordEvent(
          registry,
          ownerObj,
          "Normal",
          "SuccessfulDelete",
          `Deleted pod: ${o.metadata?.name}`,
          "replicaset-controller",
        );
      }
    } else if (ev.resource.kind === "Service") {
      const ingress = ((o.status as M | undefined)?.loadBalancer as M | undefined)?.ingress as
        | { ip?: string }[]
        | undefined;
      const ip = ingress?.[0]?.ip;
      if (ip && ev.type !== "DELETED") {
        const before = registry
          .eventsFor(o)
          .some((e) => e.reason === "IPAllocated" && String(e.message).includes(ip));
        if (!before)
          recordEvent(registry, o, "Normal", "IPAllocated", `Assigned IP ["${ip}"]`, "michi-lb-ipam");
      }
    }
  }
  void groupVersion;
}
