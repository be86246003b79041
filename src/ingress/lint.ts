/**
 * lintIngressAnnotations: what `michi lint` says about Ingress annotations
 * and routing — invalid or unsupported nginx annotations, snippets (never
 * executed), merge conflicts, canaries without a main Ingress, the regex
 * quirk spreading to other Ingresses on a host, and the AWS Load Balancer
 * Controller's `alb.ingress.kubernetes.io/*` annotations explained, and an
 * Ingress no controller serves (no class, no default IngressClass).
 */
import type { Diagnostic } from "../api/diagnostics.js";
import type { Ingress } from "../api/types.js";
import { LEGACY_CLASS_ANNOTATION } from "../cluster/ingress-classes.js";
import type { ClusterState } from "../cluster/state.js";
import { NGINX_PREFIX } from "./annotations.js";
import { type ClassOptions, classifyIngress, selectClasses } from "./ingress-class.js";
import { compileRoutes, ingressDiagnostic } from "./route-table.js";
import type { Location } from "./route-types.js";

const ALB_PREFIX = "alb.ingress.kubernetes.io/";

/** What each ALB annotation does on AWS, and how michi relates to it. */
function explainAlb(name: string, value: string): string {
  switch (name) {
    case "ssl-redirect":
      return `on AWS the ALB answers HTTP with a 301 redirect to HTTPS port ${value}; ingress-nginx's equivalent is nginx.ingress.kubernetes.io/ssl-redirect (308, on by default for hosts with TLS)`;
    case "listen-ports":
      return `the ALB listens on ${value}; michi's controller listens on its --http/--https addresses (ports come from the controller, not the Ingress)`;
    case "healthcheck-path":
      return `the ALB health-checks targets at ${value}; ingress-nginx has no per-Ingress health check — it sends traffic to endpoints the EndpointSlice marks ready (readiness probes)`;
    case "scheme":
      return `${value}: whether AWS provisions a public or internal load balancer — cloud-only, no effect locally`;
    case "target-type":
      return `${value}: ALB targets pod IPs (ip) or NodePorts (instance) — cloud-only; ingress-nginx always targets pod IPs`;
    case "certificate-arn":
      return "TLS certificates come from AWS ACM — cloud-only; ingress-nginx takes certificates from kubernetes.io/tls Secrets named in spec.tls";
    default:
      return "AWS Load Balancer Controller setting — cloud-only, no effect in michi";
  }
}

function hasPrefix(ing: Ingress, prefix: string): boolean {
  return Object.keys(ing.metadata?.annotations ?? {}).some((k) => k.startsWith(prefix));
}

