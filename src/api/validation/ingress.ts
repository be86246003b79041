/**
 * Ingress (networking validation, create): defaultBackend or rules; hosts
 * are DNS subdomains, a wildcard only as one leading `*.` label, never an
 * IP (a port makes it an invalid subdomain); pathType required; Exact and
 * Prefix paths absolute and free of `//`, `/./`, `/../`, `%2f`, `%2F` and of
 * a trailing `/..` or `/.` (ImplementationSpecific only needs to be empty
 * or absolute); a backend is a service (DNS-1035 name and exactly one of
 * port name/number) or a resource, not both; tls hosts and secret names.
 */
import { type FieldError, type GoValue, invalid, notSupported, required } from "./errors.js";
import { parseIPSloppy } from "./ip.js";
import {
  isDNS1123Subdomain,
  isWildcardDNS1123Subdomain,
  nameIsDNS1035Label,
  nameIsDNSSubdomain,
} from "./names.js";
import { Path } from "./path.js";
import { isValidPortName, isValidPortNum } from "./ports.js";
import { arr, isRecord, num, rec, str } from "./values.js";

const PATH_TYPES = ["Exact", "ImplementationSpecific", "Prefix"];
const INVALID_SEQUENCES = ["//", "/./", "/../", "%2f", "%2F"];
const INVALID_SUFFIXES = ["/..", "/."];
const CLASS_ANNOTATION = "kubernetes.io/ingress.class";

export function validateIngress(metadata: unknown, specValue: unknown): FieldError[] {
  const path = Path.root("spec");
  const spec = rec(specValue);
  const errs: FieldError[] = [];
  const rules = arr(spec.rules);
  const hasDefault = isRecord(spec.defaultBackend);
  if (rules.length === 0 && !hasDefault) {
    const value: GoValue = {
      raw: Array.isArray(spec.rules) ? "[]networking.IngressRule{}" : "[]networking.IngressRule(nil)",
    };
    errs.push(invalid(path, value, "either `defaultBackend` or `rules` must be specified"));
  }
  if (hasDefault) errs.push(...validateBackend(spec.defaultBackend, path.child("defaultBackend")));

  rules.forEach((rv, i) => {
    const rule = rec(rv);
    const p = path.child("rules").index(i);
    const host = str(rule.host) ?? "";
    if (host.length > 0) {
      if (parseIPSloppy(host))
        errs.push(invalid(p.child("host"), host, "must be a DNS name, not an IP address"));
      const msgs = host.includes("*") ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
      for (const m of msgs) errs.push(invalid(p.child("host"), host, m));
    }
    if (isRecord(rule.http)) {
      const hp = p.child("http");
      const paths = arr(rule.http.paths);
      if (paths.length === 0) errs.push(required(hp.child("paths")));
      paths.forEach((pv, j) => {
        errs.push(...validateHTTPPath(pv, hp.child("paths").index(j)));
      });
    }
  });

  arr(spec.tls).forEach((tv, i) => {
    const tls = rec(tv);
    const p = path.child("tls").index(i);
    arr(tls.hosts).forEach((h, j) => {
      if (typeof h !== "string") return;
      const msgs = h.includes("*") ? isWildcardDNS1123Subdomain(h) : isDNS1123Subdomain(h);
      for (const m of msgs) errs.push(invalid(p.child("hosts").index(j), h, m));
    });
    const secretName = str(tls.secretName) ?? "";
    if (secretName !== "") {
      for (const m of nameIsDNSSubdomain(secretName, false))
        errs.push(invalid(p.child("secretName"), secretName, m));
    }
  });

  const className = str(spec.ingressClassName);
  if (className !== undefined) {
    for (const m of nameIsDNSSubdomain(className, false))
      errs.push(invalid(path.child("ingressClassName"), className, m));
  }
  const annotation = rec(rec(metadata).annotations)[CLASS_ANNOTATION];
  if (typeof annotation === "string" && className !== undefined && annotation !== className) {
    // Upstream builds this path with Child(), hence `annotations.kubernetes.io/ingress.class`.
    const p = Path.raw(`annotations.${CLASS_ANNOTATION}`, ["metadata", "annotations", CLASS_ANNOTATION]);
    errs.push(invalid(p, annotation, "must match `ingressClassName` when both are specified"));
  }
  return errs;
}

