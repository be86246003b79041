import { describe, expect, it } from "vitest";
import { buildCluster } from "../../cluster/build.js";
import { makeConfig } from "../../cluster/config.js";
import { parseYAML } from "../../policy/testing.js";
import { compileTopology, planTopology } from "./topology.js";

const pods = (names: string[], previous?: ReturnType<typeof buildCluster>) =>
  buildCluster(
    parseYAML(
      names
        .map(
          (n) =>
            `apiVersion: v1\nkind: Pod\nmetadata: {name: ${n}, namespace: default}\nspec: {containers: [{name: c, image: x}]}\n---\n`,
        )
        .join(""),
    ),
    makeConfig({ nodes: 2 }),
    previous,
  );

describe("kernel topology plan", () => {
  it("creates the hub, a namespace per node and per pod, and wires pod veths to their node with the gateway", () => {
    const state = pods(["a", "b"]);
    const t = compileTopology(state, "x1");
    expect([...t.nodes.keys()]).toEqual(["node-1", "node-2"]);
    const a = t.pods.get("default/a");
    expect(a).toMatchObject({ netns: "michi-x1-p1", nodeLink: "p1" });
    const plan = planTopology(undefined, t);
    expect(plan.remove).toEqual([]);
    const [create, hub, nodes, podBatches] = plan.phases;
    expect(create?.[0]?.lines).toContain("netns add michi-x1-hub");
    expect(create?.[0]?.lines).toContain("netns add michi-x1-p2");
    expect(hub?.[0]?.lines).toContain("link add n1 type veth peer name eth0 netns michi-x1-n1");
    const node = nodes?.find((b) => b.netns === t.nodes.get(a?.node ?? "")?.netns);
    const gw = t.nodes.get(a?.node ?? "")?.gateway;
    expect(node?.forward).toBe(true);
    expect(node?.lines).toContain(`addr add ${gw}/32 dev p1`);
    expect(node?.lines).toContain(`route replace ${a?.ip}/32 dev p1 src ${t.nodes.get(a?.node ?? "")?.ip}`);
    const pa = podBatches?.find((b) => b.netns === "michi-x1-p1");
    expect(pa?.lines).toContain(`addr add ${a?.ip}/32 dev eth0`);
    expect(pa?.lines).toContain(`route add default via ${gw} dev eth0 src ${a?.ip}`);
    // The hub is the outside world: an address of the node network that no node has.
    expect([...t.nodes.values()].map((n) => n.ip)).not.toContain(t.hubIP);
  });

  it("keeps names stable across syncs and plans only the difference", () => {
    const s1 = pods(["a", "b"]);
    const t1 = compileTopology(s1, "x1");
    const s2 = pods(["a", "c"], s1);
    const t2 = compileTopology(s2, "x1", t1);
    expect(t2.pods.get("default/a")?.netns).toBe(t1.pods.get("default/a")?.netns);
    const c = t2.pods.get("default/c")?.netns;
    expect(c).toBe(`michi-x1-p${t1.nextPod}`);
    const plan = planTopology(t1, t2);
    expect(plan.remove).toEqual([t1.pods.get("default/b")?.netns]);
    expect(plan.phases[0]?.[0]?.lines).toEqual([`netns add ${c}`]);
    expect(plan.phases.flat().some((b) => b.netns === t1.pods.get("default/a")?.netns)).toBe(false);
    expect(planTopology(t2, compileTopology(pods(["a", "c"], s2), "x1", t2)).phases).toEqual([]);
  });
});
