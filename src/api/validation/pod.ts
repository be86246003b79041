/**
 * PodSpec (core ValidatePodSpec), the parts michi models: containers and
 * init containers (names, images, ports, env names, probes' ports, pull
 * policy), restartPolicy, dnsPolicy and dnsConfig, hostname/subdomain,
 * nodeSelector and hostAliases. Used by Pods and workload templates.
 */
import {
  duplicate,
  type FieldError,
  forbidden,
  goStringSlice,
  invalid,
  notSupported,
  required,
} from "./errors.js";
import { validateIP } from "./ip.js";
import { validateLabels } from "./labels.js";
import { isDNS1123Label, isDNS1123Subdomain } from "./names.js";
import type { Path } from "./path.js";
import { isValidPortName, isValidPortNum, validatePortNumOrName, validateProtocol } from "./ports.js";
import { arr, isRecord, num, rec, str } from "./values.js";

export const MAX_DNS_NAMESERVERS = 3;
export const MAX_DNS_SEARCH_PATHS = 32;
export const MAX_DNS_SEARCH_LIST_CHARS = 2048;

const DNS_POLICIES = ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"];
const RESTART_POLICIES = ["Always", "OnFailure", "Never"];
const PULL_POLICIES = ["Always", "IfNotPresent", "Never"];

export function validateDNS1123Label(value: string, path: Path): FieldError[] {
  return isDNS1123Label(value).map((m) => invalid(path, value, m));
}

export function validateDNS1123Subdomain(value: string, path: Path): FieldError[] {
  return isDNS1123Subdomain(value).map((m) => invalid(path, value, m));
}

export function validatePodSpec(specValue: unknown, path: Path): FieldError[] {
  const spec = rec(specValue);
  const errs: FieldError[] = [];
  const hostNetwork = spec.hostNetwork === true;
  const names = new Set<string>();
  const containers = arr(spec.containers);
  if (containers.length === 0) errs.push(required(path.child("containers")));
  containers.forEach((c, i) => {
    errs.push(...validateContainer(c, path.child("containers").index(i), names, hostNetwork));
  });
  arr(spec.initContainers).forEach((c, i) => {
    errs.push(...validateContainer(c, path.child("initContainers").index(i), names, hostNetwork));
  });
  errs.push(...hostPortConflicts(containers, path.child("containers")));

  const restartPolicy = str(spec.restartPolicy);
  if (restartPolicy !== undefined) {
    if (restartPolicy === "") errs.push(required(path.child("restartPolicy")));
    else if (!RESTART_POLICIES.includes(restartPolicy)) {
      errs.push(notSupported(path.child("restartPolicy"), restartPolicy, RESTART_POLICIES));
    }
  }

  const dnsPolicy = str(spec.dnsPolicy);
  if (dnsPolicy !== undefined) {
    if (dnsPolicy === "") errs.push(required(path.child("dnsPolicy")));
    else if (!DNS_POLICIES.includes(dnsPolicy))
      errs.push(notSupported(path.child("dnsPolicy"), dnsPolicy, DNS_POLICIES));
  }
  errs.push(...validateDNSConfig(spec.dnsConfig, dnsPolicy, path.child("dnsConfig")));

  const hostname = str(spec.hostname);
  if (hostname) errs.push(...validateDNS1123Label(hostname, path.child("hostname")));
  const subdomain = str(spec.subdomain);
  if (subdomain) errs.push(...validateDNS1123Label(subdomain, path.child("subdomain")));

  errs.push(...validateLabels(spec.nodeSelector, path.child("nodeSelector")));
  for (const f of ["nodeName", "serviceAccountName"] as const) {
    const v = str(spec[f]);
    if (v) errs.push(...validateDNS1123Subdomain(v, path.child(f)));
  }

  arr(spec.hostAliases).forEach((a, i) => {
    const alias = rec(a);
    const p = path.child("hostAliases").index(i);
    const ip = str(alias.ip);
    if (ip !== undefined) errs.push(...validateIP(p.child("ip"), ip));
    arr(alias.hostnames).forEach((h, j) => {
      if (typeof h === "string") errs.push(...validateDNS1123Subdomain(h, p.child("hostnames").index(j)));
    });
  });
  return errs;
}