function validateHTTPPath(value: unknown, path: Path): FieldError[] {
  const hp = rec(value);
  const pathType = hp.pathType;
  if (pathType === undefined || pathType === null)
    return [required(path.child("pathType"), "pathType must be specified")];
  const errs: FieldError[] = [];
  const p = str(hp.path) ?? "";
  switch (pathType) {
    case "Exact":
    case "Prefix":
      if (!p.startsWith("/")) errs.push(invalid(path.child("path"), p, "must be an absolute path"));
      for (const seq of INVALID_SEQUENCES) {
        if (p.includes(seq)) errs.push(invalid(path.child("path"), p, `must not contain '${seq}'`));
      }
      for (const suf of INVALID_SUFFIXES) {
        if (p.endsWith(suf)) errs.push(invalid(path.child("path"), p, `cannot end with '${suf}'`));
      }
      break;
    case "ImplementationSpecific":
      // Controllers may read these as regexes, so only "absolute if present" is enforced.
      if (p.length > 0 && !p.startsWith("/"))
        errs.push(invalid(path.child("path"), p, "must be an absolute path"));
      break;
    default:
      if (typeof pathType === "string") errs.push(notSupported(path.child("pathType"), pathType, PATH_TYPES));
  }
  errs.push(...validateBackend(hp.backend, path.child("backend")));
  return errs;
}

export function validateBackend(value: unknown, path: Path): FieldError[] {
  const b = rec(value);
  const hasResource = isRecord(b.resource);
  const hasService = isRecord(b.service);
  if (hasResource && hasService) return [invalid(path, "", "cannot set both resource and service backends")];
  if (hasResource) return validateTypedLocalObjectReference(b.resource, path.child("resource"));
  if (!hasService) return [invalid(path, "", "resource or service backend is required")];
  const svc = rec(b.service);
  const errs: FieldError[] = [];
  const name = str(svc.name) ?? "";
  if (name === "") errs.push(required(path.child("service", "name")));
  else
    for (const m of nameIsDNS1035Label(name, false))
      errs.push(invalid(path.child("service", "name"), name, m));
  const port = rec(svc.port);
  const portName = str(port.name) ?? "";
  const portNumber = num(port.number) ?? 0;
  if (portName !== "" && portNumber !== 0)
    errs.push(invalid(path, "", "cannot set both port name & port number"));
  else if (portName !== "") {
    for (const m of isValidPortName(portName))
      errs.push(invalid(path.child("service", "port", "name"), portName, m));
  } else if (portNumber !== 0) {
    for (const m of isValidPortNum(portNumber))
      errs.push(invalid(path.child("service", "port", "number"), portNumber, m));
  } else errs.push(required(path, "port name or number is required"));
  return errs;
}

/** TypedLocalObjectReference (resource backends, IngressClass parameters). */
export function validateTypedLocalObjectReference(value: unknown, path: Path): FieldError[] {
  const ref = rec(value);
  const errs: FieldError[] = [];
  const group = str(ref.apiGroup);
  if (group !== undefined)
    for (const m of isDNS1123Subdomain(group)) errs.push(invalid(path.child("apiGroup"), group, m));
  for (const f of ["kind", "name"] as const) {
    const v = str(ref[f]) ?? "";
    if (v === "") errs.push(required(path.child(f)));
    else for (const m of isPathSegmentName(v)) errs.push(invalid(path.child(f), v, m));
  }
  return errs;
}

/** IsPathSegmentName: the value becomes a URL path segment. */
export function isPathSegmentName(name: string): string[] {
  if (name === "." || name === "..") return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const bad of ["/", "%"]) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}
