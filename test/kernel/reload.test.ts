/**
 * A reload keeps established connections (conntrack): a connection opened
 * while allowed keeps working after a policy that denies it is applied,
 * while a new connection of the same kind is dropped at its SYN.
 */
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, idlePod, Planes, probe, requireKernel, snapshotOf, waitListening } from "./harness.js";

const LINE_ECHO = join(FIXTURES, "line-echo.py");
const base = `apiVersion: v1
kind: Pod
metadata:
  name: srv
  namespace: default
  labels: {app: srv}
  annotations: {michi.dev/command: "python3 ${LINE_ECHO} serve 7000"}
spec: {nodeName: node-2, containers: [{name: c, image: x, ports: [{containerPort: 7000}]}]}
---
${idlePod("client", { app: "client" }, "node-1")}`;
const deny = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: default}
spec: {podSelector: {matchLabels: {app: srv}}, policyTypes: [Ingress]}
---
`;

const planes = new Planes();
beforeAll(requireKernel);
afterAll(() => planes.closeAll());

describe("kernel reload", () => {
  it("keeps an established connection across a denying policy change; new ones are dropped", async () => {
    const snap = snapshotOf(base);
    const plane = await planes.start(snap);
    await waitListening(plane.podNetns("default/srv") ?? "", 7000);
    const ip = snap.state.index.pod("default", "srv")?.status?.podIP ?? "";
    const child = plane.exec("default/client", ["python3", LINE_ECHO, "connect", ip, "7000"]);
    try {
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
      const say = async (s: string) => {
        child.stdin?.write(`${s}\n`);
        return (await lines.next()).value;
      };
      expect(await say("one")).toBe("reply one");
      await plane.apply(snapshotOf(base + deny, {}, snap));
      expect(await say("two")).toBe("reply two");
      expect(await probe(plane.podNetns("default/client") ?? "", [`${ip}:7000`])).toEqual(["timeout"]);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
