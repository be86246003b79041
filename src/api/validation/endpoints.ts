/**
 * Endpoints (core validateEndpointSubsets): every subset needs addresses,
 * each address a valid, non-special IP and an optional DNS-label hostname;
 * ports need names when there are several, numbers in range, protocols.
 */
import { type FieldError, invalid, required } from "./errors.js";
import { validateIP, validateNonSpecialIP } from "./ip.js";
import { isQualifiedName } from "./labels.js";
import { nameIsDNSSubdomain } from "./names.js";
import { Path } from "./path.js";
import { validateDNS1123Label } from "./pod.js";
import { isValidPortNum, validateProtocol } from "./ports.js";
import { arr, num, rec, str } from "./values.js";

export function validateEndpoints(obj: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const path = Path.root("subsets");
  arr(obj.subsets).forEach((sv, i) => {
    const ss = rec(sv);
    const p = path.index(i);
    const addrs = arr(ss.addresses);
    const notReady = arr(ss.notReadyAddresses);
    if (addrs.length === 0 && notReady.length === 0) {
      errs.push(required(p, "must specify `addresses` or `notReadyAddresses`"));
    }
    addrs.forEach((a, j) => {
      errs.push(...validateEndpointAddress(a, p.child("addresses").index(j)));
    });
    notReady.forEach((a, j) => {
      errs.push(...validateEndpointAddress(a, p.child("notReadyAddresses").index(j)));
    });
    const ports = arr(ss.ports);
    ports.forEach((pv, j) => {
      errs.push(...validateEndpointPort(pv, ports.length > 1, p.child("ports").index(j)));
    });
  });
  return errs;
}

function validateEndpointAddress(value: unknown, path: Path): FieldError[] {
  const a = rec(value);
  const errs: FieldError[] = [];
  const ip = str(a.ip) ?? "";
  errs.push(...validateIP(path.child("ip"), ip));
  const hostname = str(a.hostname);
  if (hostname) errs.push(...validateDNS1123Label(hostname, path.child("hostname")));
  const nodeName = str(a.nodeName);
  if (nodeName !== undefined) {
    for (const m of nameIsDNSSubdomain(nodeName, false))
      errs.push(invalid(path.child("nodeName"), nodeName, m));
  }
  errs.push(...validateNonSpecialIP(path.child("ip"), ip));
  return errs;
}

export function validateEndpointPort(value: unknown, requireName: boolean, path: Path): FieldError[] {
  const port = rec(value);
  const errs: FieldError[] = [];
  const name = str(port.name) ?? "";
  if (requireName && name === "") errs.push(required(path.child("name")));
  else if (name !== "") errs.push(...validateDNS1123Label(name, path.child("name")));
  const pn = port.port === undefined ? 0 : num(port.port);
  if (pn !== undefined) for (const m of isValidPortNum(pn)) errs.push(invalid(path.child("port"), pn, m));
  errs.push(...validateProtocol(port.protocol, path.child("protocol")));
  const ap = str(port.appProtocol);
  if (ap !== undefined)
    for (const m of isQualifiedName(ap)) errs.push(invalid(path.child("appProtocol"), ap, m));
  return errs;
}
