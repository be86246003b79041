import { describe, expect, it } from "vitest";
import { qualify } from "./names.js";

describe("qualify (-n for pods and workloads)", () => {
  it.each([
    ["postgres-0", "idp-system", "idp-system/postgres-0"],
    ["postgres-0", undefined, "postgres-0"],
    ["deployment/frontend", "idp-system", "deployment/idp-system/frontend"],
    ["deploy/frontend", undefined, "deploy/default/frontend"],
    ["svc/redis", "idp-system", "svc/idp-system/redis"],
    ["idp-system/postgres-0", "other", "idp-system/postgres-0"],
    ["deployment/idp-system/frontend", "other", "deployment/idp-system/frontend"],
    ["10.244.0.6", "other", "10.244.0.6"],
    ["redis.idp-system", "other", "redis.idp-system"],
  ])("%s with -n %s → %s", (ref, ns, want) => {
    expect(qualify(ref, ns)).toBe(want);
  });
});
