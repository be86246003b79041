/**
 * Which Ingresses michi's ingress controller serves — the one rule both the
 * Ingress status (ingress-status.ts, here in the cluster model) and the
 * ingress plane (src/ingress: route table, lint, `servedIngresses`) use.
 * ingress-nginx's rules: the Ingress names a class (spec.ingressClassName, or
 * the legacy kubernetes.io/ingress.class annotation) that this controller
 * owns; a class-less Ingress is served when one of the served IngressClasses
 * is marked default (the API server's DefaultIngressClass admission would
 * have set it). Lives in cluster because cluster may not import ingress.
 */
import type { Ingress, IngressClass } from "../api/types.js";

export const NGINX_CONTROLLER = "k8s.io/ingress-nginx";
export const MICHI_CONTROLLER = "michi.dev/ingress";
export const LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class";
export const DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";

export interface ClassOptions {
  /** Serve exactly these class names instead of the default selection. */
  classes?: readonly string[];
}

export interface ClassSelection {
  classes: ReadonlySet<string>;
  /** Name of the served default class, if any. */
  defaultClass?: string;
}

export function selectClasses(
  ingressClasses: readonly IngressClass[],
  options: ClassOptions = {},
): ClassSelection {
  const classes = new Set<string>();
  if (options.classes) for (const c of options.classes) classes.add(c);
  else {
    classes.add("nginx");
    for (const ic of ingressClasses) {
      const ctl = ic.spec?.controller;
      if (ic.metadata?.name && (ctl === NGINX_CONTROLLER || ctl === MICHI_CONTROLLER))
        classes.add(ic.metadata.name);
    }
  }
  const defaults = ingressClasses
    .filter(
      (ic) =>
        ic.metadata?.name &&
        classes.has(ic.metadata.name) &&
        ic.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true",
    )
    .map((ic) => ic.metadata?.name ?? "")
    .sort();
  return defaults[0] !== undefined ? { classes, defaultClass: defaults[0] } : { classes };
}

export interface ClassVerdict {
  served: boolean;
  className?: string;
  reason: string;
}

export function classifyIngress(ing: Ingress, sel: ClassSelection): ClassVerdict {
  const specClass = ing.spec?.ingressClassName;
  const legacy = ing.metadata?.annotations?.[LEGACY_CLASS_ANNOTATION];
  const name = specClass ?? legacy;
  const via = specClass !== undefined ? "spec.ingressClassName" : `annotation ${LEGACY_CLASS_ANNOTATION}`;
  if (name !== undefined) {
    if (sel.classes.has(name))
      return {
        served: true,
        className: name,
        reason: `${via} is ${JSON.stringify(name)}, a class michi serves`,
      };
    return {
      served: false,
      className: name,
      reason: `${via} is ${JSON.stringify(name)}: not a class michi serves (${[...sel.classes].sort().join(", ")}); another controller would handle it`,
    };
  }
  if (sel.defaultClass !== undefined) {
    return {
      served: true,
      className: sel.defaultClass,
      reason: `no class set; IngressClass ${sel.defaultClass} is the default class`,
    };
  }
  return {
    served: false,
    reason: "no class set and no served IngressClass is marked is-default-class: the Ingress is ignored",
  };
}
