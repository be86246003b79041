/**
 * The address map `michi up` uses: the default 10.0.0.0/8 ↔ 127.0.0.0/8, plus
 * any `--address-map MODEL=LOCAL` the user gives, plus an automatic block for
 * each configured range outside 10/8 (a pod CIDR of 192.168.0.0/16, say).
 * Automatic blocks are carved from the top of 127/8 downwards, aligned to the
 * range's size, skipping the local images of the configured 10/8 ranges and
 * the host's own address, in the order pod, service, node, load-balancer.
 */
import { MichiError } from "../api/diagnostics.js";
import { type CIDR, cidrContains, cidrWithin, formatCIDR, parseCIDR, prefixMask } from "../api/net.js";
import { AddressMap } from "./address-map.js";
import type { ClusterConfig } from "./config.js";

const TEN = parseCIDR("10.0.0.0/8") as CIDR;
const LOOP = parseCIDR("127.0.0.0/8") as CIDR;

function overlaps(a: CIDR, b: CIDR): boolean {
  return cidrWithin(a, b) || cidrWithin(b, a);
}

export function addressMapFor(
  config: ClusterConfig,
  extra: readonly { model: string; local: string }[] = [],
  hostIP = "127.0.0.1",
): AddressMap {
  const mappings = [{ model: "10.0.0.0/8", local: "127.0.0.0/8" }, ...extra];
  const ranges = [config.podCIDR, config.serviceCIDR, config.nodeCIDR, config.loadBalancerCIDR]
    .map((t) => parseCIDR(t))
    .filter((c): c is CIDR => c !== undefined && c.family === 4);
  const reserved: CIDR[] = [];
  const host = parseCIDR(`${hostIP}/32`);
  if (host) reserved.push(host);
  for (const r of ranges)
    if (cidrWithin(r, TEN)) reserved.push({ ...r, base: (r.base & ~prefixMask(4, 8)) | LOOP.base });
  for (const e of extra) {
    const l = parseCIDR(e.local);
    if (l) reserved.push(l);
  }
  let cursor = LOOP.base + (1n << 24n);
  for (const r of ranges) {
    if (
      cidrWithin(r, TEN) ||
      extra.some((e) => {
        const m = parseCIDR(e.model);
        return m !== undefined && cidrWithin(r, m);
      })
    ) {
      continue;
    }
    if (r.prefix < 9) {
      throw new MichiError(
        "BadFlag",
        `range ${formatCIDR(r)} is too large to map onto 127.0.0.0/8; use a /9 or smaller, or --address-map`,
      );
    }
    const size = 1n << BigInt(32 - r.prefix);
    let base = ((cursor - size) / size) * size;
    while (
      base >= LOOP.base &&
      reserved.some((x) => overlaps(x, { family: 4, base, prefix: r.prefix, hostBitsSet: false }))
    ) {
      base -= size;
    }
    if (base < LOOP.base)
      throw new MichiError("BadFlag", `no room in 127.0.0.0/8 for range ${formatCIDR(r)}; use --address-map`);
    const local: CIDR = { family: 4, base, prefix: r.prefix, hostBitsSet: false };
    reserved.push(local);
    mappings.push({ model: formatCIDR(r), local: formatCIDR(local) });
    cursor = base;
  }
  return new AddressMap(mappings);
}

/** Parses `--address-map 192.168.0.0/16=127.168.0.0/16`. */
export function parseAddressMapping(text: string): { model: string; local: string } {
  const [model, local] = text.split("=");
  const m = model ? parseCIDR(model) : undefined;
  const l = local ? parseCIDR(local) : undefined;
  if (
    !m ||
    !l ||
    m.family !== 4 ||
    l.family !== 4 ||
    m.prefix !== l.prefix ||
    !cidrContains(LOOP, { family: 4, value: l.base })
  ) {
    throw new MichiError(
      "BadFlag",
      `--address-map: expected MODEL_CIDR=LOCAL_CIDR of equal size inside 127.0.0.0/8, got ${JSON.stringify(text)}`,
    );
  }
  return { model: formatCIDR(m), local: formatCIDR(l) };
}
