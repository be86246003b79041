/**
 * Ingress admission and status: the DefaultIngressClass admission plugin
 * sets spec.ingressClassName on create when exactly one IngressClass is
 * marked default and the Ingress names no class (neither field nor the
 * legacy `kubernetes.io/ingress.class` annotation); michi's controller
 * (ingress-nginx with `--publish-service`) then writes its Service's
 * LoadBalancer address into the status of every Ingress it serves — decided
 * by the same class rule the route table uses (ingress-classes.ts).
 */

import { keepSource } from "../api/source.js";
import type { Ingress, IngressClass, Service } from "../api/types.js";
import {
  classifyIngress,
  DEFAULT_CLASS_ANNOTATION,
  LEGACY_CLASS_ANNOTATION,
  selectClasses,
} from "./ingress-classes.js";
import { shallowCopy } from "./shallow-copy.js";

export function ingressStatus(
  ingresses: readonly Ingress[],
  classes: readonly IngressClass[],
  services: readonly Service[],
): Ingress[] {
  const defaults = classes.filter((c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true");
  const served = selectClasses(classes);
  const controllerSvc = services.find(
    (s) => s.metadata?.namespace === "ingress-nginx" && s.metadata?.name === "ingress-nginx-controller",
  );
  const lbIngress = (controllerSvc?.status?.loadBalancer?.ingress ?? []).map((i) =>
    i.ip ? { ip: i.ip } : { ...i },
  );
  return ingresses.map((i0) => {
    // A copy of what admission and the controller change (the rest is shared: the state is immutable),
    // keeping the source so findings about the Ingress print FILE:LINE.
    const ing: Ingress = keepSource(shallowCopy(i0), i0);
    ing.metadata = shallowCopy(i0.metadata);
    ing.apiVersion = "networking.k8s.io/v1";
    ing.kind = "Ingress";
    const spec = shallowCopy(i0.spec);
    if (
      spec.ingressClassName === undefined &&
      ing.metadata?.annotations?.[LEGACY_CLASS_ANNOTATION] === undefined
    ) {
      const only = defaults.length === 1 ? defaults[0] : undefined;
      if (only?.metadata?.name) spec.ingressClassName = only.metadata.name;
    }
    ing.spec = spec;
    ing.status = {
      loadBalancer: classifyIngress(ing, served).served && lbIngress.length ? { ingress: lbIngress } : {},
    };
    return ing;
  });
}
