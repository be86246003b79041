/**
 * Who is on the other end of a local socket. Connections arrive from loopback
 * addresses; mapped back through the AddressMap they are a pod (its own
 * address: the pod made the connection), a node, or something outside the
 * cluster. The host's own address (127.0.0.1 by default) is always outside:
 * the machine michi runs on stands for a client on the internet, not for
 * the model address 10.0.0.1 the default map would give it.
 */

import { unmapIPv4 } from "../api/net.js";
import type { Pod } from "../api/types.js";
import type { AddressMap } from "../cluster/address-map.js";
import type { ClusterState } from "../cluster/state.js";
import type { Peer } from "../policy/verdict.js";
import { podKeyOf } from "./pod-manager.js";

export type PeerInfo =
  | { kind: "pod"; pod: Pod; ip: string; local: string; name: string; node: string | undefined }
  | { kind: "node"; node: string; ip: string; local: string; name: string }
  | { kind: "external"; ip: string; local: string; name: string };

export function resolvePeer(local: string, state: ClusterState, map: AddressMap, hostIP: string): PeerInfo {
  const addr = unmapIPv4(local);
  if (addr === hostIP) return { kind: "external", ip: addr, local: addr, name: addr };
  const model = map.toModel(addr);
  if (model === undefined) return { kind: "external", ip: addr, local: addr, name: addr };
  const pod = state.index.podByIP(model);
  if (pod && pod.spec?.hostNetwork !== true) {
    const name = podKeyOf(pod);
    return { kind: "pod", pod, ip: model, local: addr, name, node: pod.spec?.nodeName };
  }
  const node = state.index.nodeByIP(model);
  if (node) return { kind: "node", node: node.metadata?.name ?? "", ip: model, local: addr, name: model };
  return { kind: "external", ip: model, local: addr, name: model };
}

export function policyPeer(p: PeerInfo): Peer {
  return p.kind === "pod" ? { kind: "pod", pod: p.pod } : { kind: "ip", ip: p.ip };
}
