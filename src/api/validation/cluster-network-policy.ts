/**
 * ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2), validated from
 * its CRD (network-policy-api v0.2, experimental channel so `nodes` and
 * `domainNames` peers are accepted): tier Admin|Baseline, priority 0–1000,
 * exactly one subject, at most 25 rules per direction each with an action
 * and 1–25 peers of exactly one kind, protocols with exactly one of
 * tcp/udp/sctp/destinationNamedPort, ports 1–65535 or a start < end range,
 * CIDRs (`isCIDR`), domain names, and the CEL rule forbidding a named port
 * towards networks/nodes/domainNames peers.
 */
import { celRule, isCIDRText } from "./cel-rule.js";
import { type CrdSchema, int, LABEL_SELECTOR, list, obj, str, validateCrdValue } from "./crd-schema.js";
import type { FieldError } from "./errors.js";
import { Path } from "./path.js";

export const DOMAIN_NAME_PATTERN =
  "^(\\*\\.)?([a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\\.)+[a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\\.?$";

export const NAMESPACED_POD: CrdSchema = obj(
  { namespaceSelector: LABEL_SELECTOR, podSelector: LABEL_SELECTOR },
  { required: ["podSelector"] },
);
export const SUBJECT: CrdSchema = obj(
  { namespaces: LABEL_SELECTOR, pods: NAMESPACED_POD },
  { minProperties: 1, maxProperties: 1 },
);
export const CIDR_ITEM: CrdSchema = str({
  maxLength: 43,
  rules: [celRule("isCIDR(self)", "Invalid CIDR format provided")],
});
export const PORT_RANGE = (startField: string, endField: string, extra: Record<string, CrdSchema> = {}) =>
  obj(
    {
      ...extra,
      [startField]: int({ minimum: 1, maximum: 65535 }),
      [endField]: int({ minimum: 1, maximum: 65535 }),
    },
    {
      required: [endField, startField],
      rules: [celRule(`self.${startField} < self.${endField}`, "Start port must be less than End port")],
    },
  );
export const INGRESS_PEER: CrdSchema = obj(
  { namespaces: LABEL_SELECTOR, pods: NAMESPACED_POD },
  { minProperties: 1, maxProperties: 1 },
);

const PORT = obj(
  { number: int({ minimum: 1, maximum: 65535 }), range: PORT_RANGE("start", "end") },
  { minProperties: 1, maxProperties: 1 },
);
const L4 = obj({ destinationPort: PORT }, { minProperties: 1 });
const PROTOCOL = obj(
  { tcp: L4, udp: L4, sctp: L4, destinationNamedPort: str() },
  { minProperties: 1, maxProperties: 1 },
);
const EGRESS_PEER = obj(
  {
    namespaces: LABEL_SELECTOR,
    pods: NAMESPACED_POD,
    nodes: LABEL_SELECTOR,
    networks: list(CIDR_ITEM, { set: true, minItems: 1, maxItems: 25 }),
    domainNames: list(str({ pattern: DOMAIN_NAME_PATTERN }), { set: true, minItems: 1, maxItems: 25 }),
  },
  { minProperties: 1, maxProperties: 1 },
);
const ACTION = str({ enum: ["Accept", "Deny", "Pass"] });
const PROTOCOLS = list(PROTOCOL, { minItems: 1, maxItems: 25 });
const INGRESS_RULE = obj(
  {
    name: str({ maxLength: 100 }),
    action: ACTION,
    from: list(INGRESS_PEER, { minItems: 1, maxItems: 25 }),
    protocols: PROTOCOLS,
  },
  { required: ["action", "from"] },
);
const EGRESS_RULE = obj(
  {
    name: str({ maxLength: 100 }),
    action: ACTION,
    to: list(EGRESS_PEER, { minItems: 1, maxItems: 25 }),
    protocols: PROTOCOLS,
  },
  {
    required: ["action", "to"],
    rules: [
      celRule(
        "!(self.to.exists(peer, has(peer.networks) || has(peer.nodes) || has(peer.domainNames)) && has(self.protocols) && self.protocols.exists(protocol, has(protocol.destinationNamedPort)))",
        "networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames",
      ),
    ],
  },
);

export const CLUSTER_NETWORK_POLICY_SPEC: CrdSchema = obj(
  {
    tier: str({ enum: ["Admin", "Baseline"] }),
    priority: int({ minimum: 0, maximum: 1000 }),
    subject: SUBJECT,
    ingress: list(INGRESS_RULE, { maxItems: 25 }),
    egress: list(EGRESS_RULE, { maxItems: 25 }),
  },
  { required: ["priority", "subject", "tier"] },
);

/** The top level of a policy.networking.k8s.io object: metadata is checked by validateObjectMeta. */
export function validateCrdObject(obj: Record<string, unknown>, spec: CrdSchema): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of Object.keys(obj)) {
    if (["apiVersion", "kind", "metadata", "spec", "status"].includes(k)) continue;
    errs.push({
      type: "UnknownField",
      path: Path.root(k),
      detail: `strict decoding error: unknown field ${JSON.stringify(k)}`,
    });
  }
  if (obj.spec === undefined || obj.spec === null)
    errs.push({ type: "FieldValueRequired", path: Path.root("spec"), detail: "" });
  else errs.push(...validateCrdValue(obj.spec, spec, Path.root("spec")));
  return errs;
}

export function validateClusterNetworkPolicy(obj: Record<string, unknown>): FieldError[] {
  return validateCrdObject(obj, CLUSTER_NETWORK_POLICY_SPEC);
}

export { isCIDRText };
