/**
 * Service and Ingress lint: selectors that match no pod, targetPorts no
 * selected pod exposes, Ingress backends naming a service or port that does
 * not exist, and TLS secrets that are missing or not of type
 * kubernetes.io/tls. These are the checks that turn a 503 or a default
 * certificate into a line number.
 */
import type { Diagnostic } from "../api/diagnostics.js";
import type { Ingress, IngressBackend, Service } from "../api/types.js";
import type { ClusterState } from "../cluster/state.js";
import { finding } from "./lint-finding.js";
import { podContainerPorts } from "./ports.js";
import { compileSelector } from "./selector.js";

const SYSTEM_ANNOTATION = "michi.dev/system";
const isSystem = (o: { metadata?: { annotations?: Record<string, string> } }) =>
  o.metadata?.annotations?.[SYSTEM_ANNOTATION] !== undefined;

export function lintServices(state: ClusterState): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const svc of state.services) {
    if (isSystem(svc) || svc.spec?.type === "ExternalName" || !svc.spec?.selector) continue;
    const ns = svc.metadata?.namespace ?? "default";
    const sel = compileSelector({ matchLabels: svc.spec.selector });
    const pods = state.index.podsInNamespace(ns).filter((p) => sel.matches(p.metadata?.labels ?? {}));
    if (pods.length === 0) {
      const near = state.index
        .podsInNamespace(ns)
        .flatMap((p) => Object.entries(p.metadata?.labels ?? {}).map(([k, v]) => `${k}=${v}`))
        .filter((l, i, a) => a.indexOf(l) === i)
        .slice(0, 8);
      out.push(
        finding(
          svc,
          "warning",
          "ServiceSelectsNoPods",
          ["spec", "selector"],
          `selector ${sel.text} matches no pod in namespace ${ns}: the service has no endpoints and connections to it are refused`,
          near.length ? `pod labels in ${ns}: ${near.join(", ")}` : `namespace ${ns} has no pods`,
        ),
      );
      continue;
    }
    svc.spec.ports?.forEach((sp, i) => {
      const tp = sp.targetPort ?? sp.port;
      const protocol = sp.protocol ?? "TCP";
      const ports = pods.map((p) => podContainerPorts(p.spec));
      if (typeof tp === "string" && !/^\d+$/.test(tp)) {
        const exposing = ports.filter((ps) =>
          ps.some((cp) => cp.name === tp && (cp.protocol ?? "TCP") === protocol),
        ).length;
        if (exposing === 0) {
          out.push(
            finding(
              svc,
              "error",
              "TargetPortNotFound",
              ["spec", "ports", i, "targetPort"],
              `targetPort ${JSON.stringify(tp)} (${protocol}) is declared by none of the ${pods.length} selected pods: the port has no endpoints`,
              `declared ports: ${[...new Set(ports.flat().map((cp) => `${cp.name ?? "(unnamed)"}=${cp.containerPort}/${cp.protocol ?? "TCP"}`))].join(", ") || "none"}`,
            ),
          );
        }
        return;
      }
      const num = Number(tp);
      // containerPort declarations are informational, so an undeclared number still
      // works if the process listens — but nothing in the manifests says it does.
      if (
        ports.some((ps) => ps.length > 0) &&
        !ports.some((ps) => ps.some((cp) => cp.containerPort === num && (cp.protocol ?? "TCP") === protocol))
      ) {
        out.push(
          finding(
            svc,
            "warning",
            "TargetPortNotExposed",
            ["spec", "ports", i, "targetPort"],
            `targetPort ${num}/${protocol} is not a containerPort of any selected pod`,
            `selected pods declare ${[...new Set(ports.flat().map((cp) => `${cp.containerPort}/${cp.protocol ?? "TCP"}`))].join(", ")}`,
          ),
        );
      }
    });
  }
  return out;
}

function lintBackend(
  ing: Ingress,
  b: IngressBackend,
  path: (string | number)[],
  state: ClusterState,
  out: Diagnostic[],
): void {
  if (!b.service) return;
  const ns = ing.metadata?.namespace ?? "default";
  const svc: Service | undefined = state.index.service(ns, b.service.name);
  if (!svc) {
    const names = state.services
      .filter((s) => (s.metadata?.namespace ?? "default") === ns)
      .map((s) => s.metadata?.name);
    out.push(
      finding(
        ing,
        "error",
        "IngressBackendNotFound",
        [...path, "service", "name"],
        `service ${ns}/${b.service.name} does not exist: requests routed here get 503`,
        names.length ? `services in ${ns}: ${names.join(", ")}` : `namespace ${ns} has no services`,
      ),
    );
    return;
  }
  const port = b.service.port;
  if (!port) return;
  const ports = svc.spec?.ports ?? [];
  const ok =
    port.name !== undefined
      ? ports.some((p) => p.name === port.name)
      : ports.some((p) => p.port === port.number);
  if (!ok) {
    out.push(
      finding(
        ing,
        "error",
        "IngressBackendPortNotFound",
        [...path, "service", "port", port.name !== undefined ? "name" : "number"],
        `service ${ns}/${b.service.name} has no port ${port.name ?? port.number}: requests routed here get 503`,
        `service ports: ${ports.map((p) => (p.name ? `${p.name} (${p.port})` : String(p.port))).join(", ") || "none"}`,
      ),
    );
  }
}

export function lintIngresses(state: ClusterState): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const ing of state.ingresses) {
    if (isSystem(ing)) continue;
    const ns = ing.metadata?.namespace ?? "default";
    if (ing.spec?.defaultBackend)
      lintBackend(ing, ing.spec.defaultBackend, ["spec", "defaultBackend"], state, out);
    ing.spec?.rules?.forEach((r, i) => {
      r.http?.paths.forEach((p, j) => {
        lintBackend(ing, p.backend, ["spec", "rules", i, "http", "paths", j, "backend"], state, out);
      });
    });
    ing.spec?.tls?.forEach((t, i) => {
      if (!t.secretName) return;
      const secret = state.index.secret(ns, t.secretName);
      if (!secret) {
        out.push(
          finding(
            ing,
            "error",
            "TLSSecretNotFound",
            ["spec", "tls", i, "secretName"],
            `TLS secret ${ns}/${t.secretName} does not exist: the controller serves its default (self-signed, wrong-host) certificate for ${(t.hosts ?? []).join(", ") || "these hosts"}`,
            `create it: kubectl create secret tls ${t.secretName} -n ${ns} --cert=tls.crt --key=tls.key`,
          ),
        );
      } else if ((secret.type ?? "Opaque") !== "kubernetes.io/tls") {
        out.push(
          finding(
            ing,
            "error",
            "TLSSecretWrongType",
            ["spec", "tls", i, "secretName"],
            `secret ${ns}/${t.secretName} has type ${secret.type ?? "Opaque"}, not kubernetes.io/tls: the controller ignores it and serves its default certificate`,
            "recreate it with `kubectl create secret tls` (type kubernetes.io/tls, keys tls.crt and tls.key)",
          ),
        );
      }
    });
  }
  return out;
}
