// Node rules: podCIDR(s).
import { describe, expect, it } from "vitest";
import type { Node } from "../types.js";
import { CIDR_MSG, check } from "./testing.js";

const node = (spec: Record<string, unknown>): Node => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name: "node-1" },
  spec,
});

describe("Node validation", () => {
  it.each<{ desc: string; obj: Node; errs: string[] }>([
    { desc: "podCIDR", obj: node({ podCIDR: "10.244.1.0/24" }), errs: [] },
    {
      desc: "bad podCIDR (reported as podCIDRs[0], as upstream)",
      obj: node({ podCIDR: "10.244.1.0" }),
      errs: [`spec.podCIDRs[0]: Invalid value: "10.244.1.0": ${CIDR_MSG}`],
    },
    { desc: "dual-stack podCIDRs", obj: node({ podCIDRs: ["10.244.1.0/24", "fd00:1::/64"] }), errs: [] },
    {
      desc: "one CIDR per family",
      obj: node({ podCIDRs: ["10.244.1.0/24", "10.244.2.0/24"] }),
      errs: [
        'spec.podCIDRs: Invalid value: []string{"10.244.1.0/24", "10.244.2.0/24"}: may specify no more than one CIDR for each IP family',
      ],
    },
    {
      desc: "node name is a subdomain",
      obj: { apiVersion: "v1", kind: "Node", metadata: { name: "node_1" } },
      errs: [
        expect.stringMatching(/^metadata\.name: Invalid value: "node_1": a lowercase RFC 1123 subdomain/),
      ],
    },
  ])("$desc", ({ obj, errs }) => {
    expect(check(obj)).toEqual(errs);
  });
});
