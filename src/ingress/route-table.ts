/**
 * compileRoutes: the served Ingresses → an immutable RouteTable, computed the
 * way ingress-nginx builds nginx.conf:
 *  - Ingresses sorted oldest first (creationTimestamp, then namespace/name);
 *    the first to claim a host/path wins, later ones get a warning.
 *  - one server per host (+ the catch-all "_" for host-less rules and
 *    spec.defaultBackend); each server has a root location that goes to the
 *    controller's default backend (404) unless an Ingress claims "/", or the
 *    Ingress that created the server has a spec.defaultBackend.
 *  - Prefix paths become an exact location plus a "path/" prefix location
 *    (element-wise matching); ImplementationSpecific paths are nginx string
 *    prefixes; Exact paths are `= path`.
 *  - if any path of a host uses use-regex or rewrite-target, every location
 *    of that host becomes a case-insensitive regex `~* "^path"` tried longest
 *    first (ingress-nginx's enforceRegexModifier quirk).
 * Pure: no I/O.
 */
import { X509Certificate } from "node:crypto";
import type { Diagnostic } from "../api/diagnostics.js";
import { formatFieldPath } from "../api/diagnostics.js";
import { sourceOf } from "../api/source.js";
import type { Ingress, IngressBackend, PathType } from "../api/types.js";
import type { ClusterState } from "../cluster/state.js";
import { hasNestedQuantifier } from "./annotation-values.js";
import { DEFAULT_CONFIG, type ParsedAnnotations, parseIngressAnnotations } from "./annotations.js";
import { resolveBackend } from "./backends.js";
import { type ClassOptions, classifyIngress, selectClasses } from "./ingress-class.js";
import type {
  BackendRef,
  IngressRef,
  Location,
  RouteTable,
  ServedIngress,
  Server,
  ServerTLS,
} from "./route-types.js";

export type CompileOptions = ClassOptions;

interface RawLocation extends Location {
  order: number;
}

interface ServerBuild {
  host: string;
  locations: RawLocation[];
  /** `pathType path` → index in locations: conflict checks stay O(1) per path. */
  byKey: Map<string, number>;
  creator?: IngressRef;
  tls?: ServerTLS;
}

export const CATCH_ALL = "_";

export function ingressDiagnostic(
  ing: Ingress,
  severity: "error" | "warning",
  code: string,
  message: string,
  path: readonly (string | number)[] = [],
): Diagnostic {
  const d: Diagnostic = {
    severity,
    code,
    message,
    kind: "Ingress",
    namespace: ing.metadata?.namespace ?? "default",
    name: ing.metadata?.name ?? "",
  };
  if (path.length > 0) d.field = formatFieldPath(path);
  const src = sourceOf(ing);
  if (src) {
    d.file = src.file;
    const pos = path.length > 0 ? src.locate(path) : { line: src.line, col: src.col };
    d.line = pos.line;
    d.col = pos.col;
  }
  return d;
}

function refOf(ing: Ingress): IngressRef {
  return { namespace: ing.metadata?.namespace ?? "default", name: ing.metadata?.name ?? "" };
}

