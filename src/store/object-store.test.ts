import { describe, expect, it } from "vitest";
import { objectKey } from "../api/kinds.js";
import type { KubeObject } from "../api/types.js";
import { ObjectStore, type StoreEvent } from "./object-store.js";

const svc = (name: string, port = 80): KubeObject => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace: "shop" },
  spec: { ports: [{ port }] },
});

describe("ObjectStore", () => {
  it("keys namespaced and cluster-scoped objects", () => {
    expect(objectKey(svc("a"))).toBe("Service/shop/a");
    expect(objectKey({ kind: "Namespace", metadata: { name: "shop", namespace: "x" } })).toBe(
      "Namespace//shop",
    );
    expect(objectKey({ kind: "Pod", metadata: { name: "p" } })).toBe("Pod/default/p");
  });

  it("applies, replaces, ignores no-op applies and deletes, with increasing versions and one notification per batch", () => {
    const store = new ObjectStore();
    const batches: (readonly StoreEvent[])[] = [];
    const stop = store.watch((e) => batches.push(e));
    expect(store.apply([svc("a"), svc("b")]).map((e) => e.type)).toEqual(["ADDED", "ADDED"]);
    expect(store.apply([svc("a")])).toEqual([]);
    const [mod] = store.apply([svc("a", 81)]);
    expect(mod?.type).toBe("MODIFIED");
    expect(mod?.resourceVersion).toBe(3);
    expect(store.get("Service/shop/a")).toEqual(svc("a", 81));
    expect(store.delete([svc("b"), svc("missing")]).map((e) => e.type)).toEqual(["DELETED"]);
    expect(store.size).toBe(1);
    expect(store.resourceVersion).toBe(4);
    expect(batches.map((b) => b.length)).toEqual([2, 1, 1]);
    stop();
    store.apply([svc("c")]);
    expect(batches).toHaveLength(3);
    expect(store.objects().map((o) => o.metadata?.name)).toEqual(["a", "c"]);
  });

  it("keeps files and applied layers: apply overrides a file object until the file changes, delete hides it", () => {
    const store = new ObjectStore();
    store.commit(store.planFiles([svc("a"), svc("b")]));
    const applied = store.planApply([svc("a", 81), svc("c")]);
    expect(Object.fromEntries(applied.outcomes)).toEqual({
      "Service/shop/a": "configured",
      "Service/shop/c": "created",
    });
    store.commit(applied);
    // A reload with unchanged files keeps what apply did.
    const same = store.planFiles([svc("a"), svc("b")]);
    expect(same.noop).toBe(true);
    store.commit(same);
    expect(store.get("Service/shop/a")).toEqual(svc("a", 81));
    // Deleting a file object hides it across reloads of the same files.
    const del = store.planDelete([svc("b"), svc("nope")]);
    expect(del.missing).toEqual(["Service/shop/nope"]);
    store.commit(del);
    store.commit(store.planFiles([svc("a"), svc("b")]));
    expect(store.objects().map((o) => o.metadata?.name)).toEqual(["a", "c"]);
    // Last write wins: editing the file replaces what apply and delete did.
    store.commit(store.planFiles([svc("a", 82), svc("b", 90)]));
    expect(store.get("Service/shop/a")).toEqual(svc("a", 82));
    expect(store.get("Service/shop/b")).toEqual(svc("b", 90));
  });

  it("an identical re-apply is unchanged and a no-op; defaults the namespace as kubectl does", () => {
    const store = new ObjectStore([svc("a")]);
    const again = store.planApply([svc("a")]);
    expect(again.noop).toBe(true);
    expect(again.outcomes.get("Service/shop/a")).toBe("unchanged");
    const bare = store.planApply([{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }]);
    expect([...bare.outcomes.keys()]).toEqual(["ConfigMap/default/x"]);
    expect(bare.objects.find((o) => o.kind === "ConfigMap")?.metadata?.namespace).toBe("default");
  });

  it("reports API metadata: resourceVersion per change, stable uid and creationTimestamp, generation on spec changes", () => {
    const store = new ObjectStore([svc("a")]);
    const m1 = store.meta("Service/shop/a");
    expect(m1?.resourceVersion).toBe(1);
    expect(m1?.generation).toBe(1);
    store.apply([{ ...svc("a"), metadata: { name: "a", namespace: "shop", labels: { x: "y" } } }]);
    const m2 = store.meta("Service/shop/a");
    expect(m2?.uid).toBe(m1?.uid);
    expect(m2?.creationTimestamp).toBe(m1?.creationTimestamp);
    expect(m2?.resourceVersion).toBe(2);
    expect(m2?.generation).toBe(1);
    store.apply([svc("a", 99)]);
    expect(store.meta("Service/shop/a")?.generation).toBe(2);
    store.delete([svc("a")]);
    expect(store.meta("Service/shop/a")).toBeUndefined();
    store.apply([svc("a")]);
    expect(store.meta("Service/shop/a")?.uid).not.toBe(m1?.uid);
  });

  it("replays events after a resourceVersion and refuses a stale plan", () => {
    const store = new ObjectStore([svc("a"), svc("b")]);
    const stale = store.planApply([svc("c")]);
    store.apply([svc("a", 81)]);
    expect(() => store.commit(stale)).toThrow(/plan again/);
    expect(store.eventsSince(1)?.map((e) => [e.type, e.key, e.resourceVersion])).toEqual([
      ["ADDED", "Service/shop/b", 2],
      ["MODIFIED", "Service/shop/a", 3],
    ]);
    expect(store.eventsSince(3)).toEqual([]);
  });
});
