/**
 * IngressClass (networking validation): controller required, at most 250
 * characters and a domain-prefixed path (`example.com/ingress-nginx`);
 * parameters a typed reference with a scope of Cluster or Namespace.
 */
import { type FieldError, forbidden, invalid, notSupported, required, tooLong } from "./errors.js";
import { isPathSegmentName } from "./ingress.js";
import { isDNS1123Label, isDNS1123Subdomain, regexError } from "./names.js";
import { Path } from "./path.js";
import { isRecord, rec, str } from "./values.js";

const HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const httpPathRe = new RegExp(`^${HTTP_PATH_FMT}$`);
const MAX_CONTROLLER = 250;

export function validateIngressClassSpec(specValue: unknown): FieldError[] {
  const path = Path.root("spec");
  const spec = rec(specValue);
  const errs: FieldError[] = [];
  const controller = str(spec.controller) ?? "";
  const cp = path.child("controller");
  if (controller === "") errs.push(required(cp));
  else {
    if (controller.length > MAX_CONTROLLER) errs.push(tooLong(cp, MAX_CONTROLLER));
    errs.push(...isDomainPrefixedPath(cp, controller));
  }
  if (isRecord(spec.parameters)) errs.push(...validateParameters(spec.parameters, path.child("parameters")));
  return errs;
}

export function isDomainPrefixedPath(path: Path, value: string): FieldError[] {
  const slash = value.indexOf("/");
  const host = slash < 0 ? value : value.slice(0, slash);
  const rest = slash < 0 ? "" : value.slice(slash + 1);
  if (slash < 0 || host === "" || rest === "") {
    return [invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  }
  const errs = isDNS1123Subdomain(host).map((m) => invalid(path, host, m));
  if (!httpPathRe.test(rest)) errs.push(invalid(path, rest, regexError("Invalid path", HTTP_PATH_FMT)));
  return errs;
}

function validateParameters(params: Record<string, unknown>, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const group = str(params.apiGroup);
  if (group !== undefined)
    for (const m of isDNS1123Subdomain(group)) errs.push(invalid(path.child("apiGroup"), group, m));
  for (const f of ["kind", "name"] as const) {
    const v = str(params[f]) ?? "";
    if (v === "") errs.push(required(path.child(f)));
    else for (const m of isPathSegmentName(v)) errs.push(invalid(path.child(f), v, m));
  }
  // v1 defaults a missing scope to Cluster before validation.
  const scope = params.scope ?? "Cluster";
  const s = typeof scope === "string" ? scope : "";
  if (s !== "Cluster" && s !== "Namespace")
    errs.push(notSupported(path.child("scope"), s, ["Cluster", "Namespace"]));
  else if (s === "Namespace") {
    const ns = str(params.namespace);
    if (ns === undefined)
      errs.push(required(path.child("namespace"), "`parameters.scope` is set to 'Namespace'"));
    else for (const m of isDNS1123Label(ns)) errs.push(invalid(path.child("namespace"), ns, m));
  } else if (params.namespace !== undefined && params.namespace !== null) {
    errs.push(forbidden(path.child("namespace"), "`parameters.scope` is set to 'Cluster'"));
  }
  return errs;
}
