/**
 * ingress-nginx annotations (`nginx.ingress.kubernetes.io/…`) read as typed
 * values. Defaults are ingress-nginx's (ssl-redirect true, proxy-body-size 1m,
 * proxy-connect-timeout 5s, send/read 60s, CORS defaults, INGRESSCOOKIE). An
 * invalid value makes the whole Ingress unservable, as ingress-nginx's
 * validating admission webhook would have refused it; snippets are recognised
 * and never executed.
 */
import type { CIDR } from "../api/net.js";
import type { Ingress } from "../api/types.js";
import {
  hasNestedQuantifier,
  type Parsed,
  parseBool,
  parseCIDRList,
  parseEnum,
  parseHeaderValue,
  parseHostPort,
  parseNameList,
  parseNonNegativeInt,
  parseOrigins,
  parsePath,
  parseRedirectCode,
  parseRedirectURL,
  parseRegex,
  parseRewriteTarget,
  parseSize,
  parseToken,
} from "./annotation-values.js";

export const NGINX_PREFIX = "nginx.ingress.kubernetes.io/";

export interface CorsConfig {
  allowOrigin: readonly string[];
  allowMethods: string;
  allowHeaders: string;
  exposeHeaders: string;
  allowCredentials: boolean;
  maxAge: number;
}

export interface AffinityConfig {
  mode: "balanced" | "persistent";
  cookieName: string;
  /** Cookie path; undefined = the location's path (ingress-nginx's default). */
  path?: string;
  maxAge?: number;
  expires?: number;
  sameSite?: "None" | "Lax" | "Strict";
  conditionalSameSiteNone: boolean;
  secure: boolean;
  domain?: string;
  changeOnFailure: boolean;
}

export interface CanaryConfig {
  header?: string;
  headerValue?: string;
  headerPattern?: RegExp;
  cookie?: string;
  weight: number;
  weightTotal: number;
}

/** Per-location behaviour derived from one Ingress's annotations. */
export interface LocationConfig {
  sslRedirect: boolean;
  forceSslRedirect: boolean;
  rewriteTarget?: string;
  useRegex: boolean;
  appRoot?: string;
  redirect?: { url: string; code: number; kind: "permanent" | "temporal" };
  /** Bytes; Infinity = unlimited. */
  proxyBodySize: number;
  connectTimeoutMs: number;
  sendTimeoutMs: number;
  readTimeoutMs: number;
  backendProtocol: "HTTP" | "HTTPS";
  allowSourceRange?: readonly CIDR[];
  denySourceRange?: readonly CIDR[];
  cors?: CorsConfig;
  affinity?: AffinityConfig;
  upstreamVhost?: string;
  xForwardedPrefix?: string;
}

export interface AnnotationProblem {
  annotation: string;
  severity: "error" | "warning";
  code: string;
  message: string;
}

export interface ParsedAnnotations {
  config: LocationConfig;
  /** Present when `canary: "true"`. */
  canary?: CanaryConfig;
  /** Annotations that took effect, with their raw values, in key order. */
  applied: readonly { name: string; value: string }[];
  problems: readonly AnnotationProblem[];
  /** True when an invalid value makes the Ingress unservable. */
  invalid: boolean;
}

export const DEFAULT_CONFIG: LocationConfig = Object.freeze({
  sslRedirect: true,
  forceSslRedirect: false,
  useRegex: false,
  proxyBodySize: 1024 * 1024,
  connectTimeoutMs: 5_000,
  sendTimeoutMs: 60_000,
  readTimeoutMs: 60_000,
  backendProtocol: "HTTP",
}) as LocationConfig;

export const CORS_DEFAULTS: CorsConfig = Object.freeze({
  allowOrigin: Object.freeze(["*"]),
  allowMethods: "GET, PUT, POST, DELETE, PATCH, OPTIONS",
  allowHeaders:
    "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization",
  exposeHeaders: "",
  allowCredentials: true,
  maxAge: 1728000,
}) as CorsConfig;

/** Every annotation michi implements (name without prefix). */
export const SUPPORTED = new Set([
  "ssl-redirect",
  "force-ssl-redirect",
  "rewrite-target",
  "use-regex",
  "app-root",
  "permanent-redirect",
  "permanent-redirect-code",
  "temporal-redirect",
  "temporal-redirect-code",
  "proxy-body-size",
  "proxy-connect-timeout",
  "proxy-send-timeout",
  "proxy-read-timeout",
  "backend-protocol",
  "whitelist-source-range",
  "allowlist-source-range",
  "denylist-source-range",
  "enable-cors",
  "cors-allow-origin",
  "cors-allow-methods",
  "cors-allow-headers",
  "cors-expose-headers",
  "cors-allow-credentials",
  "cors-max-age",
  "affinity",
  "affinity-mode",
  "session-cookie-name",
  "session-cookie-path",
  "session-cookie-max-age",
  "session-cookie-expires",
  "session-cookie-samesite",
  "session-cookie-conditional-samesite-none",
  "session-cookie-secure",
  "session-cookie-domain",
  "session-cookie-change-on-failure",
  "canary",
  "canary-by-header",
  "canary-by-header-value",
  "canary-by-header-pattern",
  "canary-by-cookie",
  "canary-weight",
  "canary-weight-total",
  "upstream-vhost",
  "x-forwarded-prefix",
]);

