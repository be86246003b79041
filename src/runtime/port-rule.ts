/**
 * The port rule: which local port serves a model port. Unprivileged processes
 * cannot bind ports below 1024, so without root michi adds a fixed offset to
 * those ports (80 → 10080, 443 → 10443, 53 → 10053); as root it uses the real
 * port. The offset is a flag (`--low-port-offset`) so tests can pin either rule.
 */

export const DEFAULT_LOW_PORT_OFFSET = 10000;

export interface PortRule {
  /** Added to model ports below 1024; 0 keeps them. */
  readonly lowPortOffset: number;
}

/** Root (uid 0) binds low ports itself; everyone else gets the documented offset. */
export function defaultPortRule(): PortRule {
  const uid = typeof process.getuid === "function" ? process.getuid() : -1;
  return { lowPortOffset: uid === 0 ? 0 : DEFAULT_LOW_PORT_OFFSET };
}

export function localPort(modelPort: number, rule: PortRule): number {
  return modelPort < 1024 ? modelPort + rule.lowPortOffset : modelPort;
}