function validateContainer(
  value: unknown,
  path: Path,
  names: Set<string>,
  hostNetwork: boolean,
): FieldError[] {
  if (!isRecord(value)) return [];
  const errs: FieldError[] = [];
  const name = str(value.name) ?? "";
  if (name === "") errs.push(required(path.child("name")));
  else {
    errs.push(...validateDNS1123Label(name, path.child("name")));
    if (names.has(name)) errs.push(duplicate(path.child("name"), name));
    names.add(name);
  }
  const image = str(value.image);
  if (image === undefined || image.trim() === "") errs.push(required(path.child("image")));

  const pull = str(value.imagePullPolicy);
  if (pull !== undefined && !PULL_POLICIES.includes(pull)) {
    errs.push(
      pull === ""
        ? required(path.child("imagePullPolicy"))
        : notSupported(path.child("imagePullPolicy"), pull, PULL_POLICIES),
    );
  }

  errs.push(...validateContainerPorts(value.ports, path.child("ports"), hostNetwork));

  arr(value.env).forEach((e, i) => {
    const env = rec(e);
    const p = path.child("env").index(i);
    const envName = str(env.name) ?? "";
    if (typeof env.value === "string" && env.value !== "" && isRecord(env.valueFrom)) {
      errs.push(invalid(p.child("valueFrom"), "", "may not be specified when `value` is not empty"));
    }
    if (envName === "") errs.push(required(p.child("name")));
    // RelaxedEnvironmentVariableValidation (on by default since 1.32): any printable ASCII but '='.
    else if (!/^[\x20-\x3c\x3e-\x7e]+$/.test(envName)) {
      errs.push(
        invalid(
          p.child("name"),
          envName,
          "a valid environment variable name must consist only of printable ASCII characters other than '='",
        ),
      );
    }
  });

  for (const probe of ["readinessProbe", "livenessProbe", "startupProbe"] as const) {
    if (!isRecord(value[probe])) continue;
    const pr = value[probe];
    const pp = path.child(probe);
    // validateHandler: exactly one of exec, httpGet, tcpSocket, grpc.
    const handlers = (["exec", "httpGet", "tcpSocket", "grpc"] as const).filter((h) => isRecord(pr[h]));
    if (handlers.length === 0) errs.push(required(pp, "must specify a handler type"));
    for (const extra of handlers.slice(1))
      errs.push(forbidden(pp.child(extra), "may not specify more than 1 handler type"));
    if (isRecord(pr.httpGet)) {
      errs.push(...validatePortNumOrName(pr.httpGet.port, pp.child("httpGet", "port")));
      const scheme = str(pr.httpGet.scheme);
      if (scheme !== undefined && scheme !== "HTTP" && scheme !== "HTTPS") {
        errs.push(notSupported(pp.child("httpGet", "scheme"), scheme, ["HTTP", "HTTPS"]));
      }
    }
    if (isRecord(pr.tcpSocket))
      errs.push(...validatePortNumOrName(pr.tcpSocket.port, pp.child("tcpSocket", "port")));
  }
  return errs;
}

/**
 * AccumulateUniqueHostPorts: two containers of a pod cannot bind the same
 * protocol/hostIP/hostPort on the node (upstream's key text is the bad value).
 */
function hostPortConflicts(containers: unknown[], path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((c, ci) => {
    arr(rec(c).ports).forEach((pv, pi) => {
      const port = rec(pv);
      const hostPort = num(port.hostPort);
      if (hostPort === undefined || hostPort === 0) return;
      const key = `${str(port.protocol) ?? "TCP"}/${str(port.hostIP) ?? ""}/${hostPort}`;
      if (seen.has(key)) errs.push(duplicate(path.index(ci).child("ports").index(pi).child("hostPort"), key));
      else seen.add(key);
    });
  });
  return errs;
}

/** validateContainerPorts: port names IANA and unique within the container, numbers in range, protocols. */
export function validateContainerPorts(ports: unknown, path: Path, hostNetwork: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(ports).forEach((pv, i) => {
    const port = rec(pv);
    const p = path.index(i);
    const name = str(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) for (const m of msgs) errs.push(invalid(p.child("name"), name, m));
      else if (names.has(name)) errs.push(duplicate(p.child("name"), name));
      else names.add(name);
    }
    const cp = num(port.containerPort);
    if (port.containerPort === undefined || port.containerPort === null || cp === 0) {
      errs.push(required(p.child("containerPort")));
    } else if (cp !== undefined) {
      for (const m of isValidPortNum(cp)) errs.push(invalid(p.child("containerPort"), cp, m));
    }
    const hp = num(port.hostPort);
    if (hp !== undefined && hp !== 0) {
      for (const m of isValidPortNum(hp)) errs.push(invalid(p.child("hostPort"), hp, m));
      if (hostNetwork && cp !== undefined && hp !== cp) {
        errs.push(invalid(p.child("hostPort"), hp, "must match `containerPort` when `hostNetwork` is true"));
      }
    }
    errs.push(...validateProtocol(port.protocol, p.child("protocol")));
  });
  return errs;
}

/** validatePodDNSConfig: dnsPolicy None needs nameservers; limits from libc's resolver. */
export function validateDNSConfig(value: unknown, dnsPolicy: string | undefined, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const present = isRecord(value);
  if (dnsPolicy === "None") {
    if (!present) return [required(path, "must provide `dnsConfig` when `dnsPolicy` is None")];
    if (arr(value.nameservers).length === 0) {
      return [
        required(
          path.child("nameservers"),
          "must provide at least one DNS nameserver when `dnsPolicy` is None",
        ),
      ];
    }
  }
  if (!present) return errs;
  const nameservers = arr(value.nameservers).filter((n): n is string => typeof n === "string");
  if (nameservers.length > MAX_DNS_NAMESERVERS) {
    errs.push(
      invalid(
        path.child("nameservers"),
        goStringSlice(nameservers),
        `must not have more than ${MAX_DNS_NAMESERVERS} nameservers`,
      ),
    );
  }
  nameservers.forEach((ns, i) => {
    errs.push(...validateIP(path.child("nameservers").index(i), ns));
  });
  const searches = arr(value.searches).filter((s): s is string => typeof s === "string");
  if (searches.length > MAX_DNS_SEARCH_PATHS) {
    errs.push(
      invalid(
        path.child("searches"),
        goStringSlice(searches),
        `must not have more than ${MAX_DNS_SEARCH_PATHS} search paths`,
      ),
    );
  }
  if (searches.join(" ").length > MAX_DNS_SEARCH_LIST_CHARS) {
    errs.push(
      invalid(
        path.child("searches"),
        goStringSlice(searches),
        `must not have more than ${MAX_DNS_SEARCH_LIST_CHARS} characters (including spaces) in the search list`,
      ),
    );
  }
  searches.forEach((s, i) => {
    // A trailing dot (fully qualified) is fine.
    errs.push(...validateDNS1123Subdomain(s.replace(/\.$/, ""), path.child("searches").index(i)));
  });
  arr(value.options).forEach((o, i) => {
    if (!str(rec(o).name))
      errs.push(required(path.child("options").index(i), "Option.Name must not be empty"));
  });
  return errs;
}
