/**
 * Nodes: the ones the manifests give, or `config.nodes` generated ones named
 * `${nodeNamePrefix}${i}`. What the kubelet registers (hostname/os/arch labels,
 * InternalIP + Hostname addresses, Ready condition) and what the nodeipam
 * controller allocates (consecutive /nodeCIDRMaskSize slices of the pod CIDR)
 * is filled in when missing.
 */
import type { Diagnostic } from "../api/diagnostics.js";
import { type CIDR, cidrAddress, cidrSize, formatCIDR, formatIP, parseCIDR } from "../api/net.js";
import type { Node } from "../api/types.js";
import type { ClusterConfig } from "./config.js";
import { assignUid } from "./hash.js";
import { SYSTEM_ANNOTATION } from "./system-names.js";

export const CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane";

/** The i-th /maskSize slice of the cluster pod CIDR, or undefined past its end. */
export function podCIDRSlice(podCIDR: CIDR, maskSize: number, i: number): CIDR | undefined {
  if (maskSize < podCIDR.prefix) return undefined;
  const count = 1n << BigInt(maskSize - podCIDR.prefix);
  if (BigInt(i) >= count) return undefined;
  const step = cidrSize({ ...podCIDR, prefix: maskSize });
  return {
    family: podCIDR.family,
    base: podCIDR.base + BigInt(i) * step,
    prefix: maskSize,
    hostBitsSet: false,
  };
}

export function deriveNodes(
  given: readonly Node[],
  config: ClusterConfig,
  diagnostics: Diagnostic[],
): Node[] {
  const podCIDR = parseCIDR(config.podCIDR);
  const nodeCIDR = parseCIDR(config.nodeCIDR);
  const generated = given.length === 0;
  const nodes: Node[] = generated
    ? Array.from({ length: config.nodes }, (_, i) => ({
        apiVersion: "v1",
        kind: "Node",
        metadata: {
          name: `${config.nodeNamePrefix}${i + 1}`,
          labels: i === 0 ? { [CONTROL_PLANE_LABEL]: "" } : {},
          annotations: { [SYSTEM_ANNOTATION]: "true" },
        },
      }))
    : given.map((n) => structuredClone(n)).sort((a, b) => cmp(a.metadata?.name, b.metadata?.name));

  // Pod CIDRs: keep the given ones, hand out the lowest free slices to the rest (nodeipam range allocator).
  const usedSlices = new Set<string>();
  for (const n of nodes) {
    for (const c of n.spec?.podCIDRs ?? (n.spec?.podCIDR ? [n.spec.podCIDR] : [])) usedSlices.add(c);
  }
  let nextSlice = 0;
  // Node addresses: keep the given ones, hand out the lowest free addresses of nodeCIDR to the rest.
  const usedIPs = new Set<string>();
  for (const n of nodes) for (const a of n.status?.addresses ?? []) usedIPs.add(a.address);
  let nextIP = 1n;

  for (const n of nodes) {
    const name = n.metadata?.name ?? "";
    assignUid(n);
    const meta = n.metadata ?? {};
    meta.labels = {
      "beta.kubernetes.io/arch": "amd64",
      "beta.kubernetes.io/os": "linux",
      "kubernetes.io/arch": "amd64",
      "kubernetes.io/hostname": name,
      "kubernetes.io/os": "linux",
      ...meta.labels,
    };
    const spec = n.spec ?? {};
    if (!spec.podCIDR && spec.podCIDRs?.[0]) spec.podCIDR = spec.podCIDRs[0];
    if (!spec.podCIDR && podCIDR) {
      let slice: CIDR | undefined;
      for (;;) {
        slice = podCIDRSlice(podCIDR, config.nodeCIDRMaskSize, nextSlice++);
        if (!slice || !usedSlices.has(formatCIDR(slice))) break;
      }
      if (slice) {
        spec.podCIDR = formatCIDR(slice);
        usedSlices.add(spec.podCIDR);
      } else {
        diagnostics.push({
          severity: "error",
          code: "CIDRNotAvailable",
          kind: "Node",
          name,
          field: "spec.podCIDR",
          message: `no remaining /${config.nodeCIDRMaskSize} in pod CIDR ${config.podCIDR} for this node: its pods get no IP`,
        });
      }
    }
    if (spec.podCIDR && !spec.podCIDRs) spec.podCIDRs = [spec.podCIDR];
    n.spec = spec;

    const status = n.status ?? {};
    const addresses = [...(status.addresses ?? [])];
    if (!addresses.some((a) => a.type === "InternalIP") && nodeCIDR) {
      let ip: string | undefined;
      while (nextIP < cidrSize(nodeCIDR) - 1n) {
        const candidate = formatIP(cidrAddress(nodeCIDR, nextIP++));
        if (!usedIPs.has(candidate)) {
          ip = candidate;
          break;
        }
      }
      if (ip) {
        usedIPs.add(ip);
        addresses.unshift({ type: "InternalIP", address: ip });
      } else {
        diagnostics.push({
          severity: "error",
          code: "NodeIPExhausted",
          kind: "Node",
          name,
          message: `no free address left in node CIDR ${config.nodeCIDR}`,
        });
      }
    }
    if (!addresses.some((a) => a.type === "Hostname")) addresses.push({ type: "Hostname", address: name });
    status.addresses = addresses;
    status.conditions ??= [{ type: "Ready", status: "True" }];
    n.status = status;
  }
  return nodes;
}

/** The node the API server runs on: the control-plane-labelled one, else the first by name. */
export function controlPlaneNode(nodes: readonly Node[]): Node | undefined {
  return nodes.find((n) => n.metadata?.labels?.[CONTROL_PLANE_LABEL] !== undefined) ?? nodes[0];
}

export function nodeInternalIP(node: Node): string | undefined {
  return node.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
}

export function nodeReady(node: Node): boolean {
  const c = node.status?.conditions?.find((x) => x.type === "Ready");
  return c === undefined || c.status === "True";
}

function cmp(a: string | undefined, b: string | undefined): number {
  const x = a ?? "";
  const y = b ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
}
