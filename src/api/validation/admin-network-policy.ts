/**
 * AdminNetworkPolicy and BaselineAdminNetworkPolicy
 * (policy.networking.k8s.io/v1alpha1, network-policy-api v0.1), validated
 * from their CRDs: ANP priority 0–1000 and actions Allow/Deny/Pass, BANP
 * actions Allow/Deny and the one allowed name `default` (a CEL rule on the
 * object); up to 100 rules per direction and 100 peers per rule; `ports`
 * entries with exactly one of portNumber/namedPort/portRange (protocol
 * defaulting to TCP); the named-port CEL rule on egress rules.
 */
import { celRule } from "./cel-rule.js";
import {
  CIDR_ITEM,
  DOMAIN_NAME_PATTERN,
  INGRESS_PEER,
  NAMESPACED_POD,
  PORT_RANGE,
  SUBJECT,
  validateCrdObject,
} from "./cluster-network-policy.js";
import { type CrdSchema, int, LABEL_SELECTOR, list, obj, str } from "./crd-schema.js";
import { type FieldError, invalid } from "./errors.js";
import { Path } from "./path.js";

const PROTOCOL = str({ enum: ["TCP", "UDP", "SCTP"] });
const PORT = obj(
  {
    portNumber: obj(
      { protocol: PROTOCOL, port: int({ minimum: 1, maximum: 65535 }) },
      { required: ["port"] },
    ),
    namedPort: str(),
    portRange: PORT_RANGE("start", "end", { protocol: PROTOCOL }),
  },
  { minProperties: 1, maxProperties: 1 },
);
const PORTS = list(PORT, { minItems: 1, maxItems: 100 });

function egressPeer(domainNames: boolean): CrdSchema {
  return obj(
    {
      namespaces: LABEL_SELECTOR,
      pods: NAMESPACED_POD,
      nodes: LABEL_SELECTOR,
      networks: list(CIDR_ITEM, { set: true, minItems: 1, maxItems: 25 }),
      ...(domainNames
        ? {
            domainNames: list(str({ pattern: DOMAIN_NAME_PATTERN }), {
              set: true,
              minItems: 1,
              maxItems: 25,
            }),
          }
        : {}),
    },
    { minProperties: 1, maxProperties: 1 },
  );
}

function spec(baseline: boolean): CrdSchema {
  const action = str({ enum: baseline ? ["Allow", "Deny"] : ["Allow", "Deny", "Pass"] });
  const namedPortRule = baseline
    ? celRule(
        "!(self.to.exists(peer, has(peer.networks) || has(peer.nodes)) && has(self.ports) && self.ports.exists(port, has(port.namedPort)))",
        "networks/nodes peer cannot be set with namedPorts since there are no namedPorts for networks/nodes",
      )
    : celRule(
        "!(self.to.exists(peer, has(peer.networks) || has(peer.nodes) || has(peer.domainNames)) && has(self.ports) && self.ports.exists(port, has(port.namedPort)))",
        "networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames",
      );
  const ingress = obj(
    {
      name: str({ maxLength: 100 }),
      action,
      from: list(INGRESS_PEER, { minItems: 1, maxItems: 100 }),
      ports: PORTS,
    },
    { required: ["action", "from"] },
  );
  const egress = obj(
    {
      name: str({ maxLength: 100 }),
      action,
      to: list(egressPeer(!baseline), { minItems: 1, maxItems: 100 }),
      ports: PORTS,
    },
    { required: ["action", "to"], rules: [namedPortRule] },
  );
  return obj(
    {
      ...(baseline ? {} : { priority: int({ minimum: 0, maximum: 1000 }) }),
      subject: SUBJECT,
      ingress: list(ingress, { maxItems: 100 }),
      egress: list(egress, { maxItems: 100 }),
    },
    { required: baseline ? ["subject"] : ["priority", "subject"] },
  );
}

const ANP_SPEC = spec(false);
const BANP_SPEC = spec(true);

export function validateAdminNetworkPolicy(o: Record<string, unknown>): FieldError[] {
  return validateCrdObject(o, ANP_SPEC);
}

export function validateBaselineAdminNetworkPolicy(o: Record<string, unknown>): FieldError[] {
  const errs = validateCrdObject(o, BANP_SPEC);
  // x-kubernetes-validations on the object itself: `self.metadata.name == 'default'`.
  const name = (o.metadata as { name?: unknown } | undefined)?.name;
  if (typeof name === "string" && name !== "default")
    errs.unshift(
      invalid(
        Path.raw("<nil>", ["metadata", "name"]),
        "object",
        'Only one baseline admin network policy with metadata.name="default" can be created in the cluster',
      ),
    );
  return errs;
}
