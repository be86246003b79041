/**
 * NetworkPolicy (networking validation): podSelector and peer selectors
 * valid; each peer has at least one of podSelector/namespaceSelector/ipBlock
 * and ipBlock stands alone; cidr and except valid with each except strictly
 * inside cidr; ports with TCP/UDP/SCTP, a number 1–65535 or IANA name, and
 * endPort only after a numeric port, ≥ it; at most the two policyTypes.
 */

import { cidrWithin } from "../net.js";
import { type FieldError, forbidden, goStringSlice, invalid, notSupported, required } from "./errors.js";
import { parseCIDRSloppy, validateCIDR } from "./ip.js";
import { Path } from "./path.js";
import { isValidPortName, isValidPortNum } from "./ports.js";
import { validateLabelSelector } from "./selectors.js";
import { arr, isRecord, num, rec, str } from "./values.js";

const NP_PROTOCOLS = ["TCP", "UDP", "SCTP"];
const POLICY_TYPES = ["Ingress", "Egress"];

export function validateNetworkPolicySpec(specValue: unknown): FieldError[] {
  const path = Path.root("spec");
  const spec = rec(specValue);
  const errs: FieldError[] = [];
  errs.push(...validateLabelSelector(spec.podSelector, path.child("podSelector")));
  for (const [dir, peersField] of [
    ["ingress", "from"],
    ["egress", "to"],
  ] as const) {
    arr(spec[dir]).forEach((rv, i) => {
      const rule = rec(rv);
      const p = path.child(dir).index(i);
      arr(rule.ports).forEach((pv, j) => {
        errs.push(...validatePort(pv, p.child("ports").index(j)));
      });
      arr(rule[peersField]).forEach((peer, j) => {
        errs.push(...validatePeer(peer, p.child(peersField).index(j)));
      });
    });
  }
  const types = arr(spec.policyTypes);
  if (types.length > POLICY_TYPES.length) {
    const v = types.filter((t): t is string => typeof t === "string");
    errs.push(
      invalid(
        path.child("policyTypes"),
        goStringSlice(v, "[]networking.PolicyType"),
        "may not specify more than two policyTypes",
      ),
    );
    return errs;
  }
  types.forEach((t, i) => {
    if (typeof t === "string" && !POLICY_TYPES.includes(t)) {
      errs.push(notSupported(path.child("policyTypes").index(i), t, POLICY_TYPES));
    }
  });
  return errs;
}

function validatePort(value: unknown, path: Path): FieldError[] {
  const port = rec(value);
  const errs: FieldError[] = [];
  const proto = port.protocol;
  if (typeof proto === "string" && !NP_PROTOCOLS.includes(proto)) {
    errs.push(notSupported(path.child("protocol"), proto, NP_PROTOCOLS));
  }
  const endPort = num(port.endPort);
  const p = port.port;
  if (typeof p === "number" && Number.isInteger(p)) {
    for (const m of isValidPortNum(p)) errs.push(invalid(path.child("port"), p, m));
    if (endPort !== undefined) {
      if (endPort < p)
        errs.push(invalid(path.child("endPort"), endPort, "must be greater than or equal to `port`"));
      for (const m of isValidPortNum(endPort)) errs.push(invalid(path.child("endPort"), endPort, m));
    }
  } else if (typeof p === "string") {
    if (endPort !== undefined)
      errs.push(invalid(path.child("endPort"), endPort, "may not be specified when `port` is non-numeric"));
    for (const m of isValidPortName(p)) errs.push(invalid(path.child("port"), p, m));
  } else if (endPort !== undefined) {
    errs.push(invalid(path.child("endPort"), endPort, "may not be specified when `port` is not specified"));
  }
  return errs;
}

function validatePeer(value: unknown, path: Path): FieldError[] {
  const peer = rec(value);
  const errs: FieldError[] = [];
  let n = 0;
  if (isRecord(peer.podSelector)) {
    n++;
    errs.push(...validateLabelSelector(peer.podSelector, path.child("podSelector")));
  }
  if (isRecord(peer.namespaceSelector)) {
    n++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, path.child("namespaceSelector")));
  }
  const hasIPBlock = isRecord(peer.ipBlock);
  if (hasIPBlock) {
    n++;
    errs.push(...validateIPBlock(rec(peer.ipBlock), path.child("ipBlock")));
  }
  if (n === 0) errs.push(required(path, "must specify a peer"));
  else if (n > 1 && hasIPBlock) errs.push(forbidden(path, "may not specify both ipBlock and another peer"));
  return errs;
}

function validateIPBlock(block: Record<string, unknown>, path: Path): FieldError[] {
  const cidrText = str(block.cidr) ?? "";
  if (cidrText === "") return [required(path.child("cidr"))];
  const errs = validateCIDR(path.child("cidr"), cidrText);
  const cidr = parseCIDRSloppy(cidrText);
  if (!cidr) return errs;
  arr(block.except).forEach((ev, i) => {
    if (typeof ev !== "string") return;
    const p = path.child("except").index(i);
    const e = validateCIDR(p, ev);
    errs.push(...e);
    const except = parseCIDRSloppy(ev);
    if (!except) return;
    // Strict subset: inside cidr and a longer prefix (equal to cidr is not allowed).
    if (!cidrWithin(except, cidr) || except.prefix <= cidr.prefix) {
      errs.push(invalid(p, ev, "must be a strict subset of `cidr`"));
    }
  });
  return errs;
}
