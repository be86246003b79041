/**
 * Service (core ValidateService plus the defaulting and NodePort range
 * check the API server applies on create). Defaults that change what is
 * validated are applied to a view, never to the input: type ClusterIP,
 * protocol TCP, targetPort = port, sessionAffinity None, clusterIP ⇄
 * clusterIPs synced (so errors name `spec.clusterIPs`, as upstream).
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
import { parseIPSloppy, validateCIDR, validateIP, validateNonSpecialIP } from "./ip.js";
import { isQualifiedName, validateLabels } from "./labels.js";
import { Path } from "./path.js";
import { validateDNS1123Label, validateDNS1123Subdomain } from "./pod.js";
import { isValidPortNum, validatePortNumOrName, validateProtocol } from "./ports.js";
import { arr, isRecord, num, rec, str } from "./values.js";

export interface ServiceValidationOptions {
  nodePortRange: { min: number; max: number };
}

const SERVICE_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const AFFINITIES = ["ClientIP", "None"];
const TRAFFIC_POLICIES = ["Cluster", "Local"];
const IP_FAMILIES = ["IPv4", "IPv6"];
const IP_FAMILY_POLICIES = ["PreferDualStack", "RequireDualStack", "SingleStack"];
const MAX_AFFINITY_SECONDS = 86400;
const LB_SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges";
const TOPOLOGY_MODE_ANNOTATION = "service.kubernetes.io/topology-mode";
const TOPOLOGY_HINTS_ANNOTATION = "service.kubernetes.io/topology-aware-hints";
// PreferSameZone and PreferSameNode joined PreferClose in 1.34 (PreferSameTrafficDistribution).
const TRAFFIC_DISTRIBUTIONS = ["PreferClose", "PreferSameZone", "PreferSameNode"];

/** The `core.ServicePort{...}` literal upstream prints for a duplicate (protocol, port) pair. */
function goServicePortKey(protocol: string, port: number) {
  return {
    raw: `core.ServicePort{Name:"", Protocol:${JSON.stringify(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`,
  };
}