/** Oldest first, with the sort keys computed once (Date.parse per comparison is the hot spot at 10k Ingresses). */
function sortIngresses(list: readonly Ingress[]): Ingress[] {
  const keyed = list.map((ing) => {
    const t = Date.parse(ing.metadata?.creationTimestamp ?? "");
    return {
      ing,
      t: Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t,
      k: `${ing.metadata?.namespace ?? "default"}/${ing.metadata?.name ?? ""}`,
    };
  });
  keyed.sort((a, b) => (a.t !== b.t ? (a.t < b.t ? -1 : 1) : a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((x) => x.ing);
}

export function compileRoutes(state: ClusterState, options: CompileOptions = {}): RouteTable {
  const sel = selectClasses(state.ingressClasses, options);
  const diagnostics: Diagnostic[] = [];
  const verdicts: ServedIngress[] = [];
  const mains: { ing: Ingress; ann: ParsedAnnotations }[] = [];
  const canaries: { ing: Ingress; ann: ParsedAnnotations }[] = [];

  for (const ing of sortIngresses(state.ingresses)) {
    const ref = { ...refOf(ing), hosts: (ing.spec?.rules ?? []).map((r) => (r.host ?? "").toLowerCase()) };
    const v = classifyIngress(ing, sel);
    if (!v.served) {
      verdicts.push({
        ...ref,
        ...(v.className !== undefined ? { className: v.className } : {}),
        served: false,
        reason: v.reason,
      });
      continue;
    }
    const ann = parseIngressAnnotations(ing);
    for (const p of ann.problems)
      diagnostics.push(
        ingressDiagnostic(ing, p.severity, p.code, `${p.annotation}: ${p.message}`, [
          "metadata",
          "annotations",
          p.annotation,
        ]),
      );
    if (ann.invalid) {
      verdicts.push({
        ...ref,
        ...(v.className !== undefined ? { className: v.className } : {}),
        served: false,
        reason: "an annotation has an invalid value (ingress-nginx's admission webhook would reject it)",
      });
      continue;
    }
    verdicts.push({
      ...ref,
      ...(v.className !== undefined ? { className: v.className } : {}),
      served: true,
      reason: v.reason,
    });
    (ann.canary ? canaries : mains).push({ ing, ann });
  }

  const servers = new Map<string, ServerBuild>();
  let order = 0;
  const defaultRoot = (): RawLocation => ({
    path: "/",
    pathType: "Prefix",
    field: "",
    isDefault: true,
    config: DEFAULT_CONFIG,
    annotations: [],
    order: order++,
  });
  const newServer = (host: string, root: RawLocation, creator?: IngressRef): ServerBuild => ({
    host,
    locations: [root],
    byKey: new Map([["root", 0]]),
    ...(creator ? { creator } : {}),
  });
  servers.set(CATCH_ALL, newServer(CATCH_ALL, defaultRoot()));

  // Many paths share a backend: resolve each (namespace, service, port) once per compile.
  const backendCache = new Map<string, BackendRef | undefined>();
  const backendFor = (
    ing: Ingress,
    b: IngressBackend,
    path: () => readonly (string | number)[],
  ): BackendRef | undefined => {
    const ns = refOf(ing).namespace;
    const key = b.service
      ? `${ns}/${b.service.name}/${b.service.port?.number ?? ""}/${b.service.port?.name ?? ""}`
      : "";
    let r: BackendRef | undefined;
    if (key && backendCache.has(key)) r = backendCache.get(key);
    else {
      r = resolveBackend(state, ns, b);
      if (key) backendCache.set(key, r);
    }
    if (!r)
      diagnostics.push(
        ingressDiagnostic(
          ing,
          "warning",
          "UnsupportedBackend",
          "resource backends are not supported by ingress-nginx; the default backend answers",
          path(),
        ),
      );
    return r;
  };

  for (const { ing, ann } of mains) {
    const ref = refOf(ing);
    const spec = ing.spec ?? {};
    let ingDefault: BackendRef | undefined;
    if (spec.defaultBackend) {
      ingDefault = backendFor(ing, spec.defaultBackend, () => ["spec", "defaultBackend"]);
      const catchAll = servers.get(CATCH_ALL);
      const root = catchAll?.locations[0];
      if (ingDefault && (spec.rules ?? []).length === 0 && catchAll && root?.isDefault) {
        // ingress-nginx: an Ingress with a backend and no rules configures the catch-all server.
        catchAll.locations[0] = {
          ...root,
          ingress: ref,
          field: "spec.defaultBackend",
          backend: ingDefault,
          isDefault: false,
          config: ann.config,
          annotations: ann.applied,
        };
      } else if (ingDefault && (spec.rules ?? []).length === 0) {
        diagnostics.push(
          ingressDiagnostic(
            ing,
            "warning",
            "DefaultBackendConflict",
            "another (older) Ingress already provides the catch-all default backend; this one is ignored",
            ["spec", "defaultBackend"],
          ),
        );
      }
    }
    (spec.rules ?? []).forEach((rule, ri) => {
      const host = rule.host ? rule.host.toLowerCase() : CATCH_ALL;
      let server = servers.get(host);
      if (!server) {
        const root = defaultRoot();
        if (ingDefault) {
          Object.assign(root, {
            ingress: ref,
            field: "spec.defaultBackend",
            backend: ingDefault,
            config: ann.config,
            annotations: ann.applied,
          });
        }
        server = newServer(host, root, ref);
        servers.set(host, server);
      }
      (rule.http?.paths ?? []).forEach((p, pi) => {
        // Field paths are built only when a diagnostic needs them (10 000 paths compile in one pass).
        const field = (): (string | number)[] => ["spec", "rules", ri, "http", "paths", pi];
        const path = p.path ?? "/";
        const pathType: PathType = p.pathType ?? "ImplementationSpecific";
        const backend = backendFor(ing, p.backend, () => [...field(), "backend"]);
        const loc: RawLocation = {
          ingress: ref,
          path,
          pathType,
          field: `spec.rules[${ri}].http.paths[${pi}]`,
          isDefault: false,
          config: ann.config,
          annotations: ann.applied,
          order: order++,
          ...(backend ? { backend } : {}),
        };
        const srv = server as ServerBuild;
        const key = `${pathType} ${path}`;
        // "/" (Prefix or ImplementationSpecific) replaces the server's default root location.
        const rootKey =
          path === "/" && pathType !== "Exact" && srv.locations[0]?.isDefault ? "root" : undefined;
        const clash = rootKey !== undefined ? 0 : (srv.byKey.get(key) ?? -1);
        const existing = clash >= 0 ? srv.locations[clash] : undefined;
        if (existing && !existing.isDefault) {
          const owner = existing.ingress ? `${existing.ingress.namespace}/${existing.ingress.name}` : "?";
          diagnostics.push(
            ingressDiagnostic(
              ing,
              "warning",
              "PathConflict",
              `host ${host === CATCH_ALL ? "(any)" : host} path ${path} (${pathType}) is already defined by older Ingress ${owner}; this path is ignored`,
              field(),
            ),
          );
          return;
        }
        if (existing) srv.locations[clash] = loc;
        else {
          srv.byKey.set(key, srv.locations.length);
          srv.locations.push(loc);
        }
        if (rootKey !== undefined) srv.byKey.set(key, 0);
      });
    });
  }

  // TLS: the first Ingress (oldest) with a rule for the host whose tls section covers it.
  for (const { ing } of mains) {
    for (const rule of ing.spec?.rules ?? []) {
      if (!rule.host) continue;
      const host = rule.host.toLowerCase();
      const server = servers.get(host);
      if (!server || server.tls) continue;
      const tls = tlsForHost(state, ing, host, diagnostics);
      if (tls) server.tls = tls;
    }
  }

  // Canaries attach to the main location with the same host, path and pathType.
  for (const { ing, ann } of canaries) {
    const canaryCfg = ann.canary;
    if (!canaryCfg) continue;
    (ing.spec?.rules ?? []).forEach((rule, ri) => {
      const host = rule.host ? rule.host.toLowerCase() : CATCH_ALL;
      (rule.http?.paths ?? []).forEach((p, pi) => {
        const field = ["spec", "rules", ri, "http", "paths", pi];
        const path = p.path ?? "/";
        const pathType = p.pathType ?? "ImplementationSpecific";
        const sb = servers.get(host);
        const idx = sb?.byKey.get(`${pathType} ${path}`);
        const main = idx !== undefined ? sb?.locations[idx] : undefined;
        const backend = backendFor(ing, p.backend, () => [...field, "backend"]);
        if (!main || !backend) {
          diagnostics.push(
            ingressDiagnostic(
              ing,
              "warning",
              "CanaryWithoutMain",
              `canary has no main Ingress for host ${rule.host ?? "(any)"} path ${path} (${pathType}); ingress-nginx ignores it`,
              field,
            ),
          );
          return;
        }
        if (main.canary) {
          diagnostics.push(
            ingressDiagnostic(
              ing,
              "warning",
              "CanaryConflict",
              "an older canary already targets this path; ignored",
              field,
            ),
          );
          return;
        }
        main.canary = { ingress: refOf(ing), backend, config: canaryCfg };
      });
    });
  }

  const finished = new Map<string, Server>();
  const wildcards = new Map<string, Server>();
  for (const [host, b] of servers) {
    const srv = finishServer(b, diagnostics);
    if (host.startsWith("*.")) wildcards.set(host.slice(2), srv);
    else finished.set(host, srv);
  }
  const catchAll = finished.get(CATCH_ALL) as Server;
  finished.delete(CATCH_ALL);
  return Object.freeze({
    servers: finished,
    wildcards,
    catchAll,
    ingresses: verdicts,
    diagnostics,
    classes: [...sel.classes].sort(),
  });
}

function needsRewrite(l: Location): boolean {
  return l.config.rewriteTarget !== undefined && l.config.rewriteTarget !== l.path;
}

function finishServer(b: ServerBuild, diagnostics: Diagnostic[]): Server {
  for (const l of b.locations) {
    if (l.ingress)
      l.rule = {
        host: b.host === CATCH_ALL ? "" : b.host,
        path: l.path,
        pathType: l.pathType,
        field: l.field,
      };
  }
  const regexMode = b.locations.some((l) => needsRewrite(l) || l.config.useRegex);
  const exact = new Map<string, Location>();
  const prefixes = new Map<string, Location>();
  const ordered: Location[] = [];
  const withRewrite = (l: RawLocation): Location => {
    if (!needsRewrite(l)) return l;
    try {
      return { ...l, rewriteRegex: new RegExp(l.path, "i") };
    } catch {
      return l;
    }
  };
  if (regexMode) {
    const entries: { path: string; loc: Location }[] = [];
    for (const raw of b.locations) {
      let re: RegExp;
      try {
        re = new RegExp(`^${raw.path}`, "i");
      } catch (e) {
        diagnostics.push({
          severity: "error",
          code: "InvalidPathRegex",
          message: `path ${JSON.stringify(raw.path)} is not a valid regular expression (${(e as Error).message}); the location is skipped`,
          kind: "Ingress",
          ...(raw.ingress ? { namespace: raw.ingress.namespace, name: raw.ingress.name } : {}),
          field: raw.field,
        });
        continue;
      }
      if (hasNestedQuantifier(raw.path)) {
        diagnostics.push({
          severity: "error",
          code: "RegexBacktracking",
          message: `path ${JSON.stringify(raw.path)} has nested quantifiers: a hostile request path could make the match take exponential time; the location is skipped`,
          kind: "Ingress",
          ...(raw.ingress ? { namespace: raw.ingress.namespace, name: raw.ingress.name } : {}),
          field: raw.field,
        });
        continue;
      }
      const loc = { ...withRewrite(raw), regex: re };
      // updateServerLocations: a plain Prefix location becomes "path/" plus an exact "path".
      if (raw.pathType === "Prefix" && raw.path !== "/" && !needsRewrite(raw) && !raw.config.useRegex) {
        const norm = raw.path.endsWith("/") ? raw.path : `${raw.path}/`;
        entries.push({ path: norm, loc: { ...loc, regex: new RegExp(`^${norm}`, "i") } });
      }
      entries.push({ path: raw.path, loc });
    }
    // ingress-nginx sorts locations by path (descending), then stably by length (descending).
    entries.sort((x, y) => (x.path < y.path ? 1 : x.path > y.path ? -1 : 0));
    entries.sort((x, y) => y.path.length - x.path.length);
    for (const e of entries) ordered.push(e.loc);
  } else {
    const sorted = [...b.locations].sort((x, y) => x.order - y.order);
    for (const l of sorted) if (l.pathType === "Exact" && !exact.has(l.path)) exact.set(l.path, l);
    for (const l of sorted) {
      if (l.pathType === "Exact") continue;
      if (l.pathType === "Prefix" && l.path !== "/") {
        // Element-wise Prefix (the Ingress spec): "/aaa/bbb/" and "/aaa/bbb" both match /aaa/bbb and /aaa/bbb/…
        const trimmed = l.path.replace(/\/+$/, "") || "/";
        if (!exact.has(trimmed)) exact.set(trimmed, l);
        const key = trimmed === "/" ? "/" : `${trimmed}/`;
        if (!prefixes.has(key)) prefixes.set(key, l);
      } else if (!prefixes.has(l.path)) prefixes.set(l.path, l);
    }
    ordered.push(...sorted);
  }
  const lengths = [...new Set([...prefixes.keys()].map((k) => k.length))].sort((x, y) => y - x);
  const srv: Server = {
    host: b.host,
    exact,
    prefixes,
    prefixLengths: lengths,
    regexMode,
    ordered,
    ...(b.tls ? { tls: b.tls } : {}),
  };
  return Object.freeze(srv);
}

function tlsForHost(
  state: ClusterState,
  ing: Ingress,
  host: string,
  diagnostics: Diagnostic[],
): ServerTLS | undefined {
  const ns = refOf(ing).namespace;
  const entries = ing.spec?.tls ?? [];
  const named = entries.findIndex((t) => (t.hosts ?? []).some((h) => h.toLowerCase() === host));
  const candidates = named >= 0 ? [named] : entries.map((_, i) => i);
  for (const i of candidates) {
    const t = entries[i];
    if (!t) continue;
    const field = ["spec", "tls", i, "secretName"];
    if (!t.secretName) {
      if (named >= 0) return { problem: "tls entry has no secretName: the default certificate is served" };
      continue;
    }
    const secret = state.index.secret(ns, t.secretName);
    const id = `${ns}/${t.secretName}`;
    const fail = (msg: string): ServerTLS | undefined => {
      if (named < 0) return undefined;
      diagnostics.push(
        ingressDiagnostic(
          ing,
          "warning",
          "TLSSecretProblem",
          `${msg}; the default (fake) certificate is served for ${host}`,
          field,
        ),
      );
      return { problem: msg };
    };
    if (!secret) {
      const r = fail(`secret ${id} not found`);
      if (r) return r;
      continue;
    }
    const crtB64 = secret.data?.["tls.crt"];
    const keyB64 = secret.data?.["tls.key"];
    const cert =
      crtB64 !== undefined ? Buffer.from(crtB64, "base64").toString("utf8") : secret.stringData?.["tls.crt"];
    const key =
      keyB64 !== undefined ? Buffer.from(keyB64, "base64").toString("utf8") : secret.stringData?.["tls.key"];
    if (!cert || !key) {
      const r = fail(`secret ${id} has no tls.crt/tls.key`);
      if (r) return r;
      continue;
    }
    let x509: X509Certificate;
    try {
      x509 = new X509Certificate(cert);
    } catch (e) {
      const r = fail(`secret ${id}: tls.crt is not a PEM certificate (${(e as Error).message})`);
      if (r) return r;
      continue;
    }
    const probe = host.startsWith("*.") ? `wildcard-probe.${host.slice(2)}` : host;
    if (x509.checkHost(probe) === undefined) {
      // ingress-nginx: "ssl certificate … does not contain a Common Name or Subject Alternative Name for server"
      const r = fail(`certificate in secret ${id} does not cover ${host}`);
      if (r) return r;
      continue;
    }
    return { secret: id, cert, key };
  }
  return undefined;
}