export function lintIngressAnnotations(state: ClusterState, options: ClassOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const table = compileRoutes(state, options);
  // TLS secret existence is checked by the Service/Ingress lint; keep the rest of the compile findings.
  for (const d of table.diagnostics)
    if (!(d.code === "TLSSecretProblem" && /not found/.test(d.message))) out.push(d);

  const sel = selectClasses(state.ingressClasses, options);
  for (const ing of state.ingresses) {
    const v = classifyIngress(ing, sel);
    const classless =
      ing.spec?.ingressClassName === undefined &&
      ing.metadata?.annotations?.[LEGACY_CLASS_ANNOTATION] === undefined;
    if (!v.served && classless) {
      // No class and no default class: no controller serves it, annotations or not (route explains the same).
      const ignored = hasPrefix(ing, NGINX_PREFIX) ? "; its nginx annotations have no effect either" : "";
      const d = ingressDiagnostic(
        ing,
        "warning",
        "NoIngressController",
        `no controller serves this Ingress: ${v.reason}${ignored}`,
        ["spec"],
      );
      d.suggestion =
        'set spec.ingressClassName: nginx (the IngressClass michi serves), or mark an IngressClass with ingressclass.kubernetes.io/is-default-class: "true"';
      out.push(d);
    } else if (!v.served && hasPrefix(ing, NGINX_PREFIX)) {
      out.push(
        ingressDiagnostic(
          ing,
          "warning",
          "AnnotationsIgnored",
          `nginx annotations have no effect: ${v.reason}`,
          ["metadata", "annotations"],
        ),
      );
    }
    for (const [key, value] of Object.entries(ing.metadata?.annotations ?? {}).sort(([a], [b]) =>
      a < b ? -1 : 1,
    )) {
      if (!key.startsWith(ALB_PREFIX)) continue;
      const name = key.slice(ALB_PREFIX.length);
      const d = ingressDiagnostic(
        ing,
        "warning",
        "CloudOnlyAnnotation",
        `${key}: ${explainAlb(name, value)}`,
        ["metadata", "annotations", key],
      );
      if (name === "ssl-redirect")
        d.suggestion = `for ingress-nginx: nginx.ingress.kubernetes.io/ssl-redirect: "true" with a spec.tls entry for the host`;
      out.push(d);
    }
  }

  out.push(...lintRewriteDropsPath(state, table.servers.values()));

  // The regex quirk: one Ingress's use-regex/rewrite-target changes how another Ingress's paths on the host match.
  const byHost = new Map<string, Set<string>>();
  for (const [host, srv] of table.servers) {
    if (!srv.regexMode) continue;
    const owners = new Set<string>();
    for (const l of srv.ordered)
      if (
        l.ingress &&
        (l.config.useRegex || (l.config.rewriteTarget !== undefined && l.config.rewriteTarget !== l.path))
      )
        owners.add(`${l.ingress.namespace}/${l.ingress.name}`);
    for (const l of srv.ordered) {
      if (!l.ingress) continue;
      const id = `${l.ingress.namespace}/${l.ingress.name}`;
      if (owners.has(id)) continue;
      const seen = byHost.get(host) ?? new Set<string>();
      if (seen.has(id)) continue;
      seen.add(id);
      byHost.set(host, seen);
      const ing = state.ingresses.find(
        (i) =>
          (i.metadata?.namespace ?? "default") === l.ingress?.namespace &&
          i.metadata?.name === l.ingress?.name,
      );
      if (ing) {
        out.push(
          ingressDiagnostic(
            ing,
            "warning",
            "RegexModeQuirk",
            `host ${host}: ${[...owners].join(", ")} uses use-regex or rewrite-target, so ingress-nginx matches every path of this host — including this Ingress's — as a case-insensitive regex prefix (~* "^path"); Exact paths stop being exact`,
            ["spec", "rules"],
          ),
        );
      }
    }
  }
  return out;
}

/**
 * `rewrite-target` without a capture group (`$1`…) replaces the WHOLE matched
 * path: with `path: /api` and `rewrite-target: /`, `/api/users` reaches the
 * backend as `/`. ingress-nginx's docs show the intended form with a capture
 * group; the course's my-app example has exactly this problem.
 */
function lintRewriteDropsPath(
  state: ClusterState,
  servers: Iterable<{ host: string; ordered: readonly Location[] }>,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const srv of servers) {
    for (const l of srv.ordered) {
      const target = l.config.rewriteTarget;
      if (!l.ingress || target === undefined || /\$\d/.test(target) || l.pathType === "Exact") continue;
      if (l.config.useRegex) continue; // a regex author chose what the match covers
      // ingress-nginx rewrites only when the target differs from the path (needsRewrite in its template).
      if (target === l.path) continue;
      const key = `${l.ingress.namespace}/${l.ingress.name}|${l.field}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const ing = state.ingresses.find(
        (i) =>
          (i.metadata?.namespace ?? "default") === l.ingress?.namespace &&
          i.metadata?.name === l.ingress?.name,
      );
      if (!ing) continue;
      const sample = `${l.path.replace(/\/$/, "")}/users/42`;
      const d = ingressDiagnostic(
        ing,
        "warning",
        "RewriteDropsPath",
        `rewrite-target ${JSON.stringify(target)} has no capture group, so every request under ${JSON.stringify(l.path)} reaches the backend as ${JSON.stringify(target)} (${sample} → ${target}); the rest of the path is lost`,
        ["metadata", "annotations", `${NGINX_PREFIX}rewrite-target`],
      );
      d.suggestion = `to strip the prefix, capture the rest: path: ${l.path.replace(/\/$/, "")}(/|$)(.*) (pathType: ImplementationSpecific) with rewrite-target: /$2`;
      out.push(d);
    }
  }
  return out;
}