export function validateServiceSpec(
  metadata: unknown,
  specValue: unknown,
  options: ServiceValidationOptions,
): FieldError[] {
  const path = Path.root("spec");
  const spec = rec(specValue);
  const errs: FieldError[] = [];
  const rawType = spec.type;
  const type = typeof rawType === "string" ? rawType : "ClusterIP";

  // The create strategy syncs clusterIP and clusterIPs before validation: a lone clusterIP
  // becomes clusterIPs[0] (and a lone clusterIPs[0] the clusterIP, matching by construction).
  // Errors name spec.clusterIPs either way; positions point at what the manifest wrote.
  const clusterIP = str(spec.clusterIP) ?? "";
  let clusterIPs = arr(spec.clusterIPs).filter((x): x is string => typeof x === "string");
  const clusterIPsGiven = clusterIPs.length > 0;
  if (clusterIP !== "" && clusterIPs.length === 0) clusterIPs = [clusterIP];
  const ipsPath = (i?: number) => {
    const p = Path.raw("spec.clusterIPs", clusterIPsGiven ? ["spec", "clusterIPs"] : ["spec", "clusterIP"]);
    if (i === undefined) return p;
    return Path.raw(
      `spec.clusterIPs[${i}]`,
      clusterIPsGiven ? ["spec", "clusterIPs", i] : ["spec", "clusterIP"],
    );
  };
  const headless = clusterIPs.length === 1 && clusterIPs[0] === "None";
  const ports = arr(spec.ports);

  if (ports.length === 0 && !headless && type !== "ExternalName") errs.push(required(path.child("ports")));

  switch (type) {
    case "LoadBalancer":
    case "NodePort":
      if (headless) errs.push(invalid(ipsPath(0), "None", `may not be set to 'None' for ${type} services`));
      break;
    case "ExternalName": {
      if (clusterIPs.length > 0) errs.push(forbidden(ipsPath(), "may not be set for ExternalName services"));
      if (arr(spec.ipFamilies).length > 0)
        errs.push(forbidden(path.child("ipFamilies"), "may not be set for ExternalName services"));
      if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null) {
        errs.push(forbidden(path.child("ipFamilyPolicy"), "may not be set for ExternalName services"));
      }
      // A trailing dot marks the CNAME target fully qualified.
      const cname = (str(spec.externalName) ?? "").replace(/\.$/, "");
      if (cname.length > 0) errs.push(...validateDNS1123Subdomain(cname, path.child("externalName")));
      else errs.push(required(path.child("externalName")));
      break;
    }
  }

  const names = new Set<string>();
  ports.forEach((pv, i) => {
    errs.push(...validateServicePort(pv, ports.length > 1, names, path.child("ports").index(i)));
  });

  if (spec.selector !== undefined) errs.push(...validateLabels(spec.selector, path.child("selector")));

  const affinity = typeof spec.sessionAffinity === "string" ? spec.sessionAffinity : "None";
  if (affinity === "") errs.push(required(path.child("sessionAffinity")));
  else if (!AFFINITIES.includes(affinity))
    errs.push(notSupported(path.child("sessionAffinity"), affinity, AFFINITIES));
  const sac = spec.sessionAffinityConfig;
  if (affinity === "ClientIP") {
    // Defaulting fills a missing timeout with 10800; only an explicit one can be out of range.
    const timeout = num(rec(rec(sac).clientIP).timeoutSeconds);
    if (timeout !== undefined && (timeout <= 0 || timeout > MAX_AFFINITY_SECONDS)) {
      errs.push(
        invalid(
          path.child("sessionAffinityConfig", "clientIP", "timeoutSeconds"),
          timeout,
          `must be greater than 0 and less than ${MAX_AFFINITY_SECONDS}`,
        ),
      );
    }
  } else if (affinity === "None" && isRecord(sac)) {
    errs.push(
      forbidden(path.child("sessionAffinityConfig"), "must not be set when session affinity is None"),
    );
  }

  if (type !== "ExternalName")
    errs.push(...validateClusterIPs(spec, clusterIP, clusterIPs, headless, ipsPath));

  arr(spec.externalIPs).forEach((ip, i) => {
    if (typeof ip !== "string") return;
    const p = path.child("externalIPs").index(i);
    const e = validateIP(p, ip);
    errs.push(...e);
    if (!e.some((x) => x.severity !== "warning")) errs.push(...validateNonSpecialIP(p, ip));
  });

  if (typeof rawType === "string") {
    if (rawType === "") errs.push(required(path.child("type")));
    else if (!SERVICE_TYPES.includes(rawType))
      errs.push(notSupported(path.child("type"), rawType, SERVICE_TYPES));
  }

  ports.forEach((pv, i) => {
    const np = num(rec(pv).nodePort);
    if (np === undefined || np === 0) return;
    const p = path.child("ports").index(i).child("nodePort");
    if (type === "ClusterIP") errs.push(forbidden(p, "may not be used when `type` is 'ClusterIP'"));
    else if (type === "NodePort" || type === "LoadBalancer") {
      const { min, max } = options.nodePortRange;
      if (np < min || np > max) {
        errs.push(
          invalid(
            p,
            np,
            `provided port is not in the valid range. The range of valid ports is ${min}-${max}`,
          ),
        );
      }
    }
  });

  // Duplicate NodePorts and duplicate (protocol, port) pairs.
  const seenNodePorts = new Set<string>();
  const seenPorts = new Set<string>();
  ports.forEach((pv, i) => {
    const port = rec(pv);
    const protocol = str(port.protocol) ?? "TCP";
    const np = num(port.nodePort);
    if (np !== undefined && np !== 0) {
      const k = `${protocol}/${np}`;
      if (seenNodePorts.has(k)) errs.push(duplicate(path.child("ports").index(i).child("nodePort"), np));
      seenNodePorts.add(k);
    }
    const pn = num(port.port) ?? 0;
    const k = `${protocol}/${pn}`;
    if (seenPorts.has(k)) errs.push(duplicate(path.child("ports").index(i), goServicePortKey(protocol, pn)));
    seenPorts.add(k);
  });

  const ranges = arr(spec.loadBalancerSourceRanges);
  const annotations = rec(rec(metadata).annotations);
  if (ranges.length > 0) {
    const p = Path.raw("spec.LoadBalancerSourceRanges", ["spec", "loadBalancerSourceRanges"]);
    if (type !== "LoadBalancer") errs.push(forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => {
      if (typeof r === "string") {
        const at = Path.raw(`spec.LoadBalancerSourceRanges[${i}]`, ["spec", "loadBalancerSourceRanges", i]);
        errs.push(...validateCIDR(at, r.trim()));
      }
    });
  } else if (typeof annotations[LB_SOURCE_RANGES_ANNOTATION] === "string") {
    const p = Path.root("metadata").child("annotations").key(LB_SOURCE_RANGES_ANNOTATION);
    if (type !== "LoadBalancer") errs.push(forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
    const val = String(annotations[LB_SOURCE_RANGES_ANNOTATION]).trim();
    if (val !== "") for (const c of val.split(",")) errs.push(...validateCIDR(p, c.trim()));
  }

  // externalTrafficPolicy applies to services reachable from outside: NodePort, LoadBalancer, or with externalIPs.
  const external =
    type === "NodePort" ||
    type === "LoadBalancer" ||
    (type === "ClusterIP" && arr(spec.externalIPs).length > 0);
  const etp = str(spec.externalTrafficPolicy);
  if (etp !== undefined && etp !== "") {
    if (!external) {
      errs.push(
        invalid(
          path.child("externalTrafficPolicy"),
          etp,
          "may only be set for externally-accessible services",
        ),
      );
    } else if (!TRAFFIC_POLICIES.includes(etp)) {
      errs.push(notSupported(path.child("externalTrafficPolicy"), etp, TRAFFIC_POLICIES));
    }
  }
  const hc = num(spec.healthCheckNodePort);
  if (hc !== undefined && hc !== 0) {
    if (!(type === "LoadBalancer" && etp === "Local")) {
      errs.push(
        invalid(
          path.child("healthCheckNodePort"),
          hc,
          "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
        ),
      );
    } else {
      for (const m of isValidPortNum(hc)) errs.push(invalid(path.child("healthCheckNodePort"), hc, m));
    }
  }
  const itp = str(spec.internalTrafficPolicy);
  if (itp !== undefined && !TRAFFIC_POLICIES.includes(itp)) {
    errs.push(notSupported(path.child("internalTrafficPolicy"), itp, TRAFFIC_POLICIES));
  }

  const td = str(spec.trafficDistribution);
  if (td !== undefined && !TRAFFIC_DISTRIBUTIONS.includes(td)) {
    errs.push(notSupported(path.child("trafficDistribution"), td, TRAFFIC_DISTRIBUTIONS));
  }
  const mode = annotations[TOPOLOGY_MODE_ANNOTATION];
  const hints = annotations[TOPOLOGY_HINTS_ANNOTATION];
  if (typeof mode === "string" && typeof hints === "string" && mode !== hints) {
    errs.push(
      invalid(
        Path.root("metadata").child("annotations").key(TOPOLOGY_MODE_ANNOTATION),
        mode,
        `must match annotations[${TOPOLOGY_HINTS_ANNOTATION}] when both are specified`,
      ),
    );
  }

  const lbClass = str(spec.loadBalancerClass);
  if (lbClass !== undefined) {
    // Upstream checks the format only on LoadBalancer services; elsewhere the field is just forbidden.
    if (type !== "LoadBalancer")
      errs.push(forbidden(path.child("loadBalancerClass"), "may only be used when `type` is 'LoadBalancer'"));
    else
      for (const m of isQualifiedName(lbClass))
        errs.push(invalid(path.child("loadBalancerClass"), lbClass, m));
  }
  if (typeof spec.allocateLoadBalancerNodePorts === "boolean" && type !== "LoadBalancer") {
    errs.push(
      forbidden(
        path.child("allocateLoadBalancerNodePorts"),
        "may only be used when `type` is 'LoadBalancer'",
      ),
    );
  }
  return errs;
}

