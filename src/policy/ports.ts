/**
 * NetworkPolicyPort semantics: protocol defaults to TCP; an entry without a
 * port means every port of its protocol; `endPort` makes a range; a named
 * port resolves on the DESTINATION pod's containerPorts (name and protocol),
 * for ingress and egress rules alike. A rule with no `ports` matches every
 * port of every protocol.
 */
import type { ContainerPort, NetworkPolicyPort, Protocol } from "../api/types.js";

export interface CompiledPort {
  readonly protocol: Protocol;
  /** `all`: every port of `protocol`; `range`: port..endPort (a single port has endPort = port); `named`: resolved on the destination. */
  readonly kind: "all" | "range" | "named";
  readonly port: number;
  readonly endPort: number;
  readonly name: string;
  /** `TCP/80`, `TCP/8000-8080`, `TCP/http`, `UDP/*`. */
  readonly text: string;
}

export function compilePort(p: NetworkPolicyPort): CompiledPort {
  const protocol: Protocol = p.protocol ?? "TCP";
  if (p.port === undefined || p.port === null) {
    return { protocol, kind: "all", port: 0, endPort: 0, name: "", text: `${protocol}/*` };
  }
  if (typeof p.port === "string") {
    // A numeric string is what YAML authors sometimes write ("80"); the API
    // server stores IntOrString and a digit-only string is never a valid port name.
    if (/^\d+$/.test(p.port)) return compilePort({ ...p, port: Number(p.port) });
    return { protocol, kind: "named", port: 0, endPort: 0, name: p.port, text: `${protocol}/${p.port}` };
  }
  const end = p.endPort !== undefined && p.endPort >= p.port ? p.endPort : p.port;
  return {
    protocol,
    kind: "range",
    port: p.port,
    endPort: end,
    name: "",
    text: end === p.port ? `${protocol}/${p.port}` : `${protocol}/${p.port}-${end}`,
  };
}

/** Does this entry admit `protocol`/`port` towards a destination exposing `dstPorts`? */
export function portMatches(
  p: CompiledPort,
  port: number,
  protocol: Protocol,
  dstPorts: readonly ContainerPort[] | undefined,
): boolean {
  if (p.protocol !== protocol) return false;
  switch (p.kind) {
    case "all":
      return true;
    case "range":
      return port >= p.port && port <= p.endPort;
    case "named":
      if (!dstPorts) return false;
      for (const cp of dstPorts) {
        if (cp.name === p.name && (cp.protocol ?? "TCP") === protocol && cp.containerPort === port)
          return true;
      }
      return false;
  }
}

/** All containerPorts of a pod, sidecar (restartable init) containers included. */
export function podContainerPorts(
  spec:
    | {
        containers?: { ports?: ContainerPort[] }[];
        initContainers?: { ports?: ContainerPort[]; restartPolicy?: string }[];
      }
    | undefined,
): ContainerPort[] {
  const out: ContainerPort[] = [];
  for (const c of spec?.containers ?? []) for (const p of c.ports ?? []) out.push(p);
  for (const c of spec?.initContainers ?? [])
    if (c.restartPolicy === "Always") for (const p of c.ports ?? []) out.push(p);
  return out;
}
