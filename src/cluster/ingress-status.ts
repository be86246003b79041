/**
 * Ingress admission and status: the DefaultIngressClass admission plugin
 * sets spec.ingressClassName on create when exactly one IngressClass is
 * marked default and the Ingress names no class (neither field nor the
 * legacy `kubernetes.io/ingress.class` annotation); ingress-nginx
 * (`--publish-service`) then writes its Service's LoadBalancer address into
 * the status of every Ingress it serves.
 */
import type { Ingress, IngressClass, Service } from "../api/types.js";
import { INGRESS_CONTROLLER } from "./system-objects.js";

const DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";
const LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class";

/** The class an Ingress asks for: spec.ingressClassName, else the legacy annotation. */
export function ingressClassOf(ing: Ingress): string | undefined {
  return ing.spec?.ingressClassName ?? ing.metadata?.annotations?.[LEGACY_CLASS_ANNOTATION];
}

export function ingressStatus(
  ingresses: readonly Ingress[],
  classes: readonly IngressClass[],
  services: readonly Service[],
): Ingress[] {
  const defaults = classes.filter((c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true");
  const ours = new Set(
    classes.filter((c) => c.spec?.controller === INGRESS_CONTROLLER).map((c) => c.metadata?.name),
  );
  const controllerSvc = services.find(
    (s) => s.metadata?.namespace === "ingress-nginx" && s.metadata?.name === "ingress-nginx-controller",
  );
  const lbIngress = (controllerSvc?.status?.loadBalancer?.ingress ?? []).map((i) =>
    i.ip ? { ip: i.ip } : { ...i },
  );
  return ingresses.map((i0) => {
    const ing: Ingress = structuredClone(i0);
    ing.apiVersion = "networking.k8s.io/v1";
    ing.kind = "Ingress";
    const spec = ing.spec ?? {};
    if (
      spec.ingressClassName === undefined &&
      ing.metadata?.annotations?.[LEGACY_CLASS_ANNOTATION] === undefined
    ) {
      const only = defaults.length === 1 ? defaults[0] : undefined;
      if (only?.metadata?.name) spec.ingressClassName = only.metadata.name;
    }
    ing.spec = spec;
    const cls = ingressClassOf(ing);
    ing.status = {
      loadBalancer: cls !== undefined && ours.has(cls) && lbIngress.length ? { ingress: lbIngress } : {},
    };
    return ing;
  });
}
