/**
 * EndpointSlice (discovery validation): addressType required and one of
 * IPv4/IPv6/FQDN, at most 1000 endpoints of 1–100 addresses each, every
 * address valid for the slice's type, hostnames DNS labels, unique port
 * names.
 */
import { duplicate, type FieldError, invalid, notSupported, required, tooMany } from "./errors.js";
import { validateIPv4, validateIPv6, validateNonSpecialIP } from "./ip.js";
import { isQualifiedName, validateLabels } from "./labels.js";
import { isDNS1123Label, isDNS1123Subdomain, nameIsDNSSubdomain } from "./names.js";
import { Path } from "./path.js";
import { validateDNS1123Label } from "./pod.js";
import { SUPPORTED_PROTOCOLS } from "./ports.js";
import { arr, rec, str } from "./values.js";

const ADDRESS_TYPES = ["FQDN", "IPv4", "IPv6"];
export const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;

export function validateEndpointSlice(obj: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const addressType = obj.addressType;
  const atPath = Path.root("addressType");
  if (addressType === undefined || addressType === null || addressType === "") errs.push(required(atPath));
  else if (typeof addressType === "string" && !ADDRESS_TYPES.includes(addressType)) {
    errs.push(notSupported(atPath, addressType, ADDRESS_TYPES));
  }
  const endpoints = arr(obj.endpoints);
  const epPath = Path.root("endpoints");
  if (endpoints.length > MAX_ENDPOINTS) {
    errs.push(tooMany(epPath, endpoints.length, MAX_ENDPOINTS));
  } else {
    endpoints.forEach((ev, i) => {
      const ep = rec(ev);
      const p = epPath.index(i);
      const ap = p.child("addresses");
      const addrs = arr(ep.addresses);
      if (addrs.length === 0) errs.push(required(ap, "must contain at least 1 address"));
      else if (addrs.length > MAX_ADDRESSES) errs.push(tooMany(ap, addrs.length, MAX_ADDRESSES));
      addrs.forEach((a, j) => {
        if (typeof a !== "string") return;
        const aj = ap.index(j);
        if (addressType === "IPv4" || addressType === "IPv6") {
          const e = addressType === "IPv4" ? validateIPv4(aj, a) : validateIPv6(aj, a);
          errs.push(...e);
          if (e.length === 0) errs.push(...validateNonSpecialIP(aj, a));
        } else if (addressType === "FQDN") {
          errs.push(...validateFQDN(aj, a));
        }
      });
      const nodeName = str(ep.nodeName);
      if (nodeName !== undefined) {
        for (const m of nameIsDNSSubdomain(nodeName, false))
          errs.push(invalid(p.child("nodeName"), nodeName, m));
      }
      errs.push(...validateLabels(ep.deprecatedTopology, p.child("deprecatedTopology")));
      const hostname = str(ep.hostname);
      if (hostname !== undefined) errs.push(...validateDNS1123Label(hostname, p.child("hostname")));
    });
  }
  const ports = arr(obj.ports);
  const pPath = Path.root("ports");
  if (ports.length > MAX_PORTS) {
    errs.push(tooMany(pPath, ports.length, MAX_PORTS));
    return errs;
  }
  const names = new Set<string>();
  ports.forEach((pv, i) => {
    const port = rec(pv);
    const p = pPath.index(i);
    const name = str(port.name) ?? "";
    if (name.length > 0) errs.push(...validateDNS1123Label(name, p.child("name")));
    if (names.has(name)) errs.push(duplicate(p.child("name"), name));
    else names.add(name);
    // Protocol defaults to TCP.
    const proto = port.protocol;
    if (typeof proto === "string" && !(SUPPORTED_PROTOCOLS as readonly string[]).includes(proto)) {
      errs.push(notSupported(p.child("protocol"), proto, SUPPORTED_PROTOCOLS));
    }
    const ap = str(port.appProtocol);
    if (ap !== undefined)
      for (const m of isQualifiedName(ap)) errs.push(invalid(p.child("appProtocol"), ap, m));
  });
  return errs;
}

/** IsFullyQualifiedDomainName: a subdomain of at least two labels; a trailing dot is allowed. */
function validateFQDN(path: Path, value: string): FieldError[] {
  if (value.length === 0) return [required(path)];
  const name = value.endsWith(".") ? value.slice(0, -1) : value;
  const sub = isDNS1123Subdomain(name);
  if (sub.length > 0) return [invalid(path, name, sub.join(","))];
  const labels = name.split(".");
  if (labels.length < 2)
    return [invalid(path, name, "should be a domain with at least two segments separated by dots")];
  for (const l of labels) {
    const e = isDNS1123Label(l);
    if (e.length > 0) return [invalid(path, l, e.join(","))];
  }
  return [];
}
