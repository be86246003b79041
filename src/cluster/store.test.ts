import { describe, expect, it } from "vitest";
import type { KubeObject } from "../api/types.js";
import { ObjectStore, type StoreEvent, storeKey } from "./store.js";

const svc = (name: string, port = 80): KubeObject => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace: "shop" },
  spec: { ports: [{ port }] },
});

describe("ObjectStore", () => {
  it("keys namespaced and cluster-scoped objects", () => {
    expect(storeKey(svc("a"))).toBe("Service/shop/a");
    expect(storeKey({ kind: "Namespace", metadata: { name: "shop", namespace: "x" } })).toBe(
      "Namespace//shop",
    );
    expect(storeKey({ kind: "Pod", metadata: { name: "p" } })).toBe("Pod/default/p");
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
});
