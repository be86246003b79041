/**
 * The one documented mapping from model addresses onto the loopback range.
 *
 * Model addresses (pod IPs, cluster IPs, node IPs, LoadBalancer IPs) keep
 * their identity everywhere michi reasons about them; `michi up` serves each
 * on a local address. Default: 10.A.B.C ↔ 127.A.B.C. A range outside 10/8
 * that a user configures gets its own block of 127/8 of the same size,
 * assigned in the order given (see docs/addresses.md).
 */
import { type CIDR, cidrContains, formatIP, parseCIDR, parseIP } from "../api/net.js";

export interface AddressMapping {
  model: CIDR;
  local: CIDR;
}

export class AddressMap {
  readonly mappings: readonly AddressMapping[];

  constructor(mappings: readonly { model: string; local: string }[]) {
    this.mappings = mappings.map(({ model, local }) => {
      const m = parseCIDR(model);
      const l = parseCIDR(local);
      if (!m || !l || m.family !== 4 || l.family !== 4 || m.prefix !== l.prefix) {
        throw new Error(
          `invalid address mapping ${model} -> ${local}: both must be IPv4 CIDRs of the same size`,
        );
      }
      return { model: m, local: l };
    });
  }

  /** Model address → local (loopback) address; undefined when no mapping covers it. */
  toLocal(ip: string): string | undefined {
    return this.translate(ip, "model", "local");
  }

  /** Local (loopback) address → model address. */
  toModel(ip: string): string | undefined {
    return this.translate(ip, "local", "model");
  }

  private translate(ip: string, from: "model" | "local", to: "model" | "local"): string | undefined {
    const p = parseIP(ip);
    if (p?.family !== 4) return undefined;
    // The most specific mapping wins, so a user range carved out of 127/8 takes precedence over 10/8.
    let best: AddressMapping | undefined;
    for (const m of this.mappings) {
      if (cidrContains(m[from], p) && (!best || m[from].prefix > best[from].prefix)) best = m;
    }
    return best && formatIP({ family: 4, value: best[to].base + (p.value - best[from].base) });
  }
}

/** The default map: 10.0.0.0/8 ↔ 127.0.0.0/8. */
export function defaultAddressMap(): AddressMap {
  return new AddressMap([{ model: "10.0.0.0/8", local: "127.0.0.0/8" }]);
}
