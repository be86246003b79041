// NetworkPolicy rules: peers, ipBlock, ports and endPort, policyTypes.
import { describe, expect, it } from "vitest";
import type { NetworkPolicy } from "../types.js";
import { CIDR_MSG, check, LABEL_VALUE_MSG, merge, PORT_RANGE_MSG } from "./testing.js";

const base: NetworkPolicy = {
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name: "allow-web", namespace: "prod" },
  spec: {
    podSelector: { matchLabels: { app: "web" } },
    policyTypes: ["Ingress"],
    ingress: [{ from: [{ podSelector: { matchLabels: { app: "client" } } }], ports: [{ port: 80 }] }],
  },
};
const np = (spec: unknown) => merge(base, { spec });
const from = (...peers: unknown[]) => np({ ingress: [{ from: peers }] });
const port = (...ports: unknown[]) => np({ ingress: [{ ports }] });

describe("NetworkPolicy validation", () => {
  it.each<{ desc: string; obj: NetworkPolicy; errs: string[] }>([
    { desc: "a policy", obj: base, errs: [] },
    { desc: "empty podSelector selects all pods", obj: np({ podSelector: {} }), errs: [] },
    {
      desc: "namespaceSelector peer",
      obj: from({ namespaceSelector: { matchLabels: { team: "a" } } }),
      errs: [],
    },
    {
      desc: "podSelector and namespaceSelector together",
      obj: from({ namespaceSelector: {}, podSelector: { matchLabels: { app: "x" } } }),
      errs: [],
    },
    {
      desc: "a peer needs a selector or ipBlock",
      obj: from({}),
      errs: ["spec.ingress[0].from[0]: Required value: must specify a peer"],
    },
    {
      desc: "ipBlock with another peer",
      obj: from({ ipBlock: { cidr: "10.0.0.0/8" }, namespaceSelector: {} }),
      errs: ["spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer"],
    },
    {
      desc: "ipBlock cidr required",
      obj: from({ ipBlock: {} }),
      errs: ["spec.ingress[0].from[0].ipBlock.cidr: Required value"],
    },
    {
      desc: "ipBlock cidr format",
      obj: from({ ipBlock: { cidr: "10.0.0.0" } }),
      errs: [`spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0": ${CIDR_MSG}`],
    },
    {
      desc: "except inside cidr",
      obj: from({ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }),
      errs: [],
    },
    {
      desc: "except equal to cidr",
      obj: from({ ipBlock: { cidr: "10.0.0.0/8", except: ["10.0.0.0/8"] } }),
      errs: [
        'spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`',
      ],
    },
    {
      desc: "except outside cidr",
      obj: from({ ipBlock: { cidr: "10.0.0.0/8", except: ["192.168.0.0/16"] } }),
      errs: [
        'spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "192.168.0.0/16": must be a strict subset of `cidr`',
      ],
    },
    {
      desc: "except of the other family",
      obj: from({ ipBlock: { cidr: "0.0.0.0/0", except: ["fd00::/8"] } }),
      errs: [
        'spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "fd00::/8": must be a strict subset of `cidr`',
      ],
    },
    {
      desc: "except format",
      obj: from({ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/33"] } }),
      errs: [`spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.1.0.0/33": ${CIDR_MSG}`],
    },
    {
      desc: "peer selector values",
      obj: from({ podSelector: { matchLabels: { app: "$x" } } }),
      errs: [`spec.ingress[0].from[0].podSelector.matchLabels: Invalid value: "$x": ${LABEL_VALUE_MSG}`],
    },
    {
      desc: "egress peers and ports are checked too",
      obj: np({ policyTypes: ["Egress"], egress: [{ to: [{}], ports: [{ port: 0 }] }] }),
      errs: [
        `spec.egress[0].ports[0].port: Invalid value: 0: ${PORT_RANGE_MSG}`,
        "spec.egress[0].to[0]: Required value: must specify a peer",
      ],
    },
    { desc: "named port", obj: port({ port: "http" }), errs: [] },
    {
      desc: "bad named port",
      obj: port({ port: "HTTP-" }),
      errs: [
        'spec.ingress[0].ports[0].port: Invalid value: "HTTP-": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'spec.ingress[0].ports[0].port: Invalid value: "HTTP-": must contain at least one letter (a-z)',
        'spec.ingress[0].ports[0].port: Invalid value: "HTTP-": must not begin or end with a hyphen',
      ],
    },
    {
      desc: "protocols (in upstream's order)",
      obj: port({ port: 80, protocol: "ICMP" }),
      errs: [
        'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
      ],
    },
    { desc: "port range", obj: port({ port: 32000, endPort: 32768 }), errs: [] },
    {
      desc: "endPort below port",
      obj: port({ port: 32000, endPort: 31000 }),
      errs: [
        "spec.ingress[0].ports[0].endPort: Invalid value: 31000: must be greater than or equal to `port`",
      ],
    },
    {
      desc: "endPort out of range",
      obj: port({ port: 32000, endPort: 70000 }),
      errs: [`spec.ingress[0].ports[0].endPort: Invalid value: 70000: ${PORT_RANGE_MSG}`],
    },
    {
      desc: "endPort with a named port",
      obj: port({ port: "http", endPort: 90 }),
      errs: [
        "spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is non-numeric",
      ],
    },
    {
      desc: "endPort without a port",
      obj: port({ endPort: 90 }),
      errs: [
        "spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is not specified",
      ],
    },
    {
      desc: "policyTypes values",
      obj: np({ policyTypes: ["ingress"] }),
      errs: ['spec.policyTypes[0]: Unsupported value: "ingress": supported values: "Ingress", "Egress"'],
    },
    {
      desc: "at most two policyTypes",
      obj: np({ policyTypes: ["Ingress", "Egress", "Ingress"] }),
      errs: [
        'spec.policyTypes: Invalid value: []networking.PolicyType{"Ingress", "Egress", "Ingress"}: may not specify more than two policyTypes',
      ],
    },
  ])("$desc", ({ obj, errs }) => {
    expect(check(obj)).toEqual(errs);
  });
});