function validateServicePort(
  value: unknown,
  requireName: boolean,
  names: Set<string>,
  path: Path,
): FieldError[] {
  const port = rec(value);
  const errs: FieldError[] = [];
  const name = str(port.name) ?? "";
  if (requireName && name === "") errs.push(required(path.child("name")));
  else if (name !== "") {
    errs.push(...validateDNS1123Label(name, path.child("name")));
    if (names.has(name)) errs.push(duplicate(path.child("name"), name));
    else names.add(name);
  }
  const pn = port.port === undefined || port.port === null ? 0 : num(port.port);
  if (pn !== undefined) for (const m of isValidPortNum(pn)) errs.push(invalid(path.child("port"), pn, m));
  errs.push(...validateProtocol(port.protocol, path.child("protocol")));
  // targetPort 0 or "" (or absent) defaults to port.
  const tp = port.targetPort;
  if (tp !== undefined && tp !== null && tp !== 0 && tp !== "") {
    errs.push(...validatePortNumOrName(tp, path.child("targetPort")));
  }
  const ap = str(port.appProtocol);
  if (ap !== undefined)
    for (const m of isQualifiedName(ap)) errs.push(invalid(path.child("appProtocol"), ap, m));
  return errs;
}

/** ValidateServiceClusterIPsRelatedFields. */
function validateClusterIPs(
  spec: Record<string, unknown>,
  clusterIP: string,
  clusterIPs: string[],
  headless: boolean,
  ipsPath: (i?: number) => Path,
): FieldError[] {
  const errs: FieldError[] = [];
  const path = Path.root("spec");
  if (clusterIP !== "" && clusterIPs[0] !== clusterIP) {
    errs.push(invalid(ipsPath(), goStringSlice(clusterIPs), "first value must match `clusterIP`"));
  }
  const families = arr(spec.ipFamilies);
  const seen = new Set<unknown>();
  families.forEach((f, i) => {
    if (typeof f !== "string") return;
    const p = path.child("ipFamilies").index(i);
    if (!IP_FAMILIES.includes(f)) errs.push(notSupported(p, f, IP_FAMILIES));
    if (seen.has(f)) errs.push(duplicate(p, f));
    seen.add(f);
  });
  const policy = str(spec.ipFamilyPolicy);
  if (policy !== undefined && !IP_FAMILY_POLICIES.includes(policy)) {
    errs.push(notSupported(path.child("ipFamilyPolicy"), policy, IP_FAMILY_POLICIES));
  }
  let badIPs = false;
  clusterIPs.forEach((ip, i) => {
    if (i === 0 && ip === "None") {
      if (clusterIPs.length > 1) {
        badIPs = true;
        errs.push(invalid(ipsPath(), goStringSlice(clusterIPs), "'None' must be the first and only value"));
      }
      return;
    }
    const e = validateIP(ipsPath(i), ip);
    if (e.some((x) => x.severity !== "warning")) badIPs = true;
    errs.push(...e);
  });
  if (clusterIPs.length > 2)
    errs.push(invalid(ipsPath(), goStringSlice(clusterIPs), "may only hold up to 2 values"));
  if (badIPs) return errs;
  const fam = (ip: string) => parseIPSloppy(ip)?.ip.family;
  if (clusterIPs.length > 1 && new Set(clusterIPs.map(fam)).size !== clusterIPs.length) {
    errs.push(
      invalid(ipsPath(), goStringSlice(clusterIPs), "may specify no more than one IP for each IP family"),
    );
  }
  if (!headless) {
    clusterIPs.forEach((ip, i) => {
      const f = families[i];
      if (f === "IPv4" && fam(ip) === 6) {
        errs.push(invalid(ipsPath(i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      }
      if (f === "IPv6" && fam(ip) !== 6) {
        errs.push(invalid(ipsPath(i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
      }
    });
  }
  return errs;
}
