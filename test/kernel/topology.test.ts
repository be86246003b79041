/**
 * The network model's rules, literally: a pod's own IP on its eth0, pod to
 * pod across nodes without NAT (the server sees the client's pod IP), the
 * host namespace never gets a model address or route, and nothing remains
 * after close.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  echoPod,
  hostRoutesAndAddresses,
  idlePod,
  namespacesOf,
  Planes,
  probe,
  requireKernel,
  runIn,
  snapshotOf,
  waitListening,
} from "./harness.js";

const planes = new Planes();
beforeAll(requireKernel);
afterEach(() => planes.closeAll());

const yaml =
  echoPod("server", { app: "server" }, "node-2", [8080]) + idlePod("client", { app: "client" }, "node-1");

describe("kernel topology", () => {
  it("gives each pod its model IP on eth0, routes pods across nodes without NAT, leaves the host alone", async () => {
    const before = hostRoutesAndAddresses();
    const snap = snapshotOf(yaml);
    const plane = await planes.start(snap);
    const server = snap.state.index.pod("default", "server");
    const client = snap.state.index.pod("default", "client");
    const serverIP = server?.status?.podIP ?? "";
    const clientIP = client?.status?.podIP ?? "";
    const cns = plane.podNetns("default/client") ?? "";
    const sns = plane.podNetns("default/server") ?? "";
    const addr = await runIn(cns, ["ip", "-4", "-o", "addr", "show", "dev", "eth0"]);
    expect(addr.stdout).toContain(`inet ${clientIP}/32`);
    expect((await runIn(sns, ["ip", "-4", "-o", "addr", "show", "dev", "eth0"])).stdout).toContain(
      `inet ${serverIP}/32`,
    );
    await waitListening(sns, 8080);
    // The server answers with the address it saw: the client's own pod IP (no NAT between pods).
    expect(await probe(cns, [`${serverIP}:8080`])).toEqual([`open ${clientIP} server`]);
    // The node routes the other node's pod CIDR via that node's InternalIP.
    const n1 = plane.nodeNetns("node-1") ?? "";
    const routes = (await runIn(n1, ["ip", "-4", "route"])).stdout;
    const node2 = snap.state.index.node("node-2");
    const node2IP = node2?.status?.addresses?.find((a) => a.type === "InternalIP")?.address;
    expect(routes).toContain(`${node2?.spec?.podCIDR} via ${node2IP} dev eth0`);
    // Whatever else changes on the host meanwhile, nothing new there names a model address or range.
    const old = new Set(before.split("\n"));
    const added = hostRoutesAndAddresses()
      .split("\n")
      .filter((l) => !old.has(l));
    const model = [
      serverIP,
      clientIP,
      node2IP ?? "",
      snap.state.config.podCIDR.split("/")[0] ?? "",
      "10.244.",
    ];
    expect(added.filter((l) => model.some((m) => m !== "" && l.includes(m)))).toEqual([]);
    expect(hostRoutesAndAddresses()).not.toContain(serverIP);
    const id = plane.id;
    expect(namespacesOf(id).length).toBeGreaterThan(3);
    await planes.closeAll();
    expect(namespacesOf(id)).toEqual([]);
  });

  it("adds and removes pods incrementally: a new pod is reachable, a removed pod's namespace is gone", async () => {
    const snap1 = snapshotOf(yaml);
    const plane = await planes.start(snap1);
    const oldServerNs = plane.podNetns("default/server");
    const snap2 = snapshotOf(
      idlePod("client", { app: "client" }, "node-1") + echoPod("late", { app: "late" }, "node-1", [9000]),
      {},
      snap1,
    );
    await plane.apply(snap2);
    expect(plane.podNetns("default/server")).toBeUndefined();
    expect(namespacesOf(plane.id)).not.toContain(oldServerNs);
    const late = snap2.state.index.pod("default", "late")?.status?.podIP ?? "";
    const lns = plane.podNetns("default/late") ?? "";
    await waitListening(lns, 9000);
    const clientIP = snap2.state.index.pod("default", "client")?.status?.podIP;
    expect(await probe(plane.podNetns("default/client") ?? "", [`${late}:9000`])).toEqual([
      `open ${clientIP} late`,
    ]);
  });
});