/** Annotations that would inject raw nginx configuration. Never executed. */
export const SNIPPETS = new Set([
  "configuration-snippet",
  "server-snippet",
  "auth-snippet",
  "stream-snippet",
  "modsecurity-snippet",
]);

/** Parse one Ingress's nginx annotations. Pure. */
const NO_ANNOTATIONS: ParsedAnnotations = Object.freeze({
  config: DEFAULT_CONFIG,
  applied: Object.freeze([]),
  problems: Object.freeze([]),
  invalid: false,
});

export function parseIngressAnnotations(ing: Ingress): ParsedAnnotations {
  const raw = ing.metadata?.annotations ?? {};
  // Most Ingresses carry no nginx annotations: share one frozen result.
  let any = false;
  for (const k in raw) {
    if (k.startsWith(NGINX_PREFIX)) {
      any = true;
      break;
    }
  }
  if (!any) return NO_ANNOTATIONS;
  const get = (name: string): string | undefined => raw[NGINX_PREFIX + name];
  const problems: AnnotationProblem[] = [];
  const applied: { name: string; value: string }[] = [];
  const config: LocationConfig = { ...DEFAULT_CONFIG };

  const take = <T>(name: string, parse: (v: string) => Parsed<T>): T | undefined => {
    const v = get(name);
    if (v === undefined) return undefined;
    const r = parse(v);
    if (!r.ok) {
      problems.push({
        annotation: NGINX_PREFIX + name,
        severity: "error",
        code: "InvalidAnnotation",
        message: r.error,
      });
      return undefined;
    }
    applied.push({ name: NGINX_PREFIX + name, value: v });
    return r.value;
  };

  const sslRedirect = take("ssl-redirect", parseBool);
  if (sslRedirect !== undefined) config.sslRedirect = sslRedirect;
  const force = take("force-ssl-redirect", parseBool);
  if (force !== undefined) config.forceSslRedirect = force;
  const target = take("rewrite-target", parseRewriteTarget);
  if (target !== undefined) config.rewriteTarget = target;
  const useRegex = take("use-regex", parseBool);
  if (useRegex !== undefined) config.useRegex = useRegex;
  const appRoot = take("app-root", parsePath);
  if (appRoot !== undefined) config.appRoot = appRoot;

  // ingress-nginx's redirect parser looks at temporal-redirect first: it wins when both are set.
  const temporal = take("temporal-redirect", parseRedirectURL);
  const temporalCode = take("temporal-redirect-code", parseRedirectCode);
  const permanent = take("permanent-redirect", parseRedirectURL);
  const permanentCode = take("permanent-redirect-code", parseRedirectCode);
  if (temporal !== undefined)
    config.redirect = { url: temporal, code: temporalCode ?? 302, kind: "temporal" };
  else if (permanent !== undefined)
    config.redirect = { url: permanent, code: permanentCode ?? 301, kind: "permanent" };

  const bodySize = take("proxy-body-size", parseSize);
  if (bodySize !== undefined) config.proxyBodySize = bodySize;
  const seconds = (v: string) => parseNonNegativeInt(v, 86_400);
  const ct = take("proxy-connect-timeout", seconds);
  if (ct !== undefined) config.connectTimeoutMs = ct * 1000;
  const st = take("proxy-send-timeout", seconds);
  if (st !== undefined) config.sendTimeoutMs = st * 1000;
  const rt = take("proxy-read-timeout", seconds);
  if (rt !== undefined) config.readTimeoutMs = rt * 1000;

  const proto = take("backend-protocol", (v) =>
    parseEnum(v.toUpperCase(), ["HTTP", "HTTPS", "AUTO_HTTP", "GRPC", "GRPCS", "FCGI"] as const),
  );
  if (proto === "HTTPS") config.backendProtocol = "HTTPS";
  else if (proto === "GRPC" || proto === "GRPCS" || proto === "FCGI") {
    problems.push({
      annotation: `${NGINX_PREFIX}backend-protocol`,
      severity: "warning",
      code: "UnsupportedAnnotationValue",
      message: `backend-protocol ${proto} is not implemented by michi: requests are proxied as HTTP/1.1`,
    });
  }

  // allowlist-source-range is the newer name; ingress-nginx reads it first and falls back to whitelist-.
  const allow =
    take("allowlist-source-range", parseCIDRList) ?? take("whitelist-source-range", parseCIDRList);
  if (allow !== undefined) config.allowSourceRange = allow;
  const deny = take("denylist-source-range", parseCIDRList);
  if (deny !== undefined) config.denySourceRange = deny;

  if (take("enable-cors", parseBool) === true) {
    const cors: CorsConfig = { ...CORS_DEFAULTS };
    const origin = take("cors-allow-origin", parseOrigins);
    if (origin !== undefined) cors.allowOrigin = origin;
    const methods = take("cors-allow-methods", parseNameList);
    if (methods !== undefined) cors.allowMethods = methods;
    const headers = take("cors-allow-headers", parseNameList);
    if (headers !== undefined) cors.allowHeaders = headers;
    const expose = take("cors-expose-headers", parseNameList);
    if (expose !== undefined) cors.exposeHeaders = expose;
    const cred = take("cors-allow-credentials", parseBool);
    if (cred !== undefined) cors.allowCredentials = cred;
    const maxAge = take("cors-max-age", (v) => parseNonNegativeInt(v));
    if (maxAge !== undefined) cors.maxAge = maxAge;
    config.cors = cors;
  }

  if (take("affinity", (v) => parseEnum(v, ["cookie"] as const)) === "cookie") {
    const a: AffinityConfig = {
      mode: take("affinity-mode", (v) => parseEnum(v, ["balanced", "persistent"] as const)) ?? "balanced",
      cookieName: take("session-cookie-name", parseToken) ?? "INGRESSCOOKIE",
      conditionalSameSiteNone: take("session-cookie-conditional-samesite-none", parseBool) ?? false,
      secure: take("session-cookie-secure", parseBool) ?? false,
      changeOnFailure: take("session-cookie-change-on-failure", parseBool) ?? false,
    };
    const path = take("session-cookie-path", parsePath);
    if (path !== undefined) a.path = path;
    const maxAge = take("session-cookie-max-age", (v) => parseNonNegativeInt(v));
    if (maxAge !== undefined) a.maxAge = maxAge;
    const expires = take("session-cookie-expires", (v) => parseNonNegativeInt(v));
    if (expires !== undefined) a.expires = expires;
    const sameSite = take("session-cookie-samesite", (v) =>
      parseEnum(v, ["None", "Lax", "Strict"] as const, true),
    );
    if (sameSite !== undefined) a.sameSite = sameSite;
    const domain = take("session-cookie-domain", parseHostPort);
    if (domain !== undefined) a.domain = domain;
    config.affinity = a;
  }

  const vhost = take("upstream-vhost", parseHostPort);
  if (vhost !== undefined) config.upstreamVhost = vhost;
  const prefix = take("x-forwarded-prefix", (v) =>
    v === "" ? { ok: true as const, value: "" } : parsePath(v),
  );
  if (prefix !== undefined && prefix !== "") config.xForwardedPrefix = prefix;

  let canary: CanaryConfig | undefined;
  if (take("canary", parseBool) === true) {
    canary = {
      weight: 0,
      weightTotal: take("canary-weight-total", (v) => parseNonNegativeInt(v, 1_000_000)) ?? 100,
    };
    const header = take("canary-by-header", parseToken);
    if (header !== undefined) canary.header = header;
    const hv = take("canary-by-header-value", parseHeaderValue);
    if (hv !== undefined) canary.headerValue = hv;
    const hp = take("canary-by-header-pattern", (v) =>
      hasNestedQuantifier(v)
        ? {
            ok: false as const,
            error: `nested quantifiers in ${JSON.stringify(v)} can backtrack without bound on a hostile header`,
          }
        : parseRegex(v),
    );
    if (hp !== undefined) canary.headerPattern = hp;
    const cookie = take("canary-by-cookie", parseToken);
    if (cookie !== undefined) canary.cookie = cookie;
    const weight = take("canary-weight", (v) => parseNonNegativeInt(v, 1_000_000));
    if (weight !== undefined) canary.weight = weight;
    if (canary.weightTotal === 0) {
      problems.push({
        annotation: `${NGINX_PREFIX}canary-weight-total`,
        severity: "error",
        code: "InvalidAnnotation",
        message: "must be greater than 0",
      });
    } else if (canary.weight > canary.weightTotal) {
      problems.push({
        annotation: `${NGINX_PREFIX}canary-weight`,
        severity: "warning",
        code: "CanaryWeightAboveTotal",
        message: `weight ${canary.weight} exceeds canary-weight-total ${canary.weightTotal}: every request goes to the canary`,
      });
    }
  }

  for (const key of Object.keys(raw).sort()) {
    if (!key.startsWith(NGINX_PREFIX)) continue;
    const name = key.slice(NGINX_PREFIX.length);
    if (SUPPORTED.has(name)) continue;
    if (SNIPPETS.has(name)) {
      problems.push({
        annotation: key,
        severity: "warning",
        code: "SnippetNotExecuted",
        message:
          "snippet annotations inject raw nginx configuration; michi never executes them (ingress-nginx disables them by default since v1.9 for the same reason)",
      });
    } else {
      problems.push({
        annotation: key,
        severity: "warning",
        code: "UnsupportedAnnotation",
        message: `michi does not implement ${name}; it is ignored`,
      });
    }
  }

  return {
    config,
    ...(canary ? { canary } : {}),
    applied,
    problems,
    invalid: problems.some((p) => p.severity === "error"),
  };
}
